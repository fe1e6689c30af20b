"""Warnings about rules that cannot do what their author meant.

* shadowed: a rule a deny always outranks (the deny selects the same events
  and tools and has no condition, so whenever this rule matches, the deny
  does too);
* unreachable: a ``when`` that can never hold (``in: []``, ``any: []``, two
  different ``equals`` on one field, ``exists: false`` beside another test);
* duplicate: two rules identical in everything but their id;
* an input the rule's tools do not take (:mod:`.lint_inputs`);
* a command's program word with a blank, a credential folder named alone (:mod:`.lint_specs`).
"""

from __future__ import annotations

import json
import json.encoder
import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hookgate.diagnostics import Diagnostic, Location
from hookgate.policy.compiler.lint_inputs import lint_inputs
from hookgate.policy.compiler.lint_specs import lint_specs
from hookgate.policy.compiler.rules import CompiledRule

__all__ = ["lint_rules"]


def lint_rules(rules: Iterable[CompiledRule], lists: Mapping[str, tuple[str, ...]] | None = None,
               list_location: Callable[[str], Location | None] | None = None) -> list[Diagnostic]:
    """``lists`` and ``list_location``: the policy set's named lists, checked where rules use them."""
    rules = list(rules)
    return [*_shadowed(rules), *_unreachable(rules), *_duplicates(rules), *lint_inputs(rules),
            *lint_specs(rules, lists, list_location)]


def _covers(deny: CompiledRule, other: CompiledRule) -> bool:
    if not set(other.events) <= set(deny.events):
        return False
    if deny.tools is None:
        return True
    if other.tools is None or other.tools.prefixes or other.tools.globs:
        return False
    return other.tools.exact <= deny.tools.exact


def _blanket_denies(rules: list[CompiledRule]) -> tuple[list[CompiledRule], dict[str, list[CompiledRule]]]:
    """Unconditional acting denies: those on every tool, and the others by each exact tool name."""
    any_tool: list[CompiledRule] = []
    by_tool: dict[str, list[CompiledRule]] = {}
    for r in rules:
        if r.effect != "deny" or r.audit or r.when is not None or r.unless is not None:
            continue
        if r.tools is None:
            any_tool.append(r)
        else:
            for name in r.tools.exact:
                by_tool.setdefault(name, []).append(r)
    return any_tool, by_tool


def _shadowed(rules: list[CompiledRule]) -> list[Diagnostic]:
    any_tool, by_tool = _blanket_denies(rules)
    out: list[Diagnostic] = []
    for rule in rules:
        if rule.effect == "deny" or rule.audit:
            continue
        first_tool = next(iter(rule.tools.exact), None) if rule.tools is not None else None
        pool = any_tool + (by_tool.get(first_tool, []) if first_tool is not None else [])
        by = next((d for d in pool if _covers(d, rule)), None)
        if by is not None:
            out.append(Diagnostic(
                "compile.shadowed_rule",
                f"rule `{rule.id}` can never change a decision: rule `{by.id}` always denies the same events",
                rule.location, severity="warning",
                help="narrow the deny with `when`, or write the exception as its `unless`",
            ))
    return out


def _never(spec: Any) -> str | None:
    """Why the condition mapping can never hold, if that can be seen locally."""
    if not isinstance(spec, dict):
        return None
    for key, value in spec.items():
        if key == "any" and value == []:
            return "`any: []` never holds"
        if key == "all" and isinstance(value, list):
            found = next((w for w in map(_never, value) if w), None)
            if found:
                return found
        if isinstance(value, dict):
            if value.get("in") == []:
                return f"`{key}: {{in: []}}` never holds"
            if value.get("exists") is False and len(set(value) - {"exists", "case_insensitive"}) > 0:
                return f"`{key}` must both be absent and satisfy another test"
        if value == []:
            return f"`{key}: []` (in an empty list) never holds"
    return None


def _always(spec: Any) -> str | None:
    """Why an ``unless`` mapping always holds (so its rule never matches), if that can be seen locally."""
    if spec == {}:
        return "`unless: {}` always holds"
    if isinstance(spec, dict) and len(spec) == 1:
        (key, value), = spec.items()
        if key == "all" and value == []:
            return "`unless: {all: []}` always holds"
        if key == "not" and isinstance(value, dict) and _never(value):
            return f"`unless: {{not: …}}` always holds ({_never(value)})"
    return None


def _unreachable(rules: list[CompiledRule]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for rule in rules:
        unless = rule.source.rule.unless
        why = _always(unless) if unless is not None else None
        if why:
            out.append(Diagnostic("compile.unreachable_rule", f"rule `{rule.id}` can never match: {why}",
                                  rule.location, severity="warning"))
            continue
        when = rule.source.rule.when
        if when is None:
            continue
        # one mapping cannot hold a key twice: equals can only conflict across the parts of an `all`
        why = _never(when) or (_conflicting_equals(when) if isinstance(when, dict) and "all" in when else None)
        if why:
            out.append(Diagnostic("compile.unreachable_rule", f"rule `{rule.id}` can never match: {why}",
                                  rule.location, severity="warning"))
    return out


def _conflicting_equals(spec: Any) -> str | None:
    if not isinstance(spec, dict):
        return None
    seen: dict[str, Any] = {}
    nested = spec.get("all")
    parts = [spec, *(p for p in nested if isinstance(p, dict))] if isinstance(nested, list) else [spec]
    for part in parts:
        for key, value in part.items():
            if key in ("all", "any", "not"):
                continue
            want = value.get("equals") if isinstance(value, dict) else value
            if want is None or isinstance(want, list | dict) or "*" in key:
                continue
            if key in seen and seen[key] != want:
                return f"`{key}` cannot equal both `{seen[key]}` and `{want}`"
            seen[key] = want
    return None


def _condition_text() -> Callable[[Any], str]:
    """``json.dumps([when, unless], sort_keys=True, default=str)`` without its per-call set-up (a new
    encoder each time is most of its cost at 10,000 rules); the same text, from the same C encoder."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - a Python without the C accelerator
        encoder = json.JSONEncoder(sort_keys=True, default=str)
        return encoder.encode
    encode = make({}, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", True, False, True)
    return lambda value: "".join(encode(value, 0))


_NO_CONDITIONS = json.dumps([None, None])


def _fingerprints(rules: list[CompiledRule]) -> list[tuple[Any, ...]]:
    text = _condition_text()
    out: list[tuple[Any, ...]] = []
    for rule in rules:
        r = rule.source.rule
        when, unless = r.when, r.unless
        conditions = _NO_CONDITIONS if when is None and unless is None else text([when, unless])
        out.append((r.on, r.tool, rule.effect, r.audit, r.priority, r.on_unknown, conditions))
    return out


def _duplicates(rules: list[CompiledRule]) -> list[Diagnostic]:
    seen: dict[tuple[Any, ...], list[CompiledRule]] = {}
    out: list[Diagnostic] = []
    ordered = sorted(rules, key=_ORDER)
    for rule, fingerprint in zip(ordered, _fingerprints(ordered), strict=True):
        same = seen.setdefault(fingerprint, [])
        first = next((f for f in same if _spec(f) == _spec(rule)), None)
        if first is None:
            same.append(rule)
            continue
        out.append(Diagnostic(
            "compile.duplicate_rule", f"rule `{rule.id}` duplicates rule `{first.id}` (same selectors, "
            "conditions and effect)", rule.location, severity="warning"))
    return out


_ORDER = operator.attrgetter("order")


def _spec(rule: CompiledRule) -> Any:
    r = rule.source.rule
    return getattr(r, r.effect)
