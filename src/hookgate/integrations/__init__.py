"""hookgate.integrations"""
