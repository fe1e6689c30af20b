"""hookgate: YAML policies compiled into matcher-based hooks for AI agents."""

__version__ = "0.1.0"
