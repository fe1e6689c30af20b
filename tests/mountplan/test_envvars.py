"""``${VAR}`` / ``${VAR:-default}`` parsing and expansion, with positioned diagnostics."""

from __future__ import annotations

import pytest

from hookgate.load.yaml import load_yaml_text
from hookgate.mountplan.envvars import EnvRefError, expand_value, find_refs, reference_diagnostics

DOC = """\
config:
  key: ${API_KEY}
  url: https://${HOST:-localhost}:${PORT:-8080}/v1
  cost: $$5
  nested: [plain, "${MISSING}"]
"""


def test_find_refs() -> None:
    refs = find_refs("a ${X} b ${Y:-d} $$ ${Z:-}")
    assert [(r.name, r.default, r.offset) for r in refs] == [("X", None, 2), ("Y", "d", 9), ("Z", "", 20)]


@pytest.mark.parametrize(("text", "fragment"), [
    ("${OPEN", "unterminated"),
    ("${1X}", "invalid variable name `1X`"),
    ("${}", "invalid variable name ``"),
    ("${A B}", "invalid variable name `A B`"),
])
def test_malformed(text: str, fragment: str) -> None:
    with pytest.raises(EnvRefError, match=fragment):
        find_refs(text)


def test_expand_with_defaults_and_escapes() -> None:
    doc = load_yaml_text(DOC, "plan.yaml")
    data, diagnostics = expand_value(doc.data, {"API_KEY": "k", "PORT": "9"}, doc.positions)
    assert data["config"] == {"key": "k", "url": "https://localhost:9/v1", "cost": "$5", "nested": ["plain", ""]}
    assert [(d.code, str(d.location)) for d in diagnostics] == [("mountplan.unset_variable", "plan.yaml:5:19")]
    assert diagnostics[0].message == "environment variable `MISSING` is not set"


def test_empty_value_uses_default() -> None:
    doc = load_yaml_text("a: ${X:-fallback}\n", "p.yaml")
    assert expand_value(doc.data, {"X": ""}, doc.positions)[0] == {"a": "fallback"}


def test_syntax_checked_without_env() -> None:
    doc = load_yaml_text("a:\n  b: ok ${X}\n  c: bad ${X\n", "p.yaml")
    found = reference_diagnostics(doc.data, doc.positions)
    assert [(d.code, str(d.location)) for d in found] == [("mountplan.bad_env_reference", "p.yaml:3:6")]


def test_whole_references_in_number_fields_read_as_plain_scalars() -> None:
    """Only at the given paths, only a whole reference, and only to a number or true/false."""
    doc = load_yaml_text("a: ${N}\nb: ${N}\nc: x${N}\nd: ${B}\ne: ${S}\nf: ${E}\n", "p.yaml")
    env = {"N": "0x10", "B": "true", "S": "ten", "E": ""}
    paths = {("a",), ("c",), ("d",), ("e",), ("f",)}
    data, _ = expand_value(doc.data, env, doc.positions, scalars=paths)
    assert data == {"a": 16, "b": "0x10", "c": "x0x10", "d": True, "e": "ten", "f": ""}
