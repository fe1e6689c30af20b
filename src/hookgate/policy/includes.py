"""Gather the policy documents of a policy set: entry files, their includes, inline sources.

Includes are resolved relative to the including file, loaded once each
(a diamond is fine, a cycle is an error showing the chain), bounded in
depth, and ordered *before* their includer so that lists an includer
relies on are defined first. An included file belongs to its includer's
layer: a file cannot change its layer by being included, so a project
policy cannot smuggle rules into the organisation layer or vice versa.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from hookgate.diagnostics import Diagnostic, DiagnosticError, display_path
from hookgate.load import LoadedDocument, PositionMap, load_yaml_file
from hookgate.policy.model import Layer

__all__ = ["LAYER_ORDER", "MAX_INCLUDE_DEPTH", "RawSource", "gather_sources", "load_policy_document"]

MAX_INCLUDE_DEPTH = 8
#: highest layer first: a rule of an earlier layer cannot be loosened by a later one
LAYER_ORDER: tuple[Layer, ...] = ("org", "team", "project")


@dataclass(frozen=True, slots=True)
class RawSource:
    """One loaded (not yet validated) policy document and the layer it belongs to."""

    file: str
    doc: LoadedDocument
    layer: Layer
    base_dir: Path


@dataclass(slots=True)
class _Walk:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    done: set[Path] = field(default_factory=set)
    out: list[RawSource] = field(default_factory=list)
    strings: dict[str, str] = field(default_factory=dict)  # one copy of each string across the set's files


def declared_layer(data: Any) -> Layer:
    """The layer a document declares (``project`` when it does not, or declares nonsense)."""
    value = data.get("layer") if isinstance(data, dict) else None
    return cast(Layer, value) if value in LAYER_ORDER else "project"


def include_entries(doc: LoadedDocument) -> list[tuple[str, Any]]:
    """``(path, position path)`` of each well-formed ``include`` entry."""
    data = doc.data
    raw = data.get("include") if isinstance(data, dict) else None
    if isinstance(raw, str):
        return [(raw, ("include",))]
    if isinstance(raw, list):
        return [(item, ("include", i)) for i, item in enumerate(raw) if isinstance(item, str) and item]
    return []


def _load(path: str | os.PathLike[str], display: str, walk: _Walk) -> LoadedDocument | None:
    try:
        doc = load_yaml_file(path, display_name=display, strings=walk.strings)
    except DiagnosticError as exc:
        walk.diagnostics.extend(exc.diagnostics)
        return None
    return doc


def load_policy_document(path: str | os.PathLike[str], *, display_name: str | None = None) -> LoadedDocument:
    """One policy file as plain data with positions (YAML 1.2 core schema: ``on:`` stays a key)."""
    return load_yaml_file(path, display_name=display_name)


def _chain(stack: Sequence[str], last: str) -> str:
    return " -> ".join(f"`{name}`" for name in (*stack, last))


def _follow(source: RawSource, stack: list[tuple[Path, str]], walk: _Walk) -> None:
    """Depth-first: load each include of ``source`` (recursively) before ``source`` itself."""
    names = [name for _, name in stack]
    for entry, where in include_entries(source.doc):
        display = os.path.normpath(os.path.join(os.path.dirname(source.file), entry))
        at = source.doc.positions.value(where)
        try:  # a name the system refuses (too long, a NUL byte) is a file that cannot be included, not a crash
            target = (source.base_dir / entry).resolve()
            found = "file" if target.is_file() else "directory" if target.is_dir() else None
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            walk.diagnostics.append(Diagnostic(
                "load.include_not_found", f"included file `{display_path(display)}` cannot be opened: {reason}", at))
            continue
        if any(target == seen for seen, _ in stack):
            walk.diagnostics.append(Diagnostic("load.include_cycle", f"include cycle: {_chain(names, display)}", at))
            continue
        if target in walk.done:
            continue
        if len(stack) > MAX_INCLUDE_DEPTH:
            walk.diagnostics.append(Diagnostic(
                "load.include_depth",
                f"includes nest deeper than {MAX_INCLUDE_DEPTH} levels: {_chain(names, display)}", at,
            ))
            continue
        if found != "file":
            what = "is a directory" if found == "directory" else "does not exist"
            walk.diagnostics.append(Diagnostic(
                "load.include_not_found", f"included file `{display_path(display)}` {what}", at))
            continue
        _visit(target, display, source.layer, stack, walk, includer=source)


def _visit(
    target: Path, display: str, layer: Layer, stack: list[tuple[Path, str]], walk: _Walk, *, includer: RawSource
) -> None:
    walk.done.add(target)
    doc = _load(target, display, walk)
    if doc is None:
        return
    _check_include_layer(doc, layer, includer, walk)
    source = RawSource(display, doc, layer, target.parent)
    stack.append((target, display))
    _follow(source, stack, walk)
    stack.pop()
    walk.out.append(source)


def _check_include_layer(doc: LoadedDocument, layer: Layer, includer: RawSource, walk: _Walk) -> None:
    data = doc.data
    own = data.get("layer") if isinstance(data, dict) else None
    if own is not None and own != layer and own in LAYER_ORDER:
        walk.diagnostics.append(Diagnostic(
            "load.include_layer",
            f"`{doc.file}` declares `layer: {own}` but is included by `{includer.file}` in the `{layer}` layer",
            doc.positions.value(("layer",)),
            help="an included file belongs to its includer's layer; remove `layer:` or load the file separately",
        ))


def _entry_sources(
    paths: Sequence[str | os.PathLike[str]],
    inline: Sequence[tuple[Any, PositionMap]],
    walk: _Walk,
) -> list[tuple[RawSource, Path | None]]:
    entries: list[tuple[RawSource, Path | None]] = []
    for path in paths:
        target = Path(path).resolve()
        if target in walk.done:
            continue
        walk.done.add(target)
        doc = _load(path, str(path), walk)
        if doc is not None:
            entries.append((RawSource(str(path), doc, declared_layer(doc.data), target.parent), target))
    for data, positions in inline:
        doc = inline_document(data, positions)
        base = Path(positions.file).parent if positions.file and not positions.file.startswith("<") else Path.cwd()
        entries.append((RawSource(positions.file, doc, declared_layer(doc.data), base), None))
    return entries


def inline_document(data: Any, positions: PositionMap) -> LoadedDocument:
    """An inline source as a document: a bare list of rules becomes an ``inline`` policy."""
    if not isinstance(data, list):
        return LoadedDocument(data, positions)
    return LoadedDocument({"version": 1, "policy": "inline", "rules": data}, positions.nested("rules"))


def gather_sources(
    paths: Sequence[str | os.PathLike[str]],
    inline: Sequence[tuple[Any, PositionMap]] = (),
) -> tuple[list[RawSource], list[Diagnostic]]:
    """Every document of the set in layer order (includes before includers), plus load errors."""
    walk = _Walk()
    entries = _entry_sources(paths, inline, walk)
    entries.sort(key=lambda e: LAYER_ORDER.index(e[0].layer))
    for source, target in entries:
        stack = [(target, source.file)] if target is not None else []
        _follow(source, stack, walk)
        walk.out.append(source)
    return walk.out, walk.diagnostics
