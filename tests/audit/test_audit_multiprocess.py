"""Several real processes append at once while tiny files force constant rotation."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from subprocess import PIPE

from hookgate.audit import expand_rotated, read_records
from hookgate.diagnostics import Diagnostic

WORKERS = 4
PER_WORKER = 500
MAX_BYTES = 16 * 1024

CHILD = textwrap.dedent(
    """
    import sys
    from hookgate.audit import DecisionLog, DecisionRecord

    path, worker, count, max_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    log = DecisionLog(path, max_bytes=max_bytes, backups=10_000)
    print("ready", flush=True)
    sys.stdin.readline()  # start together: every writer is imported and waiting
    for i in range(count):
        log.append(DecisionRecord(event="tool:pre", tool="bash", effect="allow", reason=f"{worker}:{i}",
                                  rules=("r",), latency_us=float(i)))
    log.close()
    sys.exit(1 if log.errors else 0)
    """
)


def test_concurrent_appends_with_rotation_lose_and_split_nothing(tmp_path) -> None:
    path = tmp_path / "logs" / "d.jsonl"
    argv = [sys.executable, "-c", CHILD, str(path)]
    children = [
        subprocess.Popen([*argv, f"w{n}", str(PER_WORKER), str(MAX_BYTES)], stdin=PIPE, stdout=PIPE, text=True)
        for n in range(WORKERS)
    ]
    assert [child.stdout.readline() for child in children] == ["ready\n"] * WORKERS  # type: ignore[union-attr]
    for child in children:
        child.stdin.write("go\n")  # type: ignore[union-attr]
        child.stdin.close()  # type: ignore[union-attr]
    assert [child.wait() for child in children] == [0] * WORKERS

    files = expand_rotated([path])
    assert len(files) > 10  # rotation really happened, many times
    assert all(f.stat().st_size <= MAX_BYTES for f in files)
    problems: list[Diagnostic] = []
    records = list(read_records(files, problems=problems))
    assert problems == []  # every line of every file parses: nothing split or interleaved
    assert sum(f.read_bytes().count(b"\n") for f in files) == WORKERS * PER_WORKER
    assert len({r.decision_id for r in records}) == WORKERS * PER_WORKER

    seen: dict[str, list[int]] = {}
    for record in records:
        worker, i = (record.reason or "").split(":")
        seen.setdefault(worker, []).append(int(i))
    # oldest file first: each writer's records come back complete and in the order it wrote them
    assert seen == {f"w{n}": list(range(PER_WORKER)) for n in range(WORKERS)}
