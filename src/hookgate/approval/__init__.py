"""hookgate.approval"""
