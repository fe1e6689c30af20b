"""hookgate.audit"""
