"""A text index reads the strings (and, for equality literals, the other scalars) of any JSON-like
value: its one-walk reader must give what the leaf generators the operators use give."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hookgate.policy.match.base import EvalEnv, Outcome
from hookgate.policy.match.text import Equals, In, Regex, TextIndex, iter_leaves, string_leaves

ENV = EvalEnv()
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False)
    | st.sampled_from(["a", "b", "ab", "x"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["k", "v", "w"]), inner, max_size=3),
    max_leaves=20,
)


def _index() -> TextIndex:
    index = TextIndex()
    ops = [Equals(False, "a"), Equals(False, 1), Equals(False, True), In(False, frozenset({"b"}), (2, None)),
           Regex(False, "^a"), Regex(False, "x$")]
    for key, op in enumerate(ops):
        index.add(op, key)
    index.freeze()
    return index


def _reference(index: TextIndex, value: Any) -> set[int]:
    out: list[int] = []
    for s in string_leaves(value):
        out.extend(index.match_str(s))
    for leaf in iter_leaves(value):
        if not isinstance(leaf, str) and leaf.__hash__ is not None:
            out.extend(index._exact.get(leaf, ()))
    return set(out)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_candidates_of_nested_values_match_the_leaf_generators(value: Any) -> None:
    index = _index()
    assert set(index.candidates(value, ENV)) == _reference(index, value)


# -- values the bounds cut: never a silent NO ------------------------------------------------

KEY = "AKIAABCDEFGHIJKLMNOP"


def _deep(leaf: Any, depth: int) -> Any:
    for _ in range(depth):
        leaf = [leaf]
    return leaf


def _ops() -> list[Any]:
    return [Regex(False, "AKIA[0-9A-Z]{16}"), Equals(False, KEY), In(False, frozenset({KEY}), (7,)), Equals(False, 7)]


@pytest.mark.parametrize("hidden", [_deep(KEY, 40), {"a": _deep({"b": KEY}, 35)}, ["x"] * 10_000 + [KEY],
                                    _deep(7, 40)], ids=["deep-list", "deep-object", "wide", "deep-number"])
def test_a_value_read_only_in_part_is_not_understood_rather_than_no(hidden: Any) -> None:
    for op in _ops():
        assert op.match(hidden, ENV).outcome in (Outcome.UNKNOWN, Outcome.YES), op
    index = TextIndex()
    for key, op in enumerate(_ops()):
        index.add(op, key)
    index.freeze()
    _, cut = index.read(hidden)
    assert cut and set(index.candidates(hidden, ENV)) == set(range(len(_ops())))


def test_within_the_bounds_the_answers_are_exact() -> None:
    for value in (_deep("x", 31), ["x"] * 9_999):
        for op in _ops():
            assert op.match(value, ENV).outcome is Outcome.NO, op
        assert TextIndex().read(value) == ([], False)
    assert Regex(False, "AKIA").match(_deep(KEY, 31), ENV).outcome is Outcome.YES


def test_the_keys_of_mappings_are_read_too() -> None:
    """A key can carry a secret as well as a value can: `{"AKIA…": 1}` is not clean."""
    hidden = {"ok": {KEY: 1}}
    assert Regex(False, "AKIA[0-9A-Z]{16}").match(hidden, ENV).outcome is Outcome.YES
    assert Equals(False, KEY).match([hidden], ENV).outcome is Outcome.YES
    index = TextIndex()
    index.add(Regex(False, "AKIA[0-9A-Z]{16}"), 0)
    index.freeze()
    assert index.read(hidden) == ([0], False)
