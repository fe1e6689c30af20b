"""``${VAR}`` and ``${VAR:-default}`` references in mount-plan values.

A mount plan is committed to a repository, so secrets and per-machine paths
are written as references and expanded when the plan is mounted. Parsing is
strict: a malformed reference (``${VAR``, ``${1X}``) is an error rather than
text passed through, because a half-expanded API key or path is worse than
a refusal. ``$$`` writes a literal ``$``. An unset variable without a
default is reported as a diagnostic at the value that uses it.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hookgate.diagnostics import Diagnostic
from hookgate.load.yaml import PathKey, PositionMap, plain_scalar

__all__ = [
    "REFERENCE_PATTERN",
    "WHOLE_REFERENCE_PATTERN",
    "EnvRef",
    "expand_value",
    "find_refs",
    "has_refs",
    "is_whole_ref",
    "iter_strings",
    "reference_diagnostics",
]

_TOKEN = re.compile(r"\$\$|\$\{(?P<body>[^}]*)\}|\$\{(?P<open>[^}]*)$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_REF = r"\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}"
#: text with no reference in it: ``$$`` escapes, and ``$`` not starting one
_PLAIN = r"([^$]|\$\$|\$(?![{$]))"
#: JSON Schema ``pattern``: a string holding at least one reference, every one of them well formed
#: (``$$`` escapes skipped), as :func:`find_refs` accepts it: the whole string is matched, so a
#: malformed ``${`` after a good one fails too (``${X}${``); no ``${`` before the first keeps it linear
REFERENCE_PATTERN = "^" + _PLAIN + "*" + _REF + "(" + _PLAIN + "|" + _REF + ")*$"
#: JSON Schema ``pattern``: a string that is one reference and nothing else (``${N}``, ``${N:-7}``)
WHOLE_REFERENCE_PATTERN = "^" + _REF + "$"
_WHOLE = re.compile(_REF)


@dataclass(frozen=True, slots=True)
class EnvRef:
    """One reference inside a string: ``offset`` is its index in that string."""

    name: str
    default: str | None
    offset: int
    text: str


class EnvRefError(ValueError):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def find_refs(text: str) -> list[EnvRef]:
    """Every reference in ``text``; raises :class:`EnvRefError` for a malformed one."""
    refs: list[EnvRef] = []
    for m in _TOKEN.finditer(text):
        if m.group(0) == "$$":
            continue
        if m.group("open") is not None:
            raise EnvRefError(f"unterminated variable reference `{m.group(0)}`; expected `${{NAME}}`", m.start())
        body = m.group("body") or ""
        name, sep, default = body.partition(":-")
        if not _NAME.match(name):
            raise EnvRefError(f"invalid variable name `{name}` in `{m.group(0)}`; use letters, digits and `_`",
                              m.start())
        refs.append(EnvRef(name, default if sep else None, m.start(), m.group(0)))
    return refs


def is_whole_ref(value: object) -> bool:
    """True when ``value`` is one well-formed reference and nothing else: the only form a field that
    takes a number or ``true``/``false`` accepts, its expansion then read as YAML reads a plain scalar."""
    return isinstance(value, str) and _WHOLE.fullmatch(value) is not None


def has_refs(value: object) -> bool:
    """True when ``value`` is a string holding at least one ``${…}`` (checked or not)."""
    return isinstance(value, str) and "${" in value


def iter_strings(data: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """Every string leaf of ``data`` with its path (keys are not expanded)."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from iter_strings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from iter_strings(value, (*path, i))


def reference_diagnostics(
    data: Any,
    positions: PositionMap,
    *,
    prefix: PathKey = (),
    env: Mapping[str, str] | None = None,
) -> list[Diagnostic]:
    """Malformed references in ``data`` (and, given ``env``, unset ones) at their positions."""
    out: list[Diagnostic] = []
    for path, text in iter_strings(data, prefix):
        try:
            refs = find_refs(text)
        except EnvRefError as exc:
            out.append(Diagnostic("mountplan.bad_env_reference", str(exc), positions.value(path)))
            continue
        if env is not None:
            out.extend(_unset(refs, env, positions, path))
    return out


def _unset(refs: list[EnvRef], env: Mapping[str, str], positions: PositionMap, path: PathKey) -> list[Diagnostic]:
    return [
        Diagnostic("mountplan.unset_variable", f"environment variable `{ref.name}` is not set",
                   positions.value(path), help=f"set `{ref.name}` or write `${{{ref.name}:-default}}`")
        for ref in refs
        if ref.default is None and ref.name not in env
    ]


def expand_value(
    data: Any,
    env: Mapping[str, str],
    positions: PositionMap,
    *,
    prefix: PathKey = (),
    scalars: Container[PathKey] = frozenset(),
) -> tuple[Any, list[Diagnostic]]:
    """``data`` with every reference replaced, plus diagnostics for bad or unset ones.

    Unset references expand to the empty string in the returned data, but
    the caller must treat any diagnostic as a failure to mount. At the paths
    in ``scalars`` (whole references in fields that take a number or
    ``true``/``false``, not a string) the expansion is read as YAML reads a
    plain scalar, so ``${PRIO:-7}`` becomes ``7``; text that is no number or
    boolean stays a string, for the field's type check to refuse.
    """
    diagnostics = reference_diagnostics(data, positions, prefix=prefix, env=env)
    return _expand(data, env, prefix, scalars), diagnostics


def _expand(data: Any, env: Mapping[str, str], path: PathKey, scalars: Container[PathKey]) -> Any:
    if isinstance(data, str):
        text = _expand_text(data, env)
        if path in scalars and is_whole_ref(data):
            value = plain_scalar(text)
            return value if isinstance(value, int | float) else text  # bool is an int; None stays ""
        return text
    if isinstance(data, dict):
        return {key: _expand(value, env, (*path, key), scalars) for key, value in data.items()}
    if isinstance(data, list):
        return [_expand(value, env, (*path, i), scalars) for i, value in enumerate(data)]
    return data


def _expand_text(text: str, env: Mapping[str, str]) -> str:
    def replace(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        if m.group("open") is not None:
            return m.group(0)
        name, sep, default = (m.group("body") or "").partition(":-")
        value = env.get(name)
        if value is None or (sep and value == ""):
            return default if sep else ""
        return value

    return _TOKEN.sub(replace, text)
