"""The compiler's stages, run in order over one :class:`CompileState`.

Each stage reads what earlier stages produced, appends diagnostics instead
of raising (so one run reports every error), and can be run and tested on
its own. ``validate`` stops after any stage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hookgate.diagnostics import Diagnostic
from hookgate.policy.compiler.index import EventTable, build_event_tables
from hookgate.policy.compiler.lint import lint_rules
from hookgate.policy.compiler.rules import EFFECT_OF, CompiledRule, ToolSelector, compile_tool_selector
from hookgate.policy.conditions.compile import compile_condition
from hookgate.policy.effects import (
    DEFAULT_OPTIONS,
    AskSpec,
    DenySpec,
    InjectSpec,
    ModifyOp,
    ModifySpec,
    Template,
    compile_template,
    redact_op,
    remove_op,
    replace_op,
    set_op,
)
from hookgate.policy.includes import LAYER_ORDER
from hookgate.policy.match.base import CompileContext, SpecError

__all__ = ["STAGES", "CompileState", "Stage"]


@dataclass(slots=True)
class CompileState:
    """What the stages build up: compiled rules, event tables, diagnostics."""

    policy_set: Any
    rules: list[CompiledRule] = field(default_factory=list)
    tables: dict[str, EventTable] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    on_ask_deny: bool = False
    workspace: str | None = None
    ctx: CompileContext = field(default_factory=CompileContext)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    def report(self, loaded: Any, exc: SpecError, prefix: tuple[str | int, ...]) -> None:
        """Turn a spec error (``loc`` relative to ``prefix`` in the rule) into a positioned diagnostic."""
        path = (*prefix, *exc.loc)
        keyish = exc.code in ("compile.unknown_operator", "compile.bad_field_path") or exc.code.endswith("_spec")
        where = loaded.positions.key(path) if keyish else loaded.positions.value(path)
        self.diagnostics.append(Diagnostic(exc.code, f"rule `{loaded.rule.id}`: {exc.message}", where,
                                           help=exc.help))


def resolve_events(state: CompileState) -> None:
    """Rules in evaluation order (priority, then file order) with their event and tool selectors."""
    ps = state.policy_set
    settings = ps.settings
    state.on_ask_deny = bool(getattr(settings, "asks_become_denies", False))
    state.workspace = getattr(settings, "workspace", None)
    state.ctx = CompileContext(lists={k: tuple(v) for k, v in ps.lists.items()})
    ordered = sorted(enumerate(ps.rules), key=lambda p: p[1].rule.priority)  # stable: file order breaks ties
    selectors: dict[tuple[str, ...], ToolSelector | SpecError | None] = {}  # tool lists repeat across rules
    append = state.rules.append
    for key, (order, loaded) in enumerate(ordered):
        rule = loaded.rule
        tools = None
        if rule.tool is not None:
            found = _tool_selector(tuple(rule.tool), selectors)
            if isinstance(found, SpecError):
                state.report(loaded, found, ("tool",))
            else:
                tools = found
        effect = rule.effect
        unknown = rule.on_unknown == "match" if rule.on_unknown is not None else effect in ("deny", "ask")
        if order == key:  # most rules keep their file order: one int object for both (10,000 ints past 256)
            order = key
        append(CompiledRule(key, rule.id, EFFECT_OF[effect], rule.audit, unknown, rule.priority, order,
                            tuple(rule.on), tools, loaded.location, loaded))
    # the modify chain: lower layers first, then priority and file order (the key order within one
    # layer), so a project's rewrite cannot undo the organisation's
    rank = {layer: n for n, layer in enumerate(LAYER_ORDER)}
    for cr in state.rules:
        cr.layer = rank[cr.source.layer]
    for place, cr in enumerate(sorted(state.rules, key=lambda r: (-r.layer, r.key))):
        cr.chain = cr.key if place == cr.key else place


def _tool_selector(names: tuple[str, ...], memo: dict[tuple[str, ...], ToolSelector | SpecError | None]
                   ) -> ToolSelector | SpecError | None:
    """The selector for ``names`` (or its error), compiled once per distinct list."""
    if names in memo:
        return memo[names]
    try:
        found: ToolSelector | SpecError | None = compile_tool_selector(names)
    except SpecError as exc:
        found = exc
    memo[names] = found
    return found


def compile_conditions(state: CompileState) -> None:
    """``when``/``unless`` of every rule into condition trees (errors at their key or value).

    The rules of a layer above the highest one that sets ``workspace`` take the workspace from the
    event (its cwd) only, never from the setting: a lower layer's ``workspace: /`` must not turn the
    organisation's ``outside: workspace`` deny into a no-op."""
    setter = _workspace_layer(state.policy_set)
    above = dataclasses.replace(state.ctx, workspace_from_event=True)
    errors: list[SpecError] = []  # one list for every condition: emptied after each one that failed
    for cr in state.rules:
        loaded = cr.source
        rule = loaded.rule
        when, unless = rule.when, rule.unless
        if when is None and unless is None:
            continue
        ctx = above if setter is not None and LAYER_ORDER.index(loaded.layer) < setter else state.ctx
        if when is not None:
            cr.when = compile_condition(when, ctx, errors)
            if errors:
                _report_all(state, loaded, errors, "when")
        if unless is not None:
            cr.unless = compile_condition(unless, ctx, errors)
            if errors:
                _report_all(state, loaded, errors, "unless")


def _report_all(state: CompileState, loaded: Any, errors: list[SpecError], name: str) -> None:
    for exc in errors:
        state.report(loaded, exc, (name,))
    errors.clear()


def _workspace_layer(policy_set: Any) -> int | None:
    """The rank (in :data:`LAYER_ORDER`) of the highest layer whose files set ``workspace``."""
    ranks = [LAYER_ORDER.index(src.layer) for src in getattr(policy_set, "sources", ())
             if "workspace" in src.model.settings.model_fields_set]
    return min(ranks) if ranks else None


def compile_effects(state: CompileState) -> None:
    """Each rule's effect into what the engine applies (templates parsed, regexes compiled)."""
    shared = _SharedEffects()
    for cr in state.rules:
        loaded = cr.source
        rule = loaded.rule
        try:
            _compile_effect(cr, rule, shared)
        except SpecError as exc:
            state.report(loaded, exc, (rule.effect,))


class _SharedEffects:
    """Equal deny specs and prompt templates compiled once per compile: they are immutable, and a
    large policy repeats its reasons and prompts across hundreds of rules."""

    __slots__ = ("denies", "templates")

    def __init__(self) -> None:
        self.denies: dict[tuple[str, str | None], DenySpec] = {}
        self.templates: dict[str, Template] = {}

    def deny(self, reason: str, user_message: str | None) -> DenySpec:
        found = self.denies.get((reason, user_message))
        if found is None:
            found = self.denies[(reason, user_message)] = DenySpec(reason, user_message)
        return found

    def template(self, text: str) -> Template:
        found = self.templates.get(text)
        if found is None:
            found = self.templates[text] = compile_template(text, loc=("prompt",))
        return found


def _compile_effect(cr: CompiledRule, rule: Any, shared: _SharedEffects) -> None:
    if rule.deny is not None:
        cr.action = shared.deny(rule.deny.reason, rule.deny.user_message)
    elif rule.ask is not None:
        a = rule.ask
        cr.action = AskSpec(shared.template(a.prompt), tuple(a.options or DEFAULT_OPTIONS),
                            float(a.timeout), a.default, a.reason, a.risk)
    elif rule.modify is not None:
        cr.action = ModifySpec(tuple(_modify_ops(rule.modify)))
    elif rule.inject is not None:
        cr.action = InjectSpec(rule.inject.text, rule.inject.role, rule.inject.ephemeral)
    else:
        cr.allow_reason = rule.allow.reason


def _modify_ops(spec: Any) -> list[ModifyOp]:
    ops = [set_op(path, value, loc=("set", path)) for path, value in spec.set.items()]
    ops += [remove_op(path, loc=("remove", i)) for i, path in enumerate(spec.remove)]
    ops += [replace_op(r.field, r.regex, r.with_, loc=("replace", i)) for i, r in enumerate(spec.replace)]
    if spec.redact is not None:
        red = spec.redact
        ops += [redact_op(f, tuple(red.detectors), red.replacement, loc=("redact", "fields", i))
                for i, f in enumerate(red.fields)]
    return ops


def build_indexes(state: CompileState) -> None:
    """Per event: rules by tool name and, per field, literal/regex/domain indexes."""
    state.tables = build_event_tables(state.rules, on_ask_deny=state.on_ask_deny)


def lint(state: CompileState) -> None:
    """Warnings: rules that cannot do what their author meant (:mod:`~hookgate.policy.compiler.lint`)."""
    ps = state.policy_set
    state.diagnostics.extend(lint_rules(state.rules, getattr(ps, "lists", None), getattr(ps, "list_location", None)))


Stage = Callable[[CompileState], None]

#: the stages, in order; ``validate(..., until=name)`` stops after the named one
STAGES: Mapping[str, Stage] = {
    "resolve_events": resolve_events,
    "compile_conditions": compile_conditions,
    "compile_effects": compile_effects,
    "build_indexes": build_indexes,
    "lint": lint,
}
