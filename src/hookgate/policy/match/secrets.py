"""Secret detection: find, redact and mask credentials in any text or structure.

One RE2 set holds every detector, so text without secrets (the common case)
costs a single linear scan; only the detectors the set reports are then run
one by one to locate their hits. Overlapping hits (a GitHub token inside a
``token=`` assignment) are merged so redaction never leaves a fragment.

Also the ``secret`` condition of a policy::

    when:
      tool_input.content: {secret: [aws_access_key, private_key]}
      # or {secret: all}

Dict values whose *key* names a credential (``{"password": "…"}``) are
judged by the ``generic_secret`` entropy gate, as if written ``password=…``.
A string that the structure parted from what says it is a credential is read
after it: a value under an ``Authorization`` key as that header's, an item of
an argument list after the option before it (``["curl", "-u", "alice:pw"]``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import re2
from pydantic import BaseModel, ConfigDict, model_validator

from hookgate.diagnostics import did_you_mean
from hookgate.policy.match.base import NO, CompileContext, EvalEnv, MatchResult, Outcome, SpecError
from hookgate.policy.match.re2sets import set_is_safe_for
from hookgate.policy.match.secrets_detectors import ALIASES, DETECTORS, KEY_NAME, Detector

__all__ = [
    "ALIASES",
    "DETECTORS",
    "SHOWN_REPLACEMENT",
    "Detector",
    "SecretHit",
    "SecretMatcher",
    "SecretSpec",
    "compile_secret",
    "expand_detector_names",
    "find_secrets",
    "mask_secrets_in",
    "redact_secrets",
    "unknown_detector",
]

DEFAULT_REPLACEMENT = "[REDACTED:{detector}]"
#: how a credential looks where a person reads it (prompts, reasons, the approval view): one spelling
SHOWN_REPLACEMENT = "<{detector}:masked>"
_KEY_NAME_RE = re2.compile(r"^" + KEY_NAME + r"$")
#: a dict key naming an HTTP credential header: its value is read as that header's
_AUTH_HEADER_RE = re2.compile(r"^[A-Za-z0-9_\-]*(?i:authorization)$")
#: the longest list item taken for an option that may name its next item's meaning
_MAX_OPTION = 64


@dataclass(frozen=True, slots=True)
class SecretHit:
    """A secret found in a text: ``text[start:end]`` is the credential."""

    detector: str
    start: int
    end: int


def unknown_detector(name: str) -> str | None:
    """``None`` if ``name`` is a detector or alias, else a one-line error with a hint."""
    if name in DETECTORS or name in ALIASES:
        return None
    hint = did_you_mean(name, [*DETECTORS, *ALIASES])
    return f"unknown secret detector `{name}`" + (f"; did you mean `{hint}`?" if hint else "")


def expand_detector_names(names: Iterable[str] | None) -> tuple[str, ...]:
    """Detector names with aliases expanded, deduplicated, in table order.

    Raises :class:`SpecError` (``loc`` = index of the bad name) for an unknown name.
    """
    if names is None:
        return tuple(DETECTORS)
    return _expand((names,) if isinstance(names, str) else tuple(names))


@functools.lru_cache(maxsize=256)
def _expand(names: tuple[str, ...]) -> tuple[str, ...]:
    """Cached: every masked string of every decision-log record asks for the same names."""
    wanted: set[str] = set()
    for i, name in enumerate(names):
        problem = unknown_detector(name)
        if problem:
            raise SpecError(
                problem,
                (i,) if len(names) > 1 else (),
                code="compile.unknown_detector",
                help=f"known: {', '.join(DETECTORS)}",
            )
        wanted.update(ALIASES.get(name, (name,)))
    return tuple(n for n in DETECTORS if n in wanted)


@dataclass(frozen=True, slots=True)
class _Scanner:
    """A compiled RE2 set over some detectors plus each detector's own regex."""

    names: tuple[str, ...]
    regexes: tuple[Any, ...]
    prefilter: Any

    def scan(self, text: str) -> list[SecretHit]:
        """Scan UTF-8 bytes with Latin-1 regexes: the patterns are ASCII, and bytes spare the
        RE2 wrapper its per-call character-offset bookkeeping (about 3x faster)."""
        data = text.encode("utf-8", "surrogatepass")
        # a long value skips the prefilter: a set out of DFA memory would hide every secret in it
        hit_ids = (self.prefilter.Match(data) or ()) if set_is_safe_for(data) else range(len(self.names))
        hits = [h for i in sorted(hit_ids) for h in _locate(DETECTORS[self.names[i]], self.regexes[i], data)]
        return _merge(hits) if text.isascii() else [_to_chars(h, data) for h in _merge(hits)]


def _latin1() -> Any:
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    return options


@functools.lru_cache(maxsize=64)
def _scanner(names: tuple[str, ...]) -> _Scanner:
    prefilter = re2.Set.SearchSet(_latin1())
    for name in names:
        prefilter.Add(DETECTORS[name].pattern.encode("ascii"))
    prefilter.Compile()
    regexes = tuple(re2.compile(DETECTORS[n].pattern.encode("ascii"), _latin1()) for n in names)
    return _Scanner(names, regexes, prefilter)


def _locate(detector: Detector, regex: Any, data: bytes) -> list[SecretHit]:
    """Every hit of one detector, in one pass (patterns consume a leading boundary only,
    so adjacent tokens are all found; the trailing boundary is checked here). Byte offsets."""
    hits: list[SecretHit] = []
    for m in regex.finditer(data):
        start, end = _value_span(m)
        if end < len(data) and chr(data[end]) in detector.stop:
            continue
        value = data[start:end].decode("utf-8", "replace")
        if detector.validate is not None and not detector.validate(value):
            continue
        if detector.validate_in_context is None or detector.validate_in_context(
            data[max(0, m.start() - _CONTEXT_BYTES) : start].decode("utf-8", "replace"), value
        ):
            hits.append(SecretHit(detector.name, start, end))
    return hits


#: how far before a match ``validate_in_context`` sees (the program a short option belongs to)
_CONTEXT_BYTES = 2048


def _value_span(m: Any) -> tuple[int, int]:
    """The first group that took part in the match (a pattern with alternatives may keep the value
    in a different group in each), else the whole match."""
    for group in range(1, (m.re.groups if m.lastindex else 0) + 1):
        span: tuple[int, int] = m.span(group)
        if span[0] >= 0:
            return span
    whole: tuple[int, int] = m.span()
    return whole


def _to_chars(hit: SecretHit, data: bytes) -> SecretHit:
    """Byte offsets to ``str`` offsets (hits start and end on ASCII, so on character boundaries)."""
    start = len(data[: hit.start].decode("utf-8", "surrogatepass"))
    return SecretHit(hit.detector, start, start + len(data[hit.start : hit.end].decode("utf-8", "surrogatepass")))


def _merge(hits: list[SecretHit]) -> list[SecretHit]:
    """Sort and merge overlapping hits (the first detector's name wins)."""
    merged: list[SecretHit] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if merged and hit.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = SecretHit(last.detector, last.start, max(last.end, hit.end))
        else:
            merged.append(hit)
    return merged


def find_secrets(text: str, names: Iterable[str] | None = None) -> list[SecretHit]:
    """Non-overlapping secret hits in ``text``, in order; ``names`` limits the detectors (default: all)."""
    if not isinstance(text, str) or not text:
        return []
    return _scanner(expand_detector_names(names)).scan(text)


def redact_secrets(text: str, names: Iterable[str] | None = None, replacement: str = DEFAULT_REPLACEMENT) -> str:
    """``text`` with every secret replaced by ``replacement`` (``{detector}`` is filled in)."""
    return _redact(text, find_secrets(text, names), replacement)


def _redact(text: str, hits: list[SecretHit], replacement: str) -> str:
    if not hits:
        return text
    parts: list[str] = []
    pos = 0
    for hit in hits:
        parts += [text[pos : hit.start], replacement.format(detector=hit.detector)]
        pos = hit.end
    parts.append(text[pos:])
    return "".join(parts)


def _context(key: object, previous: object, program: object = None) -> str:
    """What reads before a string where its structure parted it from its context: the program and
    the option before an argument (``["curl", "-u", "alice:pw"]``: whose ``-u`` it is decides), or
    the header that a dict key or the item before names (``{"Authorization": "Basic …"}``,
    ``[("Authorization", "Basic …")]``). Scanned with it, the string's credential is found."""
    if isinstance(previous, str) and previous.startswith("-") and len(previous) <= _MAX_OPTION:
        named = isinstance(program, str) and program is not previous and len(program) <= _MAX_OPTION
        return f"{program} {previous} " if named else previous + " "
    if any(isinstance(name, str) and _AUTH_HEADER_RE.search(name) is not None for name in (key, previous)):
        return "Authorization: "
    if isinstance(program, str) and previous is program and len(program) <= _MAX_OPTION:
        return program + " "  # the first argument: `["mysql", "-ps3cret"]` is mysql's -p
    return ""


def _scan(value: str, names: tuple[str, ...], context: str) -> list[SecretHit]:
    """Hits in ``value`` alone and, with a context, in ``context + value`` (the part in ``value``)."""
    scanner = _scanner(names)
    if not context:
        return scanner.scan(value)
    n = len(context)
    in_context = [SecretHit(h.detector, max(h.start - n, 0), h.end - n) for h in scanner.scan(context + value)]
    return _merge([h for h in in_context if h.end > 0] + scanner.scan(value))


def _key_names_secret(key: object, value: str, names: Sequence[str]) -> bool:
    """``{"password": "…"}``: a credential-named key with a random-looking value."""
    if "generic_secret" not in names or not isinstance(key, str) or _KEY_NAME_RE.search(key) is None:
        return False
    validate = DETECTORS["generic_secret"].validate
    return validate is not None and validate(value)


def mask_secrets_in(value: Any, names: Iterable[str] | None = None, replacement: str = DEFAULT_REPLACEMENT) -> Any:
    """A copy of ``value`` (str / dict / list / tuple, nested) with secrets redacted in every string.

    Secrets in dict keys are redacted too; other leaves are returned unchanged. Used by the decision log.
    """
    expanded = expand_detector_names(names)
    return _mask(value, expanded, replacement, None, None)


def _mask(value: Any, names: tuple[str, ...], replacement: str, key: object, previous: object,
          program: object = None) -> Any:
    if isinstance(value, str):
        if _key_names_secret(key, value, names):
            return replacement.format(detector="generic_secret")
        return _redact(value, _scan(value, names, _context(key, previous, program)), replacement) if value else value
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for k, v in value.items():
            masked = redact_secrets(k, names, replacement) if type(k) is str else k
            if masked in out:  # two keys masked alike: number the later ones, drop none
                masked = next(f"{masked}#{n}" for n in range(2, len(value) + 2) if f"{masked}#{n}" not in out)
            out[masked] = _mask(v, names, replacement, k, None)
        return out
    if isinstance(value, list | tuple):
        return type(value)(
            _mask(v, names, replacement, key, value[i - 1] if i else None, value[0]) for i, v in enumerate(value)
        )
    return value


def _first_secret(
    value: Any, names: tuple[str, ...], key: object = None, previous: object = None, depth: int = 0,
    program: object = None,
) -> SecretHit | None:
    if depth > 64:  # a structure this deep is not a real tool input; refuse to recurse forever
        return SecretHit("<too deep>", 0, 0)
    if isinstance(value, str):
        if _key_names_secret(key, value, names):
            return SecretHit("generic_secret", 0, len(value))
        hits = _scan(value, names, _context(key, previous, program)) if value else []
        return hits[0] if hits else None
    items: Iterable[tuple[object, object, Any]] = ()
    head: object = None
    if isinstance(value, dict):
        for k in value:  # a key can carry a secret as well as a value can
            if type(k) is str and k and (hits := _scanner(names).scan(k)):
                return hits[0]
        items = ((k, None, v) for k, v in value.items())
    elif isinstance(value, list | tuple):
        items = ((key, value[i - 1] if i else None, v) for i, v in enumerate(value))
        head = value[0] if value else None
    for k, prev, v in items:
        if (hit := _first_secret(v, names, k, prev, depth + 1, head)) is not None:
            return hit
    return None


class SecretSpec(BaseModel):
    """``{secret: all}`` / ``{secret: [github_token, jwt]}``: which detectors the condition uses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    detectors: tuple[str, ...] = ("all",)

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"detectors": (data,)}
        if isinstance(data, list | tuple):
            return {"detectors": tuple(data)}
        return data


@dataclass(frozen=True, slots=True)
class SecretMatcher:
    """YES if a named detector finds a secret in the value (strings anywhere inside dicts/lists)."""

    names: tuple[str, ...]

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        hit = _first_secret(value, self.names)
        if hit is None:
            return NO
        if hit.detector == "<too deep>":
            return MatchResult(Outcome.UNKNOWN, "value nested too deeply to scan for secrets")
        return MatchResult(Outcome.YES, f"`{hit.detector}` found a secret")


def compile_secret(spec: SecretSpec, ctx: CompileContext) -> SecretMatcher:
    """Resolve aliases and check names now, so a typo fails at load with a hint."""
    if not spec.detectors:
        raise SpecError("`secret` needs at least one detector name (or `all`)")
    try:
        names = expand_detector_names(spec.detectors)
    except SpecError as err:
        raise SpecError(err.message, err.loc, code=err.code, help=err.help) from None
    _scanner(names)  # build the RE2 set at compile time, not on the first event
    return SecretMatcher(names)
