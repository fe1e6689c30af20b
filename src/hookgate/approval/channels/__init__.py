"""hookgate.approval.channels"""
