"""Reading logs back: rotated order, torn and malformed lines reported with file:line:col."""

from __future__ import annotations

import json

import pytest

from hookgate.audit import DecisionLog, expand_rotated, read_records, rotated_files
from hookgate.diagnostics import Diagnostic, Location


def _write(path, make_record, reasons) -> None:
    with DecisionLog(path, max_bytes=None) as log:
        for reason in reasons:
            log.append(make_record(reason=reason))


def test_rotated_files_come_oldest_first(tmp_path, make_record) -> None:
    base = tmp_path / "d.jsonl"
    for name, reason in [
        ("d.jsonl.2", "oldest"),
        ("d.jsonl.10", "ancient"),
        ("d.jsonl.1", "older"),
        ("d.jsonl", "new"),
    ]:
        _write(tmp_path / name, make_record, [reason])
    (tmp_path / "d.jsonl.bak").write_text("not a backup")
    (tmp_path / "d.jsonl.01").write_text("not a backup either")
    assert [p.name for p in rotated_files(base)] == ["d.jsonl.10", "d.jsonl.2", "d.jsonl.1", "d.jsonl"]
    assert [r.reason for r in read_records(rotated_files(base))] == ["ancient", "oldest", "older", "new"]


def test_expand_rotated_reads_each_file_once_whatever_the_glob_order(tmp_path, make_record) -> None:
    for name in ("d.jsonl", "d.jsonl.1", "other.jsonl"):
        _write(tmp_path / name, make_record, [name])
    shell_glob = [tmp_path / "d.jsonl", tmp_path / "d.jsonl.1", tmp_path / "other.jsonl"]
    assert [p.name for p in expand_rotated(shell_glob)] == ["d.jsonl.1", "d.jsonl", "other.jsonl"]
    assert [p.name for p in expand_rotated([tmp_path / "d.jsonl.1"])] == ["d.jsonl.1"]


def test_a_torn_last_line_is_reported_and_the_rest_is_read(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    _write(path, make_record, ["a", "b"])
    with path.open("ab") as stream:
        stream.write(b'{"v":1,"decision_id":"01HZ')
    problems: list[Diagnostic] = []
    assert [r.reason for r in read_records([path], problems=problems)] == ["a", "b"]
    assert problems == [
        Diagnostic(
            "log.torn_line", "last line is incomplete (an interrupted write?)", Location(str(path), 3, 1), "warning"
        )
    ]


def test_malformed_lines_are_reported_with_their_position(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    good = json.dumps(make_record(reason="ok").model_dump(mode="json"))
    missing = json.dumps({k: v for k, v in make_record().model_dump(mode="json").items() if k != "decision_id"})
    bad_effect = json.dumps(make_record().model_dump(mode="json") | {"effect": "maybe"})
    lines = [good, '{"v": 1,, }', "", missing, bad_effect, "[1, 2]", '{"reason": "\udcff"}', good]
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8", "surrogateescape"))  # line 7: not utf-8
    problems: list[Diagnostic] = []
    assert [r.reason for r in read_records([path], problems=problems)] == ["ok", "ok"]
    assert [(d.code, d.location.line, d.location.column) for d in problems if d.location] == [
        ("log.bad_json", 2, 9),
        ("log.bad_record", 4, 1),
        ("log.bad_record", 5, 1),
        ("log.bad_record", 6, 1),
        ("log.bad_json", 7, 1),
    ]
    assert problems[1].message == "not a decision record: missing `decision_id`"
    assert problems[2].message.startswith("not a decision record: `effect`: input should be")
    assert problems[4].message == "not a json line: not utf-8"
    assert all(d.severity == "warning" for d in problems)


def test_a_missing_file_raises_oserror_with_its_name(tmp_path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        list(read_records([tmp_path / "nope.jsonl"]))
    assert info.value.filename == str(tmp_path / "nope.jsonl")
