"""The built-in secret detectors: one RE2 pattern per kind of credential.

Each pattern is written for RE2 (no look-around), so a detector whose value
must stop at a token boundary captures the value in group 1 and the scanner
reports that group's span. Vendor tokens have fixed prefixes and are reported
as they are; assignment-style detectors (``aws_secret_key``,
``generic_secret``) additionally pass a Shannon-entropy gate so that
``password = os.environ["PW"]`` or ``token: <your-token>`` is not a secret.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "ALIASES",
    "DETECTORS",
    "GENERIC_MIN_ENTROPY",
    "GENERIC_MIN_LENGTH",
    "KEY_NAME",
    "Detector",
    "shannon_entropy",
]

#: A generic ``key=value`` value must be at least this long ...
GENERIC_MIN_LENGTH = 12
#: ... and carry at least this many bits of Shannon entropy per character.
GENERIC_MIN_ENTROPY = 3.0

#: Names of keys/variables/flags whose value is a credential.
KEY_NAME = (
    r"[A-Za-z0-9_.\-]*(?i:api[_\-.]?key|apikey|access[_\-.]?key|secret|token|passw(?:or)?d|passwd|pwd|passphrase"
    r"|credentials?|private[_\-.]?key|auth[_\-.]?key|client[_\-.]?secret|session[_\-.]?key|signing[_\-.]?key)"
    r"[A-Za-z0-9_.\-]*"
)
_ASSIGN = r"""["']?\s*(?::=|=>|=|:)\s*["']?"""
_VALUE_CHARS = r"A-Za-z0-9+/=_\-.~!@#%^&*?|"


def shannon_entropy(value: str) -> float:
    """Bits per character; random base64 is ~5-6, English words ~3, `aaaa` 0."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[A-Za-z]")
_IDENTIFIER = re.compile(r"[A-Za-z]+(?:[_.\-][A-Za-z]+)*(?:[_.\-]?[vV]?[0-9]{1,3})?")


def _high_entropy(value: str) -> bool:
    return len(value) >= GENERIC_MIN_LENGTH and shannon_entropy(value) >= GENERIC_MIN_ENTROPY


def _looks_random(value: str) -> bool:
    """The gate for ``key=value``: long, varied, has letters and digits, and is not a
    reference (``$VAR``, ``{{x}}``, ``<your-key>``) or an identifier (``get_api_key_v2``)."""
    if value.startswith(("$", "%", "{", "<")) or not _high_entropy(value):
        return False
    return bool(_DIGIT.search(value) and _LETTER.search(value)) and _IDENTIFIER.fullmatch(value) is None


_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

#: how a value that is not itself a credential starts: a reference ($TOKEN, ${TOKEN}, $(cat f),
#: `cmd`, %TOKEN%) or a placeholder (<token>, {{token}}, [REDACTED], ***)
_NOT_LITERAL = ("$", "%", "{", "<", "[", "*", "`")


@dataclass(frozen=True, slots=True)
class Detector:
    """One named detector. The value is group 1 (else the whole match); it is rejected if
    followed by a ``stop`` character (RE2 has no look-ahead) or if ``validate`` says no."""

    name: str
    description: str
    pattern: str
    validate: Callable[[str], bool] | None = None
    stop: frozenset[str] = frozenset()


_BUILTINS = (
    Detector(
        "aws_access_key",
        "AWS access key id (AKIA…/ASIA…)",
        r"(?:^|[^A-Za-z0-9])((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16})",
        stop=_ALNUM,
    ),
    Detector(
        "aws_secret_key",
        "AWS secret access key in an assignment (aws_secret_access_key = …)",
        r"(?i:aws[A-Za-z0-9_.\-]{0,30}(?:secret|sk)|secret[_\-.]?access[_\-.]?key)[A-Za-z0-9_.\-]{0,20}"
        + _ASSIGN
        + r"([A-Za-z0-9/+]{40})",
        _high_entropy,
        stop=_ALNUM | frozenset("/+="),
    ),
    Detector(
        "private_key",
        "PEM private key block (-----BEGIN … PRIVATE KEY----- through END, or to the end if cut off)",
        r"(-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:(?s:.*?)-----END[ A-Z0-9]{0,40}PRIVATE KEY"
        r"(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,\\\-]*))",
    ),
    Detector(
        "github_token",
        "GitHub token (ghp_/gho_/ghu_/ghs_/ghr_ or github_pat_)",
        r"(?:^|[^A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})",
        stop=_ALNUM | frozenset("_"),
    ),
    Detector(
        "gitlab_token",
        "GitLab token (glpat-, glptt-, gldt-, glrt-)",
        r"(?:^|[^A-Za-z0-9_])((?:glpat|glptt|gldt|glrt)-[A-Za-z0-9_\-]{20,250})",
    ),
    Detector(
        "slack_token",
        "Slack token (xoxb-/xoxa-/xoxp-/xoxr-/xoxs-)",
        r"(?:^|[^A-Za-z0-9_])(xox[baprs]-[A-Za-z0-9\-]{10,250})",
    ),
    Detector(
        "jwt",
        "JSON Web Token (three base64url parts, header and payload JSON)",
        r"(?:^|[^A-Za-z0-9_\-])(eyJ[A-Za-z0-9_\-]{5,}\.eyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]*)",
    ),
    Detector(
        "anthropic_key",
        "Anthropic API key (sk-ant-…)",
        r"(?:^|[^A-Za-z0-9_])(sk-ant-[A-Za-z0-9_\-]{32,250})",
    ),
    Detector(
        "openai_key",
        "OpenAI API key (sk-proj-…, sk-svcacct-…, legacy sk-…T3BlbkFJ…)",
        r"(?:^|[^A-Za-z0-9_])(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,250}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})",
    ),
    Detector(
        "url_password",
        "password in a URL's user info (scheme://user:password@host), not a reference such as ${TOKEN}",
        # (a `[` or `<` is no user name: https://[REDACTED:github_token]@host is a token redacted)
        r"(?:^|[^A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^/\s:@\[<]{1,256}:([^/\s@]{1,256})@",
        lambda value: not value.startswith(_NOT_LITERAL),
    ),
    Detector(
        "generic_secret",
        f"high-entropy value (≥ {GENERIC_MIN_LENGTH} chars, ≥ {GENERIC_MIN_ENTROPY} bits/char) assigned to a"
        " key/token/secret/password name, or after `Bearer`",
        r"(?:" + KEY_NAME + _ASSIGN + r"|(?i:bearer)\s+)([" + _VALUE_CHARS + r"]{" + str(GENERIC_MIN_LENGTH) + r",})",
        _looks_random,
    ),
)

DETECTORS: Mapping[str, Detector] = MappingProxyType({d.name: d for d in _BUILTINS})

ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "all": tuple(DETECTORS),
        "aws": ("aws_access_key", "aws_secret_key"),
        "aws_key": ("aws_access_key", "aws_secret_key"),
        "tokens": ("github_token", "gitlab_token", "slack_token", "jwt", "anthropic_key", "openai_key"),
    }
)
