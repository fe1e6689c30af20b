"""Decisions about paths follow the file system as it is at each event, never a remembered answer."""

from __future__ import annotations

from pathlib import Path

from hookgate.policy.api import compile_files


def _plan(tmp_path: Path, when: str) -> object:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\npolicy: fs\nlists:\n  secrets: [\"**/.secret.key\"]\nrules:\n"
        f"  - id: no-secret-reads\n    tool: bash\n    when:\n      {when}\n    deny: no secrets\n"
    )
    return compile_files([policy])


def _bash(command: str, cwd: Path) -> dict[str, object]:
    return {"tool_name": "bash", "tool_input": {"command": command}, "cwd": str(cwd)}


def test_a_file_that_becomes_a_symlink_to_a_secret_is_caught_on_the_next_event(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / ".secret.key").write_text("k")
    notes = work / "notes.md"
    notes.write_text("plain")
    plan = _plan(tmp_path, "command: {reads: {in: secrets}}")
    assert plan.evaluate("tool:pre", _bash("cat notes.md", work)).effect == "continue"  # type: ignore[attr-defined]
    notes.unlink()
    notes.symlink_to(tmp_path / ".secret.key")
    again = plan.evaluate("tool:pre", _bash("cat notes.md", work))  # type: ignore[attr-defined]
    assert (again.effect, again.rules) == ("deny", ("no-secret-reads",))


def test_a_wildcard_that_gains_a_symlink_to_a_secret_is_caught(tmp_path: Path) -> None:
    """`*.o` cannot name a dot-file, so it passes, until one of its expansions links to the secret."""
    work = tmp_path / "work"
    work.mkdir()
    (tmp_path / ".secret.key").write_text("k")
    (work / "a.o").write_text("x")
    plan = _plan(tmp_path, "command: {reads: {in: secrets}}")
    assert plan.evaluate("tool:pre", _bash("cat *.o", work)).effect == "continue"  # type: ignore[attr-defined]
    (work / "b.o").symlink_to(tmp_path / ".secret.key")
    assert plan.evaluate("tool:pre", _bash("cat *.o", work)).effect == "deny"  # type: ignore[attr-defined]


def test_long_values_are_searched_pattern_by_pattern_with_the_same_answers(tmp_path: Path) -> None:
    from hookgate.policy.match.re2sets import SET_SAFE_BYTES

    policy = tmp_path / "r.yaml"
    policy.write_text(
        "version: 1\npolicy: rx\nrules:\n"
        "  - id: aws-key\n    tool: write_file\n    when:\n      tool_input.content: {regex: 'AKIA[0-9A-Z]{16}'}\n"
        "    deny: no keys\n"
        "  - id: pem\n    tool: write_file\n    when:\n      tool_input.content: {regex: 'BEGIN [A-Z ]*PRIVATE KEY'}\n"
        "    deny: no keys\n"
    )
    plan = compile_files([policy])
    filler = "x = 1\n" * (SET_SAFE_BYTES // 6 + 10)
    for content, want in ((filler, ()), (filler + "AKIAIOSFODNN7EXAMPLE\n", ("aws-key",)),
                          ("AKIAIOSFODNN7EXAMPLE\n" + filler + "-----BEGIN RSA PRIVATE KEY-----", ("aws-key", "pem"))):
        d = plan.evaluate("tool:pre", {"tool_name": "write_file", "tool_input": {"content": content}})
        assert tuple(sorted(d.rules)) == want, d
