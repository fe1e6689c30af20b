"""The built-in secret detectors: one RE2 pattern per kind of credential.

Each pattern is written for RE2 (no look-around), so a detector whose value
must stop at a token boundary captures the value in a group and the scanner
reports that group's span. Vendor tokens have fixed prefixes and are reported
as they are; assignment-style detectors (``aws_secret_key``,
``generic_secret``) additionally pass a Shannon-entropy gate so that
``password = os.environ["PW"]`` or ``token: <your-token>`` is not a secret.
Credentials whose place says what they are (a URL's user info, ``curl -u``,
an ``Authorization`` header) need no entropy, only not to be a reference
such as ``$TOKEN`` or a placeholder such as ``<token>``.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import re2

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

# -- credentials on a command line and in an HTTP Authorization header -----------------

#: a blank, or a shell line continuation (``curl -u \⏎ alice:pw`` is one command)
_SP = r"(?:[ \t]|\\\r?\n)"
#: one piece of a shell word: a bare character, a backslash escape, or a quoted string
_WORD_PART = r"""(?:[^\s'"`;&|<>()\\]|\\[^\n]|'[^'\n]*'|"[^"\n]*")"""
#: the same without a colon: the user name of ``user:password`` (nor a `[` or `<`: in
#: ``-u [REDACTED:github_token]`` a redaction is not a user name and a password)
_USER_PART = r"""(?:[^\s'"`;&|<>()\\:\[]|\\[^\n:\[<]|'[^'\n:\[<]*'|"[^"\n:\[<]*")"""
#: an option word (``-u``, ``--user``) starts after a blank or a quote
_OPT_START = r"""(?:^|[\s'"])"""
#: then a short option takes its value attached or in the next word, the option itself perhaps
#: quoted (``'-u' 'alice:pw'``); a long one takes ``=value`` or the next word
#: (``['-u', 'alice:pw']`` is an argument list shown as JSON or Python)
_NEXT_ITEM = r"""['"][ \t]*,[ \t]*"""
_SHORT_OPT_END = r"""(?:['"]""" + _SP + r"+|" + _NEXT_ITEM + "|" + _SP + r"*)"
_LONG_OPT_END = r"""(?:['"]?=|['"]?""" + _SP + r"+|" + _NEXT_ITEM + ")"
#: environment variables that database and ssh clients take a password from
_ENV_PASSWORDS = r"(?:PGPASSWORD|MYSQL_PWD|SSHPASS|REDISCLI_AUTH)"
#: the content of a quoted string, escapes included (``"ab\"c"``): the value of an item of a list shown
#: as JSON or Python (``["mysql", "--password", "pw"]``, code that runs a command), masked without the
#: quotes, commas and brackets around it (the shell forms below would run on to the next quote)
_DQ_CONTENT = r'"((?:[^"\\\n]|\\.)*)"'
_SQ_CONTENT = r"'((?:[^'\\\n]|\\.)*)'"
_ITEM = r"(?:" + _DQ_CONTENT + "|" + _SQ_CONTENT + ")"
#: what follows an item of a list
_ITEM_END = r"[ \t]*[,\]\)]"
_PASSWORD_OPTION = r"--(?:(?:http-|ftp-|proxy-)?password|oauth2-bearer)"


def _item_with(prefix: str) -> str:
    """``"PREFIXvalue"`` as an item of a list (``"--password=pw",``): the value is the rest of the string."""
    return '"' + prefix + _DQ_CONTENT[1:] + _ITEM_END + "|'" + prefix + _SQ_CONTENT[1:] + _ITEM_END


_CLI_PASSWORD = (
    # Items of a list first: at the same start the first alternative that matches wins
    _item_with(_PASSWORD_OPTION + "=")
    + r"|" + _item_with(r"--(?:proxy-)?user=[^'\"\n:]*:")
    + r"|" + _item_with(_ENV_PASSWORDS + "=")
    + r"|" + _OPT_START + r"(?:" + _PASSWORD_OPTION + r"|-[pa])" + _NEXT_ITEM + _ITEM
    + r"|" + _OPT_START + r"-U" + _NEXT_ITEM
    + r"""(?:"[^\s%'"]+%""" + _DQ_CONTENT[1:] + r"""|'[^\s%'"]+%""" + _SQ_CONTENT[1:] + ")"
    # curl -u / -U / --user / --proxy-user user:password (also in clusters, -su): the password is in
    # the first group when the colon is outside quotes, the second or third when inside ('alice:pw')
    + r"|" + _OPT_START
    + r"(?:-[uU]" + _SHORT_OPT_END
    + r"|-[A-Za-z0-9]{1,8}[uU](?:['\"]?" + _SP + r"+|" + _NEXT_ITEM + ")"  # a cluster's value is the next word
    + r"|--(?:proxy-)?user" + _LONG_OPT_END + r")"
    + _USER_PART
    + r"""*(?::(""" + _WORD_PART + r"""+)|'[^'\n:\[<]*:([^'\n]+)|"[^"\n:\[<]*:([^"\n]+))"""
    # --password, --http-password, --ftp-password, --proxy-password (wget), --oauth2-bearer (curl)
    + r"|" + _OPT_START
    + r"--(?:(?:http-|ftp-|proxy-)?password|oauth2-bearer)" + _LONG_OPT_END
    + r"(" + _WORD_PART + r"+)"
    # openssl -pass/-passin/-passout pass:SECRET (env:VAR and file:PATH are references)
    + r"|" + _OPT_START + r"-pass(?:in|out)?(?:" + _SP + r"+|" + _NEXT_ITEM + r")"
    + r"""(?:pass:(""" + _WORD_PART + r"""+)|'pass:([^'\n]+)|"pass:([^"\n]+))"""
    # a password in the environment of a client that reads it from there
    + r"|" + r"""(?:^|[\s;&|('"])""" + _ENV_PASSWORDS + r"=(" + _WORD_PART + r"+)"
    # sshpass -p, mysql -pSECRET (attached: a blank makes -p prompt), redis-cli -a: the program decides
    + r"|" + _OPT_START + r"-[pa]" + _SHORT_OPT_END + r"(" + _WORD_PART + r"+)"
    # smbclient / rpcclient -U user%password
    + r"|" + _OPT_START + r"-U" + _SHORT_OPT_END + r"""[^\s%'"]+%(""" + _WORD_PART + r"+)"
)
#: an Authorization or Proxy-Authorization header (raw, `-H '…'`, or a quoted key of JSON or a
#: Python dict, or the first of a pair): the credential after the scheme is group 1
_HTTP_AUTH = (
    r"""(?i:authorization)\\?["']?[ \t]*[:=,][ \t]*\\?["'`]?[ \t]*"""
    r"(?i:basic|bearer|token|bot|apikey|key|oauth|ssws|negotiate|ntlm)[ \t]+"
    r"""([^\s'"`\\,;]+)"""
)

#: how a value that is not itself a credential starts: a reference ($TOKEN, ${TOKEN}, $(cat f),
#: `cmd`, %TOKEN%), a placeholder (<token>, {{token}}, [REDACTED], ***) or, for a command-line
#: value, the next option (-v) or a path (rsync -u host:/srv, pip install -U git+https://)
_NOT_LITERAL = ("$", "%", "{", "<", "[", "*", "`")
_NOT_CLI_VALUE = (*_NOT_LITERAL, "-", "/", "~")
#: an all-capitals name stands for a value in usage text (--password PASSWORD, Bearer YOUR_TOKEN)
_METAVAR = re.compile(r"[A-Z]+(?:[_\-][A-Z]+)*")
#: a short number after `-u name:` is a group id (docker run -u 1000:1000), not a password
_GROUP_ID = re.compile(r"[0-9]{1,5}")
# The checks on the text before a value run once per hit, and a value may hold many hits: they are
# RE2 programs (linear, where a backtracking `[^…]*…$` is quadratic), and the ones that only look at
# the option before the value see its last :data:`_TAIL` characters.
_TAIL = 256
#: the user name that ends the text before a password (`-u alice:`, `--user='alice:`, `-u 'alice':`)
_USER_BEFORE = re2.compile(r"""([^\s'"=,:]*)['"]?:['"]?$""")
_PROSE_WORD = re.compile(r"[a-z]+")
#: the text before a value ends with one of the password options (not a user option)
_PASSWORD_OPTION_BEFORE = re2.compile(
    r"""--(?:(?:http-|ftp-|proxy-)?password|oauth2-bearer)(?:['"]?=|['"]?(?:[ \t]|\\\r?\n)+|['"][ \t]*,[ \t]*['"]?)$""")
#: the command that ends the text: after the last `;`, `&`, `|`, `(` or a line break that a backslash
#: does not continue
_LAST_COMMAND = re2.compile(r"""(?:^|[;&|(\n])((?:[^;&|(\n]|\\\r?\n)*)$""")
#: the programs that read a password after an option, by the option that ends the text
_CURL = re2.compile(r"""(?:^|[\s/'"`])curl(?:\.exe)?(?:['"`]|\s|$)""")
_PASS_ARGUMENT_BEFORE = re2.compile(r"""['"]?pass:$""")
_ENV_PASSWORD_BEFORE = re2.compile(_ENV_PASSWORDS + r"=$")
_SHORT_OPTION_BEFORE = re2.compile(r"""-([pa])(['"]?(?:[ \t]|\\\r?\n)+|['"][ \t]*,[ \t]*['"]?)?$""")
_SMB_USER_BEFORE = re2.compile(r"""-U(?:['"]?(?:[ \t]|\\\r?\n)*|['"][ \t]*,[ \t]*['"]?)[^\s%'"]+%$""")
_PROGRAM_WORD = r"""(?:^|[\s/'"`])(?:{})(?:['"`]|\s|$)"""
_SSHPASS = re2.compile(_PROGRAM_WORD.format("sshpass"))
_MYSQL = re2.compile(_PROGRAM_WORD.format(
    "mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mariadb(?:-dump|-admin)?"))
_REDIS = re2.compile(_PROGRAM_WORD.format("redis-cli|valkey-cli"))
_SMB = re2.compile(_PROGRAM_WORD.format("smbclient|rpcclient|smbget|smbcacls|smbmap"))
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
#: a header credential this long is a token even if it reads like a word
_LONG_TOKEN = 20


def _unquoted(value: str) -> str:
    return value.strip("'\"")


def _cli_password(value: str) -> bool:
    """A literal password on a command line: not a reference, placeholder, option, path or group id."""
    value = _unquoted(value)
    return (
        bool(value)
        and not value.startswith(_NOT_CLI_VALUE)
        and _METAVAR.fullmatch(value) is None
        and _GROUP_ID.fullmatch(value) is None
    )


def _cli_password_in_context(before: str, value: str) -> bool:
    """Not a lower-case word after ``--password`` and a blank (prose: "pass --password on the
    command line"; ``--password=word`` and a quoted word still count). ``user:password`` after
    ``-u``/``--user`` counts only in a ``curl`` command (``before``: the text up to the value, from
    some way before the option): other programs take ``user:group`` there (docker run -u app:staff,
    podman --user, socat -u, ls -lu), which redaction must not cut out of a command; and not
    ``-u node:node`` either (a password that repeats the user name is docker's group)."""
    tail = before[-_TAIL:]
    if _PASSWORD_OPTION_BEFORE.search(tail) is not None:
        return not tail[-1:].isspace() or _PROSE_WORD.fullmatch(value) is None
    if _PASS_ARGUMENT_BEFORE.search(tail) is not None or _ENV_PASSWORD_BEFORE.search(tail) is not None:
        return True
    found = _LAST_COMMAND.search(before)
    command = found.group(1) if found is not None else before
    if _SMB_USER_BEFORE.search(tail) is not None:
        return _SMB.search(command) is not None
    short = _SHORT_OPTION_BEFORE.search(tail)
    if short is not None:  # -p / -a: whose option it is decides (ssh -p 22, mkdir -p dir, ls -a)
        if short.group(1) == "a":
            return _REDIS.search(command) is not None
        attached = not short.group(2)
        return _SSHPASS.search(command) is not None or (attached and _MYSQL.search(command) is not None)
    if _CURL.search(command) is None:
        return False
    user = _USER_BEFORE.search(tail)
    return user is None or user.group(1) != _unquoted(value)


def _url_password(value: str) -> bool:
    """Not a reference or placeholder, nor an all-capitals name standing for one in usage text
    (``postgres://user:PASSWORD@host``, ``https://USER:TOKEN@host``)."""
    return not value.startswith(_NOT_LITERAL) and _METAVAR.fullmatch(value) is None


def _basic_password(value: str) -> bool | None:
    """For base64 of ``user:password``, whether the password is non-empty; ``None`` if not that shape."""
    if not _BASE64.fullmatch(value):
        return None
    try:
        text = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if ":" not in text or not text.isprintable():
        return None
    return text.partition(":")[2] != ""


def _auth_credential(value: str) -> bool:
    """The credential of an Authorization header: ``Basic`` base64 of ``user:password`` with a
    password (``user:`` alone is no secret), or a token that is not a reference, placeholder or a
    plain word (``Bearer token`` in prose)."""
    if value.startswith(_NOT_LITERAL) or _METAVAR.fullmatch(value):
        return False
    basic = _basic_password(value)
    if basic is not None:
        return basic
    return len(value) >= _LONG_TOKEN or _IDENTIFIER.fullmatch(value) is None


@dataclass(frozen=True, slots=True)
class Detector:
    """One named detector. The value is the first group that took part in the match (else the
    whole match: a pattern with alternatives may keep it in a different group in each); it is
    rejected if followed by a ``stop`` character (RE2 has no look-ahead) or if ``validate`` (or
    ``validate_in_context``) says no."""

    name: str
    description: str
    pattern: str
    validate: Callable[[str], bool] | None = None
    stop: frozenset[str] = frozenset()
    #: also asked, with the text the match read before the value (``-u alice:``) and the value
    validate_in_context: Callable[[str, str], bool] | None = None


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
        "password in a URL's user info (scheme://user:password@host), not a reference such as ${TOKEN}"
        " nor an all-capitals placeholder (user:PASSWORD@host)",
        # (a `[` or `<` is no user name: https://[REDACTED:github_token]@host is a token redacted)
        r"(?:^|[^A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{0,30}://[^/\s:@\[<]{1,256}:([^/\s@]{1,256})@",
        _url_password,
    ),
    Detector(
        "cli_password",
        "password given as a command-line option: curl -u/--user/--proxy-user user:password,"
        " --password, --http-password, --ftp-password, --proxy-password, --oauth2-bearer, mysql -pSECRET,"
        " sshpass -p, redis-cli -a, openssl -pass/-passin/-passout pass:SECRET, smbclient -U user%password,"
        " PGPASSWORD= / MYSQL_PWD= / SSHPASS= / REDISCLI_AUTH=;"
        " not a reference such as $PASS or $(cat file), nor a user alone (-u alice)",
        _CLI_PASSWORD,
        _cli_password,
        validate_in_context=_cli_password_in_context,
    ),
    Detector(
        "http_auth_header",
        "credential of an Authorization or Proxy-Authorization header (Basic, Bearer, Token, …),"
        " raw, in curl -H or as a header dict; not a reference such as $TOKEN",
        _HTTP_AUTH,
        _auth_credential,
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
        "passwords": ("url_password", "cli_password"),
    }
)
