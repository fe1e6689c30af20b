"""The JSON Schema patterns accept exactly the strings the Python checks accept.

Sources, durations and ``${VAR}`` references are checked in Python by
regexes and parsers, and described in the published schema by ``pattern``
strings. Each pair must agree on every string. (Strings ending in a newline
are left out: python-jsonschema searches with Python's ``re``, whose ``$``
also matches before a final newline, unlike the ECMA-262 ``$`` of the JSON
Schema spec; the Python checks refuse them.)
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from hookgate.mountplan.configs.hooks_policy import DURATION_PATTERN, parse_duration
from hookgate.mountplan.envvars import REFERENCE_PATTERN, WHOLE_REFERENCE_PATTERN, EnvRefError, find_refs, is_whole_ref
from hookgate.mountplan.sources import SOURCE_PATTERN, SourceError, parse_source


def _no_final_newline(text: str) -> bool:
    return not text.endswith("\n")


def _pieces(*parts: str) -> st.SearchStrategy[str]:
    """Strings glued from meaningful pieces and a few random characters, so both sides get exercised."""
    return st.lists(st.one_of(st.sampled_from(parts), st.text(max_size=2)), max_size=6).map("".join)


SOURCE_PIECES = ("git+", "https", "ssh", "http", "://", "file:", "//", "/", "./", "../", "~/", ".", "@", "#",
                 "subdirectory=", "github.com", "org/repo", "v1", ":22", "user@", "pkg", "-name", "[re2]", ">=",
                 "==", "1.0", ",", "<2", " ", "${", "X", ":-", "}", "localhost", "٣")
DURATION_PIECES = ("0", "1", "30", ".", "5", "ms", "s", "m", "h", " ", "\t", "-", "e3", "٣", "d")
REFERENCE_PIECES = ("${", "}", "$$", "$", "X", "1", "_", ":-", "a", "{", " ")


def _source_ok(text: str) -> bool:
    try:
        parse_source(text)
    except SourceError:
        return False
    return True


@given(_pieces(*SOURCE_PIECES).filter(_no_final_newline))
@example("git+https://github.com")
@example("git+https://github.com/org/repo@v1")
@example("file://relative")
@example("git+https://h:٣/org/repo")
def test_source_pattern_is_parse_source(text: str) -> None:
    assert (re.search(SOURCE_PATTERN, text) is not None) == _source_ok(text), text


def _duration_ok(text: str) -> bool:
    try:
        parse_duration(text)
    except ValueError:
        return False
    return True


@given(_pieces(*DURATION_PIECES).filter(_no_final_newline))
@example("0s")
@example("0.0")
@example("0.5s")
@example("٣٠s")
@example(" 30 s ")
def test_duration_pattern_is_parse_duration(text: str) -> None:
    assert (re.search(DURATION_PATTERN, text) is not None) == _duration_ok(text), text


def _refs(text: str) -> bool | None:
    try:
        return bool(find_refs(text))
    except EnvRefError:
        return None  # malformed: reported by its own check, refused by the pattern


@given(_pieces(*REFERENCE_PIECES).filter(_no_final_newline))
@example("$${X}")
@example("$$${X}")
@example("${1X}${Y}")
@example("$a${Y}")
@example("${X}${")  # a malformed reference after a good one (found by hypothesis)
def test_reference_patterns_are_find_refs(text: str) -> None:
    assert (re.search(REFERENCE_PATTERN, text) is not None) == (_refs(text) is True), text
    assert (re.search(WHOLE_REFERENCE_PATTERN, text) is not None) == is_whole_ref(text), text


@pytest.mark.parametrize("pattern", [SOURCE_PATTERN, DURATION_PATTERN, REFERENCE_PATTERN, WHOLE_REFERENCE_PATTERN])
def test_patterns_use_only_what_ecma_262_shares_with_python(pattern: str) -> None:
    """No named groups, no `\\d` (Unicode digits in Python), no possessive or atomic groups."""
    assert "(?P<" not in pattern and "\\d" not in pattern and "(?>" not in pattern
