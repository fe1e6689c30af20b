"""Compiled condition trees, evaluated with three-valued logic.

Every node answers a :class:`MatchResult`: YES, NO or UNKNOWN (a domain
matcher could not understand its input). Combinators follow Kleene logic so
that "not understood" survives ``all``/``any``/``not`` instead of silently
becoming a pass: ``all`` is NO if any part is NO, else UNKNOWN if any part is;
``any`` is YES if any part is, else UNKNOWN if any part is; ``not`` swaps YES
and NO and keeps UNKNOWN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from hookgate._frozen import quick_init
from hookgate.policy.conditions.fields import FieldPath
from hookgate.policy.match.base import NO, EvalEnv, Matcher, MatchResult, Outcome

__all__ = ["ALWAYS", "NEVER", "AllOf", "AnyOf", "Cond", "Constant", "FieldCond", "Not", "summarize"]

_YES, _UNKNOWN = Outcome.YES, Outcome.UNKNOWN


class Cond(Protocol):
    def test(self, data: Mapping[str, Any], env: EvalEnv) -> MatchResult: ...


@dataclass(frozen=True, slots=True)
class Constant:
    """A condition with a fixed answer (absent ``when``; placeholder for a spec that failed to compile)."""

    result: MatchResult

    def test(self, data: Mapping[str, Any], env: EvalEnv) -> MatchResult:
        return self.result


ALWAYS = Constant(MatchResult(Outcome.YES, "no condition"))
NEVER = Constant(NO)


@quick_init
@dataclass(frozen=True, slots=True)
class FieldCond:
    """Operators on one field path: all must hold on one value; any value may satisfy them.

    ``exists`` (when set) is about the field as a whole, so it is checked
    before the per-value operators.
    """

    path: FieldPath
    ops: tuple[Matcher, ...]
    #: the operator mapping as written (``{"regex": ...}``), for :attr:`summary`
    written: Mapping[str, Any] = field(compare=False, repr=False)
    exists: bool | None = None
    get: Callable[[Mapping[str, Any]], list[Any]] = field(init=False, compare=False, repr=False)
    _yes: MatchResult | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "get", self.path.getter())

    @property
    def summary(self) -> str:
        """What the condition tests, for traces (built when one is shown: most conditions never are)."""
        return summarize(self.path.text, self.written)

    @property
    def yes(self) -> MatchResult:
        """The YES answer naming this condition; built on first use, then kept."""
        found = self._yes
        if found is None:
            found = MatchResult(Outcome.YES, self.summary)
            object.__setattr__(self, "_yes", found)
        return found

    def test(self, data: Mapping[str, Any], env: EvalEnv) -> MatchResult:
        values = self.get(data)
        if self.exists is not None and bool(values) != self.exists:
            return NO
        if not self.ops:
            return self.yes
        unknown: MatchResult | None = None
        for value in values:
            r = self._test_value(value, env)
            if r.outcome is _YES:
                return r
            if r.outcome is _UNKNOWN and unknown is None:
                unknown = r
        return unknown or NO

    def _test_value(self, value: Any, env: EvalEnv) -> MatchResult:
        ops = self.ops
        if len(ops) == 1:
            return self.value_result(ops[0].match(value, env))
        unknown: MatchResult | None = None
        detail = ""
        for op in ops:
            r = op.match(value, env)
            if r.outcome is Outcome.NO:
                return NO
            if r.outcome is _UNKNOWN:
                unknown = unknown or r
            elif r.detail:
                detail = r.detail
        if unknown is not None:
            return self.value_result(unknown)
        return MatchResult(_YES, f"`{self.path.text}`: {detail}") if detail else self.yes

    def value_result(self, r: MatchResult) -> MatchResult:
        """This condition's answer for one value, given its only operator's answer ``r`` (an index
        that already ran the operator hands its answer over here instead of matching again)."""
        if r.outcome is Outcome.NO:
            return NO
        if r.outcome is _UNKNOWN:
            return MatchResult(_UNKNOWN, f"`{self.path.text}`: {r.detail or 'not understood'}")
        return MatchResult(_YES, f"`{self.path.text}`: {r.detail}") if r.detail else self.yes


def summarize(path: str, spec: Mapping[str, Any]) -> str:
    """```path`: op value`` for each operator of ``spec`` (long values cut at 60 characters)."""
    if len(spec) == 1:  # most conditions: one operator, without the join
        for k, v in spec.items():
            return f"`{path}`: {k} {_short(v)}"
    ops = ", ".join(f"{k} {_short(v)}" for k, v in spec.items())
    return f"`{path}`: {ops}"


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Cond, ...]

    def test(self, data: Mapping[str, Any], env: EvalEnv) -> MatchResult:
        unknown: MatchResult | None = None
        details: list[str] = []
        for part in self.parts:
            r = part.test(data, env)
            if r.outcome is Outcome.NO:
                return NO
            if r.outcome is _UNKNOWN:
                unknown = unknown or r
            elif r.detail:
                details.append(r.detail)
        if unknown is not None:
            return unknown
        return MatchResult(_YES, "; ".join(details))


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Cond, ...]

    def test(self, data: Mapping[str, Any], env: EvalEnv) -> MatchResult:
        unknown: MatchResult | None = None
        for part in self.parts:
            r = part.test(data, env)
            if r.outcome is _YES:
                return r
            if r.outcome is _UNKNOWN and unknown is None:
                unknown = r
        return unknown or NO


@dataclass(frozen=True, slots=True)
class Not:
    part: Cond

    def test(self, data: Mapping[str, Any], env: EvalEnv) -> MatchResult:
        r = self.part.test(data, env)
        if r.outcome is _YES:
            return NO
        if r.outcome is _UNKNOWN:
            return r
        return MatchResult(_YES, "negated condition did not hold")
