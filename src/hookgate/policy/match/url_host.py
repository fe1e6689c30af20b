"""Host patterns for the ``url`` condition and the facts about a host that rules ask.

``example.com`` matches the host and every subdomain (a rule about a site
means the site); ``=example.com`` (or ``exact: true``) only that host;
``*.example.com`` only subdomains; ``*`` any host. IP patterns (``127.0.0.1``,
``::1``, ``[::1]``) and networks (``10.0.0.0/8``) match IP-literal hosts in any
spelling, IPv4 embedded in IPv6 (``[::ffff:127.0.0.1]``) included.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from hookgate.policy.match.url_parse import IpAddress, ParsedUrl, normalize_host

__all__ = ["HostPattern", "compile_host", "host_keys", "ip_identities", "is_private"]

_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "255.255.255.255/32",
        "168.63.129.16/32",
        "::/128",
        "::1/128",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
    )
)
_PRIVATE_SUFFIXES = ("localhost", "local", "internal", "home.arpa", "lan", "intranet", "corp")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def ip_identities(ip: IpAddress) -> tuple[IpAddress, ...]:
    """The address and every IPv4 address embedded in it (mapped, compatible, NAT64, 6to4)."""
    if isinstance(ip, ipaddress.IPv4Address):
        return (ip,)
    embedded: list[IpAddress] = [ip]
    if ip.ipv4_mapped is not None:
        embedded.append(ip.ipv4_mapped)
    if ip.sixtofour is not None:
        embedded.append(ip.sixtofour)
    packed = int(ip)
    if ip in _NAT64 or (packed >> 32 == 0 and packed > 1):  # NAT64 well-known prefix, deprecated ::a.b.c.d
        embedded.append(ipaddress.IPv4Address(packed & 0xFFFFFFFF))
    return tuple(embedded)


def is_private(url: ParsedUrl) -> bool:
    """Loopback, private, link-local (cloud metadata), CGNAT, unique-local, or an intranet name."""
    if url.host is None:
        return False
    if url.ip is not None:
        return any(addr in net for addr in ip_identities(url.ip) for net in _NETWORKS if addr.version == net.version)
    host = url.host
    return "." not in host or any(host == s or host.endswith("." + s) for s in _PRIVATE_SUFFIXES)


@dataclass(frozen=True, slots=True)
class HostPattern:
    """One compiled host pattern; ``kind`` is domain / exact / subdomains / ip / network / any."""

    source: str
    kind: str
    domain: str = ""
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None

    def matches(self, url: ParsedUrl) -> bool:
        host = url.host
        if host is None:
            return False
        if self.kind == "any":
            return True
        if url.ip is not None:
            net = self.network
            return net is not None and any(a.version == net.version and a in net for a in ip_identities(url.ip))
        if self.kind == "exact":
            return host == self.domain
        if self.kind == "subdomains":
            return host.endswith("." + self.domain)
        return self.kind == "domain" and (host == self.domain or host.endswith("." + self.domain))


def compile_host(pattern: str, *, exact: bool = False) -> HostPattern:
    """Normalise a host pattern like a URL host; raises ``ValueError`` with a reason."""
    text = pattern.strip()
    if text == "*":
        return HostPattern(pattern, "any")
    kind = "exact" if exact else "domain"
    if text.startswith("="):
        kind, text = "exact", text[1:]
    elif text.startswith("*."):
        kind, text = "subdomains", text[2:]
    if "/" in text:
        net = ipaddress.ip_network(text.strip("[]"), strict=False)
        return HostPattern(pattern, "network", network=net)
    bare = text.strip("[]")
    if ":" in bare:
        text = f"[{bare}]"
    if "*" in text or not text:
        raise ValueError("a host pattern is `example.com`, `=example.com`, `*.example.com`, an IP or a network")
    host, ip = normalize_host(text)
    if ip is not None:
        return HostPattern(pattern, "ip", network=ipaddress.ip_network(ip))
    return HostPattern(pattern, kind, domain=host)


def host_keys(url: ParsedUrl) -> list[str]:
    """Index keys a URL's host can be found under: every domain suffix, or each IP identity."""
    if url.host is None:
        return []
    if url.ip is not None:
        return [str(a) for a in ip_identities(url.ip)]
    labels = url.host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]
