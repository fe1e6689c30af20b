"""Matchers for event fields: text operators, commands, paths, URLs, secrets."""
