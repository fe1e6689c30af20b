"""hookgate.mountplan"""
