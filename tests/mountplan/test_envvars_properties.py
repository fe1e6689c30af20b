"""Properties of ``${VAR}`` expansion: text without references is unchanged; no crash on any input."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hookgate.load.yaml import PositionMap
from hookgate.mountplan.envvars import EnvRefError, expand_value, find_refs

NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)


@given(st.text().filter(lambda t: "$" not in t))
def test_plain_text_is_unchanged(text: str) -> None:
    assert expand_value({"v": text}, {}, PositionMap("p"))[0] == {"v": text}


@given(st.text())
def test_parsing_never_crashes(text: str) -> None:
    try:
        find_refs(text)
    except EnvRefError as exc:
        assert 0 <= exc.offset < len(text)


@given(NAMES, st.text(alphabet=st.characters(blacklist_characters="}$"), max_size=10), st.text(max_size=10))
def test_set_variable_wins_over_default(name: str, default: str, value: str) -> None:
    env = {name: value}
    expected = value if value else default
    assert expand_value(f"${{{name}:-{default}}}", env, PositionMap("p"))[0] == expected
