"""Load policy files into a :class:`PolicySet`, reporting every error at ``file:line:col``.

Loading runs in three passes so one run reports as much as possible:
gather documents (YAML errors, includes), validate each document against
:class:`~hookgate.policy.model.PolicyFile` (every schema error of every
file), then check the set as a whole (duplicate rule ids and lists, layer
violations, settings). Only a set without errors becomes a ``PolicySet``;
otherwise :class:`PolicyLoadError` carries all the diagnostics, sorted.
Conditions are validated later, by the compiler.

One schema error must not hide the rest of a file: a file with errors
only in some rules (or in its settings, metadata, or some of its lists)
is also validated without them, and :class:`PolicyLoadError` carries the
rules that did validate (``partial``) so that the compiler can report
their errors in the same run (see :func:`hookgate.policy.api.compile_files`).
Nothing in ``partial`` is ever evaluated.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hookgate.diagnostics import Diagnostic, DiagnosticError, Location
from hookgate.load import PositionMap, validation_diagnostics
from hookgate.policy.includes import RawSource, gather_sources
from hookgate.policy.layers import check_list_names, check_rule_ids, merge_settings
from hookgate.policy.model import EFFECT_KEYS, Layer, PolicyFile, PolicySettings, Rule

__all__ = [
    "InlineSource",
    "LoadedPolicy",
    "LoadedRule",
    "PolicyLoadError",
    "PolicySet",
    "load_policies",
    "load_policy_file",
]

InlineSource = tuple[dict[str, Any] | list[Any], PositionMap]

# pydantic's instance slots, set through their descriptors (as ``model_construct`` does)
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    """One validated policy file and where its parts came from."""

    file: str
    model: PolicyFile
    positions: PositionMap
    layer: Layer


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """A rule with its origin: rule ``index`` of the ``rules`` list of a file with ``file_positions``.

    ``location`` is where the rule's ``id`` value is written. ``positions``
    is rebased to the rule's own mapping, so
    ``positions.value(("when", "command", "flags", 1))`` is the location of
    that value inside this rule; it is built when asked for (diagnostics are
    rare), not kept per rule.
    """

    rule: Rule
    policy: str
    file: str
    layer: Layer
    file_positions: PositionMap
    index: int
    location: Location

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def positions(self) -> PositionMap:
        return self.file_positions.rebased(("rules", self.index))


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every rule of the loaded files, in layer order (org, team, project), includes first."""

    sources: tuple[LoadedPolicy, ...]
    lists: Mapping[str, tuple[str, ...]]
    rules: tuple[LoadedRule, ...]
    settings: PolicySettings
    list_locations: Mapping[str, Location] = field(default_factory=dict)
    warnings: tuple[Diagnostic, ...] = ()

    def list_location(self, name: str) -> Location | None:
        """Where the named list ``name`` is defined (None if no file defines it)."""
        return self.list_locations.get(name)

    def rule(self, rule_id: str) -> LoadedRule | None:
        return next((r for r in self.rules if r.rule.id == rule_id), None)


class PolicyLoadError(DiagnosticError):
    """Loading found errors. ``partial`` holds the rules that validated, for the compiler to check
    too (None when nothing could be salvaged); ``lists_known`` is False when a list the rules may
    name could not be read (a file that did not load, a ``lists`` that is not a mapping, a
    misspelt top-level key), so an "unknown list" found in ``partial`` may be no error of its own."""

    def __init__(self, diagnostics: Sequence[Diagnostic], partial: PolicySet | None = None, *,
                 lists_known: bool = True) -> None:
        super().__init__(diagnostics)
        self.partial = partial
        self.lists_known = lists_known


def _effect_diagnostics(data: Any, positions: PositionMap) -> list[Diagnostic]:
    """No effect, or several, on a rule, reported at the rule (none) or the extra effect key."""
    rules = data.get("rules") if isinstance(data, dict) else None
    out: list[Diagnostic] = []
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        present = [key for key in EFFECT_KEYS if key in rule]
        if not present:
            rid = rule.get("id")
            name = f"rule `{rid}`" if isinstance(rid, str) else "rule"
            out.append(Diagnostic(
                "schema.no_effect", f"{name} has no effect; add one of `deny`, `ask`, `modify`, `inject`, `allow`",
                positions.value(("rules", i)),
            ))
        if len(present) < 2:
            continue
        ordered = sorted(present, key=lambda k: positions.key(("rules", i, k)))
        for extra in ordered[1:]:
            out.append(Diagnostic(
                "schema.multiple_effects",
                f"rule already has effect `{ordered[0]}`; `{extra}` would be a second one",
                positions.key(("rules", i, extra)), help="a rule has exactly one effect; split it into two rules",
            ))
    return out


@dataclass(slots=True)
class _Shared:
    """One copy of each equal piece the loaded rules repeat.

    Every validated model carries its own set of the fields it was given
    (a 32-slot set for a typical rule), its own private-attribute dict, its
    own ``on:``/``tool:`` tuples and its own effect model; 10,000 rules hold
    far fewer distinct ones, and sharing them halves the memory of a loaded
    rule. The models are frozen and nothing mutates these in place (pydantic
    copies them in ``model_copy``), so sharing is invisible; values that
    cannot be hashed (a ``modify`` effect's ``set``) are simply not shared.
    """

    fields: dict[frozenset[str], set[str]] = field(default_factory=dict)
    private: dict[tuple[tuple[str, Any], ...], dict[str, Any]] = field(default_factory=dict)
    tuples: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    effects: dict[tuple[Any, ...], BaseModel] = field(default_factory=dict)

    def fields_set(self, model: BaseModel) -> None:
        given = model.__pydantic_fields_set__
        _set_fields_set(model, self.fields.setdefault(frozenset(given), given))

    def rule(self, rule: Rule) -> None:
        self.fields_set(rule)
        private = rule.__pydantic_private__
        if private is not None:
            with suppress(TypeError):  # an unhashable value
                _set_private(rule, self.private.setdefault(tuple(private.items()), private))
        values = rule.__dict__
        for name in ("on", "tool", "tags"):
            value = values[name]
            if value:
                values[name] = self.tuples.setdefault(value, value)
        effect = rule.effect
        values[effect] = self.effect(values[effect])

    def effect(self, spec: BaseModel) -> BaseModel:
        self.fields_set(spec)
        key = (spec.__class__, id(spec.__pydantic_fields_set__), *spec.__dict__.items())
        with suppress(TypeError):  # an unhashable value
            return self.effects.setdefault(key, spec)
        return spec


@dataclass(frozen=True, slots=True)
class _Validated:
    """One file's validation: its model (a partial one when ``problems`` has errors, None when
    nothing of it can be compiled), the index in the file of each rule of the model, the names of
    its lists that did not validate, and whether every list it defines could be read."""

    model: PolicyFile | None
    problems: list[Diagnostic]
    indexes: tuple[int, ...] | None = None  # None: every rule of the file, in order
    broken_lists: frozenset[str] = frozenset()
    lists_known: bool = True


#: the name a partial model takes when the file's own name is invalid (it names nothing a user sees)
_PLACEHOLDER_POLICY = "policy-with-errors"
#: top-level keys whose errors do not change how the file's other rules compile: dropped when salvaging
_DROPPABLE = frozenset({"description", "owner", "layer", "settings"})


def _validate(source: RawSource, shared: _Shared) -> _Validated:
    data, positions = source.doc.data, source.doc.positions
    effects = _effect_diagnostics(data, positions)
    if not isinstance(data, dict):
        return _Validated(None, [Diagnostic(
            "schema.not_a_mapping",
            "a policy file must be a mapping with `version`, `policy` and `rules`", positions.value(()),
        )], lists_known=False)
    try:
        model = PolicyFile.model_validate(data)
    except ValidationError as exc:
        found = validation_diagnostics(exc, PolicyFile, data, positions)
        kept = [d for d in found if d.code != "schema.effect_count"] + effects
        return _salvage(data, exc.errors(), kept or found, shared)  # never drop a file without saying why
    if effects:  # pragma: no cover - the model's own effect check fails first
        return _salvage(data, [], effects, shared)
    for rule in model.rules:
        shared.rule(rule)
    return _Validated(model, effects)


def _salvage(
    data: dict[str, Any], errors: Sequence[Mapping[str, Any]], problems: list[Diagnostic], shared: _Shared
) -> _Validated:
    """The file without the parts that failed: the rules that validated, for the compiler to check.

    A broken rule is left out; so is a broken list (its name stays defined, so rules naming it are
    not blamed for it), a broken setting or metadata key, and an unknown top-level key. A file
    whose ``version`` is wrong is in a language this hookgate does not read: nothing is salvaged.
    """
    raw_rules = data.get("rules")
    rules = raw_rules if isinstance(raw_rules, list) else []
    bad_rules = {i for i, r in enumerate(rules) if isinstance(r, dict) and sum(k in r for k in EFFECT_KEYS) != 1}
    broken_lists: set[str] = set()
    drop: set[str] = set()
    lists_known, rename = True, False
    for error in errors:
        loc: tuple[str | int, ...] = tuple(error.get("loc") or ())
        head = loc[0] if loc else None
        if head == "rules":
            if len(loc) > 1 and isinstance(loc[1], int):
                bad_rules.add(loc[1])
            else:
                rules = []  # not a list of rules at all
        elif head == "lists" and len(loc) > 1 and isinstance(loc[1], str):
            broken_lists.add(loc[1])
        elif head in ("lists", "include"):  # lists (here or in an include not followed) that cannot be read
            drop.add(head)
            lists_known = False
        elif head == "policy":
            rename = True
        elif head in _DROPPABLE:
            drop.add(head)
        elif isinstance(head, str) and head not in PolicyFile.model_fields:
            drop.add(head)
            lists_known = False  # a misspelt `lists:` would hide lists the rules name
        else:  # `version`, or an error that names no part of the file
            return _Validated(None, problems, lists_known=False)
    pruned = {k: v for k, v in data.items() if k not in drop}
    if rename:
        pruned["policy"] = _PLACEHOLDER_POLICY
    indexes = tuple(i for i in range(len(rules)) if i not in bad_rules)
    if "rules" in pruned:
        pruned["rules"] = [rules[i] for i in indexes]
    if broken_lists and isinstance(pruned.get("lists"), dict):
        pruned["lists"] = {k: v for k, v in pruned["lists"].items() if k not in broken_lists}
    try:
        model = PolicyFile.model_validate(pruned)
    except ValidationError:  # pragma: no cover - each part validated on its own; a cross-part error is possible
        return _Validated(None, problems, lists_known=False)
    for rule in model.rules:
        shared.rule(rule)
    return _Validated(model, problems, indexes, frozenset(broken_lists), lists_known)


def _loaded_rules(source: RawSource, model: PolicyFile, indexes: tuple[int, ...] | None) -> list[LoadedRule]:
    """The model's rules with their places in the file (``indexes``: where each rule of a partial
    model stands in the file's ``rules`` list)."""
    positions = source.doc.positions
    places = range(len(model.rules)) if indexes is None else indexes
    # one per item of the file's list, partial model or not; looked up one by one where the positions do not
    # cover the list (inline rules a host passed as plain data, with a PositionMap that knows no paths)
    ids: Sequence[Location] | dict[int, Location] = positions.item_values(("rules",), "id")
    written = source.doc.data.get("rules") if isinstance(source.doc.data, dict) else None
    if not isinstance(written, list) or len(ids) != len(written):
        ids = {i: positions.value(("rules", i, "id")) for i in places}
    return [
        LoadedRule(rule, model.policy, source.file, source.layer, positions, i, ids[i])
        for i, rule in zip(places, model.rules, strict=True)
    ]


def _build(files: list[tuple[RawSource, PolicyFile, tuple[int, ...] | None]], list_locations: dict[str, Location],
           settings: PolicySettings, placeholders: frozenset[str] = frozenset()) -> PolicySet:
    """The set of ``files``; a list name in ``placeholders`` (defined, but broken) resolves to no
    values, so that only the list itself is reported, never the rules that name it."""
    lists: dict[str, tuple[str, ...]] = dict.fromkeys(placeholders, ())
    rules: list[LoadedRule] = []
    for source, model, indexes in files:
        lists.update(model.lists)
        rules.extend(_loaded_rules(source, model, indexes))
    return PolicySet(
        sources=tuple(LoadedPolicy(s.file, m, s.doc.positions, s.layer) for s, m, _ in files),
        lists=lists, rules=tuple(rules), settings=settings, list_locations=list_locations,
    )


def load_policies(
    paths: Sequence[str | os.PathLike[str]], *, inline: Sequence[InlineSource] = ()
) -> PolicySet:
    """Load, validate and combine policy files (and inline rule sources) into one set.

    An inline source is the YAML sub-tree of a policy (a full policy mapping,
    or just a list of rules) with its :class:`PositionMap` rebased to that
    sub-tree (``positions.rebased(path)``), so errors point into the file it
    came from. Raises :class:`DiagnosticError` with every error found.
    """
    sources, diagnostics = gather_sources(paths, inline)
    lists_known = not any(d.is_error for d in diagnostics)  # a file that did not load may define lists
    files: list[tuple[RawSource, PolicyFile, tuple[int, ...] | None]] = []
    broken_lists: set[str] = set()
    shared = _Shared()
    for source in sources:
        found = _validate(source, shared)
        diagnostics.extend(found.problems)
        lists_known = lists_known and found.lists_known
        broken_lists |= found.broken_lists
        if found.model is not None:
            files.append((source, found.model, found.indexes))
    diagnostics.extend(check_rule_ids(sources))
    list_locations, problems = check_list_names(sources)
    diagnostics.extend(problems)
    settings, problems = merge_settings([(source, model) for source, model, _ in files])
    diagnostics.extend(problems)
    if any(d.is_error for d in diagnostics):
        partial = _build(files, list_locations, settings, frozenset(broken_lists)) if files else None
        raise PolicyLoadError(diagnostics, partial, lists_known=lists_known)
    policy_set = _build(files, list_locations, settings)
    warnings = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
    return PolicySet(policy_set.sources, policy_set.lists, policy_set.rules, policy_set.settings,
                     policy_set.list_locations, warnings)


def load_policy_file(path: str | os.PathLike[str]) -> PolicySet:
    """Load one policy file (and what it includes)."""
    return load_policies([Path(path)])
