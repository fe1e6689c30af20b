"""Canonical JSON and grant hashes: same meaning → same hash; anything ambiguous is refused."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hookgate.approval import CanonicalError, canonical_json, grant_hash

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


def test_sorted_keys_and_no_whitespace() -> None:
    assert canonical_json({"b": 1, "a": [1, {"d": None, "c": True}]}) == '{"a":[1,{"c":true,"d":null}],"b":1}'


@given(st.dictionaries(st.text(max_size=5), json_values, max_size=6))
def test_key_order_never_changes_the_hash(arguments: dict[str, object]) -> None:
    reordered = dict(reversed(list(arguments.items())))
    assert grant_hash("bash", arguments) == grant_hash("bash", reordered)


def test_unicode_spellings_of_one_string_hash_alike() -> None:
    composed = "caf\u00e9"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert grant_hash("write", {"path": composed}) == grant_hash("write", {"path": decomposed})


def test_different_arguments_or_tools_hash_differently() -> None:
    base = grant_hash("bash", {"command": "git push origin main"})
    assert base != grant_hash("bash", {"command": "git push origin main --force"})
    assert base != grant_hash("sh", {"command": "git push origin main"})
    assert base != grant_hash("bash", {"command": "git push origin main", "cwd": "/"})


@pytest.mark.parametrize(
    "arguments",
    [{"x": float("nan")}, {"x": float("inf")}, {"x": object()}, {"x": {1: "int key"}}, {"x": b"bytes"}],
)
def test_non_json_arguments_are_refused(arguments: dict[str, object]) -> None:
    with pytest.raises(CanonicalError):
        grant_hash("bash", arguments)


def test_keys_colliding_after_normalisation_are_refused() -> None:
    with pytest.raises(CanonicalError, match="collide"):
        canonical_json({"caf\u00e9": 1, unicodedata.normalize("NFD", "caf\u00e9"): 2})
