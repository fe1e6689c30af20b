"""The error corpus: every policy mistake is reported with its code at its exact position.

Each case under ``tests/cases/errors`` is either one ``*.yaml`` file or a
directory whose ``entry*.yaml`` files are loaded together (other files in
it are reached through ``include``). Header lines state every expected
diagnostic, exactly:

    # expect: <code> [<file relative to the case dir>:]<line>:<col> [| <message fragment>]
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hookgate.diagnostics import DiagnosticError
from hookgate.policy.loader import load_policies

CASES = Path(__file__).resolve().parents[1] / "cases" / "errors"
EXPECT = re.compile(
    r"^# expect: (?P<code>[\w.]+) (?:(?P<file>[^\s:]+):)?(?P<line>\d+):(?P<col>\d+)(?: \| (?P<msg>.+))?$"
)

Expected = tuple[str, Path, int, int]


def _entries(case: Path) -> list[Path]:
    return sorted(case.glob("entry*.yaml")) if case.is_dir() else [case]


def _expectations(case: Path) -> tuple[set[Expected], list[str]]:
    found: set[Expected] = set()
    fragments: list[str] = []
    for entry in _entries(case):
        for line in entry.read_text(encoding="utf-8").splitlines():
            m = EXPECT.match(line)
            if m is None:
                continue
            file = (case / m["file"]) if m["file"] else entry
            found.add((m["code"], file.resolve(), int(m["line"]), int(m["col"])))
            if m["msg"]:
                fragments.append(m["msg"])
    return found, fragments


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir() or p.suffix == ".yaml")


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_error_case(case: Path) -> None:
    expected, fragments = _expectations(case)
    assert expected, f"{case} has no `# expect:` header"
    with pytest.raises(DiagnosticError) as info:
        load_policies(_entries(case))
    actual = {
        (d.code, Path(d.location.file).resolve(), d.location.line, d.location.column)
        for d in info.value.diagnostics
        if d.location is not None
    }
    assert actual == expected, info.value.args[0]
    rendered = str(info.value)
    for fragment in fragments:
        assert fragment in rendered


def test_corpus_covers_every_error_class() -> None:
    codes = {code for case in _cases() for code, *_ in _expectations(case)[0]}
    required = {
        "load.yaml_syntax", "load.duplicate_key", "load.merge_key", "load.unsupported_tag", "load.too_many_nodes",
        "load.include_not_found", "load.include_cycle", "load.include_depth", "schema.unknown_field",
        "schema.missing_field", "schema.int_type", "schema.no_effect", "schema.multiple_effects",
        "schema.unknown_event", "schema.no_matching_event", "schema.bad_duration", "schema.bad_version",
        "schema.bad_regex", "schema.unknown_detector", "compile.duplicate_rule_id", "compile.duplicate_list",
        "compile.layer_violation",
    }  # fmt: skip
    assert required <= codes, required - codes
