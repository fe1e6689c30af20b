"""Where the config schema of a module (by module id) comes from.

Lookup order, first hit wins:

1. hookgate's own modules (``hooks-policy``, ``hooks-decision-log``): their
   pydantic models. Nothing can replace these, so an installed package can
   never loosen the checks on hookgate's security settings.
2. folders given by the caller (``hookgate validate --schemas DIR``), then
   the bundled folder ``hookgate/mountplan/configs/schemas/``: a file
   ``<module-id>.schema.json`` holding a JSON Schema (2020-12).
3. the entry point group ``hookgate.module_schemas``: the entry point's name
   is the module id; it loads a JSON Schema ``dict``, a callable returning
   one, or a pydantic model class. In a module's ``pyproject.toml``::

       [project.entry-points."hookgate.module_schemas"]
       provider-acme = "acme_provider.config:config_schema"

A module without a schema is not checked (its config stays free-form).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from hookgate.diagnostics import HookgateError
from hookgate.mountplan.configs.hooks_policy import DecisionLogHookConfig, HooksPolicyConfig

__all__ = ["BUILTIN_CONFIG_MODELS", "BUNDLED_SCHEMA_DIR", "ENTRY_POINT_GROUP", "ConfigSchema", "find_config_schema"]

ENTRY_POINT_GROUP = "hookgate.module_schemas"
BUNDLED_SCHEMA_DIR = Path(__file__).parent / "schemas"
BUILTIN_CONFIG_MODELS: dict[str, type[BaseModel]] = {
    "hooks-policy": HooksPolicyConfig,
    "hooks-decision-log": DecisionLogHookConfig,
}


@dataclass(frozen=True, slots=True)
class ConfigSchema:
    """A module's config schema: a pydantic ``model`` or a JSON Schema ``json`` (exactly one)."""

    module: str
    origin: str
    model: type[BaseModel] | None = None
    json: dict[str, Any] | None = None


class SchemaSourceError(HookgateError):
    """A schema file or entry point that cannot be loaded (reported, never ignored)."""


def find_config_schema(module: str, *, schema_dirs: Sequence[Path] = ()) -> ConfigSchema | None:
    """The config schema for ``module`` or None; raises :class:`SchemaSourceError` for a broken one."""
    if module in BUILTIN_CONFIG_MODELS:
        return ConfigSchema(module, "hookgate", model=BUILTIN_CONFIG_MODELS[module])
    for folder in (*schema_dirs, BUNDLED_SCHEMA_DIR):
        candidate = folder / f"{module}.schema.json"
        if candidate.is_file():
            return ConfigSchema(module, str(candidate), json=_read_schema_file(candidate))
    return _from_entry_point(module)


def _read_schema_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SchemaSourceError(f"cannot read config schema `{path}`: {exc}") from None
    if not isinstance(data, dict):
        raise SchemaSourceError(f"config schema `{path}` is not a json object")
    return data


def _from_entry_point(module: str) -> ConfigSchema | None:
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if ep.name != module:
            continue
        try:
            obj = ep.load()
            if callable(obj) and not (isinstance(obj, type) and issubclass(obj, BaseModel)):
                obj = obj()
        except Exception as exc:  # a third-party plugin may fail in any way; report it
            raise SchemaSourceError(f"entry point `{ep.value}` for module `{module}` failed: {exc}") from None
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            return ConfigSchema(module, ep.value, model=obj)
        if isinstance(obj, dict):
            return ConfigSchema(module, ep.value, json=obj)
        raise SchemaSourceError(f"entry point `{ep.value}` for module `{module}` gave neither a schema nor a model")
    return None
