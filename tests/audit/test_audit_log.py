"""The writer: one line per record, permissions, rotation, rotation by another writer, failures."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest

from hookgate.audit import DecisionLog, DecisionLogError, backup_path, read_records


def _lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_append_writes_one_complete_json_line_per_record(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    records = [make_record(effect="deny", rules=("r1",), reason="no\nnewlines in the file"), make_record()]
    with DecisionLog(path) as log:
        for record in records:
            log.append(record)
    raw = path.read_bytes()
    assert raw.count(b"\n") == 2 and raw.endswith(b"\n")
    assert [r.decision_id for r in read_records([path])] == [r.decision_id for r in records]
    assert list(_lines(path)[0]) == list(records[0].model_dump())  # every field, in model order


def test_directory_and_files_are_private(tmp_path, make_record) -> None:
    path = tmp_path / "new" / "dir" / "d.jsonl"
    with DecisionLog(path) as log:
        log.append(make_record())
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.with_name("d.jsonl.lock")).st_mode) == 0o600


def test_rotation_shifts_backups_and_drops_the_oldest(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    line_size = len(json.dumps(make_record(reason="n00").model_dump(mode="json"), separators=(",", ":"))) + 1
    with DecisionLog(path, max_bytes=line_size * 2, backups=2) as log:
        for i in range(7):
            log.append(make_record(reason=f"n{i:02d}"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.jsonl", "d.jsonl.1", "d.jsonl.2", "d.jsonl.lock"]
    assert [r["reason"] for r in _lines(backup_path(path, 2))] == ["n02", "n03"]
    assert [r["reason"] for r in _lines(backup_path(path, 1))] == ["n04", "n05"]
    assert [r["reason"] for r in _lines(path)] == ["n06"]
    assert all(p.stat().st_size <= line_size * 2 for p in tmp_path.glob("d.jsonl*"))


def test_no_backups_means_the_file_starts_over(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    with DecisionLog(path, max_bytes=10, backups=0) as log:
        for i in range(3):
            log.append(make_record(reason=f"n{i}"))
    assert [r["reason"] for r in _lines(path)] == ["n2"]  # a record larger than max_bytes is still written whole
    assert not backup_path(path, 1).exists()


def test_writer_follows_a_rotation_done_by_another_writer(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    first, second = DecisionLog(path, max_bytes=1), DecisionLog(path, max_bytes=None)
    second.append(make_record(reason="a"))
    first.append(make_record(reason="b"))  # rotates: a → d.jsonl.1
    second.append(make_record(reason="c"))  # must notice and write to the new d.jsonl
    assert [r["reason"] for r in _lines(path)] == ["b", "c"]
    assert [r["reason"] for r in _lines(backup_path(path, 1))] == ["a"]
    path.unlink()
    second.append(make_record(reason="d"))  # file removed by someone: recreated
    assert [r["reason"] for r in _lines(path)] == ["d"]
    first.close(), second.close()


def test_a_torn_line_left_by_a_crash_does_not_swallow_the_next_record(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"v":1,"decision_id":"01H')
    with DecisionLog(path) as log:
        log.append(make_record(reason="after crash"))
    assert [r.reason for r in read_records([path])] == ["after crash"]


def test_failures_are_logged_and_counted_never_raised(tmp_path, make_record, caplog) -> None:
    (tmp_path / "d.jsonl").mkdir()  # the log path is a directory: cannot open
    log = DecisionLog(tmp_path / "d.jsonl")
    with caplog.at_level(logging.ERROR, logger="hookgate.audit"):
        log.append(make_record())
        log.append(make_record())
    assert log.errors == 2
    assert "cannot append a record" in caplog.records[0].getMessage()


def test_strict_raises_a_hookgate_error(tmp_path, make_record) -> None:
    (tmp_path / "d.jsonl").mkdir()
    with pytest.raises(DecisionLogError, match="cannot append to decision log"):
        DecisionLog(tmp_path / "d.jsonl", strict=True).append(make_record())


def test_appending_after_close_is_an_error(tmp_path, make_record) -> None:
    log = DecisionLog(tmp_path / "d.jsonl")
    log.close()
    log.append(make_record())
    assert log.errors == 1 and not (tmp_path / "d.jsonl").exists()
    strict = DecisionLog(tmp_path / "e.jsonl", strict=True)
    strict.close()
    with pytest.raises(DecisionLogError, match="is closed"):
        strict.append(make_record())


async def test_async_context_manager_closes(tmp_path, make_record) -> None:
    async with DecisionLog(tmp_path / "d.jsonl") as log:
        log.append(make_record())
    log.append(make_record())
    assert log.errors == 1 and len(list(read_records([tmp_path / "d.jsonl"]))) == 1


def test_options_are_checked(tmp_path) -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        DecisionLog(tmp_path / "d.jsonl", max_bytes=0)
    with pytest.raises(ValueError, match="backups"):
        DecisionLog(tmp_path / "d.jsonl", backups=-1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_gets_its_own_lock(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    log = DecisionLog(path, max_bytes=1, backups=50)
    log.append(make_record(reason="parent-0"))
    pid = os.fork()
    if pid == 0:  # child: write through the inherited object, then leave without cleanup
        for i in range(20):
            log.append(make_record(reason=f"child-{i}"))
        os._exit(0 if log.errors == 0 else 1)
    for i in range(1, 21):
        log.append(make_record(reason=f"parent-{i}"))
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    files = sorted(tmp_path.glob("d.jsonl*"), key=lambda p: p.name)
    reasons = [r.reason for r in read_records([p for p in files if not p.name.endswith(".lock")])]
    assert sorted(reasons) == sorted([f"parent-{i}" for i in range(21)] + [f"child-{i}" for i in range(20)])
    log.close()


@pytest.mark.parametrize("plant", ["symlink", "hardlink"])
def test_a_link_planted_at_the_log_path_is_not_written_through(tmp_path, make_record, plant: str) -> None:
    """The agent can write where the log lives: a symlink or a hard link there would send the records
    into another file (its own, or /dev/null to lose them). Nothing is written; the failure is counted."""
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("mine\n")
    path = tmp_path / "d.jsonl"
    (path.symlink_to if plant == "symlink" else path.hardlink_to)(elsewhere)
    log = DecisionLog(path)
    log.append(make_record())
    log.close()
    assert log.errors == 1 and elsewhere.read_text() == "mine\n"
    with pytest.raises(DecisionLogError):
        DecisionLog(path, strict=True).append(make_record())


def test_a_line_nested_past_the_decoder_is_a_warning_not_a_crash(tmp_path, make_record) -> None:
    path = tmp_path / "d.jsonl"
    with DecisionLog(path) as log:
        log.append(make_record())
    with path.open("ab") as f:
        f.write(b"[" * 100_000 + b"]" * 100_000 + b"\n")
    with DecisionLog(path) as log:
        log.append(make_record())
    warnings: list = []
    records = list(read_records([path], problems=warnings))
    assert len(records) == 2 and any(w.code == "log.bad_json" for w in warnings)
