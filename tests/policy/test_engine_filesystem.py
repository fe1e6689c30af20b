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


def _walk_plan(tmp_path: Path, kind: str) -> object:
    policy = tmp_path / "walk.yaml"
    policy.write_text(
        "version: 1\npolicy: walks\nrules:\n"
        f"  - id: no-secret-{kind}\n    tool: bash\n"
        f"    when: {{command: {{{kind}: {{glob: \"{tmp_path}/secret/**\"}}}}}}\n    deny: the secret folder\n"
    )
    return compile_files([policy])


def test_a_walk_that_reads_through_a_planted_link_is_caught(tmp_path: Path) -> None:
    """`find DIR -exec cat {} +` hands `cat` whatever it found below DIR, links included: a link
    planted there by an earlier call leads the read into the secret folder."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "key").write_text("k")
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    (work / "notes.md").write_text("plain")
    plan = _walk_plan(tmp_path, "reads")
    line = f"find {tmp_path}/work -name k -exec cat {{}} +"
    assert plan.evaluate("tool:pre", _bash(line, tmp_path)).effect == "continue"  # type: ignore[attr-defined]
    (work / "k").symlink_to(tmp_path / "secret" / "key")
    caught = plan.evaluate("tool:pre", _bash(line, tmp_path))  # type: ignore[attr-defined]
    assert (caught.effect, caught.rules) == ("deny", ("no-secret-reads",))
    assert f"`{tmp_path}/secret/key`" in " ".join(caught.unknowns)
    # a walk elsewhere does not meet the link
    assert plan.evaluate("tool:pre", _bash(f"find {tmp_path}/secret2 -exec cat {{}} +", tmp_path)  # type: ignore[attr-defined]
                         ).effect == "continue"


def test_a_walk_that_writes_does_not_follow_links(tmp_path: Path) -> None:
    """`find DIR -delete` removes a link, not what it points to."""
    (tmp_path / "secret").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    (work / "k").symlink_to(tmp_path / "secret")
    plan = _walk_plan(tmp_path, "writes")
    assert plan.evaluate("tool:pre", _bash(f"find {work} -delete", tmp_path)).effect == "continue"  # type: ignore[attr-defined]
    assert plan.evaluate("tool:pre", _bash(f"find {tmp_path}/secret -delete", tmp_path)  # type: ignore[attr-defined]
                         ).effect == "deny"


def test_a_tree_too_large_to_scan_for_links_is_not_a_no(tmp_path: Path, monkeypatch: object) -> None:
    from hookgate.policy.match import path_below

    (tmp_path / "secret").mkdir()
    work = tmp_path / "work"
    work.mkdir()
    for i in range(6):
        (work / f"f{i}").write_text("")
    plan = _walk_plan(tmp_path, "reads")
    line = f"find {work} -exec cat {{}} +"
    assert plan.evaluate("tool:pre", _bash(line, tmp_path)).effect == "continue"  # type: ignore[attr-defined]
    monkeypatch.setattr(path_below, "SCAN_LIMIT", 5)  # type: ignore[attr-defined]
    denied = plan.evaluate("tool:pre", _bash(line, tmp_path))  # type: ignore[attr-defined]
    assert denied.effect == "deny" and "more than 5 entries" in " ".join(denied.unknowns)


def test_names_the_kernel_resolves_per_process_are_not_judged_as_the_engines_own(tmp_path: Path) -> None:
    """`/proc/self/cwd` is the agent's working directory when the agent opens it; resolved in the
    policy engine's process it names the engine's, and `/proc/self/cwd/.ssh/id_rsa` slipped by."""
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\npolicy: proc\nrules:\n"
        f"  - id: no-secret\n    when: {{path: {{glob: \"{tmp_path}/home/.ssh/**\"}}}}\n    deny: secret\n"
    )
    plan = compile_files([policy])
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("k")
    for spelled in ("/proc/self/cwd/.ssh/id_rsa", "/proc/thread-self/cwd/.ssh/id_rsa", "/dev/fd/3", "/dev/stdin"):
        event = {"tool_name": "read_file", "tool_input": {"file_path": spelled}, "cwd": str(home)}
        denied = plan.evaluate("tool:pre", event)
        assert (denied.effect, denied.rules) == ("deny", ("no-secret",)), spelled
        assert "whichever process opens it" in " ".join(denied.unknowns)
    plain = {"tool_name": "read_file", "tool_input": {"file_path": "/proc/cpuinfo"}, "cwd": str(home)}
    assert plan.evaluate("tool:pre", plain).effect == "continue"


def test_a_walk_enters_linked_folders_and_meets_the_links_inside_them(tmp_path: Path) -> None:
    """`find -L DIR` (and `grep -R`, `zip -r`) enter a linked folder: a link planted inside it is
    reached as surely as one planted below DIR."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "key").write_text("k")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "k").symlink_to(tmp_path / "secret" / "key")
    walk = tmp_path / "walk"
    walk.mkdir()
    (walk / "d").symlink_to(tmp_path / "other")
    plan = _walk_plan(tmp_path, "reads")
    for line in (f"find -L {walk} -type f -exec cat {{}} +", f"grep -R x {walk}", f"zip -r /tmp/o.zip {walk}"):
        assert plan.evaluate("tool:pre", _bash(line, tmp_path)).effect == "deny", line  # type: ignore[attr-defined]
    (tmp_path / "other" / "k").unlink()
    assert plan.evaluate("tool:pre", _bash(f"grep -R x {walk}", tmp_path)).effect == "continue"  # type: ignore[attr-defined]


def test_an_archive_unpacked_into_a_folder_writes_through_the_links_there(tmp_path: Path) -> None:
    """`tar -x -C DIR` puts member `d/x` wherever `DIR/d` links to (GNU tar follows a link in the
    middle of a member's path): a folder link planted below DIR leads the writes into the secret
    folder. `find DIR -delete` removes the link itself, so it still passes."""
    (tmp_path / "secret").mkdir()
    walk = tmp_path / "walk"
    walk.mkdir()
    plan = _walk_plan(tmp_path, "writes")
    lines = [f"tar xf a.tar -C {walk}", f"unzip -o a.zip -d {walk}", f"patch -p1 -d {walk} -i fix.patch"]
    for line in lines:
        assert plan.evaluate("tool:pre", _bash(line, tmp_path)).effect == "continue", line  # type: ignore[attr-defined]
    (walk / "d").symlink_to(tmp_path / "secret")
    for line in lines:
        assert plan.evaluate("tool:pre", _bash(line, tmp_path)).effect == "deny", line  # type: ignore[attr-defined]
    assert plan.evaluate("tool:pre", _bash(f"find {walk} -delete", tmp_path)).effect == "continue"  # type: ignore[attr-defined]


def _write_plan(tmp_path: Path) -> object:
    policy = tmp_path / "w.yaml"
    policy.write_text(
        "version: 1\npolicy: fs\nrules:\n"
        "  - id: no-secret-writes\n    tool: write_file\n"
        f"    when: {{tool_input.file_path: {{path: {{glob: \"{tmp_path}/vault/**\"}}}}}}\n"
        "    deny: the vault is off limits\n"
    )
    return compile_files([policy])


def _write(path: str, cwd: Path) -> dict[str, object]:
    return {"tool_name": "write_file", "tool_input": {"file_path": path, "content": "x"}, "cwd": str(cwd)}


def test_a_path_field_follows_each_change_of_the_file_system_between_identical_events(tmp_path: Path) -> None:
    """The answers for a path are reused only for the same resolved names: a name that becomes a link
    into the vault (or a folder on the way that does) is judged at its target, and back again."""
    (tmp_path / "vault").mkdir()
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    plan = _write_plan(tmp_path)
    event = _write("sub/notes.md", work)

    def effect() -> str:
        return plan.evaluate("tool:pre", event).effect  # type: ignore[attr-defined, no-any-return]

    assert effect() == "continue"
    (work / "sub" / "notes.md").symlink_to(tmp_path / "vault" / "notes.md")  # dangling: writing creates it
    assert effect() == "deny"
    (work / "sub" / "notes.md").unlink()
    assert effect() == "continue"
    (work / "sub").rmdir()
    (work / "sub").symlink_to(tmp_path / "vault")  # a folder on the way
    assert effect() == "deny"
    (work / "sub").unlink()
    assert effect() == "continue"  # a missing folder: nothing below it exists


def test_a_relative_path_field_is_judged_in_each_events_own_folder(tmp_path: Path) -> None:
    (tmp_path / "vault").mkdir()
    plain, linked = tmp_path / "plain", tmp_path / "linked"
    plain.mkdir()
    linked.mkdir()
    (linked / "notes.md").symlink_to(tmp_path / "vault" / "notes.md")
    plan = _write_plan(tmp_path)
    for _ in range(2):  # and again, once both answers are known
        assert plan.evaluate("tool:pre", _write("notes.md", plain)).effect == "continue"  # type: ignore[attr-defined]
        assert plan.evaluate("tool:pre", _write("notes.md", linked)).effect == "deny"  # type: ignore[attr-defined]


def test_a_path_that_claims_to_equal_a_known_one_is_still_resolved(tmp_path: Path) -> None:
    """Resolved paths and their answers are remembered by plain strings only: a str subclass may
    claim to equal (and hash like) a path judged before, in the same event or an earlier one."""
    (tmp_path / "vault").mkdir()
    benign = str(tmp_path / "notes.md")

    class Liar(str):
        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return hash(benign)

    plan = _write_plan(tmp_path)
    assert plan.evaluate("tool:pre", _write(benign, tmp_path)).effect == "continue"  # type: ignore[attr-defined]
    secret = Liar(str(tmp_path / "vault" / "k"))
    assert plan.evaluate("tool:pre", _write(secret, tmp_path)).effect == "deny"  # type: ignore[attr-defined]
    both = {"tool_name": "write_file", "tool_input": {"file_path": [benign, secret]}, "cwd": str(tmp_path)}
    assert plan.evaluate("tool:pre", both).effect == "deny"  # type: ignore[attr-defined]
    liar_cwd = {**_write("notes.md", tmp_path / "vault"), "cwd": Liar(str(tmp_path / "vault"))}
    assert plan.evaluate("tool:pre", liar_cwd).effect == "deny"  # type: ignore[attr-defined]
