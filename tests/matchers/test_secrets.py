"""Secret detectors: each built-in finds its credential, benign look-alikes pass, redaction is exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome, SpecError
from hookgate.policy.match.secrets import (
    ALIASES,
    DETECTORS,
    SecretHit,
    SecretSpec,
    compile_secret,
    find_secrets,
    mask_secrets_in,
    redact_secrets,
    unknown_detector,
)

# Fabricated credentials with the real shapes (none is live). Prefixes are split so that
# repository secret scanners do not flag this file.


def _pem(kind: str, body: str, *, end: bool = True) -> str:
    text = f"-----BEGIN {kind}PRIVATE KEY-----\n{body}"
    return text + f"\n-----END {kind}PRIVATE KEY-----" if end else text


GHP = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"
PEM = _pem("RSA ", "MIIEpAIBAAKCAQEA3Tz2mr7SZiAMfQyuvBjM2Q")
SSH = _pem("OPENSSH ", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmU=")
EC_CUT = _pem("EC ", "MHcCAQEEIBYr4x9Qz", end=False)
PAT = "github_" + "pat_11ABCDEFG0123456789_abcdefghijKLMNOP"
GLPAT = "glp" + "at-Ab3De5Gh7Jk9Mn1Pq3St"
SLACK = "xo" + "xb-123456789012-abcdefABCDEF"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"

FOUND = [
    ("aws_access_key", "export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
    ("aws_access_key", '{"id": "ASIAY34FZKBOKMUTVV7A"}', "ASIAY34FZKBOKMUTVV7A"),
    (
        "aws_secret_key",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    (
        "aws_secret_key",
        'AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    ("private_key", "key:\n" + PEM + "\ntrailer", PEM),
    (
        "private_key",
        SSH,
        SSH,
    ),
    (
        "private_key",
        "cut: " + EC_CUT,
        EC_CUT,
    ),
    ("github_token", f"GITHUB_TOKEN={GHP}", GHP),
    ("github_token", "gho_" + "x" * 36, "gho_" + "x" * 36),
    (
        "github_token",
        "use " + PAT,
        PAT,
    ),
    ("gitlab_token", "PRIVATE-TOKEN: " + GLPAT, GLPAT),
    ("slack_token", "SLACK=" + SLACK, SLACK),
    ("jwt", f"Cookie: session={JWT}; Path=/", JWT),
    ("anthropic_key", "ANTHROPIC_API_KEY=sk-ant-api03-" + "Ab3_" * 10, "sk-ant-api03-" + "Ab3_" * 10),
    ("generic_secret", 'api_key = "Zq8xLp3vR7mT2kW9sYb4"', "Zq8xLp3vR7mT2kW9sYb4"),
    ("generic_secret", "DB_PASSWORD=c0rrect-H0rse-battery!", "c0rrect-H0rse-battery!"),
    ("generic_secret", "client_secret: 9f86d081884c7d659a2feaa0c55ad015", "9f86d081884c7d659a2feaa0c55ad015"),
    ("generic_secret", "curl -H 'Authorization: Bearer abcDEF123ghiJKL456mno'", "abcDEF123ghiJKL456mno"),
    ("generic_secret", "mysql --password=Xy7Pq2Lm9Rt4Vn8", "Xy7Pq2Lm9Rt4Vn8"),
    ("url_password", "curl https://admin:Xk9pQ2vLm7zR4wT@example.com/x", "Xk9pQ2vLm7zR4wT"),
    ("url_password", "DATABASE_URL=postgres://app:s3cret@db:5432/app", "s3cret"),
    ("cli_password", "curl -u alice:Xk9pQ2vL https://api.example.com", "Xk9pQ2vL"),
    ("cli_password", "curl --user alice:hunter2 https://x", "hunter2"),
    ("cli_password", "curl -ualice:hunter2 https://x", "hunter2"),
    ("cli_password", "curl --user=alice:hunter2 https://x", "hunter2"),
    ("cli_password", "curl -sSu alice:hunter2 https://x", "hunter2"),  # in a cluster of short options
    ("cli_password", "curl -x http://proxy:3128 --proxy-user bob:pr0xy https://x", "pr0xy"),
    ("cli_password", "curl -U bob:pr0xy https://x", "pr0xy"),
    ("cli_password", "curl -u 'alice:my pass' https://x", "my pass"),  # quoted: the blank is in the password
    ("cli_password", 'curl -u "alice:my pass" https://x', "my pass"),
    ("cli_password", "curl -u alice:'my pass' https://x", "'my pass'"),
    ("cli_password", "curl '-u' 'alice:hunter2' https://x", "hunter2"),
    ("cli_password", "curl -u \\\n  alice:hunter2 https://x", "hunter2"),  # a continued line
    ("cli_password", "bash -c 'curl --user alice:hunter2 https://x'", "hunter2"),
    ("cli_password", "wget --password=hunter2 https://x", "hunter2"),
    ("cli_password", "wget --user=alice --http-password=hunter2 https://x", "hunter2"),
    ("cli_password", "wget --ftp-password hunter2 ftp://x", "hunter2"),
    ("cli_password", "wget --proxy-password='s3 cret' https://x", "'s3 cret'"),
    ("cli_password", "curl --oauth2-bearer t0ken-Xk9pQ2 https://x", "t0ken-Xk9pQ2"),
    ("cli_password", '["curl", "-u", "alice:hunter2"]', "hunter2"),  # an argument list shown as JSON
    ("http_auth_header", "curl -H 'Authorization: Basic dXNlcjpwYXNz' https://x", "dXNlcjpwYXNz"),
    ("http_auth_header", 'curl -H "authorization:basic dXNlcjpwYXNz" https://x', "dXNlcjpwYXNz"),
    ("http_auth_header", "curl -H 'Authorization: Bearer s3cr3t' https://x", "s3cr3t"),
    ("http_auth_header", "Proxy-Authorization:   Bearer   tok3n-x", "tok3n-x"),
    ("http_auth_header", "GET / HTTP/1.1\r\nAuthorization: Token 9f86d081884c\r\nHost: x", "9f86d081884c"),
    ("http_auth_header", '{"Authorization": "Basic dXNlcjpwYXNz"}', "dXNlcjpwYXNz"),
    ("http_auth_header", '[["Authorization", "Basic dXNlcjpwYXNz"]]', "dXNlcjpwYXNz"),  # header pairs as JSON
    ("http_auth_header", "requests.get(u, headers={'Authorization': 'Bearer Zq8x-Lp3v-R7mT'})", "Zq8x-Lp3v-R7mT"),
]

BENIGN = [
    "password = os.environ['DB_PASSWORD']",
    "DATABASE_URL=postgres://user:PASSWORD@host:5432/db",  # usage text: an all-capitals name stands for one
    "git clone https://USER:MY_TOKEN@github.com/org/repo",
    "token: ${{ secrets.GITHUB_TOKEN }}",
    "api_key=<your-api-key-here>",
    "secret_key = settings.SECRET_KEY_VALUE",
    "api_key = get_api_key_v2()",
    "password=hunter2",
    "token = aaaaaaaaaaaaaaaaaaaa1",
    "AKIAIOSFODNN7EXAMPL",  # one character short
    "XAKIAIOSFODNN7EXAMPLE1",  # embedded in a longer word
    "ghp_short",
    "the keyword monkey = banana",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUU\n-----END CERTIFICATE-----",
    "eyJhbGciOiJIUzI1NiJ9 alone is only a header",
    "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",
    "uuid: 550e8400-e29b-41d4-a716-446655440000",
    "git clone https://x:${TOKEN}@github.com/o/r",  # a reference, not the password
    "https://user@example.com/a:b@c",
    # credentials by reference, a user alone, and options that only look like `-u user:password`
    "curl -u alice https://x",  # curl asks for the password
    "curl -u alice: https://x",
    "curl --negotiate -u : https://x",
    'curl -u "$API_USER:$API_PASS" https://x',
    "curl -u $API_USER:$API_PASS https://x",
    "curl -u alice:${TOKEN} https://x",
    'curl -u "alice:$(cat ~/.pw)" https://x',
    "curl -u alice:$(cat ~/.pw) https://x",
    'curl -u alice:"$PASS" https://x',
    "curl -u alice:`cat pw` https://x",
    "curl -u alice:%PASS% https://x",
    'curl -u "$CREDENTIALS" https://x',
    "curl --user-agent 'Mozilla/5.0 (X11; Linux x86_64)' https://x",
    "wget --password=$WGET_PW https://x",
    "wget --password=<password> https://x",
    "usage: fetch [--user USER:PASSWORD] [--password PASSWORD]",
    "Pass --password on the command line only in tests, or --user alice and let curl ask.",
    "docker run -u 1000:1000 img",
    "docker run --user root:root img",
    'docker run --user "$(id -u):$(id -g)" img',
    # other programs' -p/-a are ports, parents, all: only sshpass's, mysql's (attached) and redis-cli's
    # are passwords; `mysql -p db` prompts; env:/file: are references
    "ssh -p 2222 host",
    "psql -p 5432 shop",
    "mkdir -p build/out",
    "ls -a dir",
    "git commit -a -m wip",
    "mysql -u root -p shop",
    "mysql -p$DB_PASS shop",
    "openssl rsa -passin env:KEY_PW -in k.pem",
    "openssl rsa -passin file:/run/secrets/pw -in k.pem",
    "PGPASSWORD=$PGPASS psql",
    "smbclient //h/share -U alice",
    # other programs' -u/--user take user:group: only curl's is user:password
    "docker run -u app:staff img",
    "podman run --user app:wheel img",
    "ls -lu a:b",
    "socat -u TCP:host:80 -",
    "curl https://x; docker exec -u app:staff c sh",
    "docker run -u app:staff curlimages/curl",
    "date -u +%H:%M:%S",
    "rsync -avu backup:/srv/data/ ./data/",
    "pip install -U git+https://github.com/o/r",
    "git push -u origin HEAD:main",
    'curl -H "Authorization: Bearer $TOKEN" https://x',
    'curl -H "Authorization: Bearer ${TOKEN}" https://x',
    'curl -H "Authorization: Basic $(printf alice:pw | base64)" https://x',
    "Authorization: Bearer <token>",
    "Authorization: Bearer YOUR_API_TOKEN",
    "Authorization: Bearer token",
    "Authorization: Basic dXNlcjo=",  # base64 of `user:`, no password
    "headers: {Authorization: `Bearer ${token}`}",
    "Authorization: Bearer\nContent-Type: text/plain",
    "Authorization, Bearer tokens and basic auth are covered below.",
    "",
]


@pytest.mark.parametrize(("name", "text", "secret"), FOUND)
def test_detector_finds_exactly_the_secret(name: str, text: str, secret: str) -> None:
    hits = find_secrets(text, [name])
    assert [(h.detector, text[h.start : h.end]) for h in hits] == [(name, secret)]


@pytest.mark.parametrize(("name", "text", "secret"), FOUND)
def test_all_detectors_together_redact_the_secret(name: str, text: str, secret: str) -> None:
    redacted = redact_secrets(text)
    assert secret not in redacted
    assert "[REDACTED:" in redacted


@pytest.mark.parametrize("text", BENIGN)
def test_benign_text_has_no_secret(text: str) -> None:
    assert find_secrets(text) == []
    assert redact_secrets(text) == text


def test_every_detector_has_a_positive_case() -> None:
    assert {name for name, _, _ in FOUND} >= set(DETECTORS) - {"openai_key"}
    assert find_secrets("OPENAI_API_KEY=sk-proj-" + "Ab3De5Gh7J" * 5)[0].detector == "openai_key"


def test_alias_all_covers_every_detector() -> None:
    assert set(ALIASES["all"]) == set(DETECTORS)
    assert find_secrets(f"a {GHP} b", ["all"]) == find_secrets(f"a {GHP} b")


def test_names_limit_the_detectors() -> None:
    text = f"AKIAIOSFODNN7EXAMPLE {GHP}"
    assert [h.detector for h in find_secrets(text, ["github_token"])] == ["github_token"]
    assert [h.detector for h in find_secrets(text, ["aws"])] == ["aws_access_key"]


def test_adjacent_tokens_are_all_found() -> None:
    text = "AKIAIOSFODNN7EXAMPLE,AKIAI44QH8DHBEXAMPLE AKIAJ7ABCDEFGHIJKLMN"
    assert len(find_secrets(text, ["aws_access_key"])) == 3


def test_overlapping_hits_merge_so_nothing_leaks() -> None:
    text = f"token={GHP}"
    hits = find_secrets(text)
    assert hits == [SecretHit("github_token", 6, len(text))]
    assert redact_secrets(text) == "token=[REDACTED:github_token]"


def test_redaction_replacement_template() -> None:
    assert redact_secrets(f"x {GHP} y", replacement="***") == "x *** y"
    assert redact_secrets(f"x {GHP} y {JWT}") == "x [REDACTED:github_token] y [REDACTED:jwt]"


def test_positions_are_character_offsets_with_unicode() -> None:
    text = f"clé → {GHP} ✓"
    (hit,) = find_secrets(text)
    assert text[hit.start : hit.end] == GHP


def test_mask_secrets_in_nested_structure_returns_a_copy() -> None:
    value = {
        "messages": [{"role": "user", "content": f"my token is {GHP}"}],
        "env": {"password": "Zq8xLp3vR7mT2kW9", "user": "bob"},
        "count": 3,
        "pair": ("AKIAIOSFODNN7EXAMPLE", None),
    }
    masked = mask_secrets_in(value)
    assert masked["messages"][0]["content"] == "my token is [REDACTED:github_token]"
    assert masked["env"] == {"password": "[REDACTED:generic_secret]", "user": "bob"}
    assert masked["count"] == 3
    assert masked["pair"] == ("[REDACTED:aws_access_key]", None)
    assert value["messages"][0]["content"].endswith(GHP)  # original untouched


def test_mask_keeps_short_or_referenced_passwords() -> None:
    assert mask_secrets_in({"password": "${PW}"}) == {"password": "${PW}"}


def test_unknown_detector_did_you_mean() -> None:
    assert unknown_detector("jwt") is None
    assert unknown_detector("all") is None
    assert unknown_detector("githb_token") == "unknown secret detector `githb_token`; did you mean `github_token`?"
    with pytest.raises(SpecError) as err:
        find_secrets("x", ["aws_acess_key"])
    assert err.value.code == "compile.unknown_detector"


@pytest.mark.parametrize(
    ("raw", "names"),
    [("all", ("all",)), (["jwt", "private_key"], ("jwt", "private_key")), ({"detectors": ["aws"]}, ("aws",))],
)
def test_spec_shorthands(raw: object, names: tuple[str, ...]) -> None:
    assert SecretSpec.model_validate(raw).detectors == names


def test_spec_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError, match="extra"):
        SecretSpec.model_validate({"detectors": ["jwt"], "entropy": 3})


def test_compile_reports_bad_name_with_its_index() -> None:
    with pytest.raises(SpecError) as err:
        compile_secret(SecretSpec.model_validate(["jwt", "slak_token"]), CompileContext())
    assert err.value.loc == (1,)
    assert "did you mean `slack_token`" in err.value.message
    with pytest.raises(SpecError):
        compile_secret(SecretSpec.model_validate([]), CompileContext())


def test_matcher_scans_strings_dicts_and_lists() -> None:
    env = EvalEnv()
    m = compile_secret(SecretSpec.model_validate(["private_key", "github_token"]), CompileContext())
    assert m.match(f"see {PEM}", env).outcome is Outcome.YES
    assert "private_key" in m.match(PEM, env).detail
    assert m.match({"a": [1, {"b": GHP}]}, env).outcome is Outcome.YES
    assert m.match({"a": "AKIAIOSFODNN7EXAMPLE"}, env).outcome is Outcome.NO  # not a selected detector
    assert m.match(None, env).outcome is Outcome.NO
    assert m.match(42, env).outcome is Outcome.NO


def test_matcher_flags_dict_password_field() -> None:
    m = compile_secret(SecretSpec.model_validate("all"), CompileContext())
    assert m.match({"password": "Zq8xLp3vR7mT2kW9"}, EvalEnv()).outcome is Outcome.YES
    assert m.match({"password": "changeme"}, EvalEnv()).outcome is Outcome.NO


def test_matcher_too_deep_is_unknown() -> None:
    value: object = "x"
    for _ in range(100):
        value = [value]
    m = compile_secret(SecretSpec.model_validate("all"), CompileContext())
    assert m.match(value, EvalEnv()).outcome is Outcome.UNKNOWN


@given(st.text(max_size=200))
def test_redaction_never_grows_a_secret_and_is_idempotent(text: str) -> None:
    once = redact_secrets(text)
    assert find_secrets(once) == []
    assert redact_secrets(once) == once


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=80))
def test_secret_embedded_in_noise_is_always_redacted(noise: str) -> None:
    text = f"{noise} {GHP} {noise}"
    assert GHP not in redact_secrets(text)


def test_lone_surrogates_and_emoji_keep_offsets_right() -> None:
    text = f"\ud800 😀 x={GHP} 😀 {PEM}"
    hits = find_secrets(text)
    assert [text[h.start : h.end] for h in hits] == [GHP, PEM]


def test_a_secret_deep_in_a_long_value_is_found_without_trusting_the_prefilter() -> None:
    from hookgate.policy.match.re2sets import SET_SAFE_BYTES

    key = "AKIAIOSFODNN7EXAMPLE"
    text = "x = 1\n" * (SET_SAFE_BYTES // 6 + 100) + f"aws_access_key_id = {key}\n"
    assert [h.detector for h in find_secrets(text)] == ["aws_access_key"]
    assert key not in redact_secrets(text)


def test_a_secret_in_a_key_is_found_and_masked() -> None:
    value = {"headers": {GHP: "x"}, "ok": {"name": "bob"}}
    matcher = compile_secret(SecretSpec.model_validate("all"), CompileContext())
    assert matcher.match(value, EvalEnv()).outcome is Outcome.YES
    assert matcher.match({"ok": {"name": "bob"}}, EvalEnv()).outcome is Outcome.NO
    assert mask_secrets_in(value) == {"headers": {"[REDACTED:github_token]": "x"}, "ok": {"name": "bob"}}

    two = {"ghp_" + "a" * 36: "first", "ghp_" + "b" * 36: "second"}
    masked = mask_secrets_in(two)  # two keys masked alike: both values kept, neither key shown
    assert sorted(masked.values()) == ["first", "second"] and not any("ghp_" in k for k in masked)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("curl -u alice:hunter2 https://x", "curl -u alice:*** https://x"),
        ("curl -u 'alice:my pass' https://x", "curl -u 'alice:***' https://x"),
        ("wget --http-password=hunter2 https://x", "wget --http-password=*** https://x"),
        ("curl -u alice:pw1 --proxy-user bob:pw2 https://x", "curl -u alice:*** --proxy-user bob:*** https://x"),
        ("curl -H 'Authorization: Basic dXNlcjpwYXNz' https://x", "curl -H 'Authorization: Basic ***' https://x"),
        ("Proxy-Authorization: Bearer s3cr3t\r\nHost: x", "Proxy-Authorization: Bearer ***\r\nHost: x"),
        ("clé → curl -u alice:pässwörd ✓", "clé → curl -u alice:*** ✓"),
        ("mysql -uroot -ps3cretpw db", "mysql -uroot -p*** db"),
        ("cd /srv && mysqldump -psecret42 shop", "cd /srv && mysqldump -p*** shop"),
        ("sshpass -p hunter2 ssh deploy@h", "sshpass -p *** ssh deploy@h"),
        ("redis-cli -h cache -a s3cret ping", "redis-cli -h cache -a *** ping"),
        ("openssl rsa -passin pass:hunter2 -in k.pem", "openssl rsa -passin pass:*** -in k.pem"),
        ("openssl enc -pass 'pass:two words' -in x", "openssl enc -pass 'pass:***' -in x"),
        ("PGPASSWORD=hunter2 psql -h db", "PGPASSWORD=*** psql -h db"),
        ("export MYSQL_PWD=s3cret; mysql shop", "export MYSQL_PWD=***; mysql shop"),
        ("smbclient //h/share -U alice%hunter2", "smbclient //h/share -U alice%***"),
    ],
)
def test_only_the_credential_is_masked_so_a_reviewer_sees_what_it_was(text: str, masked: str) -> None:
    assert redact_secrets(text, replacement="***") == masked


def test_a_credential_parted_from_its_option_or_header_by_the_structure_is_found() -> None:
    """A header dict and an argument list hold the header name or the option in another string
    than the credential: each string is read after what stands before it."""
    matcher = compile_secret(SecretSpec.model_validate("all"), CompileContext())
    env = EvalEnv()
    fetch = {"url": "https://api.example.com", "headers": {"Authorization": "Basic dXNlcjpwYXNz", "Accept": "x"}}
    assert matcher.match(fetch, env).outcome is Outcome.YES
    assert mask_secrets_in(fetch)["headers"] == {"Authorization": "Basic [REDACTED:http_auth_header]", "Accept": "x"}
    proxied = {"headers": {"proxy-authorization": ["Bearer s3cr3t"]}}
    assert mask_secrets_in(proxied) == {"headers": {"proxy-authorization": ["Bearer [REDACTED:http_auth_header]"]}}
    pairs = {"headers": [("Accept", "x"), ("Authorization", "Basic dXNlcjpwYXNz")]}
    assert matcher.match(pairs, env).outcome is Outcome.YES
    assert mask_secrets_in(pairs)["headers"][1] == ("Authorization", "Basic [REDACTED:http_auth_header]")
    for found in (["mysql", "-ps3cret", "shop"], ["sshpass", "-p", "hunter2", "ssh", "h"], ["redis-cli", "-a", "pw1"]):
        assert matcher.match({"command": found}, env).outcome is Outcome.YES, found
        assert "[REDACTED:cli_password]" in "".join(mask_secrets_in({"command": found})["command"])
    argv = {"command": ["curl", "-u", "alice:hunter2", "--password", "s3cret", "https://x"]}
    assert matcher.match(argv, env).outcome is Outcome.YES
    assert mask_secrets_in(argv)["command"] == [
        "curl", "-u", "alice:[REDACTED:cli_password]", "--password", "[REDACTED:cli_password]", "https://x",
    ]
    for benign in (
        {"headers": {"Authorization": "Bearer ${API_TOKEN}"}},
        {"headers": {"Authorization": "Basic dXNlcjo="}},
        {"command": ["curl", "-u", "alice", "https://x"]},
        {"command": ["curl", "-u", "$USER:$PASS", "https://x"]},
        {"command": ["docker", "run", "-u", "1000:1000", "img"]},
        {"command": ["docker", "run", "-u", "app:staff", "img"]},
        {"command": ["ssh", "-p", "2222", "host"]},
        {"command": ["mysql", "-u", "root", "-p", "shop"]},
        {"note": "Basic dXNlcjpwYXNz"},  # no header names it
    ):
        assert matcher.match(benign, env).outcome is Outcome.NO, benign
        assert mask_secrets_in(benign) == benign


def test_every_detector_and_group_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "policy-language.md").read_text(encoding="utf-8")
    assert [name for name in [*DETECTORS, *ALIASES] if f"`{name}`" not in doc] == []


def test_the_passwords_alias() -> None:
    assert ALIASES["passwords"] == ("url_password", "cli_password")
    text = "curl -u alice:hunter2 -H 'Authorization: Basic dXNlcjpwYXNz' https://bob:s3cret@x"
    assert [h.detector for h in find_secrets(text, ["passwords"])] == ["cli_password", "url_password"]


def test_a_redacted_token_is_no_user_name_with_a_password() -> None:
    """`[REDACTED:github_token]` has a colon: read as `user:password` it made redaction find a secret
    in its own output (a token in a URL's user info, or after -u)."""
    for text in (f"git clone https://{GHP}@github.com/o/r", f"curl -u {GHP}:x-oauth-basic https://api.github.com"):
        for replacement in ("[REDACTED:{detector}]", "<{detector}:masked>"):
            once = redact_secrets(text, replacement=replacement)
            assert GHP not in once and find_secrets(once) == [], once
    assert redact_secrets(f"https://x:{GHP}@github.com") == "https://x:[REDACTED:github_token]@github.com"


@pytest.mark.parametrize(
    "text",
    [
        '["mysql","--password","pw4db"]',
        "run(['mysql', '--password', 'pw4db'], check=True)",
        'run(["mysql", "--password=pw4db", "shop"])',
        'run(["curl", "--user=alice:pw4db", "https://x"])',
        'run(["sshpass", "-p", "pw4db", "ssh", "h"])',
        'run(["redis-cli", "-a", "pw4db", "ping"])',
        'run(["env", "PGPASSWORD=pw4db", "psql"])',
        'run(["smbclient", "-U", "alice%pw4db", "//s/x"])',
        '["x", "--password", "pw\\"4db"]',  # an escaped quote is in the string
        # as before: the shell's words
        "mysql --password=pw4db shop",
        "mysql '--password=pw4db' shop",
    ],
)
def test_a_password_in_a_list_is_masked_inside_its_quotes(text: str) -> None:
    """An argument list in code or JSON (``subprocess.run([...])``) keeps its quotes, commas and the
    items after the password: read as a shell word the value ran on to the next quote, so a redacting
    rewrite of a file being written cut ``, "shop"])`` out of the code along with the secret."""
    secret = "pw\\\"4db" if "\\" in text else "pw4db"
    assert redact_secrets(text) == text.replace(secret, "[REDACTED:cli_password]")


@pytest.mark.parametrize(
    "text", ['run(["mysql", "-p", "shop"])', '["mysql", "--password", "$DB_PASS"]', '["ssh", "-p", "2222", "h"]'],
)
def test_no_password_in_a_list(text: str) -> None:
    """``-p`` then a word is mysql's prompt and a database, or ssh's port; ``$DB_PASS`` a reference."""
    assert redact_secrets(text) == text
