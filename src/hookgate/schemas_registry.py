"""The committed JSON Schemas in ``schemas/`` and the functions that generate them.

Generators are imported lazily (``module:function``) so that ``hookgate
schema`` works from any checkout and one broken generator is reported by
name instead of hiding the others. Output is canonical (2-space indent,
sorted keys, trailing newline) so ``--check`` can compare bytes.

The schemas folder holds hookgate's generated schemas. Any other
``*.schema.json`` directly in it is *stale*: a schema hookgate no longer
generates (its ``$id`` is hookgate's, e.g. one a renamed model used to write)
is removed when the schemas are written, and fails ``--check`` until it is;
a ``*.schema.json`` that hookgate never wrote (another ``$id``, or not a
schema at all) is never deleted, but fails both, naming the file, because
``--check`` could otherwise never pass. Other files (README, subfolders)
are not looked at.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hookgate.diagnostics import HookgateError

__all__ = [
    "ID_PREFIX",
    "SCHEMAS",
    "GeneratorError",
    "SchemaDrift",
    "StaleSchema",
    "check_schemas",
    "generate",
    "remove_stale_schemas",
    "render_schema",
    "stale_schemas",
    "write_schemas",
]

#: every generated schema's ``$id`` is this prefix plus its file name
ID_PREFIX = "https://hookgate.dev/schemas/"
SUFFIX = ".schema.json"

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
    """One committed file that differs from what hookgate generates now.

    ``reason`` is ``missing``, ``out of date``, ``stale`` (a schema hookgate
    no longer generates) or ``not generated`` (a ``*.schema.json`` hookgate
    never wrote).
    """

    filename: str
    reason: str


@dataclass(frozen=True, slots=True)
class StaleSchema:
    """A ``*.schema.json`` in the schemas folder that hookgate does not generate; ``ours`` when its
    ``$id`` says hookgate wrote it (so writing the schemas may remove it)."""

    filename: str
    ours: bool


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
    """Committed files that are missing or differ from their generator's output, then stale ones."""
    drift = []
    for filename in SCHEMAS:
        target = folder / filename
        if not target.is_file():
            drift.append(SchemaDrift(filename, "missing"))
        elif target.read_text(encoding="utf-8") != render_schema(generate(filename)):
            drift.append(SchemaDrift(filename, "out of date"))
    drift += [SchemaDrift(s.filename, "stale" if s.ours else "not generated") for s in stale_schemas(folder)]
    return drift


def stale_schemas(folder: Path) -> list[StaleSchema]:
    """The ``*.schema.json`` files directly in ``folder`` that hookgate does not generate, by name."""
    if not folder.is_dir():
        return []
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(SUFFIX) and p.is_file())
    return [StaleSchema(name, _written_by_hookgate(folder / name)) for name in names if name not in SCHEMAS]


def remove_stale_schemas(folder: Path) -> tuple[list[str], list[str]]:
    """Delete the stale schemas hookgate wrote; returns ``(removed, kept)``, ``kept`` being the
    ``*.schema.json`` files hookgate never wrote (never deleted)."""
    removed, kept = [], []
    for stale in stale_schemas(folder):
        if stale.ours:
            (folder / stale.filename).unlink()
            removed.append(stale.filename)
        else:
            kept.append(stale.filename)
    return removed, kept


def _written_by_hookgate(path: Path) -> bool:
    """Whether the file's ``$id`` is the one hookgate gives a schema of that name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and data.get("$id") == ID_PREFIX + path.name
