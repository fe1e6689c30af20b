"""Indexes that make a decision's cost independent of rules that cannot apply.

Rules are grouped by event, then by tool: exact tool names in a dict, tool
globs (``mcp__github__*``) in a prefix/regex index, tool-less rules apart.
The rules that can apply to one (event, tool) pair form a
:class:`~hookgate.policy.compiler.bucket.Bucket`, built once and memoised;
a :class:`Route` is the up to three buckets one tool name meets. Indexes
return a superset of the rules that may match (and, where they already
know it, each one's answer); the engine evaluates only those.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from hookgate.policy.compiler.bucket import EMPTY_BUCKET, Bucket, Found, pick_all
from hookgate.policy.compiler.flood import Flood
from hookgate.policy.compiler.purity import route_reads
from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.compiler.tool_fold import fold_on_tool
from hookgate.policy.effects import AskSpec, ModifySpec
from hookgate.policy.match.base import EvalEnv, Outcome
from hookgate.policy.match.text import TextIndex

__all__ = ["EMPTY_BUCKET", "Bucket", "EventTable", "Hits", "Route", "build_event_tables"]

MAX_MEMO = 4096  # distinct tool names remembered per event (tool names come from events: bound them)
_TOKENS = itertools.count()


class EventTable:
    """All rules of one event: tool-less rules, rules per exact tool name, and tool-pattern rules.

    A tool's rules are the union of up to three buckets (each built once), so
    a rule that applies to every tool is indexed once, not once per tool.
    """

    __slots__ = ("_by_key", "_on_ask_deny", "_pattern_buckets", "any_tool", "exact", "memo", "patterned", "rules",
                 "tool_patterns")

    def __init__(self, rules: list[CompiledRule], *, on_ask_deny: bool = False) -> None:
        self._on_ask_deny = on_ask_deny
        self.rules = tuple(sorted(rules, key=lambda r: r.key))
        exact: dict[str, list[CompiledRule]] = {}
        any_tool: list[CompiledRule] = []
        self.patterned: dict[int, CompiledRule] = {}
        self.tool_patterns = TextIndex()
        for rule in self.rules:
            tools = rule.tools
            if tools is None:
                any_tool.append(rule)
                continue
            for name in tools.exact:
                exact.setdefault(name, []).append(rule)
            if tools.prefixes or tools.globs:
                for pattern in tools.patterns:
                    self.patterned[rule.key] = rule
                    self.tool_patterns.add(pattern, rule.key)
        self.tool_patterns.freeze()
        picks = pick_all(self.rules) if len(exact) > 1 else None  # shared by the buckets a rule sits in
        #: every rule by key, shared by the buckets and routes (a dict per bucket and per route was some
        #: 0.5 MB at 10,000 rules over a thousand tool names, and 4 KB more per tool name seen)
        self._by_key = by_key = {r.key: r for r in self.rules}
        self.any_tool = (Bucket(any_tool, on_ask_deny=on_ask_deny, picks=picks, by_key=by_key) if any_tool
                         else EMPTY_BUCKET)
        self.exact = {name: Bucket(rs, on_ask_deny=on_ask_deny, picks=picks, by_key=by_key)
                      for name, rs in exact.items()}
        self._pattern_buckets: dict[frozenset[int], Bucket] = {}
        #: the route of each tool name seen (``route`` fills it; the engine reads it directly)
        self.memo: dict[str | None, Route] = {}

    def route(self, tool: str | None) -> Route:
        """How an event naming ``tool`` (None: no tool) is decided; built once per tool name."""
        found = self.memo.get(tool)
        if found is not None:
            return found
        parts = [self.any_tool]
        if tool is not None:
            parts.append(self.exact.get(tool, EMPTY_BUCKET))
            parts.append(self._pattern_bucket(tool))
        route = Route(tuple(b for b in parts if b.rules), tool=tool, by_key=self._by_key)
        if len(self.memo) < MAX_MEMO:
            self.memo[tool] = route
        return route

    def _pattern_bucket(self, tool: str) -> Bucket:
        if not self.patterned:
            return EMPTY_BUCKET
        keys = frozenset(self.tool_patterns.candidates(tool, EvalEnv()))
        if not keys:
            return EMPTY_BUCKET
        bucket = self._pattern_buckets.get(keys)
        if bucket is None:
            bucket = Bucket((self.patterned[k] for k in keys), on_ask_deny=self._on_ask_deny, by_key=self._by_key)
            if len(self._pattern_buckets) < MAX_MEMO:
                self._pattern_buckets[keys] = bucket
        return bucket


class Hits:
    """What the indexes found for one event: rules to evaluate or already answered, and floods."""

    __slots__ = ("floods", "found")

    def __init__(self, found: Found, floods: list[Flood]) -> None:
        self.found = found
        self.floods = floods


class Route:
    """The buckets one tool name meets, their unconditional rules, and (filled in by the engine) the
    decision those alone produce when it does not depend on the event's data.

    The buckets' always-lists and field groups are flattened here once, so an
    event walks one tuple of groups however many buckets the tool meets."""

    __slots__ = ("_unfolded", "absent", "always", "buckets", "by_key", "folded", "groups", "reads", "static",
                 "static_asks", "static_decision", "static_modify", "token")

    def __init__(self, buckets: tuple[Bucket, ...], *, tool: str | None = None,
                 by_key: Mapping[int, CompiledRule] | None = None) -> None:
        """``tool``: the name every event of this route has in ``tool_name``, so rules whose conditions
        read only that are decided here (:mod:`~hookgate.policy.compiler.tool_fold`); ``folded`` says
        whether any was, and the engine takes such a route only for events that name the tool there.
        ``by_key``: a mapping that holds (at least) every rule of the buckets, shared with other routes;
        without it the buckets' own are used (merged when there are several)."""
        self.buckets = buckets
        self._unfolded: Route | None = None
        self.by_key: Mapping[int, CompiledRule]
        if by_key is not None:
            self.by_key = by_key
        elif len(buckets) == 1:
            self.by_key = buckets[0].by_key
        else:
            self.by_key = {k: r for b in buckets for k, r in b.by_key.items()}
        merged = {r.key: r for b in buckets for r in b.static}
        always = [k for b in buckets for k in b.always]
        self.folded = False
        if tool is not None and always:
            kept = []
            for key in always:
                answer = fold_on_tool(self.by_key[key], tool)
                if answer is None:
                    kept.append(key)
                    continue
                self.folded = True
                if answer is Outcome.YES:
                    merged[key] = self.by_key[key]
            always = kept
        self.static: tuple[CompiledRule, ...] = tuple(merged[k] for k in sorted(merged))
        self.static_decision: Any = None
        #: names this route's unconditional set in remembered decisions (unique for the process's life)
        self.token = next(_TOKENS)
        self.static_asks = tuple(r for r in self.static if isinstance(r.action, AskSpec))
        self.static_modify = any(isinstance(r.action, ModifySpec) for r in self.static)
        self.always: tuple[int, ...] = tuple(always)
        self.groups = tuple(g for b in buckets for g in b.groups)
        #: the top-level fields that decide this route when no rule here looks past the event (no path,
        #: no working directory), else None: the engine remembers decisions by their values
        self.reads = route_reads((*self.static, *(r for b in buckets for r in b.dynamic)))
        self.absent = (...,) * len(self.reads) if self.reads is not None else ()

    def unfolded(self) -> Route:
        """This route without rules decided on the tool name (for an event that names its tool by
        ``name`` while ``tool_name`` is null: its conditions see the null); built once."""
        if not self.folded:
            return self
        if self._unfolded is None:
            self._unfolded = Route(self.buckets, by_key=self.by_key)
        return self._unfolded

    def collect(self, data: Mapping[str, Any], env: EvalEnv) -> Hits | None:
        """The conditional rules of every bucket that may match ``data`` (None: not one)."""
        found: Found = dict.fromkeys(self.always) if self.always else {}
        floods: list[Flood] = []
        for group in self.groups:
            try:
                group.collect(data, env, found, floods)
            except Exception:  # an index that fails must not hide a rule: evaluate each, which names the culprit
                for key in group.keys:
                    found[key] = None
        if found or floods:
            return Hits(found, floods)
        return None


def build_event_tables(rules: list[CompiledRule], *, on_ask_deny: bool = False) -> dict[str, EventTable]:
    by_event: dict[str, list[CompiledRule]] = {}
    for rule in rules:
        for event in rule.events:
            by_event.setdefault(event, []).append(rule)
    return {event: EventTable(rs, on_ask_deny=on_ask_deny) for event, rs in by_event.items()}
