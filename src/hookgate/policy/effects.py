"""Rule effects compiled once: deny/ask/modify/inject/allow, prompt templates, data rewrites.

Modify never mutates the event it is given: the first rewrite works on a
copy, and every later modify rule sees (and rewrites) that copy in turn.
Ask prompts are templates over event fields (``{tool_input.command}``) with
deliberately tiny syntax: a placeholder is a field path and nothing else, so
a prompt can neither reach Python attributes nor inject format specs.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from hookgate._frozen import quick_init
from hookgate.policy.conditions.fields import FieldPath, Segment
from hookgate.policy.match.base import SpecError
from hookgate.policy.match.text import compile_re2

__all__ = [
    "DEFAULT_OPTIONS",
    "AskSpec",
    "DenySpec",
    "InjectSpec",
    "ModifyOp",
    "ModifySpec",
    "Template",
    "apply_modify",
    "changed_fields",
    "clone",
    "compile_template",
]

DEFAULT_OPTIONS: tuple[str, ...] = ("allow", "deny")
_MAX_FIELD_CHARS = 500
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
#: what an event's value may not bring into a prompt as itself: control characters (terminal escapes),
#: line breaks of any kind (a fake `rule:` or `risk:` line under the question), tabs, and the invisible
#: or reordering marks (bidi overrides, zero-width characters) that make shown text differ from what runs
_UNSHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


# -- templates -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Template:
    """Literal text and field placeholders, in order."""

    parts: tuple[str | FieldPath, ...]

    def render(self, data: Mapping[str, Any]) -> str:
        return "".join(p if isinstance(p, str) else _show(p.values(data)) for p in self.parts)


def compile_template(text: str, *, loc: tuple[str | int, ...] = ()) -> Template:
    """Parse ``"Push from {cwd}: {tool_input.command}?"``; ``{{``/``}}`` are literal braces."""
    parts: list[str | FieldPath] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        parts.append(text[pos:m.start()])
        pos = m.end()
        token = m.group(0)
        if token in ("{{", "}}"):
            parts.append(token[0])
            continue
        inner = m.group(1)
        if inner is None:
            raise SpecError(f"unbalanced `{token}` in template; write `{token * 2}` for a literal brace", loc,
                            code="compile.bad_template")
        if any(ch in inner for ch in "!:()"):
            raise SpecError(f"placeholder `{{{inner}}}` may only name a field (no conversions or format specs)",
                            loc, code="compile.bad_template")
        parts.append(FieldPath.parse(inner.strip(), loc=loc))
    parts.append(text[pos:])
    return Template(tuple(p for p in parts if p != ""))


def _show(values: list[Any]) -> str:
    if not values:
        return "<missing>"
    value = values[0] if len(values) == 1 else values
    if type(value) is str and len(value) <= _MAX_FIELD_CHARS:
        return _shown_text(value)  # a tool's name, a short command: every ask on it renders the same
    return _shown(value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False))


@functools.lru_cache(maxsize=1024)
def _shown_text(text: str) -> str:
    return _shown(text)


def _shown(text: str) -> str:
    """``text`` as a prompt shows it: secrets masked, on one line, cut to both ends if long."""
    # credentials masked first, in the whole value: a prompt reaches hosts' screens, chats and logs
    # (Claude Code's permissionDecisionReason, amplifier's approval prompt), not only hookgate's terminal
    # (loaded with the first secret rule or prompt)
    from hookgate.policy.match.secrets import SHOWN_REPLACEMENT, redact_secrets

    text = redact_secrets(text, None, SHOWN_REPLACEMENT)
    text = _UNSHOWN.sub(_escaped, text)  # one line, shown as it is: no escapes, no fake lines
    if len(text) <= _MAX_FIELD_CHARS:
        return text
    # both ends, and how much is not shown: a head alone lets 500 harmless characters push `; rm -rf ~`
    # out of the prompt a person approves
    # and a digest of the whole: a host that remembers approvals by prompt text must not take two
    # values with the same ends for one
    head, tail = text[: _MAX_FIELD_CHARS * 3 // 5], text[-(_MAX_FIELD_CHARS * 2 // 5):]
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{head} …[{len(text) - len(head) - len(tail):,} characters not shown, sha256 {digest}]… {tail}"


def _escaped(m: re.Match[str]) -> str:
    ch = m.group(0)
    return _ESCAPES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")


# -- effect specs --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DenySpec:
    reason: str
    user_message: str | None


@quick_init
@dataclass(frozen=True, slots=True)
class AskSpec:
    prompt: Template
    options: tuple[str, ...]
    timeout: float
    default: str
    reason: str | None
    risk: str | None


@dataclass(frozen=True, slots=True)
class InjectSpec:
    text: str
    role: str
    ephemeral: bool


# -- modify -----------------------------------------------------------------------------

StringFn = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class ModifyOp:
    """One rewrite at a field path: ``set`` a value, ``remove`` it, or map its strings."""

    kind: str  # set | remove | map
    path: FieldPath
    value: Any = None
    fn: StringFn | None = None


@dataclass(frozen=True, slots=True)
class ModifySpec:
    ops: tuple[ModifyOp, ...]


#: top-level fields that say which tool runs and where: a rewrite never changes them (a host would
#: run the original tool in the original directory, while the rewritten event is what rules checked)
CONTEXT_FIELDS = ("tool_name", "name", "cwd", "working_directory")


def _target(path_text: str, loc: tuple[str | int, ...]) -> FieldPath:
    path = FieldPath.parse(path_text, loc=loc)
    if path.segments and path.segments[0] in CONTEXT_FIELDS:
        raise SpecError(f"a modify rule cannot change `{path.segments[0]}`: it says which tool runs and where, "
                        "and the host keeps the original", loc, code="compile.bad_field_path")
    return path


def set_op(path_text: str, value: Any, *, loc: tuple[str | int, ...]) -> ModifyOp:
    path = _target(path_text, loc)
    if path.has_wildcard:
        raise SpecError(f"`set` needs a concrete field path, got the wildcard `{path_text}`", loc,
                        code="compile.bad_field_path")
    return ModifyOp("set", path, value=value)


def remove_op(path_text: str, *, loc: tuple[str | int, ...]) -> ModifyOp:
    path = _target(path_text, loc)
    if path.segments[-1] is None:
        raise SpecError(f"`remove` must end in a key or index, got `{path_text}`", loc, code="compile.bad_field_path")
    return ModifyOp("remove", path)


def replace_op(path_text: str, regex: str, repl: str, *, loc: tuple[str | int, ...]) -> ModifyOp:
    compiled = compile_re2(regex, loc=(*loc, "regex"))
    return ModifyOp("map", _target(path_text, (*loc, "field")), fn=lambda s: compiled.subn(repl, s)[0])


def redact_op(path_text: str, detectors: tuple[str, ...], replacement: str, *,
              loc: tuple[str | int, ...]) -> ModifyOp:
    try:
        from hookgate.policy.match.secrets import redact_secrets
    except ImportError as exc:  # never silently skip a redaction
        raise SpecError(f"`redact` is not available: {exc}", loc, code="compile.unavailable_operator") from None
    names = None if "all" in detectors else detectors
    return ModifyOp("map", _target(path_text, loc), fn=lambda s: redact_secrets(s, names, replacement))


def clone(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts and lists; leaves are shared, they are immutable)."""
    if isinstance(value, dict):
        return {k: clone(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clone(v) for v in value]
    return value


def changed_fields(spec: ModifySpec, data: Mapping[str, Any], *, mapped_only: bool = False
                   ) -> set[tuple[Segment, ...]]:
    """The paths whose values ``spec`` changes in ``data`` (leaves, or the first place a value is
    added or removed): what two rewrites of one event must not both touch. ``mapped_only``: only
    its ``replace``/``redact`` operations, whose result depends on the value they find (a ``set`` or
    ``remove`` has the same result whatever an earlier rewrite left there)."""
    if mapped_only:
        spec = ModifySpec(tuple(op for op in spec.ops if op.kind == "map"))
    out: set[tuple[Segment, ...]] = set()
    if spec.ops:
        _diff(data, apply_modify(spec, clone(dict(data))), (), out)
    return out


def _diff(a: Any, b: Any, at: tuple[Segment, ...], out: set[tuple[Segment, ...]]) -> None:
    if type(a) is not type(b):
        out.add(at)
    elif isinstance(a, dict):
        for k in a.keys() | b.keys():
            if k not in a or k not in b:
                out.add((*at, k))
            else:
                _diff(a[k], b[k], (*at, k), out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.add(at)
        else:
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                _diff(x, y, (*at, i), out)
    elif a != b:
        out.add(at)


def apply_modify(spec: ModifySpec, data: dict[str, Any]) -> dict[str, Any]:
    """Apply every op of one modify rule to ``data`` (a working copy the caller owns)."""
    for op in spec.ops:
        segments = _segments_for_write(op.path, data)
        if op.kind == "set":
            _set(data, segments, clone(op.value))
        elif op.kind == "remove":
            _update(data, segments, 0, None)
        else:
            _update(data, segments, 0, op.fn)
    return data


def _segments_for_write(path: FieldPath, data: Mapping[str, Any]) -> tuple[Segment, ...]:
    """Write where the event actually keeps the field (``input`` when it has no ``tool_input``)."""
    for alt in path.alternatives:
        if alt[0] in data:
            return alt
    return path.segments


def _set(data: dict[str, Any], segments: tuple[Segment, ...], value: Any) -> None:
    cur: Any = data
    for seg in segments[:-1]:
        if isinstance(seg, int):
            if not (isinstance(cur, list) and -len(cur) <= seg < len(cur)):
                return
            cur = cur[seg]
            continue
        nxt = cur.get(seg) if isinstance(cur, dict) else None
        if not isinstance(nxt, dict | list):
            if not isinstance(cur, dict):
                return
            nxt = cur[seg] = {}
        cur = nxt
    last = segments[-1]
    if _fits(cur, last):
        cur[last] = value


def _fits(container: Any, seg: Segment) -> bool:
    """Whether ``container[seg] = ...`` writes a key or replaces an existing list element."""
    if isinstance(container, dict):
        return isinstance(seg, str)
    return isinstance(container, list) and isinstance(seg, int) and -len(container) <= seg < len(container)


def _update(cur: Any, segments: tuple[Segment, ...], i: int, fn: StringFn | None) -> None:
    """Map strings (``fn``) or delete (``fn`` None) at every place the path reaches."""
    seg = segments[i]
    last = i == len(segments) - 1
    if isinstance(cur, dict):
        keys: list[Any] = list(cur) if seg is None else [seg] if seg in cur else []
    elif isinstance(cur, list):
        in_range = isinstance(seg, int) and -len(cur) <= seg < len(cur)
        keys = list(range(len(cur))) if seg is None else [seg] if in_range else []
    else:
        return
    for k in sorted(keys, reverse=True) if fn is None and isinstance(cur, list) else keys:
        if not last:
            _update(cur[k], segments, i + 1, fn)
        elif fn is None:
            del cur[k]
        else:
            cur[k] = _map_strings(cur[k], fn)


def _map_strings(value: Any, fn: StringFn) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list):
        return [_map_strings(v, fn) for v in value]
    return value
