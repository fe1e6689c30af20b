"""Schema and semantic validation of a mount plan, returning every diagnostic.

Checks run on the raw loaded data as well as the model, so one run reports
as much as possible: schema errors, malformed ``${VAR}`` references, module
sources, duplicate mounts, each module's config against its schema, and for
``hooks-policy`` that its policy files exist and compile (inline rules too,
at their positions in the plan) and that ``enabled_events`` names events.

``${VAR}`` references. Without an environment a reference's value is not
known, so a value holding one is checked only as far as its field allows:

* where the field takes a string (free text, an enum such as ``fail_mode``,
  a duration, a module source), any string with a reference is accepted;
* where it takes only a number or ``true``/``false`` (``priority``,
  ``max_bytes``), a value that is one whole reference (``${PRIO}``,
  ``${PRIO:-7}``) is accepted, and its expansion is read the way YAML reads
  a plain scalar (``7`` is an integer);
* where it takes neither (a list, a mapping) or a module id, a reference is
  an error: expansion gives text, and text can never stand there.

With an environment (:func:`expand_mount_plan`: what ``hookgate validate
--check-env`` and :func:`~hookgate.runtime.mount_plan` do) the references
are expanded and the expanded plan gets every check, its errors naming the
references the value came from. The published mount-plan JSON Schema says
the same (see :mod:`hookgate.mountplan.schema`).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hookgate.diagnostics import Diagnostic, DiagnosticError, Location
from hookgate.load.validate import validation_findings
from hookgate.load.yaml import LoadedDocument, PathKey, PositionMap, load_yaml_file
from hookgate.mountplan.configs.registry import (
    BUILTIN_CONFIG_MODELS,
    ConfigSchema,
    SchemaSourceError,
    find_config_schema,
)
from hookgate.mountplan.envvars import (
    EnvRefError,
    expand_value,
    find_refs,
    has_refs,
    is_whole_ref,
    iter_strings,
    reference_diagnostics,
)
from hookgate.mountplan.jsonschema_diag import KIND_RANK, Finding, Kind, json_schema_findings
from hookgate.mountplan.model import MountPlan
from hookgate.mountplan.policy_check import check_events, check_policies
from hookgate.mountplan.sources import SourceError, parse_source

__all__ = ["expand_mount_plan", "validate_mount_plan", "validate_mount_plan_file"]

_MODULE_LISTS = ("providers", "tools", "hooks")
#: pydantic error types of a string given where only a number or `true`/`false` goes (the `_parsing`
#: ones come from third-party models that are not strict)
_SCALAR_ERRORS = frozenset({"int_type", "float_type", "bool_type", "int_parsing", "float_parsing", "bool_parsing"})


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
    """Every problem in a loaded mount plan.

    ``env`` given: references to unset variables are errors, and the plan is
    checked as it reads after expansion (:func:`expand_mount_plan`).
    """
    if env is not None:
        return expand_mount_plan(doc, env, base_dir=base_dir, schema_dirs=schema_dirs)[1]
    if not isinstance(doc.data, dict):
        return [_not_a_mapping(doc)]
    refs = _references(doc.data)
    out = reference_diagnostics(doc.data, doc.positions)
    out += _references_in_module_ids(refs, doc)
    skipped = {p for p in refs if _malformed(refs[p])} | set(_module_id_paths(doc.data))
    skipped |= set(_builtin_sources(doc.data))
    out += _check(doc, base_dir=base_dir, schema_dirs=schema_dirs, deferred=refs, skipped=skipped,
                  mounted=LoadedDocument(_unescaped(doc.data, refs), doc.positions))
    return sorted(set(out), key=Diagnostic.sort_key)


def expand_mount_plan(
    doc: LoadedDocument,
    env: Mapping[str, str],
    *,
    base_dir: Path,
    schema_dirs: Sequence[Path] = (),
    sections: Collection[str] | None = None,
) -> tuple[LoadedDocument, list[Diagnostic]]:
    """The plan with its ``${VAR}`` references expanded from ``env``, and every problem in it.

    Only the top-level ``sections`` are expanded (None: all); references
    elsewhere are checked as :func:`validate_mount_plan` checks them without
    an environment. A whole reference in a field that takes a number or
    ``true``/``false`` is read as YAML reads a plain scalar. A diagnostic
    about an expanded value names the references it came from; a value with
    an unset or malformed reference gets only that error.
    """
    if not isinstance(doc.data, dict):
        return doc, [_not_a_mapping(doc)]
    data: dict[str, Any] = doc.data
    refs = _references(data)
    chosen = set(data) if sections is None else set(sections) & set(data)
    expanded = {p: text for p, text in refs.items() if p[0] in chosen}
    out: list[Diagnostic] = []
    for key, value in data.items():  # malformed references anywhere; unset ones where they are expanded
        out += reference_diagnostics(value, doc.positions, prefix=(key,), env=env if key in chosen else None)
    out += _references_in_module_ids(refs, doc)
    kinds = {p: kind for p, kind in _kinds(_schema_findings(doc, schema_dirs)).items() if p in expanded}
    scalars = {p for p, kind in kinds.items() if kind == "scalar" and is_whole_ref(expanded[p])}
    hints = {p: hint for p, kind in kinds.items() if (hint := _misplaced(expanded[p], kind)) is not None}
    result = LoadedDocument({
        key: expand_value(value, env, doc.positions, prefix=(key,), scalars=scalars)[0] if key in chosen else value
        for key, value in data.items()
    }, doc.positions)
    skipped = {p for p, text in refs.items() if _malformed(text) or (p in expanded and _unset(text, env))}
    skipped |= set(_module_id_paths(data)) | set(_builtin_sources(data))
    out += _check(result, base_dir=base_dir, schema_dirs=schema_dirs,
                  deferred={p: t for p, t in refs.items() if p not in expanded}, expanded=expanded, hints=hints,
                  skipped=skipped)
    found = sorted(set(out), key=Diagnostic.sort_key)
    if expanded:  # a misplaced `${API_KEY}` must not print the key in a CI log: mask it in every message, as
        found = [_masked(d) for d in found]  # a value is also quoted about its parent (a `oneOf` shows the mapping)
    return result, found


def _not_a_mapping(doc: LoadedDocument) -> Diagnostic:
    return Diagnostic("schema.model_type", "a mount plan must be a mapping", doc.positions.value(()))


def _unescaped(data: Any, refs: Collection[PathKey], path: PathKey = ()) -> Any:
    """``data`` as a mount reads the values that hold no reference: ``$$`` is ``$`` (``a$$b.yaml`` names the
    file ``a$b.yaml``, ``$${X}`` the text ``${X}``); values at ``refs`` paths are kept as written."""
    if isinstance(data, str):
        return data if path in refs or "$$" not in data else expand_value(data, {}, PositionMap(""))[0]
    if isinstance(data, dict):
        return {key: _unescaped(value, refs, (*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [_unescaped(value, refs, (*path, i)) for i, value in enumerate(data)]
    return data


def _references(data: Any) -> dict[PathKey, str]:
    """Every string value holding a reference or a malformed one, by path (``$${X}`` holds neither)."""
    return {path: text for path, text in iter_strings(data) if has_refs(text) and (_malformed(text) or find_refs(text))}


def _module_id_paths(data: dict[str, Any]) -> Iterator[PathKey]:
    """Where module ids stand: the identity of a mount, which duplicates are judged by."""
    session = data.get("session")
    if isinstance(session, dict):
        for key in ("orchestrator", "context"):
            yield ("session", key)
    for path, _ in _module_refs(data):
        yield (*path, "module")
        yield (*path, "instance_id")


def _builtin_sources(data: dict[str, Any]) -> dict[PathKey, str]:
    """Where the ``source`` of each ``hooks:`` entry naming one of hookgate's own modules stands, and that
    module: the source decides whether hookgate's module runs under that id, or code from elsewhere does."""
    return {(*path, "source"): ref["module"] for path, ref in _module_refs(data)
            if path[0] == "hooks" and ref["module"] in BUILTIN_CONFIG_MODELS}


def _references_in_module_ids(refs: Mapping[PathKey, str], doc: LoadedDocument) -> list[Diagnostic]:
    """A module id is never expanded-then-checked: duplicates, config schemas and the modules hookgate
    provides are all decided by it before any variable is known. Nor is the source of one of hookgate's own
    modules: the plan validates (and a reviewer reads) its config as hookgate's, and a variable would decide
    whether hookgate's module or another one runs with it."""
    out = [Diagnostic("mountplan.reference_in_module_id",
                      f"`{refs[path]}`: a module id cannot use a `${{VAR}}` reference",
                      doc.positions.value(path), help="write the module id itself; put the variable part in "
                      "`source:` or `config:`")
           for path in _module_id_paths(doc.data) if path in refs]
    out += [Diagnostic("mountplan.reference_in_builtin_source",
                       f"`{refs[path]}`: the source of hookgate's own module `{module}` cannot use a `${{VAR}}` "
                       "reference", doc.positions.value(path),
                       help="omit `source:` (the module is built into hookgate), or mount other code under another "
                       "module id")
            for path, module in _builtin_sources(doc.data).items() if path in refs]
    return out


def _malformed(text: str) -> bool:
    try:
        find_refs(text)
    except EnvRefError:
        return True
    return False


def _unset(text: str, env: Mapping[str, str]) -> bool:
    return any(ref.default is None and ref.name not in env for ref in find_refs(text))


def _check(
    doc: LoadedDocument,
    *,
    base_dir: Path,
    schema_dirs: Sequence[Path],
    deferred: Mapping[PathKey, str],
    expanded: Mapping[PathKey, str] | None = None,
    hints: Mapping[PathKey, str] | None = None,
    skipped: Collection[PathKey] = (),
    mounted: LoadedDocument | None = None,
) -> list[Diagnostic]:
    """Every check of ``doc``: values at ``deferred`` paths still hold references (checked only as far as
    their fields allow), values at ``expanded`` paths came from references (their errors say so, with the
    ``hints`` for references no value could have made valid), values at ``skipped`` paths already have a
    reference error (they get no other). The semantic checks (files, events) read ``mounted``, the text a
    mount reads (``doc`` when None)."""
    expanded = expanded or {}
    hints = hints or {}
    findings = _schema_findings(doc, schema_dirs)
    kinds = _kinds(findings)
    out: list[Diagnostic] = []
    for f in findings:
        path = f.path
        if path is None or (path not in deferred and path not in expanded):
            out.append(f.diagnostic)
        elif path in skipped:
            continue
        elif path in expanded:
            out.append(_expanded_from(f.diagnostic, expanded[path], hints.get(path)))
        elif (hint := _misplaced(deferred[path], kinds[path])) is not None:
            out.append(_with_help(f.diagnostic, hint))
    located = _located(doc, expanded, skipped)
    for d in _semantic(mounted or doc, base_dir, deferred):
        path = located.get(d.location) if d.location is not None else None
        if path is None:
            out.append(d)
        elif path not in skipped:
            out.append(_expanded_from(d, expanded[path], hints.get(path)))
    return out


def _kinds(findings: list[Finding]) -> dict[PathKey, Kind]:
    """Per value path, what its field takes (the best any of its errors allows: union members are
    alternatives)."""
    kinds: dict[PathKey, Kind] = {}
    for f in findings:
        if f.path is not None:
            best = kinds.get(f.path, "error")
            kinds[f.path] = max(best, f.kind, key=KIND_RANK.__getitem__)
    return kinds


def _misplaced(text: str, kind: Kind) -> str | None:
    """Why a value holding a reference fails whatever the variable holds (a hint), or None if it may pass."""
    if kind == "string" or (kind == "scalar" and is_whole_ref(text)):
        return None
    if kind == "scalar":
        return ("a reference expands to text; here only a whole reference such as `${NAME}` is read as a number "
                "or `true`/`false`")
    return "a reference expands to text, and text cannot stand here"


def _masked(d: Diagnostic) -> Diagnostic:
    """``d`` with whatever a secret detector finds in its message and help masked."""
    from hookgate.policy.match.secrets import redact_secrets

    message, help_text = redact_secrets(d.message), None if d.help is None else redact_secrets(d.help)
    if message == d.message and help_text == d.help:
        return d
    return Diagnostic(d.code, message, d.location, d.severity, help_text)


def _with_help(d: Diagnostic, hint: str | None) -> Diagnostic:
    return d if hint is None or d.help is not None else Diagnostic(d.code, d.message, d.location, d.severity, hint)


def _expanded_from(d: Diagnostic, text: str, hint: str | None = None) -> Diagnostic:
    """``d`` about a value expanded from ``text``: names the references (what a secret detector finds in any
    message is masked once every check ran, see :func:`expand_mount_plan`)."""
    names = ", ".join(f"`{ref.text}`" for ref in find_refs(text))
    return _with_help(Diagnostic(d.code, f"{d.message} (expanded from {names})", d.location, d.severity, d.help), hint)


def _located(doc: LoadedDocument, expanded: Mapping[PathKey, str], skipped: Collection[PathKey]
             ) -> dict[Location, PathKey]:
    """Locations of the expanded values, for diagnostics that carry only a location (policies, events).
    Empty when the document has no real positions (a plan passed as a mapping)."""
    if not expanded:
        return {}
    known = doc.positions.values
    return {known[p]: p for p in expanded if p in known}


# -- the checks ----------------------------------------------------------------------------------------


def _schema_findings(doc: LoadedDocument, schema_dirs: Sequence[Path]) -> list[Finding]:
    """The plan against its model, and each module's config against the module's config schema."""
    out = _model_findings(MountPlan, doc.data, doc)
    for path, ref in _module_refs(doc.data):
        config = ref.get("config")
        if config is not None and not isinstance(config, dict):
            continue  # reported by the plan's model
        try:
            schema = find_config_schema(ref["module"], schema_dirs=schema_dirs)
        except SchemaSourceError as exc:
            out.append(Finding(Diagnostic("mountplan.bad_config_schema", str(exc),
                                          doc.positions.value((*path, "module"))), None, "error"))
            continue
        if schema is not None:
            out += _config_findings(schema, config or {}, (*path, "config"), doc)
    return out


def _model_findings(model: type[BaseModel], data: Any, doc: LoadedDocument, prefix: PathKey = ()) -> list[Finding]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return [Finding(d, path, _pydantic_kind(kind))
                for path, kind, d in validation_findings(exc, model, data, doc.positions, prefix=prefix)]
    return []


def _pydantic_kind(error_type: str) -> Kind:
    if error_type in _SCALAR_ERRORS:
        return "scalar"
    if error_type.endswith("_type"):
        return "error"
    return "string"  # a literal, a pattern, a value check: the field takes some strings


def _config_findings(schema: ConfigSchema, config: dict[str, Any], prefix: PathKey,
                     doc: LoadedDocument) -> list[Finding]:
    if schema.json is not None:
        return json_schema_findings(schema.json, config, doc.positions, prefix=prefix)
    assert schema.model is not None
    return _model_findings(schema.model, config, doc, prefix)


def _semantic(doc: LoadedDocument, base_dir: Path, deferred: Collection[PathKey]) -> list[Diagnostic]:
    """Sources, duplicate mounts, and what hookgate's own modules' configs name (policies, events); a value at
    a ``deferred`` path still holds a reference, and its file or event is not known yet."""
    out: list[Diagnostic] = []
    for path, ref in _module_refs(doc.data):
        out += _source_warning(ref, path, doc)
        config = {} if ref.get("config") is None else ref["config"]
        if not isinstance(config, dict):
            continue
        prefix: PathKey = (*path, "config")
        if ref["module"] == "hooks-policy":
            out += _hooks_policy(config, prefix, doc, base_dir, deferred)
        elif ref["module"] == "hooks-decision-log" and isinstance(config.get("events"), list):
            out += check_events(config["events"], doc.positions, prefix=(*prefix, "events"), deferred=deferred)
    for section in _MODULE_LISTS:
        out += _duplicates(doc, section)
    return out


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


def _hooks_policy(config: dict[str, Any], prefix: PathKey, doc: LoadedDocument, base_dir: Path,
                  deferred: Collection[PathKey]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    events = config.get("enabled_events")
    if isinstance(events, list):
        out += check_events(events, doc.positions, prefix=(*prefix, "enabled_events"), deferred=deferred)
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
    return out + check_policies(policies, rules, doc.positions, prefix=prefix, base_dir=base_dir, deferred=deferred)
