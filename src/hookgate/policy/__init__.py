"""Policies: load -> validate -> compile -> evaluate."""
