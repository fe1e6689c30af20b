"""Combining the rules that matched one event into its Decision.

Every matching rule contributes; the strictest effect wins (deny > ask >
modify/inject > allow). ``Decision.rules`` lists the acting rules strictest
first, then in evaluation order. Rules an unreadable command line decided
wholesale (:mod:`hookgate.policy.compiler.flood`) arrive as precomputed
runs, so a line that makes 3,500 deny rules live costs a few tuple copies,
not 3,500 evaluations, sorts and formatted lines.
"""

from __future__ import annotations

import operator
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from hookgate.policy.compiler.flood import Flood, RankRun, effective, unknown_lines
from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.decision import CONTINUE, EFFECT_RANK, ApprovalAsk, Decision, Effect, Injection, ShadowHit
from hookgate.policy.effects import AskSpec, DenySpec, InjectSpec, ModifySpec, apply_modify, clone
from hookgate.policy.match.base import MatchResult, Outcome

__all__ = ["combine", "failed"]

Matched = list[tuple[CompiledRule, MatchResult]]


def failed(rule: CompiledRule | None, why: str) -> Decision:
    """Fail closed: a rule (or the event itself) could not be evaluated, so deny and say which and why."""
    if rule is None:
        return Decision("deny", reason=f"denied: malformed event: {why}")
    return Decision("deny", rules=(rule.id,), reason=f"denied by rule `{rule.id}`: evaluating it failed ({why}); "
                    "failing closed")


def combine(matched: Matched, data: Mapping[str, Any], *, on_ask_deny: bool,
            floods: Sequence[Flood] = ()) -> Decision:
    """Every matching rule contributes; the strictest effect wins (deny > ask > modify/inject > allow).

    ``matched`` holds the rules evaluated one by one (in evaluation order);
    ``floods`` the rule sets an unreadable command line made live wholesale.
    """
    return combine_reusable(matched, data, on_ask_deny=on_ask_deny, floods=floods)[0]


def combine_reusable(matched: Matched, data: Mapping[str, Any], *, on_ask_deny: bool,
                     floods: Sequence[Flood] = ()) -> tuple[Decision, bool]:
    """:func:`combine`, and whether the decision is the same for any event with these matches (it
    neither shows the event, as an ask prompt does, nor rewrites it), so a caller may reuse it."""
    floods = _distinct(floods) if len(floods) > 1 else floods
    flooded = _flooded(floods)
    acting: list[CompiledRule] = []
    shadow: list[tuple[int, ShadowHit]] = []
    unknowns: list[str] = []
    for rule, r in matched:
        live = r.outcome is Outcome.YES or rule.unknown_matches
        if r.outcome is Outcome.UNKNOWN:
            how = "counted as a match" if live else "ignored"
            unknowns.append(f"rule `{rule.id}` ({how}): {r.detail or 'input not understood'}")
        if not live or rule.key in flooded:  # a flood member is counted once, by its flood
            continue
        if rule.audit:
            shadow.append((rule.key, ShadowHit(rule.id, _effective(rule, on_ask_deny=on_ask_deny))))
        else:
            acting.append(rule)
    if floods:
        unknowns += unknown_lines(floods, (rule.key for rule, _ in matched))
        if any(f.members.shadow for f in floods):
            shadow = sorted(_dedupe([*(p for f in floods for p in f.members.shadow), *shadow]), key=lambda p: p[0])
    hits = tuple(h for _, h in shadow)
    runs = [run for f in floods for run in f.members.runs]
    if not acting and not runs:
        return (Decision("continue", shadow=hits, unknowns=tuple(unknowns)) if hits or unknowns else CONTINUE), True
    try:
        new_data = _modified(acting, data)
    except Exception as exc:  # a rewrite that fails must not let the original through
        culprit = next(r for r in acting if r.effect == "modify")
        return failed(culprit, f"{type(exc).__name__}: {exc}"), False
    effects = [(_effective(r, on_ask_deny=on_ask_deny), r) for r in acting]
    effects.sort(key=lambda p: (-EFFECT_RANK[p[0]], p[1].key))
    ids, top_rule, top = _flood_first(floods, effects) or _ordered(effects, runs)
    if top == "inject_context" and any(e == "modify" for e, _ in effects):
        top = "modify"
    top_rule, ids, unsure = _named_rule(top, top_rule, ids, matched, on_ask_deny=on_ask_deny)
    view = new_data if new_data is not None else data  # prompts show what would actually run
    approval: ApprovalAsk | None = None
    if top == "ask_user":
        approval, top_rule = _approval(top_rule, acting, runs, view)
    reason = _reason(top, top_rule, view)
    if unsure and reason is not None and unknowns:
        reason += f" (not proven: {unknowns[0]}; unclear input counts as a match, failing closed)"
    decision = Decision(
        top, ids, reason, _user_message(top_rule), new_data, approval, _injections(acting), hits, tuple(unknowns),
    )
    return decision, new_data is None and not isinstance(top_rule.action, AskSpec)


_NONE: frozenset[int] = frozenset()


def _named_rule(top: Effect, first: CompiledRule, ids: tuple[str, ...], matched: Matched, *,
                on_ask_deny: bool) -> tuple[CompiledRule, tuple[str, ...], bool]:
    """The rule a decision is explained by: the first of the winning effect that matched for certain
    (moved to the front of ``ids``), else the first one, flagged as matched only by unclear input.
    Flood members count too: a line can be unreadable in one part and certain in another."""
    certain = [r for r, m in matched
               if m.outcome is Outcome.YES and not r.audit and _effective(r, on_ask_deny=on_ask_deny) == top]
    if not certain:
        return first, ids, top in ("deny", "ask_user")
    named = min(certain, key=lambda r: r.key)
    if named.key == first.key or any(r.key == first.key for r in certain):
        return first, ids, False
    return named, (named.id, *(i for i in ids if i != named.id)), False


def _flooded(floods: Sequence[Flood]) -> frozenset[int]:
    """Keys of every live flood member (shared, not copied, in the common one-flood case)."""
    if not floods:
        return _NONE
    if len(floods) == 1:
        return floods[0].members.live_keys
    return frozenset().union(*(f.members.live_keys for f in floods))


def _distinct(floods: Sequence[Flood]) -> list[Flood]:
    """One flood per rule set (two unreadable values of one field flood it once)."""
    seen: dict[int, Flood] = {}
    for f in floods:
        seen.setdefault(id(f.members), f)
    return list(seen.values())


def _dedupe(pairs: list[tuple[int, ShadowHit]]) -> list[tuple[int, ShadowHit]]:
    out: dict[int, ShadowHit] = {}
    for k, h in pairs:
        out.setdefault(k, h)
    return list(out.items())


def _flood_first(floods: Sequence[Flood], effects: list[tuple[Effect, CompiledRule]]
                 ) -> tuple[tuple[str, ...], CompiledRule, Effect] | None:
    """The common flood: one field's precomputed ids, then the weaker rules that matched (one copy)."""
    if len(floods) != 1 or not floods[0].members.runs:
        return None
    members = floods[0].members
    weakest = members.runs[-1].rank
    if any(EFFECT_RANK[e] >= weakest for e, _ in effects):
        return None
    first = members.runs[0]
    return members.ids + tuple(r.id for _, r in effects), first.rules[0], _RUN_EFFECT[first.rank]


_RUN_EFFECT: dict[int, Effect] = {EFFECT_RANK["deny"]: "deny", EFFECT_RANK["ask_user"]: "ask_user"}


def _ordered(effects: list[tuple[Effect, CompiledRule]], runs: list[RankRun]
             ) -> tuple[tuple[str, ...], CompiledRule, Effect]:
    """Rule ids strictest effect first, then by key, merging precomputed flood runs; the top rule and effect."""
    if not runs:
        return tuple(r.id for _, r in effects), effects[0][1], effects[0][0]
    by_rank: dict[int, list[tuple[Sequence[int], Sequence[str], Sequence[CompiledRule]]]] = {}
    for run in runs:
        by_rank.setdefault(run.rank, []).append((run.keys, run.ids, run.rules))
    for eff, rule in effects:
        by_rank.setdefault(EFFECT_RANK[eff], []).append(((rule.key,), (rule.id,), (rule,)))
    ranks = sorted(by_rank, reverse=True)  # runs are deny/ask only, so the top rank is one of theirs
    ids: list[str] = []
    top_rule: CompiledRule | None = None
    for rank in ranks:
        rank_ids, rules = _merge_runs(by_rank[rank])
        top_rule = top_rule or rules[0]
        ids += rank_ids
    assert top_rule is not None
    return tuple(ids), top_rule, _RUN_EFFECT[ranks[0]]


def _merge_runs(parts: list[tuple[Sequence[int], Sequence[str], Sequence[CompiledRule]]]
                ) -> tuple[Sequence[str], Sequence[CompiledRule]]:
    """Merge runs sorted by key into one (a rule in two runs appears once): the longest run is
    copied and the others inserted, so a flood with a few other matches costs one copy."""
    if len(parts) == 1:
        return parts[0][1], parts[0][2]
    parts = sorted(parts, key=lambda p: -len(p[0]))
    keys, ids, rules = list(parts[0][0]), list(parts[0][1]), list(parts[0][2])
    for p_keys, p_ids, p_rules in parts[1:]:
        for k, i, r in zip(p_keys, p_ids, p_rules, strict=True):
            pos = bisect_left(keys, k)
            if pos < len(keys) and keys[pos] == k:
                continue
            keys.insert(pos, k)
            ids.insert(pos, i)
            rules.insert(pos, r)
    return ids, rules


def _effective(rule: CompiledRule, *, on_ask_deny: bool) -> Effect:
    return effective(rule, on_ask_deny=on_ask_deny)  # type: ignore[return-value]


def _modified(acting: list[CompiledRule], data: Mapping[str, Any]) -> dict[str, Any] | None:
    """Modify rules in chain order (lower layers first, then priority and file order), each seeing
    the previous output: a higher layer's rewrite is applied last, so a lower one cannot undo it."""
    out: dict[str, Any] | None = None
    for rule in sorted((r for r in acting if isinstance(r.action, ModifySpec)), key=_CHAIN):
        assert isinstance(rule.action, ModifySpec)
        out = apply_modify(rule.action, out if out is not None else clone(dict(data)))
    return out


_CHAIN = operator.attrgetter("chain")


def _reason(top: str, rule: CompiledRule, data: Mapping[str, Any]) -> str | None:
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


def _user_message(rule: CompiledRule) -> str | None:
    action = rule.action
    return action.user_message if isinstance(action, DenySpec) else None


def _approval(top: CompiledRule, acting: list[CompiledRule], runs: list[RankRun], data: Mapping[str, Any]
              ) -> tuple[ApprovalAsk | None, CompiledRule]:
    """One approval for every ask that matched, as strict as the strictest (:func:`joint_approval`).
    Returns the approval and the ask it shows."""
    flooded = (r for run in runs if run.rank == _ASK_RANK for r in run.rules)
    asks = [r for r in dict.fromkeys((top, *acting, *flooded)) if isinstance(r.action, AskSpec)]
    if not asks:
        return None, top
    return joint_approval(asks, data), min(asks, key=_BY_LAYER)


def joint_approval(asks: Sequence[CompiledRule], data: Mapping[str, Any],
                   also: Sequence[ApprovalAsk] = ()) -> ApprovalAsk:
    """The approval of ``asks`` (rules that ask) on ``data``: the highest layer's ask is shown (a
    project's ask cannot stand in for the organisation's), the default is deny if any ask's is, the
    timeout is the shortest when it denies (the longest when it allows), and the risk is the
    highest. ``also``: approvals already made of other asks, held to the same terms."""
    shown = min(asks, key=_BY_LAYER)
    specs = [r.action for r in asks if isinstance(r.action, AskSpec)]
    a = shown.action
    assert isinstance(a, AskSpec)  # every rule in `asks` asks
    denies = any(s.default != "allow" for s in specs) or any(x.default != "allow" for x in also)
    timeouts = [s.timeout for s in specs] + [x.timeout for x in also]
    default: Literal["allow", "deny"] = "deny" if denies else "allow"
    risk = max((r for r in (*(s.risk for s in specs), *(x.risk for x in also)) if r), key=_RISKS.index, default=None)
    return ApprovalAsk(a.prompt.render(data), a.options, min(timeouts) if denies else max(timeouts), default,
                       shown.id, a.reason, risk)


_ASK_RANK = EFFECT_RANK["ask_user"]
_RISKS = ("low", "medium", "high", "critical")
_BY_LAYER = operator.attrgetter("layer", "key")


def _injections(acting: list[CompiledRule]) -> tuple[Injection, ...]:
    return tuple(Injection(r.action.text, r.action.role, r.action.ephemeral, r.id)
                 for r in acting if isinstance(r.action, InjectSpec))
