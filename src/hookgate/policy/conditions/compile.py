"""Compile a ``when``/``unless`` mapping into a condition tree.

A condition is a mapping whose entries must all hold. A key is a combinator
(``all``, ``any``, ``not``), a shorthand (``command``, ``path``, ``url``) or a
field path; its value is an operator mapping, a scalar (``equals``) or a list
(``in``). Errors are collected, not raised one at a time, so a user sees
every mistake of a rule at once; each carries a ``loc`` relative to the
condition mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hookgate.policy.conditions.fields import FieldPath
from hookgate.policy.conditions.nodes import ALWAYS, NEVER, AllOf, AnyOf, Cond, FieldCond, Not
from hookgate.policy.conditions.operators import compile_operators
from hookgate.policy.match.base import CompileContext, SpecError

__all__ = ["COMBINATORS", "PATH_FIELDS", "SHORTHANDS", "compile_condition"]

Loc = tuple[str | int, ...]
COMBINATORS = ("all", "any", "not")
SHORTHANDS = ("command", "path", "url")
PATH_FIELDS = ("tool_input.file_path", "tool_input.path", "tool_input.notebook_path")


def compile_condition(spec: Any, ctx: CompileContext, errors: list[SpecError], *, loc: Loc = ()) -> Cond:
    """The condition tree for ``spec``; problems are appended to ``errors`` (the tree then never matches)."""
    return _Compiler(ctx, errors).mapping(spec, loc)


class _Compiler:
    def __init__(self, ctx: CompileContext, errors: list[SpecError]) -> None:
        self.ctx = ctx
        self.errors = errors

    def mapping(self, spec: Any, loc: Loc) -> Cond:
        if not isinstance(spec, dict):
            self.errors.append(SpecError(f"a condition must be a mapping, got `{spec!r}`", loc,
                                         code="compile.bad_condition"))
            return NEVER
        if not spec:
            return ALWAYS
        parts: list[Cond] = []
        for key, value in spec.items():
            try:
                parts.append(self.entry(str(key), value, (*loc, key)))
            except SpecError as exc:
                self.errors.append(exc)
                parts.append(NEVER)
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def entry(self, key: str, value: Any, loc: Loc) -> Cond:
        if key in COMBINATORS:
            return self.combinator(key, value, loc)
        if key == "command":
            return self.field("tool_input.command", {"command": value}, loc, inner=True)
        if key == "url":
            return self.field("tool_input.url", {"url": value}, loc, inner=True)
        if key == "path":
            return AnyOf(tuple(self.field(p, {"path": value}, loc, inner=True) for p in PATH_FIELDS))
        return self.field(key, value, loc)

    def combinator(self, key: str, value: Any, loc: Loc) -> Cond:
        if key == "not":
            return Not(self.mapping(value, loc))
        if not isinstance(value, list):
            raise SpecError(f"`{key}` expects a list of conditions, got `{value!r}`", loc,
                            code="compile.bad_condition")
        parts = tuple(self.mapping(v, (*loc, i)) for i, v in enumerate(value))
        return AllOf(parts) if key == "all" else AnyOf(parts)

    def field(self, path_text: str, value: Any, loc: Loc, *, inner: bool = False) -> FieldCond:
        """``inner``: a shorthand wrapped the user's value, so its errors sit one level higher."""
        path = FieldPath.parse(path_text, loc=loc)
        if isinstance(value, dict):
            spec: Mapping[str, Any] = value
        elif isinstance(value, list):
            spec = {"in": value}
        else:
            spec = {"equals": value}
        try:
            matchers, exists = compile_operators(spec, self.ctx, loc)
        except SpecError as exc:
            if inner or not isinstance(value, dict):  # the synthetic operator key is not in the file
                raise SpecError(exc.message, _strip(exc.loc, loc), code=exc.code, help=exc.help) from None
            raise
        return FieldCond(path, tuple(matchers), spec, exists)  # its summary is built if a trace shows it


def _strip(err_loc: Loc, loc: Loc) -> Loc:
    """Drop the synthetic operator key a shorthand or scalar form added after ``loc``."""
    n = len(loc)
    return (*loc, *err_loc[n + 1:]) if err_loc[:n] == loc and len(err_loc) > n else err_loc
