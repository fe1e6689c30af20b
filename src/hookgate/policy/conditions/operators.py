"""Compile one operator mapping (``{regex: ..., case_insensitive: true}``) into matchers.

Each operator's operand is type-checked here, with the error located at the
operator's own key/value (``loc`` is relative to the condition mapping; the
compiler adds the rule's position).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hookgate.diagnostics import did_you_mean
from hookgate.policy.conditions.domain import DOMAIN_OPERATORS, compile_domain
from hookgate.policy.match.base import NO, CompileContext, EvalEnv, Matcher, MatchResult, SpecError
from hookgate.policy.match.text import (
    YES,
    Contains,
    Equals,
    Glob,
    In,
    Prefix,
    Regex,
    Suffix,
    check_re2,
    glob_to_regex,
)

__all__ = ["OPERATORS", "Compare", "Length", "compile_operators"]

Loc = tuple[str | int, ...]
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
}
_TEXT = ("equals", "in", "glob", "regex", "prefix", "suffix", "contains")
OPERATORS: tuple[str, ...] = (*_TEXT, *_COMPARE, "exists", "length", "case_insensitive", *DOMAIN_OPERATORS)


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


@dataclass(frozen=True, slots=True)
class Compare:
    """``gt``/``gte``/``lt``/``lte`` on a number (never a bool or a numeric string)."""

    name: str
    operand: float

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        return YES if _is_number(value) and _COMPARE[self.name](value, self.operand) else NO


@dataclass(frozen=True, slots=True)
class Length:
    """``length: {gt: 3}``: comparisons on the length of a string, list or mapping."""

    tests: tuple[tuple[str, int], ...]

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        if not isinstance(value, str | list | dict):
            return NO
        n = len(value)
        for name, want in self.tests:
            if not (n == want if name == "equals" else _COMPARE[name](n, want)):
                return NO
        return YES


def _bad(op: str, expected: str, value: Any, loc: Loc) -> SpecError:
    return SpecError(f"`{op}` expects {expected}, got `{value!r}`", loc, code="compile.bad_operand")


def _strings(op: str, value: Any, loc: Loc) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
        raise _bad(op, "a string or a non-empty list of strings", value, loc)
    return tuple(items)


def _scalar(op: str, value: Any, loc: Loc) -> Any:
    if isinstance(value, dict | list):
        raise _bad(op, "a string, number, boolean or null", value, loc)
    return value


def _fold(s: Any, *, ci: bool) -> Any:
    return s.casefold() if ci and isinstance(s, str) else s


def _in(value: Any, ctx: CompileContext, loc: Loc, *, ci: bool) -> In:
    members: list[Any]
    if isinstance(value, str):
        members = list(ctx.named_list(value, loc))
    elif isinstance(value, list):
        members = [_scalar("in", v, (*loc, i)) for i, v in enumerate(value)]
    else:
        raise _bad("in", "a list or the name of a list", value, loc)
    strings = frozenset(_fold(m, ci=ci) for m in members if isinstance(m, str))
    others = tuple(m for m in members if not isinstance(m, str))
    return In(ci, strings, others)


def _regexes(op: str, value: Any, loc: Loc, *, ci: bool) -> list[Matcher]:
    """One RE2 matcher; several patterns (any may match) become one alternation."""
    pats = _strings(op, value, loc)
    prefix = "(?i)" if ci else ""
    sources = [prefix + (glob_to_regex(p) if op == "glob" else p) for p in pats]
    if isinstance(value, list):  # check each alone so an error points at its own item (a string: the matcher does)
        for i, src in enumerate(sources):
            check_re2(src, loc=(*loc, i))
    src = sources[0] if len(sources) == 1 else "|".join(f"(?:{s})" for s in sources)
    return [(Glob if op == "glob" else Regex)(ci, src, loc=loc)]


def _length(value: Any, loc: Loc) -> Length:
    if _is_number(value) and isinstance(value, int):
        return Length((("equals", value),))
    if not isinstance(value, dict) or not value:
        raise _bad("length", "a number or a mapping like `{gt: 3}`", value, loc)
    tests: list[tuple[str, int]] = []
    for k, v in value.items():
        if k not in (*_COMPARE, "equals"):
            hint = did_you_mean(k, (*_COMPARE, "equals"))
            raise SpecError(f"unknown length test `{k}`" + (f"; did you mean `{hint}`?" if hint else ""),
                            (*loc, k), code="compile.unknown_operator")
        if not isinstance(v, int) or isinstance(v, bool):
            raise _bad(f"length.{k}", "an integer", v, (*loc, k))
        tests.append((k, v))
    return Length(tuple(tests))


def _equals(op: str, value: Any, ctx: CompileContext, loc: Loc, ci: bool) -> list[Matcher]:
    return [Equals(ci, _fold(_scalar(op, value, loc), ci=ci))]


def _in_op(op: str, value: Any, ctx: CompileContext, loc: Loc, ci: bool) -> list[Matcher]:
    return [_in(value, ctx, loc, ci=ci)]


def _pattern(op: str, value: Any, ctx: CompileContext, loc: Loc, ci: bool) -> list[Matcher]:
    return _regexes(op, value, loc, ci=ci)


_AFFIX: dict[str, type[Prefix | Suffix | Contains]] = {"prefix": Prefix, "suffix": Suffix, "contains": Contains}


def _affix(op: str, value: Any, ctx: CompileContext, loc: Loc, ci: bool) -> list[Matcher]:
    items = tuple(_fold(s, ci=ci) for s in _strings(op, value, loc))
    return [_AFFIX[op](ci, items)]


def _compare(op: str, value: Any, ctx: CompileContext, loc: Loc, ci: bool) -> list[Matcher]:
    if not _is_number(value):
        raise _bad(op, "a number", value, loc)
    return [Compare(op, value)]


def _length_op(op: str, value: Any, ctx: CompileContext, loc: Loc, ci: bool) -> list[Matcher]:
    return [_length(value, loc)]


def _domain(op: str, value: Any, ctx: CompileContext, loc: Loc, ci: bool) -> list[Matcher]:
    return [compile_domain(op, value, ctx, loc)]


_Compile = Callable[[str, Any, CompileContext, Loc, bool], list[Matcher]]
#: operator -> how its operand compiles (a dict lookup, not a chain of comparisons, per operator of 10,000 rules)
_COMPILE: dict[str, _Compile] = {
    "equals": _equals, "in": _in_op, "glob": _pattern, "regex": _pattern,
    **dict.fromkeys(_AFFIX, _affix), **dict.fromkeys(_COMPARE, _compare), "length": _length_op,
    **dict.fromkeys(DOMAIN_OPERATORS, _domain),
}
_FLAGS = frozenset(("case_insensitive", "exists"))


def compile_operators(spec: Mapping[str, Any], ctx: CompileContext, loc: Loc) -> tuple[list[Matcher], bool | None]:
    """Matchers for every operator in ``spec`` plus its ``exists`` test (None when absent)."""
    ci = spec.get("case_insensitive", False)
    if not isinstance(ci, bool):
        raise _bad("case_insensitive", "true or false", ci, (*loc, "case_insensitive"))
    exists = spec.get("exists")
    if exists is not None and not isinstance(exists, bool):
        raise _bad("exists", "true or false", exists, (*loc, "exists"))
    matchers: list[Matcher] = []
    for op, value in spec.items():
        fn = _COMPILE.get(op)
        if fn is None:
            if op in _FLAGS:
                continue
            hint = did_you_mean(op, OPERATORS)
            raise SpecError(
                f"unknown operator `{op}`" + (f"; did you mean `{hint}`?" if hint else ""),
                (*loc, op),
                code="compile.unknown_operator",
                help="operators: " + ", ".join(OPERATORS),
            )
        matchers += fn(op, value, ctx, (*loc, op), ci)
    return matchers, exists
