"""URL parsing the way the fetching client will see it, so a host rule cannot be talked around.

WHATWG-style: leading/trailing C0 and spaces stripped, tab/newline removed,
scheme and host lowercased, ``\\`` read as ``/`` in special schemes, userinfo
dropped (``good.com@evil.com`` is ``evil.com``), host percent-decoded and
IDNA-encoded, IPv4 in any spelling (``2130706433``, ``0x7f.1``,
``0177.0.0.1``) made a dotted quad, IPv6 compressed, trailing dots stripped,
default ports filled in.

Clients disagree on a few inputs (curl and Python's urllib3 do not treat
``\\`` as ``/``, so ``http://good.com\\@evil.com`` is ``evil.com`` to them).
:func:`url_readings` returns every reading that differs; the matcher answers
UNKNOWN when the readings disagree about a rule. Anything a browser would
reject is ``None`` (UNKNOWN to every rule).
"""

from __future__ import annotations

import ipaddress
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote, unquote_to_bytes

__all__ = ["DEFAULT_PORTS", "IpAddress", "ParsedUrl", "normalize_host", "parse_url", "url_readings"]

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21, "file": None}
_KNOWN_SCHEMES = frozenset(
    [*DEFAULT_PORTS, "javascript", "data", "mailto", "blob", "about", "view-source", "chrome", "ssh", "git", "sftp"]
)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_FORBIDDEN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_IDNA_DEVIATIONS = frozenset("ßς\u200c\u200d")  # IDNA 2003 and browsers (UTS 46) map these differently
_AUTHORITY_END = re.compile(r"[/?#]")
_AUTHORITY_END_WHATWG = re.compile(r"[/?#\\]")
_UNRESERVED_ESCAPE = re.compile(r"%(2[dDeE]|5[fF]|7[eE]|[46][1-9a-fA-F]|[57][0-9aA]|3[0-9])")


@dataclass(frozen=True, slots=True)
class ParsedUrl:
    """A normalised URL. ``host`` is ``None`` for hostless URLs (``javascript:``, ``data:``,
    ``file:///x``); ``ip`` is set for IP-literal hosts; ``paths`` holds the path as a server
    sees it (unreserved escapes decoded, dot segments removed) and, if different, fully decoded."""

    scheme: str
    host: str | None
    port: int | None
    paths: tuple[str, ...]
    ip: IpAddress | None = None
    userinfo: bool = False
    query: str = ""
    fragment: str = ""

    @property
    def path(self) -> str:
        return self.paths[0]


class _Invalid(ValueError):
    pass


def _number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part[1:], 8)
    if not part.isdigit():
        raise ValueError(part)
    return int(part)


def _ends_in_number(host: str) -> bool:
    parts = host.split(".")
    last = parts[-2] if parts[-1] == "" and len(parts) > 1 else parts[-1]
    return last.isdigit() or (last[:2].lower() == "0x" and all(c in "0123456789abcdefABCDEF" for c in last[2:]))


def _ipv4(host: str) -> ipaddress.IPv4Address:
    """WHATWG / inet_aton IPv4: 1-4 parts, each decimal, 0x-hex or 0-octal, last fills the rest."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4 or "" in parts:
        raise _Invalid(f"`{host}` is not a valid IPv4 address")
    try:
        nums = [_number(p) for p in parts]
    except ValueError:
        raise _Invalid(f"`{host}` is not a valid IPv4 address") from None
    if any(n > 255 for n in nums[:-1]) or nums[-1] >= 256 ** (5 - len(nums)):
        raise _Invalid(f"`{host}` is out of range for IPv4")
    value = nums[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(nums[:-1]))
    return ipaddress.IPv4Address(value)


def _valid_ace(label: str) -> bool:
    """An ``xn--`` label must decode to non-ASCII text that encodes back to itself."""
    try:
        text = label[4:].encode("ascii").decode("punycode")
        return not text.isascii() and text.encode("idna").decode("ascii") == label
    except UnicodeError:
        return False


def _idna(host: str) -> str:
    if host.isascii():
        labels = host.lower().split(".")
        if not all(_valid_ace(label) for label in labels if label.startswith("xn--")):
            raise _Invalid(f"`{host}` has an invalid punycode label")
        return ".".join(labels)
    if _IDNA_DEVIATIONS & set(host.lower()):
        raise _Invalid(f"`{host}` maps differently under IDNA 2003 and 2008")
    return host.encode("idna").decode("ascii").lower()


def normalize_host(raw: str) -> tuple[str, IpAddress | None]:
    """A host as DNS/the socket layer will see it: ``(host, ip)``; raises ``ValueError``."""
    if raw.startswith("["):
        if not raw.endswith("]") or "%" in raw:
            raise _Invalid(f"`{raw}` is not a valid IPv6 literal")
        ip6 = ipaddress.IPv6Address(raw[1:-1])
        return f"[{ip6.compressed}]", ip6
    try:
        decoded = unquote_to_bytes(raw).decode("utf-8")
        host = _idna(decoded)
    except (UnicodeError, ValueError):
        raise _Invalid(f"host `{raw}` is not a valid domain name") from None
    if not host or _FORBIDDEN_HOST.search(host):
        raise _Invalid(f"host `{raw}` contains a character hosts cannot have")
    if _ends_in_number(host):
        ip4 = _ipv4(host)
        return str(ip4), ip4
    host = host.rstrip(".")
    if not host:
        raise _Invalid(f"host `{raw}` is empty")
    return host, None


def _normalize_path(path: str, *, decode_all: bool) -> str:
    text = unquote(path, errors="strict") if decode_all else _UNRESERVED_ESCAPE.sub(lambda m: unquote(m.group()), path)
    out = posixpath.normpath("/" + text)
    return "/" + out.lstrip("/")


def _split_tail(tail: str) -> tuple[str, str, str]:
    path, _, fragment = tail.partition("#")
    path, _, query = path.partition("?")
    return path, query, fragment


def _paths(path: str) -> tuple[str, ...]:
    try:
        return tuple(dict.fromkeys((_normalize_path(path, decode_all=False), _normalize_path(path, decode_all=True))))
    except UnicodeDecodeError:
        return (_normalize_path(path, decode_all=False),)


def _host_port(hostport: str, scheme: str) -> tuple[str, int | None]:
    if hostport.startswith("["):
        close = hostport.find("]")
        host, rest = hostport[: close + 1], hostport[close + 1 :]
        if close < 0 or (rest and not rest.startswith(":")):
            raise _Invalid("unclosed or malformed IPv6 literal")
        port = rest[1:]
    else:
        host, _, port = hostport.partition(":")
    if port and not (port.isascii() and port.isdigit() and int(port) <= 65535):
        raise _Invalid(f"`{port}` is not a port")
    return host, int(port) if port else DEFAULT_PORTS.get(scheme)


def _authority_url(scheme: str, rest: str, *, backslash: bool) -> ParsedUrl:
    m = (_AUTHORITY_END_WHATWG if backslash else _AUTHORITY_END).search(rest)
    end = m.start() if m else len(rest)
    authority, tail = rest[:end], rest[end:]
    _userinfo, at, hostport = authority.rpartition("@")
    host, port = _host_port(hostport, scheme)
    if not host:
        if scheme != "file":
            raise _Invalid("the URL has no host")
        name, ip = None, None
    else:
        name, ip = normalize_host(host)
        name = None if scheme == "file" and name == "localhost" else name
    path, query, fragment = _split_tail(tail.replace("\\", "/") if backslash else tail)
    return ParsedUrl(scheme, name, port if name else None, _paths(path), ip, bool(at), query, fragment)


_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")


def _clean(raw: str) -> str:
    return _TAB_NEWLINE.sub("", raw.strip(_C0_AND_SPACE))


def _split_scheme(text: str) -> tuple[str, str]:
    """``(scheme, rest)``; a missing scheme (``evil.com/x``, ``//evil.com``, ``localhost:8080``) is ``http``."""
    m = _SCHEME.match(text)
    if m and (m.group(1).lower() in _KNOWN_SCHEMES or not re.match(r"\d+(?:[/?#]|$)", text[m.end() :])):
        return m.group(1).lower(), text[m.end() :]
    if not text or (text[:1] in "/\\" and text[1:2] not in "/\\"):
        raise _Invalid("not an absolute URL")
    return "http", "//" + text.lstrip("/\\")


def _parse(raw: str, *, whatwg: bool) -> ParsedUrl:
    scheme, rest = _split_scheme(_clean(raw))
    special = scheme in DEFAULT_PORTS
    if scheme == "file":
        if rest[:2] == "//" or (whatwg and len(rest) > 1 and set(rest[:2]) <= {"/", "\\"}):
            return _authority_url(scheme, rest[2:], backslash=whatwg)
        path, query, fragment = _split_tail(rest.replace("\\", "/") if whatwg else rest)
        return ParsedUrl(scheme, None, None, _paths(path), None, False, query, fragment)
    if special:
        slashes = len(rest) - len(rest.lstrip("/\\" if whatwg else "/"))
        return _authority_url(scheme, rest[slashes:], backslash=whatwg)
    if rest.startswith("//"):
        return _authority_url(scheme, rest[2:], backslash=False)
    path, query, fragment = _split_tail(rest)
    return ParsedUrl(scheme, None, None, (path,), None, False, query, fragment)


def parse_url(raw: str) -> ParsedUrl | None:
    """The WHATWG reading of ``raw``, or ``None`` if a browser would reject it."""
    try:
        return _parse(raw, whatwg=True)
    except ValueError:
        return None


def url_readings(raw: str) -> tuple[ParsedUrl, ...] | None:
    """The WHATWG reading plus an RFC 3986 reading (curl, urllib3) when that differs; ``None``
    if the WHATWG reading fails. An RFC reading that fails is dropped: such a client errors out."""
    first = parse_url(raw)
    if first is None or "\\" not in raw:  # backslashes are the only thing the readings differ on
        return None if first is None else (first,)
    try:
        other = _parse(raw, whatwg=False)
    except ValueError:
        return (first,)
    return (first,) if other == first else (first, other)
