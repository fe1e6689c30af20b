"""The URL parser, the url condition's keys and compile errors, and UrlIndex."""

from __future__ import annotations

import re
from ipaddress import ip_address

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hookgate.policy.match.base import CompileContext, EvalEnv, Matcher, MatcherIndex, Outcome, SpecError
from hookgate.policy.match.url import UrlIndex, UrlMatcher, UrlSpec, compile_url, parse_url, url_readings

ENV = EvalEnv()
CTX = CompileContext(lists={"hosts": ("good.com", "=docs.python.org")})


def rule(spec: object) -> UrlMatcher:
    return compile_url(UrlSpec.model_validate(spec), CTX)


@pytest.mark.parametrize(
    ("raw", "scheme", "host", "port", "path"),
    [
        ("https://Example.COM./a/b?q=1#f", "https", "example.com", 443, "/a/b"),
        ("http://user:pw@example.com:8080", "http", "example.com", 8080, "/"),
        ("http://a@b@example.com/", "http", "example.com", 80, "/"),
        ("HTTP://2130706433/", "http", "127.0.0.1", 80, "/"),
        ("http://0x7f.1/", "http", "127.0.0.1", 80, "/"),
        ("http://0177.0.0.01/", "http", "127.0.0.1", 80, "/"),
        ("http://[0:0:0:0:0:ffff:7f00:1]/", "http", "[::ffff:7f00:1]", 80, "/"),
        ("http://%65xample.com/", "http", "example.com", 80, "/"),
        ("http://bücher.de/", "http", "xn--bcher-kva.de", 80, "/"),
        ("http:\\\\example.com\\a\\b", "http", "example.com", 80, "/a/b"),
        ("http://example.com/a/./b/../../c", "http", "example.com", 80, "/c"),
        ("http://example.com/%7Euser/%41", "http", "example.com", 80, "/~user/A"),
        ("ws://example.com", "ws", "example.com", 80, "/"),
        ("ftp://example.com", "ftp", "example.com", 21, "/"),
        ("git+ssh://git@Example.com:22/repo", "git+ssh", "example.com", 22, "/repo"),
        ("//example.com/x", "http", "example.com", 80, "/x"),
        ("example.com:8443/x", "http", "example.com", 8443, "/x"),
        ("file:///etc/passwd", "file", None, None, "/etc/passwd"),
        ("file://server/share", "file", "server", None, "/share"),
        ("javascript:alert(1)", "javascript", None, None, "alert(1)"),
    ],
)
def test_parse_url(raw: str, scheme: str, host: str | None, port: int | None, path: str) -> None:
    url = parse_url(raw)
    assert url is not None
    assert (url.scheme, url.host, url.port, url.path) == (scheme, host, port, path)


def test_parse_url_details() -> None:
    url = parse_url("http://u@[::1]:81/p?q#f")
    assert url is not None
    assert url.ip == ip_address("::1")
    assert (url.userinfo, url.query, url.fragment) == (True, "q", "f")


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "/relative/path",
        "http://",
        "http://exa mple.com/",
        "http://256.0.0.1/",
        "http://1.2.3.4.5/",
        "http://0x100000000/",
        "http://example.com:65536/",
        "http://example.com:8o/",
        "http://[::1/",
        "http://[::1%25eth0]/",
        "http://ex%00ample.com/",
        "http://ex%ffample.com/",
        "http://xn--a.com/",
        "http://stra\u00dfe.de/",
    ],
)
def test_unparseable_urls(raw: str) -> None:
    assert parse_url(raw) is None
    assert rule("example.com").match(raw, ENV).outcome is Outcome.UNKNOWN


def test_readings_differ_only_for_ambiguous_urls() -> None:
    assert url_readings("https://example.com/") is not None
    assert len(url_readings("https://example.com/") or ()) == 1
    readings = url_readings("http://good.com\\@evil.com/") or ()
    assert [r.host for r in readings] == ["good.com", "evil.com"]


@pytest.mark.parametrize(
    ("pattern", "host", "expected"),
    [
        ("example.com", "example.com", True),
        ("example.com", "a.b.example.com", True),
        ("example.com", "badexample.com", False),
        ("example.com", "example.com.evil.net", False),
        ("=example.com", "example.com", True),
        ("=example.com", "www.example.com", False),
        ("*.example.com", "example.com", False),
        ("*.example.com", "www.example.com", True),
        ("*", "anything.org", True),
        ("EXAMPLE.COM.", "example.com", True),
        ("127.0.0.1", "0x7f000001", True),
        ("127.0.0.1", "127.0.0.2", False),
        ("[::1]", "[0::1]", True),
        ("::1", "[::1]", True),
        ("10.0.0.0/8", "10.1.2.3", True),
        ("10.0.0.0/8", "[::ffff:10.1.2.3]", True),
        ("10.0.0.0/8", "11.0.0.1", False),
        ("example.com", "[::1]", False),
    ],
)
def test_host_patterns(pattern: str, host: str, expected: bool) -> None:
    assert rule(pattern).match(f"https://{host}/", ENV).outcome is (Outcome.YES if expected else Outcome.NO)


def test_exact_flag_applies_to_every_pattern() -> None:
    m = rule({"host": ["example.com", "example.org"], "exact": True})
    assert m.match("https://example.org", ENV).outcome is Outcome.YES
    assert m.match("https://www.example.org", ENV).outcome is Outcome.NO


def test_named_lists() -> None:
    assert rule({"in": "hosts"}).match("https://api.good.com", ENV).outcome is Outcome.YES
    assert rule({"not_in": "hosts"}).match("https://docs.python.org/3/", ENV).outcome is Outcome.NO
    assert rule({"not_in": "hosts"}).match("https://www.docs.python.org/", ENV).outcome is Outcome.YES


def test_all_keys_must_hold() -> None:
    m = rule({"host": "example.com", "scheme": "http", "port": 8080, "path": "/api/**"})
    assert m.match("http://example.com:8080/api/v1", ENV).outcome is Outcome.YES
    assert m.match("https://example.com:8080/api/v1", ENV).outcome is Outcome.NO
    assert m.match("http://example.com/api/v1", ENV).outcome is Outcome.NO
    assert m.match("http://example.com:8080/web", ENV).outcome is Outcome.NO


def test_ip_literal_false_and_hostless() -> None:
    names_only = rule({"ip_literal": False})
    assert names_only.match("https://example.com", ENV).outcome is Outcome.YES
    assert names_only.match("https://1.1.1.1", ENV).outcome is Outcome.NO
    assert names_only.match("javascript:x", ENV).outcome is Outcome.NO
    assert rule({"not_host": "example.com"}).match("data:,x", ENV).outcome is Outcome.YES


def test_path_globs() -> None:
    m = rule({"path": ["/admin/**", "*.zip", "api/v1/*"]})
    assert m.match("https://x.com/admin", ENV).outcome is Outcome.YES
    assert m.match("https://x.com/files/a.ZIP", ENV).outcome is Outcome.NO
    assert m.match("https://x.com/files/a.zip?x=1", ENV).outcome is Outcome.YES
    assert m.match("https://x.com/api/v1/users", ENV).outcome is Outcome.YES


def test_match_lists_and_other_values() -> None:
    m = rule("evil.com")
    assert m.match(["https://good.com", "https://evil.com"], ENV).outcome is Outcome.YES
    assert m.match(("https://good.com", "http://bad host"), ENV).outcome is Outcome.UNKNOWN
    assert m.match(["https://good.com", 7], ENV).outcome is Outcome.NO
    assert m.match(None, ENV).outcome is Outcome.NO
    assert m.match(42, ENV).outcome is Outcome.NO


def test_details_explain() -> None:
    yes = rule("evil.com").match("http://good.com@EVIL.com/", ENV)
    assert "`evil.com`" in yes.detail
    unknown = rule("evil.com").match("http://good.com\\@evil.com/", ENV)
    assert "read differently" in unknown.detail
    assert "cannot be parsed" in rule("evil.com").match("http://a b/", ENV).detail
    assert isinstance(rule("x.com"), Matcher)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("example.com", {"host": ("example.com",)}),
        (["a.com", "b.com"], {"host": ("a.com", "b.com")}),
        ({"port": 8080}, {"port": (8080,)}),
        ({"in": "hosts"}, {"in_": ("hosts",)}),
        ({"scheme": "file"}, {"scheme": ("file",)}),
    ],
)
def test_spec_shorthands(raw: object, expected: dict[str, object]) -> None:
    spec = UrlSpec.model_validate(raw)
    for key, value in expected.items():
        assert getattr(spec, key) == value


@pytest.mark.parametrize("raw", [{}, {"exact": True}, {"host": "x", "hostname": "y"}, {"port": "http"}])
def test_spec_rejects(raw: object) -> None:
    with pytest.raises(ValueError):
        UrlSpec.model_validate(raw)


@pytest.mark.parametrize(
    ("spec", "loc", "message"),
    [
        ({"host": "exa mple.com"}, ("host",), "invalid host pattern"),
        ({"host": ["ok.com", "*.*.com"]}, ("host", 1), "invalid host pattern"),
        ({"host": "300.1.1.1"}, ("host",), "invalid host pattern"),
        ({"not_host": "10.0.0.0/33"}, ("not_host",), "invalid host pattern"),
        ({"in": "hostz"}, ("in",), "did you mean `hosts`"),
        ({"scheme": ["https", "ht tp"]}, ("scheme", 1), "not a URL scheme"),
        ({"port": [80, 70000]}, ("port", 1), "not a port"),
        ({"path": "a**"}, ("path",), "whole path segment"),
        ({"path": "~"}, ("path",), "must start with"),
    ],
)
def test_compile_errors(spec: object, loc: tuple[object, ...], message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)) as err:
        compile_url(UrlSpec.model_validate(spec), CTX)
    assert err.value.loc == loc


# --- UrlIndex ----------------------------------------------------------------------------------------------------

SPECS: list[object] = [
    "evil.com",
    "=exact.org",
    "*.sub.net",
    "127.0.0.1",
    "10.0.0.0/8",
    "*",
    {"not_host": "good.com"},
    {"private_network": True},
    {"scheme": "file"},
    {"in": "hosts"},
    {"host": ["a.io", "b.io"], "path": "/x/**"},
]
URLS = [
    "https://evil.com/",
    "https://a.b.evil.com",
    "https://exact.org",
    "https://www.exact.org",
    "https://x.sub.net",
    "http://2130706433/",
    "http://[::ffff:127.0.0.1]/",
    "http://10.9.8.7/",
    "file:///etc/passwd",
    "https://api.good.com",
    "https://docs.python.org",
    "https://b.io/x/y",
    "http://good.com\\@evil.com/",
    "http://bad host/",
    "javascript:alert(1)",
]


def _build(specs: list[object]) -> tuple[UrlIndex, list[UrlMatcher]]:
    index = UrlIndex()
    matchers = [rule(s) for s in specs]
    for key, m in enumerate(matchers):
        index.add(m, key)
    return index, matchers


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SPECS), min_size=1, max_size=6), st.lists(st.sampled_from(URLS), max_size=3))
def test_index_candidates_superset(specs: list[object], urls: list[str]) -> None:
    index, matchers = _build(specs)
    for value in [*urls, urls]:
        must = {k for k, m in enumerate(matchers) if m.match(value, ENV)}
        assert must <= set(index.candidates(value, ENV))


def test_index_is_selective() -> None:
    index: MatcherIndex[UrlMatcher] = UrlIndex()
    specs = [f"host{i}.example" for i in range(2000)]
    built, _ = _build(specs)
    assert list(built.candidates("https://a.host7.example/x", ENV)) == [7]
    assert list(built.candidates("https://other.example", ENV)) == []
    assert len(list(built.candidates("http://bad host", ENV))) == 2000
    assert list(index.candidates("https://x", ENV)) == []


def test_a_reason_shows_the_url_with_its_credentials_masked_before_the_cut() -> None:
    """Reasons reach hosts and the decision log: a password in the user info, or a token cut in half
    by the 200-character limit, never shows."""
    m = rule({"not_host": "example.com"})
    token = "ghp_" + "A1b2C3d4E5" * 4
    result = m.match(f"https://admin:Xk9pQ2vLm7zR4wT@evil.test/{'p' * 170}?t= {token}", EvalEnv())
    assert result.outcome is Outcome.YES
    assert "Xk9pQ2vLm7zR4wT" not in result.detail and "A1b2C3d4E5" not in result.detail
    assert "<url_password:masked>" in result.detail
