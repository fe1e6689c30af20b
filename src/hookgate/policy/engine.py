"""Evaluate a compiled plan against one event: a pure function, event -> Decision.

No I/O happens here (beyond what a path matcher documents). The hot path is
kept short on purpose: an event no rule selects returns the shared
:data:`CONTINUE` without allocating; otherwise the (event, tool) bucket's
indexes name the candidate rules and only those are evaluated.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from hookgate.diagnostics import Diagnostic
from hookgate.policy.combine import combine, combine_reusable, failed, joint_approval
from hookgate.policy.compiler import CompiledRule, CompileState, EventTable
from hookgate.policy.compiler.flood import Flood
from hookgate.policy.compiler.index import Hits, Route
from hookgate.policy.compiler.tool_fold import TOOL_FIELD
from hookgate.policy.decision import CONTINUE, EFFECT_RANK, Decision, TraceEntry
from hookgate.policy.effects import AskSpec, ModifySpec, changed_fields
from hookgate.policy.event_key import event_key
from hookgate.policy.match.base import EvalEnv, MatchResult, Outcome
from hookgate.policy.match.path_norm import PATH_SCOPE as _SCOPE
from hookgate.policy.match.path_norm import resolution_scope

__all__ = ["Plan", "combine", "evaluate", "failed", "rule_outcome"]

_YES = MatchResult(Outcome.YES, "no condition")
MAX_MEMO = 4096  # decisions remembered by the set of rules that produced them
MAX_EVENTS = 4096  # decisions remembered by the event that produced them (each key at most MAX_BYTES)


def rule_outcome(rule: CompiledRule, data: Mapping[str, Any], env: EvalEnv, *,
                 when: MatchResult | None = None) -> MatchResult:
    """``when`` and not ``unless``, in three-valued logic (an UNKNOWN exception keeps the rule live).

    ``when`` is the answer of the rule's ``when`` if an index already computed it.
    """
    r = when if when is not None else rule.when.test(data, env) if rule.when is not None else _YES
    if r.outcome is Outcome.NO or rule.unless is None:
        return r
    u = rule.unless.test(data, env)
    if u.outcome is Outcome.YES:
        return MatchResult(Outcome.NO, f"exception (`unless`) held: {u.detail}" if u.detail else "exception held")
    if u.outcome is Outcome.UNKNOWN:
        return MatchResult(Outcome.UNKNOWN, f"exception (`unless`) not understood: {u.detail}")
    return r


class Plan:
    """A compiled policy set: prepare once, evaluate many events."""

    __slots__ = ("_by_id", "_default_env", "_events", "_failures", "_memo", "_on_ask_deny", "_tables",
                 "_workspace", "events", "rule_ids", "rules", "warnings")

    def __init__(self, state: CompileState, *, loader_warnings: tuple[Diagnostic, ...] = ()) -> None:
        self.rules: tuple[CompiledRule, ...] = tuple(state.rules)
        for rule in self.rules:  # the loaded rule (pydantic model, positions) served the compiler, not evaluation
            rule.source = None
        self._tables: dict[str, EventTable] = state.tables
        self._on_ask_deny = state.on_ask_deny
        self._workspace = state.workspace
        self._default_env = EvalEnv(workspace=state.workspace)
        self._memo: dict[Any, Decision] = {}
        self._events: dict[bytes, Decision] = {}
        self._failures = 0  # rule evaluations that raised (a decision made meanwhile is not remembered)
        self._by_id: dict[str, CompiledRule] = {rule.id: rule for rule in self.rules}  # names the rewriters
        self.events: frozenset[str] = frozenset(state.tables)
        self.rule_ids: tuple[str, ...] = tuple(r.id for r in sorted(self.rules, key=lambda r: r.order))
        found = [*loader_warnings, *(d for d in state.diagnostics if not d.is_error)]
        self.warnings: tuple[Diagnostic, ...] = tuple(sorted(found, key=Diagnostic.sort_key))

    def rules_for(self, event: str) -> tuple[str, ...]:
        """Ids of the rules that select ``event`` (any tool), in evaluation order."""
        table = self._tables.get(event)
        return tuple(r.id for r in table.rules) if table is not None else ()

    def env_for(self, data: Mapping[str, Any]) -> EvalEnv:
        """The evaluation context an event carries (its ``cwd``), else the configured workspace."""
        cwd = data.get("cwd") or data.get("working_directory")
        if not isinstance(cwd, str):
            return self._default_env
        if type(cwd) is not str:  # its content as a plain string: caches key on the directory
            cwd = str.__str__(cwd)
        return EvalEnv(cwd=cwd, workspace=self._workspace or cwd)

    def evaluate(self, event: str, data: Mapping[str, Any], *, trace: bool = False,
                 env: EvalEnv | None = None) -> Decision:
        """The Decision for one event (``trace=True`` also explains every rule considered).

        When modify rules rewrote the data, the rewritten data is held to the other rules too
        (:meth:`_gate_rewrite`): what a host runs after a rewrite never escapes a deny or ask."""
        key, failures = None, 0
        if env is None and not trace:
            # A route taken before whose rules read the event's data alone (Route.reads) answers a repeat
            # of those fields as it did the first time: an agent repeats its calls, and such a repeat
            # costs one encoding of the fields and a lookup. Rewrites (a fresh mapping each time) and
            # decisions made while a rule failed are not kept.
            table = self._tables.get(event)
            tool = data.get("tool_name")
            if tool is None:
                tool = data.get("name")  # amplifier's spelling; the route is the one _evaluate takes
            route = table.memo.get(tool) if table is not None and type(tool) is str else None
            if route is not None and route.folded and TOOL_FIELD in data and data[TOOL_FIELD] is not tool:
                route = route.unfolded()
            if route is not None and route.reads is not None:
                # the route's token leads: two routes' fields can line up value for value (`bash` with
                # the text input "x"; tool `x` with `zeta: bash`), and must not share an answer
                key = event_key((route.token, *map(data.get, route.reads, route.absent)))
                if key is not None:
                    known = self._events.get(key)
                    if known is not None:
                        return known
                    failures = self._failures
        decision = self._evaluate(event, data, trace=trace, env=env)
        if decision.data is None:
            if key is not None and self._failures == failures:
                self._remember(key, decision)
            return decision
        if decision.effect == "deny":
            return decision
        # judged where the host runs it: the event's own directory (rewrites cannot touch CONTEXT_FIELDS)
        return self._gate_rewrite(event, decision, trace=trace, env=env if env is not None else self.env_for(data),
                                  original=data)

    def _gate_rewrite(self, event: str, decision: Decision, *, trace: bool, env: EvalEnv,
                      original: Mapping[str, Any]) -> Decision:
        """Escalate to the deny or ask the rewritten data meets, if that is stricter.

        Every rule sees the event as it came, so without this check a modify rule could hand
        the host data that a deny rule would have stopped: a project layer's rewrite would loosen
        the organisation's deny, which layers must never do. Only the verdict of the second pass
        is used (its own rewrites are not applied again: a replace is not idempotent)."""
        rewritten = decision.data
        assert rewritten is not None
        check = self._evaluate(event, rewritten, trace=trace, env=env)
        overruled = self._layered_rewrite_conflict(decision, check, original)
        if overruled is not None:
            return Decision("deny", tuple(dict.fromkeys((*decision.rules, *check.rules))), overruled,
                            data=rewritten, unknowns=decision.unknowns, trace=decision.trace)
        if check.effect == decision.effect == "ask_user":
            return self._joint_ask(decision, check, rewritten)
        if check.effect not in ("deny", "ask_user") or EFFECT_RANK[check.effect] <= EFFECT_RANK[decision.effect]:
            return decision  # (its prompts already show the rewritten data: what would run)
        by = ", ".join(f"`{r}`" for r in decision.rules if self._by_id[r].effect == "modify") or "a modify rule"
        entries = decision.trace
        if entries is not None and check.trace is not None:
            again = f"on the data rewritten by {by}: "
            entries = (*entries, *(TraceEntry(t.rule_id, t.matched, t.outcome, again + t.why)
                                   for t in check.trace if t.matched))
        return Decision(
            check.effect,
            tuple(dict.fromkeys((*check.rules, *decision.rules))),
            f"{check.reason} (in the data as rewritten by {by})" if check.reason else f"rewritten by {by}",
            check.user_message,
            rewritten,
            check.approval,
            decision.injections,
            decision.shadow,
            tuple(dict.fromkeys((*decision.unknowns, *check.unknowns))),
            entries,
        )

    def _layered_rewrite_conflict(self, decision: Decision, check: Decision, original: Mapping[str, Any]
                                  ) -> str | None:
        """Why a lower layer's rewrite got past a higher layer's, or None.

        Rewrites chain lower layers first, so the organisation's has the last word, but each rule
        is judged on the event as it came. Two ways round that, both denied: the rewritten data meets
        a higher layer's modify rule the original did not (it never ran), or a lower layer rewrote a
        field a higher layer's rule rewrites too, before it (a secret mangled past a redaction)."""
        rewriters = [self._by_id[r] for r in decision.rules if self._by_id[r].effect == "modify"]
        if not rewriters:
            return None
        lowest = max(r.layer for r in rewriters)  # the least authoritative layer that rewrote
        ran = {r.id for r in rewriters}
        missed = [self._by_id[r] for r in check.rules
                  if r not in ran and self._by_id[r].effect == "modify" and self._by_id[r].layer < lowest]
        if missed:
            by = ", ".join(f"`{r.id}`" for r in rewriters if r.layer > missed[0].layer)
            return (f"denied: the data as rewritten by {by} meets rule `{missed[0].id}` of a higher layer, which "
                    "did not run on it (a lower layer's rewrite cannot get past a higher one's)")
        if len({r.layer for r in rewriters}) < 2:  # one layer rewrote: nothing ran ahead of a higher one
            return None
        touched = {r.id: changed_fields(r.action, original) for r in rewriters if isinstance(r.action, ModifySpec)}
        for high in rewriters:
            lower = [r for r in rewriters if r.layer > high.layer]
            if not lower or not isinstance(high.action, ModifySpec):
                continue
            mine = changed_fields(high.action, original, mapped_only=True)
            for low in lower:
                both = mine & touched.get(low.id, set())
                if both:
                    field = ".".join(map(str, min(both, key=lambda path: (len(tuple(path)), repr(path)))))
                    return (f"denied: rule `{low.id}` rewrites `{field}` before rule `{high.id}` of a higher layer "
                            "rewrites it too (a lower layer's rewrite cannot run ahead of a higher one's on the "
                            "same field)")
        return None

    def _joint_ask(self, decision: Decision, check: Decision, rewritten: dict[str, Any]) -> Decision:
        """Both passes ask: one approval for the asks of both, as strict as the strictest, so an
        organisation's ask that only the rewritten data meets is the one shown, with its default
        and timeout (a project's ask of the same rank must not stand in for it)."""
        ids = tuple(dict.fromkeys((*decision.rules, *check.rules)))
        asks = [self._by_id[r] for r in ids if isinstance(self._by_id[r].action, AskSpec)]
        if not asks:  # pragma: no cover - an ask decision names the rule that asks
            return decision
        approval = joint_approval(asks, rewritten, [a for a in (decision.approval, check.approval) if a is not None])
        if approval == decision.approval and ids == decision.rules:
            return decision
        return replace(decision, rules=ids, approval=approval,
                       unknowns=tuple(dict.fromkeys((*decision.unknowns, *check.unknowns))))

    def _evaluate(self, event: str, data: Mapping[str, Any], *, trace: bool = False,
                  env: EvalEnv | None = None) -> Decision:
        table = self._tables.get(event)
        if table is None:
            return CONTINUE if not trace else Decision("continue", trace=())
        tool = data.get("tool_name")
        if tool is None:
            tool = data.get("name")
        if tool is not None and not isinstance(tool, str):
            return failed(None, "the event's tool name is not a string")
        if trace:
            with resolution_scope():
                return self._traced(table, tool, data, env or self.env_for(data))
        route = table.memo.get(tool) or table.route(tool)
        if route.folded and TOOL_FIELD in data and data[TOOL_FIELD] is not tool:
            route = route.unfolded()  # named by `name`, `tool_name` null: conditions see null, not the tool
        if not route.buckets:
            return CONTINUE
        if env is None:
            env = self.env_for(data) if "cwd" in data or "working_directory" in data else self._default_env
        return self._routed(route, data, env)

    def _remember(self, key: bytes, decision: Decision) -> None:
        """Keep a decision by its event key; when full, the oldest quarter goes (insertion order), so a
        busy session does not fall off a cliff. Keys hold at most ``MAX_BYTES`` each."""
        events = self._events
        if len(events) >= MAX_EVENTS:
            try:
                for old in list(itertools.islice(events, MAX_EVENTS // 4)):
                    events.pop(old, None)
            except RuntimeError:  # another thread changed it meanwhile: start afresh
                events.clear()
        events[key] = decision

    def _routed(self, route: Route, data: Mapping[str, Any], env: EvalEnv) -> Decision:
        scope = _SCOPE.memo
        _SCOPE.memo = {}  # the index and every rule judge one state of the file system (resolution_scope, inlined)
        try:
            hits = route.collect(data, env)
            if hits is None:
                return self._static_decision(route, data) if route.static else CONTINUE
            return self._decide(route, hits, data, env)
        finally:
            _SCOPE.memo = scope

    def _decide(self, route: Route, hits: Hits, data: Mapping[str, Any], env: EvalEnv) -> Decision:
        """Evaluate what the indexes could not answer alone, then combine."""
        found = hits.found
        by_key = route.by_key
        matched: list[tuple[CompiledRule, MatchResult]] = []
        for key in sorted(found) if len(found) > 1 else found:
            rule = by_key[key]
            try:
                r = rule_outcome(rule, data, env, when=found[key])
            except Exception as exc:  # never a silent pass: the rule's error denies
                self._failures += 1
                return failed(rule, f"{type(exc).__name__}: {exc}")
            if r.outcome is not Outcome.NO:
                matched.append((rule, r))
        if not matched and not hits.floods:
            return self._static_decision(route, data) if route.static else CONTINUE
        return self._combined(matched, data, hits.floods, route)

    def _combined(self, matched: list[tuple[CompiledRule, MatchResult]], data: Mapping[str, Any],
                  floods: list[Flood], route: Route) -> Decision:
        """:func:`combine` of the matched rules and the route's unconditional ones, remembered by what
        matched (rules, their answers unless YES, floods, the route's unconditional set) and the prompts
        the ask rules render from this event; a modify rule rewrites the event, so its decision is never
        reused. The unconditional rules (often most of a tool's rules) join the list only on a miss."""
        parts: list[Any] = []
        prompts: list[str] = []
        rewrites = route.static_modify
        for rule, r in matched:
            action = rule.action
            if isinstance(action, ModifySpec):
                rewrites = True
            elif isinstance(action, AskSpec):
                prompts.append(action.prompt.render(data))
            parts.append(rule.key if r.outcome is Outcome.YES else (rule.key, r))
        if rewrites or (floods and (prompts or route.static_asks)):  # shows or rewrites the event: not reused
            return combine(_with_static(matched, route), data, on_ask_deny=self._on_ask_deny, floods=floods)
        prompts.extend(rule.action.prompt.render(data) for rule in route.static_asks)  # type: ignore[union-attr]
        key = (tuple(parts), route.token if route.static else None, tuple(prompts), tuple(floods))
        decision = self._memo.get(key)
        if decision is None:
            decision, reusable = combine_reusable(_with_static(matched, route), data, on_ask_deny=self._on_ask_deny,
                                                  floods=floods)
            if reusable or prompts:  # with no rewrite, the prompts are all an ask decision shows of the event
                if len(self._memo) >= MAX_MEMO:
                    self._memo.clear()
                self._memo[key] = decision
        return decision

    def _static_decision(self, route: Route, data: Mapping[str, Any]) -> Decision:
        """The decision of the unconditional rules alone; cached when it cannot depend on the data."""
        if route.static_decision is not None:
            return route.static_decision  # type: ignore[no-any-return]
        decision = combine([(r, _YES) for r in route.static], data, on_ask_deny=self._on_ask_deny)
        if not any(r.effect in ("modify", "ask_user") for r in route.static):
            route.static_decision = decision
        return decision

    def _traced(self, table: EventTable, tool: str | None, data: Mapping[str, Any], env: EvalEnv) -> Decision:
        """Evaluate every rule of the event (no index shortcuts) and explain each."""
        entries: list[TraceEntry] = []
        matched: list[tuple[CompiledRule, MatchResult]] = []
        for rule in table.rules:
            if not rule.selects_tool(tool):
                entries.append(TraceEntry(rule.id, False, "skipped", f"skipped: tool `{tool}` not selected"))
                continue
            try:
                r = rule_outcome(rule, data, env)
            except Exception as exc:
                return failed(rule, f"{type(exc).__name__}: {exc}")
            entries.append(_entry(rule, r))
            if r.outcome is not Outcome.NO:
                matched.append((rule, r))
        decision = combine(matched, data, on_ask_deny=self._on_ask_deny) if matched else CONTINUE
        return _with_trace(decision, entries)


def _with_static(matched: list[tuple[CompiledRule, MatchResult]], route: Route
                 ) -> list[tuple[CompiledRule, MatchResult]]:
    """The matched rules and the route's unconditional ones, in evaluation order."""
    if not route.static:
        return matched
    return sorted([*matched, *((rule, _YES) for rule in route.static)], key=lambda p: p[0].key)


def _entry(rule: CompiledRule, r: MatchResult) -> TraceEntry:
    if r.outcome is Outcome.NO:
        return TraceEntry(rule.id, False, "no match", r.detail or "condition did not hold")
    live = r.outcome is Outcome.YES or rule.unknown_matches
    effect = f"audit:{rule.effect}" if rule.audit else rule.effect
    if r.outcome is Outcome.UNKNOWN:
        how = "counted as a match" if live else "ignored (`on_unknown: ignore`)"
        return TraceEntry(rule.id, live, effect if live else "no match", f"not understood, {how}: {r.detail}")
    return TraceEntry(rule.id, True, effect, r.detail or "condition held")


def _with_trace(decision: Decision, entries: Iterable[TraceEntry]) -> Decision:
    return Decision(decision.effect, decision.rules, decision.reason, decision.user_message, decision.data,
                    decision.approval, decision.injections, decision.shadow, decision.unknowns, tuple(entries))


def evaluate(plan: Plan, event: str, data: Mapping[str, Any], *, trace: bool = False,
             env: EvalEnv | None = None) -> Decision:
    """Functional form of :meth:`Plan.evaluate`."""
    return plan.evaluate(event, data, trace=trace, env=env)
