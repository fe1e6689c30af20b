"""The committed JSON Schemas in ``schemas/`` and the functions that generate them.

Generators are imported lazily (``module:function``) so that ``hookgate
schema`` works from any checkout and one broken generator is reported by
name instead of hiding the others. Output is canonical (2-space indent,
sorted keys, trailing newline) so ``--check`` can compare bytes.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hookgate.diagnostics import HookgateError

__all__ = ["SCHEMAS", "GeneratorError", "SchemaDrift", "check_schemas", "generate", "render_schema", "write_schemas"]

#: committed file name -> "module:function" returning the schema dict
SCHEMAS: dict[str, str] = {
    "policy.schema.json": "hookgate.policy.schema:policy_json_schema",
    "decision-record.schema.json": "hookgate.audit.schema:decision_record_json_schema",
    "mount-plan.schema.json": "hookgate.mountplan.schema:mount_plan_json_schema",
    "hooks-policy.config.schema.json": "hookgate.mountplan.schema:hooks_policy_config_json_schema",
}


class GeneratorError(HookgateError):
    """A generator that cannot be imported or fails; names the file and the target."""


@dataclass(frozen=True, slots=True)
class SchemaDrift:
    """One committed file that differs from what its generator produces now."""

    filename: str
    reason: str


def generate(filename: str) -> dict[str, Any]:
    """Run the generator of one committed schema file."""
    target = SCHEMAS[filename]
    module_name, _, func_name = target.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        schema = func()
    except Exception as exc:  # import errors and generator bugs alike are reported by file
        raise GeneratorError(f"cannot generate `{filename}` with `{target}`: {type(exc).__name__}: {exc}") from None
    if not isinstance(schema, dict):
        raise GeneratorError(f"`{target}` returned {type(schema).__name__}, not a json schema object")
    return schema


def render_schema(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[str]:
    """Regenerate every schema into ``folder``; returns the names of files that changed."""
    folder.mkdir(parents=True, exist_ok=True)
    changed = []
    for filename in SCHEMAS:
        text = render_schema(generate(filename))
        target = folder / filename
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(filename)
    return changed


def check_schemas(folder: Path) -> list[SchemaDrift]:
    """Committed files that are missing or differ from their generator's output."""
    drift = []
    for filename in SCHEMAS:
        target = folder / filename
        if not target.is_file():
            drift.append(SchemaDrift(filename, "missing"))
        elif target.read_text(encoding="utf-8") != render_schema(generate(filename)):
            drift.append(SchemaDrift(filename, "out of date"))
    return drift
