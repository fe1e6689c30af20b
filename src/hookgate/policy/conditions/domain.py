"""The domain operators (``command``, ``path``, ``url``, ``secret``) and their modules.

Each lives in ``hookgate.policy.match.<module>`` and exposes
``compile_<op>(spec, ctx) -> Matcher`` raising :class:`SpecError` with a
``loc`` relative to the spec, and optionally an ``<Op>Index`` class (the
:class:`MatcherIndex` protocol). They are imported on first use, so a
policy that uses none of them never pays for a shell parser.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from pydantic import BaseModel, ValidationError

from hookgate.diagnostics import did_you_mean
from hookgate.load.validate import data_path, model_keys
from hookgate.policy.match.base import CompileContext, Matcher, SpecError

__all__ = ["DOMAIN_OPERATORS", "compile_domain", "domain_index_factory", "domain_operator_of"]

#: operator -> (module under hookgate.policy.match, compile function, index class, spec model)
_DOMAIN: dict[str, tuple[str, str, str, str]] = {
    "command": ("command", "compile_command", "CommandIndex", "CommandSpec"),
    "path": ("path", "compile_path", "PathIndex", "PathSpec"),
    "url": ("url", "compile_url", "UrlIndex", "UrlSpec"),
    "secret": ("secrets", "compile_secret", "SecretIndex", "SecretSpec"),
}
DOMAIN_OPERATORS: tuple[str, ...] = tuple(_DOMAIN)


#: operator -> (compile function, spec model or None), resolved once (import_module and getattr per rule
#: add up at 10,000 rules)
_COMPILERS: dict[str, tuple[Any, Any]] = {}


def _compiler(op: str, loc: tuple[str | int, ...]) -> tuple[Any, Any]:
    found = _COMPILERS.get(op)
    if found is not None:
        return found
    module_name, fn_name, _, model_name = _DOMAIN[op]
    try:
        module = importlib.import_module(f"hookgate.policy.match.{module_name}")
    except ImportError as exc:
        raise SpecError(f"operator `{op}` is not available: {exc}", loc, code="compile.unavailable_operator") from None
    model = getattr(module, model_name, None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        model = None
    found = _COMPILERS[op] = (getattr(module, fn_name), model)
    return found


def compile_domain(op: str, spec: Any, ctx: CompileContext, loc: tuple[str | int, ...]) -> Matcher:
    """Compile a domain operator's spec; its errors are re-rooted at ``loc``."""
    fn, model = _compiler(op, loc)
    try:
        matcher: Matcher = fn(spec if model is None else _validate(model, op, spec), ctx)
    except SpecError as exc:
        raise SpecError(exc.message, (*loc, *exc.loc), code=exc.code, help=exc.help) from None
    return _Tagged(op, matcher)


def _validate(model: Any, op: str, spec: Any) -> Any:
    """The operator's spec model instance; a pydantic error becomes a :class:`SpecError` at its key."""
    try:
        return model.__pydantic_validator__.validate_python(spec)  # what model_validate does, minus its wrapper
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = data_path(spec, err["loc"])
        text = str(err["msg"]).removeprefix("Value error, ")
        text = f"`{op}`: {text[:1].lower()}{text[1:]}"
        if err["type"] == "extra_forbidden":
            key = str(where[-1]) if where else ""
            hint = did_you_mean(key, model_keys(model, ()))
            text = f"unknown key `{key}` in `{op}`" + (f"; did you mean `{hint}`?" if hint else "")
        return _raise(SpecError(text, where, code=f"compile.bad_{op}_spec"))


def _raise(exc: SpecError) -> Any:
    raise exc


class _Tagged:
    """A domain matcher remembering which operator made it (the index builder groups by it)."""

    __slots__ = ("inner", "match", "op")

    def __init__(self, op: str, inner: Matcher) -> None:
        self.op = op
        self.inner = inner
        self.match = inner.match


def domain_operator_of(matcher: object) -> tuple[str, Matcher] | None:
    """``(operator, inner matcher)`` for a domain matcher, else None."""
    if isinstance(matcher, _Tagged):
        return matcher.op, matcher.inner
    return None


@functools.cache
def domain_index_factory(op: str) -> Any | None:
    """The module's index class for ``op``, if it has one (built lazily per field)."""
    base = f"hookgate.policy.match.{_DOMAIN[op][0]}"
    for name in (base, f"{base}_index"):  # the index may live beside its matcher module
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        found = getattr(module, _DOMAIN[op][2], None)
        if found is not None:
            return found
    return None
