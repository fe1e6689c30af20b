"""A text index reads the strings (and, for equality literals, the other scalars) of any JSON-like
value: its one-walk reader must give what the leaf generators the operators use give."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hookgate.policy.match.base import EvalEnv
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
