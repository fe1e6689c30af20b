"""Schema and semantic validation of a mount plan, returning every diagnostic.

Checks run on the raw loaded data as well as the model, so one run reports
as much as possible: schema errors, malformed ``${VAR}`` references, module
sources, duplicate mounts, each module's config against its schema, and for
``hooks-policy`` that its policy files exist and compile (inline rules too,
at their positions in the plan) and that ``enabled_events`` names events.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hookgate.diagnostics import Diagnostic, DiagnosticError
from hookgate.load.validate import validation_diagnostics
from hookgate.load.yaml import LoadedDocument, PathKey, load_yaml_file
from hookgate.mountplan.configs.hooks_policy import DecisionLogHookConfig, HooksPolicyConfig
from hookgate.mountplan.configs.registry import ConfigSchema, SchemaSourceError, find_config_schema
from hookgate.mountplan.envvars import has_refs, reference_diagnostics
from hookgate.mountplan.jsonschema_diag import json_schema_diagnostics
from hookgate.mountplan.model import MountPlan
from hookgate.mountplan.policy_check import check_events, check_policies
from hookgate.mountplan.sources import SourceError, parse_source

__all__ = ["validate_mount_plan", "validate_mount_plan_file"]

_MODULE_LISTS = ("providers", "tools", "hooks")


def validate_mount_plan_file(
    path: str | os.PathLike[str], *, schema_dirs: Sequence[Path] = (), env: Mapping[str, str] | None = None
) -> list[Diagnostic]:
    """Load and validate one mount-plan file (YAML or JSON)."""
    try:
        doc = load_yaml_file(path)
    except DiagnosticError as exc:
        return list(exc.diagnostics)
    return validate_mount_plan(doc, base_dir=Path(path).parent, schema_dirs=schema_dirs, env=env)


def validate_mount_plan(
    doc: LoadedDocument,
    *,
    base_dir: Path,
    schema_dirs: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
) -> list[Diagnostic]:
    """Every problem in a loaded mount plan; ``env`` given = also report unset variables."""
    if not isinstance(doc.data, dict):
        return [Diagnostic("schema.model_type", "a mount plan must be a mapping", doc.positions.value(()))]
    out = reference_diagnostics(doc.data, doc.positions, env=env)
    out += _schema(doc)
    for path, ref in _module_refs(doc.data):
        out += _source_warning(ref, path, doc)
        out += _module_config(ref, path, doc, base_dir=base_dir, schema_dirs=schema_dirs)
    for section in _MODULE_LISTS:
        out += _duplicates(doc, section)
    return sorted(set(out), key=Diagnostic.sort_key)


def _schema(doc: LoadedDocument) -> list[Diagnostic]:
    try:
        MountPlan.model_validate(doc.data)
    except ValidationError as exc:
        found = validation_diagnostics(exc, MountPlan, doc.data, doc.positions)
        return [d for d in found if not _deferred(d, doc)]
    return []


def _deferred(diag: Diagnostic, doc: LoadedDocument) -> bool:
    """A type error on a ``${VAR}`` value is decided at mount time, after expansion."""
    if diag.code in ("schema.missing_field", "schema.unknown_field", "schema.bad_module_id"):
        return False
    paths = [p for p, loc in doc.positions.values.items() if loc == diag.location]
    return any(has_refs(_at(doc.data, p)) for p in paths)


def _at(data: Any, path: PathKey) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _module_refs(data: dict[str, Any]) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    """Every ``{module: …}`` mapping in the plan, with its path."""
    session = data.get("session")
    if isinstance(session, dict):
        for key in ("orchestrator", "context"):
            if isinstance(session.get(key), dict) and isinstance(session[key].get("module"), str):
                yield ("session", key), session[key]
    for section in _MODULE_LISTS:
        items = data.get(section)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict) and isinstance(item.get("module"), str):
                    yield (section, i), item


def _source_warning(ref: dict[str, Any], path: PathKey, doc: LoadedDocument) -> list[Diagnostic]:
    source = ref.get("source")
    if not isinstance(source, str):
        return []
    try:
        form = parse_source(source)
    except SourceError:
        return []  # reported by the schema check
    if form.pinned:
        return []
    return [Diagnostic("mountplan.unpinned_source", f"git source `{source}` is not pinned to a ref",
                       doc.positions.value((*path, "source")), severity="warning",
                       help="append `@<tag or commit>` so the code that runs is the code that was reviewed")]


def _duplicates(doc: LoadedDocument, section: str) -> list[Diagnostic]:
    items = doc.data.get(section)
    if not isinstance(items, list):
        return []
    seen: dict[tuple[str, object], int] = {}
    out: list[Diagnostic] = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("module"), str):
            continue
        if not isinstance(item.get("instance_id"), str | None):
            continue  # reported by the schema check
        key = (item["module"], item.get("instance_id"))
        if key in seen:
            out.append(_duplicate(doc, section, i, seen[key], item))
        else:
            seen[key] = i
    return out


def _duplicate(doc: LoadedDocument, section: str, i: int, first: int, item: dict[str, Any]) -> Diagnostic:
    first_line = doc.positions.value((section, first)).line
    if item.get("instance_id") is None:
        return Diagnostic("mountplan.duplicate_module",
                          f"module `{item['module']}` is mounted twice in `{section}` (first at line {first_line})",
                          doc.positions.value((section, i, "module")),
                          help="give each mount a distinct `instance_id`")
    return Diagnostic("mountplan.duplicate_instance_id",
                      f"`{item['module']}` instance `{item['instance_id']}` is mounted twice in `{section}` "
                      f"(first at line {first_line})", doc.positions.value((section, i, "instance_id")))


def _module_config(
    ref: dict[str, Any], path: PathKey, doc: LoadedDocument, *, base_dir: Path, schema_dirs: Sequence[Path]
) -> list[Diagnostic]:
    config = ref.get("config", {})
    if config is None:
        config = {}
    if not isinstance(config, dict):
        return []  # reported by the schema check
    try:
        schema = find_config_schema(ref["module"], schema_dirs=schema_dirs)
    except SchemaSourceError as exc:
        return [Diagnostic("mountplan.bad_config_schema", str(exc), doc.positions.value((*path, "module")))]
    if schema is None:
        return []
    prefix: PathKey = (*path, "config")
    out = _config_schema(schema, config, prefix, doc)
    if schema.model is HooksPolicyConfig:
        out += _hooks_policy(config, prefix, doc, base_dir)
    if schema.model is DecisionLogHookConfig and isinstance(config.get("events"), list):
        out += check_events(config["events"], doc.positions, prefix=(*prefix, "events"))
    return out


def _config_schema(schema: ConfigSchema, config: dict[str, Any], prefix: PathKey,
                   doc: LoadedDocument) -> list[Diagnostic]:
    if schema.json is not None:
        return [d for d in json_schema_diagnostics(schema.json, config, doc.positions, prefix=prefix)
                if not _deferred(d, doc)]
    assert schema.model is not None
    try:
        schema.model.model_validate(config)
    except ValidationError as exc:
        found = validation_diagnostics(exc, schema.model, config, doc.positions, prefix=prefix)
        return [d for d in found if not _deferred(d, doc)]
    return []


def _hooks_policy(config: dict[str, Any], prefix: PathKey, doc: LoadedDocument, base_dir: Path) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    events = config.get("enabled_events")
    if isinstance(events, list):
        out += check_events(events, doc.positions, prefix=(*prefix, "enabled_events"))
    policies = config.get("policies", [])
    rules = config.get("rules")
    if isinstance(events, list) and not events:
        out.append(Diagnostic("plan.gates_nothing", "`enabled_events: []`: this policy hook gates no event",
                              doc.positions.value((*prefix, "enabled_events")), severity="warning"))
    if isinstance(policies, list) and not (policies or rules):
        out.append(Diagnostic("plan.gates_nothing", "this policy hook has no `policies` or `rules`: it gates nothing",
                              doc.positions.value(prefix) if prefix else doc.positions.value(()), severity="warning",
                              help="name policy files in `policies:` (or inline `rules:`)"))
    if not isinstance(policies, list) or not (policies or rules):
        return out
    return out + check_policies(policies, rules, doc.positions, prefix=prefix, base_dir=base_dir)
