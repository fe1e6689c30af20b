"""The positioned safe YAML loader: data, positions, and every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from hookgate.diagnostics import DiagnosticError, Location
from hookgate.load import load_yaml_file, load_yaml_text, validate_document


def _error(text: str, **kw: int) -> tuple[str, str, str]:
    with pytest.raises(DiagnosticError) as info:
        load_yaml_text(text, "p.yaml", **kw)
    (diag,) = info.value.diagnostics
    return diag.code, str(diag.location), diag.message


def test_values_and_keys_keep_their_positions() -> None:
    doc = load_yaml_text("policy: x\nrules:\n  - id: a\n    deny: no\n", "p.yaml")
    assert doc.data == {"policy": "x", "rules": [{"id": "a", "deny": "no"}]}
    assert doc.positions.value(("rules", 0, "id")) == Location("p.yaml", 3, 9)
    assert doc.positions.key(("rules", 0, "deny")) == Location("p.yaml", 4, 5)
    # unknown paths fall back to the nearest known ancestor
    assert doc.positions.value(("rules", 0, "when", "x")) == Location("p.yaml", 3, 5)


def test_rebased_positions_are_relative_to_the_subtree() -> None:
    doc = load_yaml_text("hooks:\n  - config:\n      rules: [{id: a}]\n", "plan.yaml")
    sub = doc.positions.rebased(("hooks", 0, "config"))
    assert sub.value(("rules", 0, "id")) == Location("plan.yaml", 3, 20)


def test_duplicate_keys_are_rejected_with_both_lines() -> None:
    code, where, message = _error("a: 1\nb: 2\na: 3\n")
    assert (code, where) == ("load.duplicate_key", "p.yaml:3:1")
    assert "first defined at line 1" in message


def test_python_tags_are_rejected() -> None:
    code, where, message = _error("x: !!python/object/apply:os.system ['id']\n")
    assert (code, where) == ("load.unsupported_tag", "p.yaml:1:4")
    assert "!!python/object/apply:os.system" in message


def test_merge_keys_are_rejected() -> None:
    code, where, _ = _error("base: &b {a: 1}\nother:\n  <<: *b\n")
    assert (code, where) == ("load.merge_key", "p.yaml:3:3")


def test_alias_bomb_hits_the_node_limit() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    code, _, message = _error("\n".join(lines) + "\n")
    assert code == "load.too_many_nodes"
    assert "alias expansion limit" in message


def test_size_limit() -> None:
    code, where, _ = _error("a: " + "x" * 100 + "\n", max_bytes=50)
    assert (code, where) == ("load.too_large", "p.yaml:1:1")


@pytest.mark.parametrize("text", ["a: " + "[" * 5000 + "]" * 5000 + "\n", "- " * 3000 + "x\n"])
def test_nesting_past_the_reader_is_an_error_not_a_crash(text: str) -> None:
    code, where, message = _error(text)
    assert (code, where) == ("load.too_deep", "p.yaml:1:1") and "nested too deeply" in message


def test_syntax_error_points_at_the_problem() -> None:
    code, where, _ = _error("rules:\n  - id: a\n   deny: x\n")
    assert code == "load.yaml_syntax"
    assert where.startswith("p.yaml:3:")


def test_dates_stay_strings_and_several_documents_are_refused() -> None:
    assert load_yaml_text("d: 2024-01-01\n").data == {"d": "2024-01-01"}
    code, where, _ = _error("a: 1\n---\nb: 2\n")
    assert (code, where) == ("load.multiple_documents", "p.yaml:3:1")


def test_json_files_load_with_positions(tmp_path: Path) -> None:
    f = tmp_path / "plan.json"
    f.write_text('{\n  "hooks": [\n    {"module": "hooks-policy"}\n  ]\n}\n')
    doc = load_yaml_file(f)
    assert doc.data == {"hooks": [{"module": "hooks-policy"}]}
    assert doc.positions.value(("hooks", 0, "module")) == Location(str(f), 3, 16)


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError) as info:
        load_yaml_file(tmp_path / "nope.yaml")
    assert info.value.diagnostics[0].code == "load.not_found"
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: \xff\n")
    with pytest.raises(DiagnosticError) as info:
        load_yaml_file(bad)
    assert info.value.diagnostics[0].code == "load.encoding"


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    severity: int = 0


class _Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: str
    rules: list[_Rule]


def test_model_errors_land_on_the_offending_key_with_a_suggestion() -> None:
    doc = load_yaml_text("policy: x\nrules:\n  - id: a\n    severty: 2\n  - severity: nope\n", "p.yaml")
    with pytest.raises(DiagnosticError) as info:
        validate_document(_Policy, doc)
    rendered = [d.render() for d in info.value.diagnostics]
    assert rendered == [
        "p.yaml:4:5: error: unknown key `severty`; did you mean `severity`? [schema.unknown_field]",
        "p.yaml:5:5: error: missing required key `id` [schema.missing_field]",
        "p.yaml:5:15: error: `rules[1].severity`: input should be a valid integer, "
        "unable to parse string as an integer [schema.int_parsing]",
    ]


def test_plain_scalars_follow_the_yaml_1_2_core_schema() -> None:
    text = "on: tool:pre\ndeny: no\nmode: 0777\nat: 1:30\nflags: [yes, off, true, FALSE, ~, 0x1f, 0o17]\n"
    doc = load_yaml_text(text)
    assert doc.data == {
        "on": "tool:pre",
        "deny": "no",
        "mode": 777,
        "at": "1:30",
        "flags": ["yes", "off", True, False, None, 31, 15],
    }


def test_an_explicit_tag_that_does_not_fit_its_text_is_an_error() -> None:
    code, where, message = _error("a: !!int abc\n")
    assert (code, where) == ("load.bad_scalar", "p.yaml:1:4")
    assert "`abc` is not a valid int" in message
