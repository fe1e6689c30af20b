"""Load policy files into a :class:`PolicySet`, reporting every error at ``file:line:col``.

Loading runs in three passes so one run reports as much as possible:
gather documents (YAML errors, includes), validate each document against
:class:`~hookgate.policy.model.PolicyFile` (every schema error of every
file), then check the set as a whole (duplicate rule ids and lists, layer
violations, settings). Only a set without errors becomes a ``PolicySet``;
otherwise :class:`~hookgate.diagnostics.DiagnosticError` carries all the
diagnostics, sorted. Conditions are validated later, by the compiler.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from hookgate.diagnostics import Diagnostic, DiagnosticError, Location
from hookgate.load import PositionMap, validation_diagnostics
from hookgate.policy.includes import RawSource, gather_sources
from hookgate.policy.layers import check_list_names, check_rule_ids, merge_settings
from hookgate.policy.model import EFFECT_KEYS, Layer, PolicyFile, PolicySettings, Rule

__all__ = ["InlineSource", "LoadedPolicy", "LoadedRule", "PolicySet", "load_policies", "load_policy_file"]

InlineSource = tuple[dict[str, Any] | list[Any], PositionMap]


@dataclass(frozen=True, slots=True)
class LoadedPolicy:
    """One validated policy file and where its parts came from."""

    file: str
    model: PolicyFile
    positions: PositionMap
    layer: Layer


@dataclass(frozen=True, slots=True)
class LoadedRule:
    """A rule with its origin; ``positions`` is rebased to the rule's own mapping.

    So ``positions.value(("when", "command", "flags", 1))`` is the location of
    that value inside this rule.
    """

    rule: Rule
    policy: str
    file: str
    layer: Layer
    positions: PositionMap

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def location(self) -> Location:
        """Where the rule's ``id`` value is written."""
        return self.positions.value(("id",))


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


def _validate(source: RawSource) -> tuple[PolicyFile | None, list[Diagnostic]]:
    data, positions = source.doc.data, source.doc.positions
    effects = _effect_diagnostics(data, positions)
    if not isinstance(data, dict):
        return None, [Diagnostic(
            "schema.not_a_mapping",
            "a policy file must be a mapping with `version`, `policy` and `rules`", positions.value(()),
        )]
    try:
        model = PolicyFile.model_validate(data)
    except ValidationError as exc:
        found = validation_diagnostics(exc, PolicyFile, data, positions)
        kept = [d for d in found if d.code != "schema.effect_count"] + effects
        return None, kept or found  # never drop a file without saying why
    return (None if effects else model), effects


def _loaded_rules(source: RawSource, model: PolicyFile) -> list[LoadedRule]:
    return [
        LoadedRule(rule, model.policy, source.file, source.layer, source.doc.positions.rebased(("rules", i)))
        for i, rule in enumerate(model.rules)
    ]


def _build(files: list[tuple[RawSource, PolicyFile]], list_locations: dict[str, Location],
           settings: PolicySettings) -> PolicySet:
    lists: dict[str, tuple[str, ...]] = {}
    rules: list[LoadedRule] = []
    for source, model in files:
        lists.update(model.lists)
        rules.extend(_loaded_rules(source, model))
    return PolicySet(
        sources=tuple(LoadedPolicy(s.file, m, s.doc.positions, s.layer) for s, m in files),
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
    files: list[tuple[RawSource, PolicyFile]] = []
    for source in sources:
        model, problems = _validate(source)
        diagnostics.extend(problems)
        if model is not None:
            files.append((source, model))
    diagnostics.extend(check_rule_ids(sources))
    list_locations, problems = check_list_names(sources)
    diagnostics.extend(problems)
    settings, problems = merge_settings(files)
    diagnostics.extend(problems)
    if any(d.is_error for d in diagnostics):
        raise DiagnosticError(diagnostics)
    policy_set = _build(files, list_locations, settings)
    warnings = tuple(sorted(diagnostics, key=Diagnostic.sort_key))
    return PolicySet(policy_set.sources, policy_set.lists, policy_set.rules, policy_set.settings,
                     policy_set.list_locations, warnings)


def load_policy_file(path: str | os.PathLike[str]) -> PolicySet:
    """Load one policy file (and what it includes)."""
    return load_policies([Path(path)])
