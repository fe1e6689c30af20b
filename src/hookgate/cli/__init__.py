"""hookgate.cli"""
