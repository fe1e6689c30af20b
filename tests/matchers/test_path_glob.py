"""Glob translation (one tokenizer regex), lazily built and shared RE2 programs, and their failure modes."""

from __future__ import annotations

import re

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome, SpecError
from hookgate.policy.match.path import PathMatcher, PathSpec, compile_path
from hookgate.policy.match.path_glob import Anchor, Glob, GlobGroup, _segment_regex, compile_globs
from hookgate.policy.match.path_regex import EAGER_CHARS, GlobRegex, RegexError, shared_regex

CTX = CompileContext(home="/home/u")
ENV = EvalEnv(cwd="/w", home="/home/u", workspace="/w")


def _reference_segment(seg: str) -> str:
    """The char-by-char translator this module replaced: the oracle for the tokenizer."""
    out: list[str] = []
    i = 0
    while i < len(seg):
        ch = seg[i]
        if ch == "\\" and i + 1 < len(seg):
            out.append(re2.escape(seg[i + 1]))
            i += 2
        elif ch == "*":
            if seg[i : i + 2] == "**":
                raise ValueError("`**`")
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            end = seg.find("]", i + 2 if seg[i + 1 : i + 2] in ("!", "^", "]") else i + 1)
            if end < 0:
                raise ValueError("unclosed")
            body = seg[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append(("[^/" if negate else "[") + "".join("\\" + c if c in "\\^]" else c for c in body) + "]")
            i = end + 1
        else:
            out.append(re2.escape(ch))
            i += 1
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab.-*?[]!^\\é $", min_size=1, max_size=12))
def test_tokenizer_matches_reference_translator(seg: str) -> None:
    try:
        expected: str | None = _reference_segment(seg)
        re2.compile(expected)
    except (ValueError, re2.error):
        expected = None
    try:
        got: str | None = _segment_regex(seg)
    except ValueError:
        got = None
    assert got == expected


def test_programs_are_built_on_first_use_and_shared() -> None:
    a = compile_path(PathSpec.model_validate("/srv/lazy-one/**"), CTX)
    b = compile_path(PathSpec.model_validate({"glob": ["/srv/lazy-one/**"]}), CTX)
    glob = a.groups[0].globs[0]
    assert b.groups[0].globs[0] is glob  # one compiled glob for both rules
    assert a.groups[0].whole is glob.regex  # a one-glob group uses the glob's own program
    assert not glob.regex.built
    assert a.match("/srv/lazy-one/x", ENV).outcome is Outcome.YES
    assert glob.regex.built and b.match("/srv/lazy-two", ENV).outcome is Outcome.NO


def test_long_patterns_are_built_at_compile_time() -> None:
    long = "/" + "a?" * (EAGER_CHARS // 4) + "/**"
    (glob,) = compile_globs(long)
    assert glob.regex.built
    assert not shared_regex("x").built


@pytest.mark.parametrize(
    ("glob", "message"),
    [("/x/[z-a]", "bad character class `[z-a]`"), ("/x/a\ud800", "surrogates not allowed"), ("/x/[a]]b/[", "unclosed")],
)
def test_errors_are_found_at_compile_time(glob: str, message: str) -> None:
    with pytest.raises(SpecError, match=re.escape(message)) as err:
        compile_path(PathSpec.model_validate({"glob": ["/ok/**", glob]}), CTX)
    assert err.value.loc == ("glob", 1)
    assert err.value.code == "compile.bad_glob"


def test_a_program_that_cannot_be_built_is_unknown_never_no() -> None:
    broken = GlobRegex("(unclosed")
    glob = Glob("/x/**", Anchor.ROOT, broken, "/x", None, None, None, "**")
    matcher = PathMatcher((GlobGroup((glob,), broken, None, None),), home="/home/u")
    result = matcher.match("/elsewhere", ENV)
    assert result.outcome is Outcome.UNKNOWN
    assert "could not be matched" in result.detail
    with pytest.raises(RegexError):
        broken.fullmatch("/x")


@pytest.mark.parametrize("native", [True, False])
def test_both_ways_of_calling_re2_agree(native: bool) -> None:
    rx = GlobRegex("/etc(?:/.*)?|(?:.*/)?\\.env", native=native)
    assert [rx.fullmatch(p) for p in ("/etc", "/etc/x", "/etcx", "/a/.env", "/a/.envx", "/é/.env")] == [
        True,
        True,
        False,
        True,
        False,
        True,
    ]
    with pytest.raises(RegexError, match="not valid unicode"):
        rx.fullmatch("/\ud800")
