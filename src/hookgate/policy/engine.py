"""Evaluate a compiled plan against one event: a pure function, event -> Decision.

No I/O happens here (beyond what a path matcher documents). The hot path is
kept short on purpose: an event no rule selects returns the shared
:data:`CONTINUE` without allocating; otherwise the (event, tool) bucket's
indexes name the candidate rules and only those are evaluated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from hookgate.diagnostics import Diagnostic
from hookgate.policy.compiler import CompiledRule, CompileState, EventTable
from hookgate.policy.compiler.index import Route
from hookgate.policy.decision import (
    CONTINUE,
    EFFECT_RANK,
    ApprovalAsk,
    Decision,
    Effect,
    Injection,
    ShadowHit,
    TraceEntry,
)
from hookgate.policy.effects import AskSpec, DenySpec, InjectSpec, ModifySpec, apply_modify, clone
from hookgate.policy.match.base import EvalEnv, MatchResult, Outcome

__all__ = ["Plan", "combine", "evaluate", "failed", "rule_outcome"]

_YES = MatchResult(Outcome.YES, "no condition")


def rule_outcome(rule: CompiledRule, data: Mapping[str, Any], env: EvalEnv) -> MatchResult:
    """``when`` and not ``unless``, in three-valued logic (an UNKNOWN exception keeps the rule live)."""
    r = rule.when.test(data, env) if rule.when is not None else _YES
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

    __slots__ = ("_default_env", "_on_ask_deny", "_tables", "_workspace", "events", "rule_ids", "rules", "warnings")

    def __init__(self, state: CompileState, *, loader_warnings: tuple[Diagnostic, ...] = ()) -> None:
        self.rules: tuple[CompiledRule, ...] = tuple(state.rules)
        self._tables: dict[str, EventTable] = state.tables
        self._on_ask_deny = state.on_ask_deny
        self._workspace = state.workspace
        self._default_env = EvalEnv(workspace=state.workspace)
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
        return EvalEnv(cwd=cwd, workspace=self._workspace or cwd)

    def evaluate(self, event: str, data: Mapping[str, Any], *, trace: bool = False,
                 env: EvalEnv | None = None) -> Decision:
        """The Decision for one event (``trace=True`` also explains every rule considered)."""
        table = self._tables.get(event)
        if table is None:
            return CONTINUE if not trace else Decision("continue", trace=())
        tool = data.get("tool_name")
        if tool is None:
            tool = data.get("name")
        if tool is not None and not isinstance(tool, str):
            return failed(None, "the event's tool name is not a string")
        if trace:
            return self._traced(table, tool, data, env or self.env_for(data))
        route = table.route(tool)
        if not route.buckets:
            return CONTINUE
        if env is None:
            env = self.env_for(data)
        matched: list[tuple[CompiledRule, MatchResult]] = []
        for rule in route.candidates(data, env):
            try:
                r = rule_outcome(rule, data, env)
            except Exception as exc:  # never a silent pass: the rule's error denies
                return failed(rule, f"{type(exc).__name__}: {exc}")
            if r.outcome is not Outcome.NO:
                matched.append((rule, r))
        if not route.static:
            return combine(matched, data, on_ask_deny=self._on_ask_deny) if matched else CONTINUE
        if matched:
            matched.extend((rule, _YES) for rule in route.static)
            matched.sort(key=lambda p: p[0].key)
            return combine(matched, data, on_ask_deny=self._on_ask_deny)
        return self._static_decision(route, data)

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



# -- combining -----------------------------------------------------------------


def failed(rule: CompiledRule | None, why: str) -> Decision:
    """Fail closed: a rule (or the event itself) could not be evaluated, so deny and say which and why."""
    if rule is None:
        return Decision("deny", reason=f"denied: malformed event: {why}")
    return Decision("deny", rules=(rule.id,), reason=f"denied by rule `{rule.id}`: evaluating it failed ({why}); "
                    "failing closed")


def combine(matched: list[tuple[CompiledRule, MatchResult]], data: Mapping[str, Any], *,
            on_ask_deny: bool) -> Decision:
    """Every matching rule contributes; the strictest effect wins (deny > ask > modify/inject > allow)."""
    acting: list[CompiledRule] = []
    shadow: list[ShadowHit] = []
    unknowns: list[str] = []
    for rule, r in matched:
        live = r.outcome is Outcome.YES or rule.unknown_matches
        if r.outcome is Outcome.UNKNOWN:
            how = "counted as a match" if live else "ignored"
            unknowns.append(f"rule `{rule.id}` ({how}): {r.detail or 'input not understood'}")
        if not live:
            continue
        if rule.audit:
            shadow.append(ShadowHit(rule.id, _effective(rule, on_ask_deny=on_ask_deny)))
        else:
            acting.append(rule)
    if not acting:
        return Decision("continue", shadow=tuple(shadow), unknowns=tuple(unknowns)) if shadow or unknowns else CONTINUE
    try:
        new_data = _modified(acting, data)
    except Exception as exc:  # a rewrite that fails must not let the original through
        culprit = next(r for r in acting if r.effect == "modify")
        return failed(culprit, f"{type(exc).__name__}: {exc}")
    effects = [(_effective(r, on_ask_deny=on_ask_deny), r) for r in acting]
    effects.sort(key=lambda p: (-EFFECT_RANK[p[0]], p[1].key))
    top = effects[0][0]
    if top == "inject_context" and any(e == "modify" for e, _ in effects):
        top = "modify"
    view = new_data if new_data is not None else data  # prompts show what would actually run
    return Decision(
        top, tuple(r.id for _, r in effects), _reason(top, effects, view), _user_message(effects), new_data,
        _approval(effects, view) if top == "ask_user" else None, _injections(acting), tuple(shadow),
        tuple(unknowns),
    )


def _effective(rule: CompiledRule, *, on_ask_deny: bool) -> Effect:
    return "deny" if rule.effect == "ask_user" and on_ask_deny else rule.effect


def _modified(acting: list[CompiledRule], data: Mapping[str, Any]) -> dict[str, Any] | None:
    """Modify rules in evaluation order (priority, then file order), each seeing the previous output."""
    out: dict[str, Any] | None = None
    for rule in acting:
        if isinstance(rule.action, ModifySpec):
            out = apply_modify(rule.action, out if out is not None else clone(dict(data)))
    return out


def _reason(top: str, effects: list[tuple[Effect, CompiledRule]], data: Mapping[str, Any]) -> str | None:
    rule = effects[0][1]
    action = rule.action
    if top == "deny":
        if isinstance(action, DenySpec):
            return f"denied by rule `{rule.id}`: {action.reason}"
        if isinstance(action, AskSpec):
            what = action.reason or action.prompt.render(data)
            return (f"denied by rule `{rule.id}`: it asks for approval ({what}) and `settings.on_ask` is `deny`, "
                    "so nobody can approve")
    if top == "ask_user" and isinstance(action, AskSpec):
        return f"approval required by rule `{rule.id}`" + (f": {action.reason}" if action.reason else "")
    if top == "allow":
        return f"allowed by rule `{rule.id}`" + (f": {rule.allow_reason}" if rule.allow_reason else "")
    return None


def _user_message(effects: list[tuple[Effect, CompiledRule]]) -> str | None:
    action = effects[0][1].action
    return action.user_message if isinstance(action, DenySpec) else None


def _approval(effects: list[tuple[Effect, CompiledRule]], data: Mapping[str, Any]) -> ApprovalAsk | None:
    rule = effects[0][1]
    a = rule.action
    if not isinstance(a, AskSpec):
        return None
    default: Literal["allow", "deny"] = "allow" if a.default == "allow" else "deny"
    return ApprovalAsk(a.prompt.render(data), a.options, a.timeout, default, rule.id, a.reason, a.risk)


def _injections(acting: list[CompiledRule]) -> tuple[Injection, ...]:
    return tuple(Injection(r.action.text, r.action.role, r.action.ephemeral, r.id)
                 for r in acting if isinstance(r.action, InjectSpec))
