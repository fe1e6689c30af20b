"""``hookgate log summary`` through the real dispatcher: output, warnings, exit codes."""

from __future__ import annotations

import json

import pytest

from hookgate.audit import DecisionLog
from hookgate.cli import log as log_command
from hookgate.cli import main as cli_main


@pytest.fixture
def log_file(tmp_path, make_record):
    path = tmp_path / "d.jsonl"
    with DecisionLog(path, max_bytes=1, backups=5) as log:  # every record rotates: 3 files
        log.append(make_record(effect="deny", rules=("no-rm",), latency_us=10.0))
        log.append(make_record(effect="allow", latency_us=20.0))
        log.append(make_record(effect="deny", rules=("no-rm",), latency_us=30.0))
    return path


def test_text_summary_reads_the_rotated_backups_too(log_file, capsys) -> None:
    assert cli_main.main(["log", "summary", str(log_file)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("decision log: 3 files, 3 decisions")
    rows = [line.split() for line in out.splitlines()]
    assert ["deny", "2", "66.7%"] in rows and ["no-rm", "2", "deny", "2"] in rows
    assert err == ""


def test_no_backups_reads_only_the_named_file(log_file, capsys) -> None:
    assert cli_main.main(["log", "summary", "--no-backups", "--format", "json", str(log_file)]) == 0
    assert json.loads(capsys.readouterr().out)["decisions"] == 1


def test_json_summary_is_one_object(log_file, capsys) -> None:
    assert cli_main.main(["log", "summary", "--format", "json", "--top", "1", str(log_file)]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    data = json.loads(out)
    assert data["decisions"] == 3 and data["effects"]["deny"] == 2
    assert data["latency_us"] == {"count": 3, "p50": 20.0, "p90": 30.0, "p99": 30.0, "max": 30.0}
    assert data["top_rules"] == [{"rule": "no-rm", "hits": 2, "effects": {"deny": 2}}]


def test_malformed_lines_warn_and_fail_only_when_strict(log_file, capsys) -> None:
    with log_file.open("a") as stream:
        stream.write("not json\n")
    assert cli_main.main(["log", "summary", str(log_file)]) == 0
    out, err = capsys.readouterr()
    assert err == f"{log_file}:2:1: warning: not a json line: expecting value [log.bad_json]\n"
    assert "malformed lines skipped: 1" in out
    assert cli_main.main(["log", "summary", "--strict", str(log_file)]) == 1


def test_a_missing_file_is_exit_2_with_a_clear_message(tmp_path, capsys) -> None:
    missing = tmp_path / "nope.jsonl"
    assert cli_main.main(["log", "summary", str(missing)]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"hookgate: error: cannot read `{missing}`: no such file or directory\n")


def test_a_directory_is_exit_2(tmp_path, capsys) -> None:
    assert cli_main.main(["log", "summary", "--no-backups", str(tmp_path)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_many_bad_lines_are_capped(tmp_path, capsys) -> None:
    path = tmp_path / "junk.jsonl"
    path.write_text("x\n" * 25)
    assert cli_main.main(["log", "summary", str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert len(err) == log_command.MAX_WARNINGS + 1 and err[-1] == "hookgate: … and 5 more malformed lines"


@pytest.mark.parametrize("argv", [["log"], ["log", "summary"], ["log", "summary", "--top", "0", "f"]])
def test_usage_errors_exit_2(argv, capsys) -> None:
    with pytest.raises(SystemExit) as info:
        cli_main.main(argv)
    assert info.value.code == 2
