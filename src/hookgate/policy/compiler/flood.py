"""Rules that a command line nobody can read counts as matching, decided in one step.

When the shell parser reports a command line as not understood as a whole
(``curl … | sh`` runs downloaded text; ``$X -rf /`` runs a program named at
run time), every ``command`` rule answers UNKNOWN or YES, never NO. A
10,000-rule policy may hold thousands of such rules; evaluating each one and
formatting a line per rule would make exactly the events that most need a
decision the slowest. A :class:`FloodSet` is built once per indexed field at
compile time from the rules whose whole condition is that one ``command``
test (no ``unless``): the deny/ask rules, which such a line makes live, in
decision order, and the rules that ignore unknowns, which it leaves out. The
engine takes them as given and summarises them in ``Decision.unknowns``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.decision import EFFECT_RANK, ShadowHit
from hookgate.policy.match.base import MatchResult

__all__ = ["LISTED", "Flood", "FloodSet", "RankRun", "effective", "flood_member", "unknown_lines"]

#: up to this many rules are listed one line each in ``Decision.unknowns``; more are summarised
LISTED = 8


def effective(rule: CompiledRule, *, on_ask_deny: bool) -> str:
    """The effect a rule acts with (an ask becomes a deny when nobody can approve)."""
    return "deny" if rule.effect == "ask_user" and on_ask_deny else rule.effect


def flood_member(rule: CompiledRule) -> bool:
    """Can an unreadable command line decide this rule without evaluating it?

    Only when its answer is then certain to count: UNKNOWN or YES both make
    a deny/ask rule that counts unknowns live, and nothing else can undo it.
    """
    return rule.unless is None and (rule.effect in ("deny", "ask_user") or not rule.unknown_matches)


@dataclass(frozen=True, slots=True)
class RankRun:
    """The acting rules of one effect rank, by key (evaluation order)."""

    rank: int
    keys: tuple[int, ...]
    ids: tuple[str, ...]
    rules: tuple[CompiledRule, ...]


class FloodSet:
    """The rules of one indexed ``command`` field that an unreadable line decides wholesale."""

    __slots__ = ("ids", "ignored", "ignored_keys", "live", "live_keys", "runs", "shadow")

    def __init__(self, rules: Iterable[CompiledRule], *, on_ask_deny: bool) -> None:
        ordered = sorted(rules, key=lambda r: r.key)
        #: members the line makes live (acting or audit-only), by key
        self.live = tuple(r for r in ordered if r.unknown_matches)
        self.live_keys = frozenset(r.key for r in self.live)
        #: members that ignore unknowns (``on_unknown: ignore``, allow rules): only reported
        self.ignored: tuple[CompiledRule, ...] = tuple(r for r in ordered if not r.unknown_matches)
        self.ignored_keys = frozenset(r.key for r in self.ignored)
        self.shadow: tuple[tuple[int, ShadowHit], ...] = tuple(
            (r.key, ShadowHit(r.id, effective(r, on_ask_deny=on_ask_deny)))  # type: ignore[arg-type]
            for r in self.live if r.audit)
        acting = [r for r in self.live if not r.audit]
        ranks = sorted({EFFECT_RANK[effective(r, on_ask_deny=on_ask_deny)] for r in acting}, reverse=True)
        #: acting members grouped by effect rank, strictest first
        self.runs: tuple[RankRun, ...] = tuple(_run(rank, acting, on_ask_deny=on_ask_deny) for rank in ranks)
        #: every acting member's id in decision order (strictest first, then by key)
        self.ids: tuple[str, ...] = tuple(i for run in self.runs for i in run.ids)

    def __bool__(self) -> bool:
        return bool(self.live or self.ignored)


def _run(rank: int, acting: list[CompiledRule], *, on_ask_deny: bool) -> RankRun:
    rules = tuple(r for r in acting if EFFECT_RANK[effective(r, on_ask_deny=on_ask_deny)] == rank)
    return RankRun(rank, tuple(r.key for r in rules), tuple(r.id for r in rules), rules)


@dataclass(frozen=True, slots=True)
class Flood:
    """One event's unreadable value on a field with a :class:`FloodSet`; ``result`` is the shared
    UNKNOWN answer of every member (``detail`` says what was not understood)."""

    members: FloodSet
    result: MatchResult


def unknown_lines(floods: Sequence[Flood], evaluated: Iterable[int]) -> list[str]:
    """``Decision.unknowns`` lines for the members that were not evaluated one by one: one per
    rule while there are few, else one summary line ("3,498 deny/ask rules counted as matching")."""
    seen = set(evaluated)
    out: list[str] = []
    for flood in floods:
        m = flood.members
        detail = flood.result.detail or "input not understood"
        out += _lines(m.live, m.live_keys, seen, detail, "counted as a match", "deny/ask rules counted as matching")
        out += _lines(m.ignored, m.ignored_keys, seen, detail, "ignored", "rules that ignore unknowns did not count it")
    return out


def _lines(rules: Sequence[CompiledRule], keys: frozenset[int], seen: set[int], detail: str, how: str,
           summary: str) -> list[str]:
    count = len(rules) - len(seen & keys)
    if count > LISTED:
        return [f"{detail}; {count:,} {summary}"]
    return [f"rule `{r.id}` ({how}): {detail}" for r in rules if r.key not in seen]
