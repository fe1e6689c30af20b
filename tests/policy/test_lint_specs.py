"""Command and path conditions that cannot mean what they say: warnings at the word or glob."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hookgate.policy.api import compile_files


def warnings(tmp_path: Path, rules: str, code: str = "compile.program_with_blank") -> list[tuple[str, str | None]]:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\npolicy: t\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  "))
    plan = compile_files([path])
    return [(f"{d.location.line}:{d.location.column}: {d.message}" if d.location else d.message, d.help)
            for d in plan.warnings if d.code == code]


def test_a_program_word_with_a_blank(tmp_path: Path) -> None:
    got = warnings(tmp_path, """
        - id: one-item
          tool: bash
          when: {command: {prefix: ["git push", --force]}}
          deny: no
        - id: program
          tool: bash
          when: {tool_input.command: {command: {program: "rm -rf"}}}
          deny: no
        - id: listed
          tool: bash
          when: {any: [{not: {command: {program: [shred, "dd if=/dev/zero"]}}}]}
          deny: no
        """)
    assert got == [
        ("7:31: rule `one-item`: the program of `prefix` is `git push`, one word with a blank: it never matches",
         "a list holds one word per item: `prefix: [git, push, --force]`"),
        ("11:52: rule `program`: `program` `rm -rf` holds a blank: no program is called that, so it never matches",
         "name the program alone (`rm`); its other words go in `prefix` (`prefix: [rm, -rf]`) or `flags`"),
        ("15:52: rule `listed`: `program` `dd if=/dev/zero` holds a blank: no program is called that, so it "
         "never matches",
         "name the program alone (`dd`); its other words go in `prefix` (`prefix: [dd, if=/dev/zero]`) or `flags`"),
    ]


def test_words_that_may_hold_a_blank(tmp_path: Path) -> None:
    """The string form is split like a shell would; later words (a commit message) may hold blanks."""
    assert warnings(tmp_path, """
        - id: string-form
          tool: bash
          when: {command: "git push --force"}
          deny: no
        - id: message
          tool: bash
          when: {command: {prefix: [git, commit, -m, "wip fix"]}}
          deny: no
        - id: padded
          tool: bash
          when: {command: {program: " rm "}}
          deny: no
        """) == []


def test_a_credential_folder_named_alone(tmp_path: Path) -> None:
    """`~/.ssh` matches the folder's own name: a deny on it lets `~/.ssh/id_rsa` through."""
    got = warnings(tmp_path, """
        - id: keys
          tool: [read_file, Read]
          when: {path: {glob: ["~/.ssh", "~/.aws/"]}}
          deny: no
        - id: shell-keys
          tool: bash
          when: {command: {reads: "/root/.gnupg"}}
          deny: no
        - id: files
          tool: [read_file, Read]
          when: {tool_input.file_path: {path: ["~/.ssh/**", "~/.kube/config", "**/.env"]}}
          deny: no
        """, "compile.folder_glob")
    assert got == [
        ("7:26: rule `keys`: glob `~/.ssh` matches the folder `.ssh` alone, not the files in it "
         "(`~/.ssh/…` does not match)", "for the folder and everything in it write `~/.ssh/` (or `~/.ssh/**`)"),
        ("11:29: rule `shell-keys`: glob `/root/.gnupg` matches the folder `.gnupg` alone, not the files in it "
         "(`/root/.gnupg/…` does not match)",
         "for the folder and everything in it write `/root/.gnupg/` (or `/root/.gnupg/**`)"),
    ]


def test_a_credential_folder_in_a_named_list_a_path_condition_uses(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent("""\
        version: 1
        policy: t
        lists:
          secret_dirs: ["~/.aws", "~/.ssh/", "**/.env"]
          hosts: [".docker"]
        rules:
          - id: no-secret-reads
            tool: [read_file, Read]
            when: {path: {in: [secret_dirs]}}
            deny: no
          - id: hosts
            tool: web_fetch
            when: {tool_input.url: {in: hosts}}
            deny: no
        """))
    found = [(d.location.line if d.location else 0, d.message) for d in compile_files([path]).warnings
             if d.code == "compile.folder_glob"]
    assert found == [(4, "list `secret_dirs` holds `~/.aws`, which rule `no-secret-reads` matches as a path glob: "
                         "it matches the folder `.aws` alone, not the files in it")]
