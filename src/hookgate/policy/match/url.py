"""The ``url`` condition for fetch/browse tools.

YAML::

    tool_input.url: {url: evil.com}                            # shorthand: host (and its subdomains)
    tool_input.url: {url: {not_host: [docs.python.org, =github.com]}}   # an allow-list, as a deny
    tool_input.url: {url: {private_network: true}}             # SSRF: loopback, RFC 1918, metadata
    tool_input.url: {url: {scheme: [file, javascript, data]}}
    tool_input.url: {url: {host: example.com, path: "/admin/**", port: [8080]}}

Every given key must hold. Host keys see the normalised host (see
:mod:`url_parse`), so ``http://good.com@evil.com``, ``EVIL.COM.``,
``http://2130706433/`` or ``http://%65vil.com`` cannot slip past. A URL that
cannot be parsed is UNKNOWN; so is one that clients read differently when the
readings disagree about the rule. Host conditions are false for hostless URLs
(``javascript:``, ``file:///x``), and ``not_host`` / ``not_in`` true.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from hookgate.policy.match.base import NO, CompileContext, EvalEnv, MatchResult, Outcome, SpecError
from hookgate.policy.match.path_glob import Anchor, Glob, compile_globs
from hookgate.policy.match.url_host import HostPattern, compile_host, host_keys, is_private
from hookgate.policy.match.url_parse import ParsedUrl, parse_url, url_readings

__all__ = ["ParsedUrl", "UrlIndex", "UrlMatcher", "UrlSpec", "compile_url", "parse_url", "url_readings"]


def _as_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str | int) and not isinstance(value, bool) else value


StrOrList = Annotated[tuple[str, ...], BeforeValidator(_as_tuple, json_schema_input_type=str | list[str])]
IntOrList = Annotated[tuple[int, ...], BeforeValidator(_as_tuple, json_schema_input_type=int | list[int])]
_SCHEME_NAME = re.compile(r"[a-z][a-z0-9+.\-]*")


class UrlSpec(BaseModel):
    """A ``url:`` condition; a plain string or list is shorthand for ``host``."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    host: StrOrList | None = None
    not_host: StrOrList | None = None
    in_: StrOrList | None = Field(default=None, alias="in")
    not_in: StrOrList | None = None
    exact: bool = False
    scheme: StrOrList | None = None
    port: IntOrList | None = None
    ip_literal: bool | None = None
    private_network: bool | None = None
    path: StrOrList | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"host": data} if isinstance(data, str | list | tuple) else data

    @model_validator(mode="after")
    def _not_empty(self) -> UrlSpec:
        keys = ("host", "not_host", "in_", "not_in", "scheme", "port", "ip_literal", "private_network", "path")
        if all(getattr(self, k) is None for k in keys):
            raise ValueError("a url condition needs at least one of `host`, `not_host`, `in`, `scheme`, `port`, ...")
        return self


_Check = Callable[[ParsedUrl], Outcome]


def _bool(value: bool) -> Outcome:
    return Outcome.YES if value else Outcome.NO


@dataclass(frozen=True, slots=True)
class UrlMatcher:
    """A compiled ``url`` condition: named checks that must all hold for the URL."""

    checks: tuple[tuple[str, _Check], ...]
    host_index: tuple[HostPattern, ...] | None = field(default=None, compare=False)

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        """A URL string, or a list/tuple of them (matches if any does); anything else is NO."""
        if isinstance(value, str):
            return self.match_url(value)
        if not isinstance(value, list | tuple):
            return NO
        best = NO
        for item in value:
            if isinstance(item, str):
                result = self.match_url(item)
                if result.outcome is Outcome.YES:
                    return result
                best = result if best.outcome is Outcome.NO else best
        return best

    def match_url(self, raw: str) -> MatchResult:
        readings = url_readings(raw)
        if readings is None:
            return MatchResult(Outcome.UNKNOWN, f"url `{_short(raw)}` cannot be parsed")
        outcomes = [self._judge(r) for r in readings]
        if len({o for o, _ in outcomes}) > 1:
            hosts = " vs ".join(f"`{r.host}`" for r in readings)
            return MatchResult(Outcome.UNKNOWN, f"url `{_short(raw)}` is read differently by clients ({hosts})")
        outcome, detail = outcomes[0]
        return MatchResult(outcome, detail.replace("{url}", _short(raw)) if outcome is not Outcome.NO else "")

    def _judge(self, url: ParsedUrl) -> tuple[Outcome, str]:
        unknown = ""
        for name, check in self.checks:
            outcome = check(url)
            if outcome is Outcome.NO:
                return Outcome.NO, ""
            if outcome is Outcome.UNKNOWN:
                unknown = unknown or f"url `{{url}}`: `{name}` depends on how the server decodes the path"
        if unknown:
            return Outcome.UNKNOWN, unknown
        host = url.host if url.host is not None else f"{url.scheme}: (no host)"
        return Outcome.YES, f"url `{{url}}` (host `{host}`) matches {', '.join(n for n, _ in self.checks)}"


def _short(raw: str) -> str:
    """The URL as reasons show it: credentials masked first (a token cut in half is no longer one a
    detector finds), then cut to 200 characters."""
    # (loaded with the first secret rule or prompt)
    from hookgate.policy.match.secrets import SHOWN_REPLACEMENT, redact_secrets

    raw = redact_secrets(raw, None, SHOWN_REPLACEMENT)
    return raw if len(raw) <= 200 else raw[:197] + "..."


def _host_check(patterns: Sequence[HostPattern], *, negate: bool) -> _Check:
    def check(url: ParsedUrl) -> Outcome:
        return _bool(any(p.matches(url) for p in patterns) != negate)

    return check


def _path_check(globs: Sequence[Glob]) -> _Check:
    def check(url: ParsedUrl) -> Outcome:
        hits = {any(g.matches(p) for g in globs) for p in url.paths if p.startswith("/")}
        return Outcome.UNKNOWN if len(hits) > 1 else _bool(hits == {True})

    return check


def _hosts(patterns: Iterable[tuple[str, tuple[str | int, ...]]], exact: bool) -> tuple[HostPattern, ...]:
    out: list[HostPattern] = []
    for pattern, loc in patterns:
        try:
            out.append(compile_host(pattern, exact=exact))
        except ValueError as err:
            raise SpecError(f"invalid host pattern `{pattern}`: {err}", loc, code="compile.bad_host") from None
    return tuple(out)


def _loc(key: str, i: int, items: Sequence[object]) -> tuple[str | int, ...]:
    return (key, i) if len(items) > 1 else (key,)


def _listed(names: Sequence[str], key: str, ctx: CompileContext) -> list[tuple[str, tuple[str | int, ...]]]:
    return [(h, _loc(key, i, names)) for i, name in enumerate(names) for h in ctx.named_list(name, _loc(key, i, names))]


def _path_globs(spec_paths: Sequence[str]) -> tuple[Glob, ...]:
    globs: list[Glob] = []
    for i, pattern in enumerate(spec_paths):
        rooted = pattern if pattern.startswith(("/", "**")) or "/" not in pattern else "/" + pattern
        try:
            compiled = compile_globs(rooted)
        except SpecError as err:
            raise SpecError(err.message, _loc("path", i, spec_paths), code=err.code) from None
        if any(g.anchor not in (Anchor.ROOT, Anchor.ANYWHERE) for g in compiled):
            raise SpecError(f"url path glob `{pattern}` must start with `/` or `**`", _loc("path", i, spec_paths))
        globs += compiled
    return tuple(globs)


def _scheme_check(schemes: Sequence[str]) -> _Check:
    for i, s in enumerate(schemes):
        if not _SCHEME_NAME.fullmatch(s.lower().rstrip(":")):
            raise SpecError(f"`{s}` is not a URL scheme", _loc("scheme", i, schemes))
    wanted = frozenset(s.lower().rstrip(":") for s in schemes)
    return lambda url: _bool(url.scheme in wanted)


def _port_check(ports: Sequence[int]) -> _Check:
    for i, p in enumerate(ports):
        if not 0 < p <= 65535:
            raise SpecError(f"`{p}` is not a port", _loc("port", i, ports))
    wanted = frozenset(ports)
    return lambda url: _bool(url.host is not None and url.port in wanted)


def _host_checks(spec: UrlSpec, ctx: CompileContext) -> tuple[list[tuple[str, _Check]], tuple[HostPattern, ...] | None]:
    """``host`` / ``in`` / ``not_host`` / ``not_in`` checks, plus the first positive list (for the index)."""
    checks: list[tuple[str, _Check]] = []
    positive: tuple[HostPattern, ...] | None = None
    keyed = (("host", spec.host), ("in", spec.in_), ("not_host", spec.not_host), ("not_in", spec.not_in))
    for key, source in keyed:
        if source is None:
            continue
        if key.endswith("in"):
            items = _listed(source, key, ctx)
        else:
            items = [(h, _loc(key, i, source)) for i, h in enumerate(source)]
        patterns = _hosts(items, spec.exact)
        negate = key.startswith("not_")
        if not negate and positive is None:
            positive = patterns
        checks.append((key, _host_check(patterns, negate=negate)))
    return checks, positive


def _flag_checks(spec: UrlSpec) -> list[tuple[str, _Check]]:
    checks: list[tuple[str, _Check]] = []
    if spec.ip_literal is not None:
        want_ip = spec.ip_literal
        checks.append(("ip_literal", lambda u: _bool(u.host is not None and (u.ip is not None) == want_ip)))
    if spec.private_network is not None:
        want_private = spec.private_network
        checks.append(("private_network", lambda u: _bool(u.host is not None and is_private(u) == want_private)))
    return checks


def compile_url(spec: UrlSpec, ctx: CompileContext) -> UrlMatcher:
    """Normalise every host pattern and glob now; a bad one is a :class:`SpecError` at its key."""
    checks, positive = _host_checks(spec, ctx)
    if spec.scheme is not None:
        checks.append(("scheme", _scheme_check(spec.scheme)))
    if spec.port is not None:
        checks.append(("port", _port_check(spec.port)))
    checks += _flag_checks(spec)
    if spec.path is not None:
        checks.append(("path", _path_check(_path_globs(spec.path))))
    return UrlMatcher(tuple(checks), positive)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


class UrlIndex:
    """``MatcherIndex[UrlMatcher]`` keyed by host: a rule with a positive host list (and no
    ``*``/network pattern) is filed under each domain or IP; everything else is always a candidate."""

    def __init__(self) -> None:
        self._by_host: defaultdict[str, list[int]] = defaultdict(list)
        self._always: list[int] = []
        self._all: list[int] = []

    def add(self, matcher: UrlMatcher, key: int) -> None:
        self._all.append(key)
        patterns = matcher.host_index
        if not patterns or any(p.kind in ("any", "network") for p in patterns):
            self._always.append(key)
            return
        for p in patterns:
            self._by_host[p.domain or (str(p.network.network_address) if p.network else "")].append(key)

    def candidates(self, value: object, env: EvalEnv) -> Iterable[int]:
        found = set(self._always)
        for raw in _strings(value):
            readings = url_readings(raw)
            if readings is None:
                return list(self._all)
            for url in readings:
                for k in host_keys(url):
                    found.update(self._by_host.get(k, ()))
        return sorted(found)
