"""Loading: safe YAML/JSON with positions, and model validation at those positions."""

from hookgate.load.validate import data_path, format_path, validate_document, validation_diagnostics
from hookgate.load.yaml import LoadedDocument, PathKey, PositionMap, load_yaml_file, load_yaml_text

__all__ = [
    "LoadedDocument",
    "PathKey",
    "PositionMap",
    "data_path",
    "format_path",
    "load_yaml_file",
    "load_yaml_text",
    "validate_document",
    "validation_diagnostics",
]
