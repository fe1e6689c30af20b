"""hookgate.kernel"""
