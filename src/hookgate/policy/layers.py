"""Checks across the files of a policy set: rule ids, list names, layers, settings.

Why layering is safe: every matching rule contributes and the strictest
effect wins, so a lower layer (team, project) can add rules but can never
outvote a higher layer's deny or ask. What remains to forbid is the two
ways a lower layer could still loosen: redefining a higher layer's rule id
(replacing it with a weaker rule) and turning ``on_ask: deny`` back into
``ask``. Both are errors here; duplicate ids and list names are errors in
any layer, because a reader could not tell which definition applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hookgate.diagnostics import Diagnostic, Location, display_path
from hookgate.policy.includes import LAYER_ORDER, RawSource
from hookgate.policy.model import Layer, PolicyFile, PolicySettings

__all__ = ["check_list_names", "check_rule_ids", "merge_settings"]


def _rank(layer: Layer) -> int:
    return LAYER_ORDER.index(layer)


def _where(loc: Location) -> str:
    return f"{display_path(loc.file)}:{loc.line}"


def _rule_ids(source: RawSource) -> list[tuple[str, int]]:
    """Each rule's id and index (its location is looked up only for a diagnostic)."""
    data = source.doc.data
    rules = data.get("rules") if isinstance(data, dict) else None
    if not isinstance(rules, list):
        return []
    out = []
    for i, rule in enumerate(rules):
        rid = rule.get("id") if isinstance(rule, dict) else None
        if isinstance(rid, str):
            out.append((rid, i))
    return out


def _id_location(source: RawSource, i: int) -> Location:
    return source.doc.positions.value(("rules", i, "id"))


def check_rule_ids(sources: Sequence[RawSource]) -> list[Diagnostic]:
    """A rule id names one rule in the whole set; across layers a redefinition is a layer violation."""
    seen: dict[str, tuple[RawSource, int]] = {}
    out: list[Diagnostic] = []
    for source in sources:
        for rid, i in _rule_ids(source):
            found = seen.get(rid)
            if found is None:
                seen[rid] = (source, i)
                continue
            first, where, loc = found[0], _where(_id_location(*found)), _id_location(source, i)
            if _rank(first.layer) < _rank(source.layer):
                out.append(Diagnostic(
                    "compile.layer_violation",
                    f"rule `{rid}` belongs to the `{first.layer}` layer ({where}); "
                    f"a `{source.layer}`-layer policy cannot redefine it",
                    loc, help="lower layers can only add rules; choose a new id",
                ))
            else:
                out.append(Diagnostic(
                    "compile.duplicate_rule_id",
                    f"duplicate rule id `{rid}` (first defined at {where})", loc,
                ))
    return out


def check_list_names(sources: Sequence[RawSource]) -> tuple[dict[str, Location], list[Diagnostic]]:
    """Where each named list is defined; a second definition of a name is an error."""
    seen: dict[str, Location] = {}
    out: list[Diagnostic] = []
    for source in sources:
        data = source.doc.data
        lists = data.get("lists") if isinstance(data, dict) else None
        if not isinstance(lists, dict):
            continue
        for name in lists:
            loc = source.doc.positions.key(("lists", name))
            if name in seen:
                out.append(Diagnostic(
                    "compile.duplicate_list",
                    f"list `{name}` is already defined at {_where(seen[name])}", loc,
                    help="give one of the lists another name, or merge them in one place",
                ))
            else:
                seen[name] = loc
    return seen, out


def _setting(source: RawSource, model: PolicyFile, key: str) -> tuple[Any, Location] | None:
    if key not in model.settings.model_fields_set:
        return None
    return getattr(model.settings, key), source.doc.positions.value(("settings", key))


def merge_settings(files: Sequence[tuple[RawSource, PolicyFile]]) -> tuple[PolicySettings, list[Diagnostic]]:
    """``on_ask: deny`` anywhere wins; ``workspace`` comes from the layers that set it, which must
    agree (a lower layer cannot move a higher layer's workspace)."""
    out: list[Diagnostic] = []
    denies = [(src.layer, found[1]) for src, model in files if (found := _setting(src, model, "on_ask"))
              and found[0] == "deny"]
    for src, model in files:
        found = _setting(src, model, "on_ask")
        if found is None or found[0] != "ask":
            continue
        higher = [loc for layer, loc in denies if _rank(layer) < _rank(src.layer)]
        if higher:
            out.append(Diagnostic(
                "compile.layer_violation",
                f"`on_ask: ask` cannot loosen `on_ask: deny` set at {_where(higher[0])}", found[1],
            ))
    workspace, problems = _merge_workspace(files)
    out.extend(problems)
    return PolicySettings(workspace=workspace, on_ask="deny" if denies else "ask"), out


def _merge_workspace(files: Sequence[tuple[RawSource, PolicyFile]]) -> tuple[str | None, list[Diagnostic]]:
    chosen: tuple[str, Layer, Location] | None = None
    out: list[Diagnostic] = []
    for src, model in files:
        found = _setting(src, model, "workspace")
        if found is None:
            continue
        value, loc = found
        if chosen is not None and _rank(src.layer) > _rank(chosen[1]) and value != chosen[0]:
            out.append(Diagnostic(
                "compile.layer_violation",
                f"`workspace: {value}` cannot move the workspace `{chosen[0]}` the `{chosen[1]}` layer set at "
                f"{_where(chosen[2])}",
                loc, help="the rules of that layer are written for its workspace; remove this setting",
            ))
        elif chosen is None or _rank(src.layer) > _rank(chosen[1]):
            chosen = (value, src.layer, loc)
        elif src.layer == chosen[1] and value != chosen[0]:
            out.append(Diagnostic(
                "compile.conflicting_setting",
                f"`workspace: {value}` conflicts with `workspace: {chosen[0]}` at {_where(chosen[2])} "
                f"in the same `{src.layer}` layer", loc,
            ))
    return (chosen[0] if chosen else None), out
