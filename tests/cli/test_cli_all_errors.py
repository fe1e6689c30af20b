"""One run reports every error of a policy: a schema error in one rule no longer hides the compile
errors (bad regex, unknown operator, unknown list) of the rules that validated.

What failed to load is left out of the compile, and so are the errors that
could only follow from it: a rule naming a list that is itself broken, or a
list that may be defined where hookgate could not read (a misspelt
``lists:``, an include that is missing).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., subprocess.CompletedProcess[str]]

MIXED = """\
version: 1
policy: mixed
rules:
  - id: typo-rule
    tool: bash
    tmeout: 3
    when: {tool_input.command: {regex: "never(?=reported)"}}
    deny: the rule did not validate, so its regex is not compiled
  - id: bad-regex
    when: {tool_input.command: {regex: "a(?=b)"}}
    deny: no
  - id: bad-op
    when: {tool_input.command: {prefixx: git}}
    deny: no
  - id: bad-op
    deny: a duplicate id
  - id: fine
    when: {tool_input.command: {prefix: rm}}
    deny: no
"""


def _codes(out: str) -> list[tuple[str, str]]:
    """``(line:col, [code])`` of each diagnostic line (help lines skipped)."""
    found = []
    for line in out.splitlines():
        if line.startswith("  help:"):
            continue
        where = line.split(": ", 1)[0].split(":", 1)[1]
        found.append((where, line.rsplit(" ", 1)[-1]))
    return found


def test_schema_and_compile_errors_in_one_run(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(MIXED)
    proc = hookgate("validate", "p.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert _codes(proc.stdout) == [
        ("6:5", "[schema.unknown_field]"),
        ("10:40", "[compile.bad_regex]"),
        ("13:33", "[compile.unknown_operator]"),
        ("15:9", "[compile.duplicate_rule_id]"),
    ]
    assert "p.yaml:13:33: error: rule `bad-op`: unknown operator `prefixx`; did you mean `prefix`?" in proc.stdout
    assert "never(?=reported)" not in proc.stdout


def test_a_broken_list_is_reported_once_not_at_every_rule_naming_it(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "version: 1\npolicy: lists\n"
        "lists:\n  hosts: [a.example, 3]\n  tools: [bash]\n"
        "rules:\n"
        "  - id: broken\n    tmeout: 1\n    deny: no\n"
        "  - id: names-the-broken-list\n    when: {tool_input.url: {url: {in: hosts}}}\n    deny: no\n"
        "  - id: names-a-missing-list\n    when: {tool_name: {in: toolz}}\n    deny: no\n"
    )
    proc = hookgate("validate", "p.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert _codes(proc.stdout) == [
        ("4:22", "[schema.string_type]"),
        ("8:5", "[schema.unknown_field]"),
        ("14:28", "[compile.unknown_list]"),
    ]
    assert "unknown list `toolz`; did you mean `tools`?" in proc.stdout


def test_no_unknown_list_when_lists_could_not_be_read(hookgate: Run, tmp_path: Path) -> None:
    """A misspelt ``lists:`` or a missing include may hold the list: a rule naming it is not blamed,
    while the other rules' errors are still reported."""
    (tmp_path / "typo.yaml").write_text(
        "version: 1\npolicy: typo\nlsts:\n  hosts: [a.example]\nrules:\n"
        "  - id: uses-hosts\n    when: {tool_input.url: {url: {in: hosts}}}\n    deny: no\n"
        "  - id: bad-regex\n    when: {tool_input.command: {regex: 'a(?=b)'}}\n    deny: no\n"
    )
    typo = hookgate("validate", "typo.yaml", cwd=tmp_path)
    assert typo.returncode == 1
    assert _codes(typo.stdout) == [("3:1", "[schema.unknown_field]"), ("10:40", "[compile.bad_regex]")]
    (tmp_path / "inc.yaml").write_text(
        "version: 1\npolicy: inc\ninclude: [common/lists.yaml]\nrules:\n"
        "  - id: uses-hosts\n    when: {tool_input.url: {url: {in: hosts}}}\n    deny: no\n"
        "  - id: bad-op\n    when: {tool_input.command: {prefixx: git}}\n    deny: no\n"
    )
    inc = hookgate("validate", "inc.yaml", cwd=tmp_path)
    assert inc.returncode == 1
    assert _codes(inc.stdout) == [("3:11", "[load.include_not_found]"), ("9:33", "[compile.unknown_operator]")]


def test_errors_across_files_and_through_a_mount_plan(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\npolicy: BadName\nrules:\n  - id: r\n    deny: no\n"
                                     "  - id: s\n    when: {tool_name: {regex: '(?<=x)'}}\n    deny: no\n")
    (tmp_path / "b.yaml").write_text("version: 1\npolicy: b\nrules:\n  - id: t\n    tool: bash\n    tmeout: 1\n"
                                     "    deny: no\n  - id: u\n    when: {tool_name: {prefixx: a}}\n    deny: no\n")
    (tmp_path / "plan.yaml").write_text("session: {orchestrator: o, context: c}\nhooks:\n"
                                        "  - module: hooks-policy\n    config: {policies: [a.yaml, b.yaml]}\n")
    proc = hookgate("validate", "plan.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    lines = [line for line in proc.stdout.splitlines() if not line.startswith("  help:")]
    assert [line.split(": error: ")[0] for line in lines] == ["a.yaml:2:9", "a.yaml:7:31", "b.yaml:6:5", "b.yaml:9:24"]
    assert "[schema.bad_policy_name]" in lines[0] and "[compile.bad_regex]" in lines[1]
    assert "[schema.unknown_field]" in lines[2] and "[compile.unknown_operator]" in lines[3]


def test_a_file_in_another_language_version_is_not_compiled(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "v2.yaml").write_text("version: 2\npolicy: p\nrules:\n"
                                      "  - id: r\n    when: {tool_name: {prefixx: a}}\n    deny: no\n")
    proc = hookgate("validate", "v2.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert _codes(proc.stdout) == [("1:10", "[schema.bad_version]")]


def test_hookgate_test_reports_them_together_too(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(MIXED)
    (tmp_path / "p.test.yaml").write_text("policies: [p.yaml]\ntests:\n  - name: t\n    tool: bash\n"
                                          "    expect: {effect: deny}\n")
    proc = hookgate("test", "p.test.yaml", cwd=tmp_path)
    assert proc.returncode == 1
    assert [code for _, code in _codes("\n".join(proc.stdout.splitlines()[:-1]))] == [
        "[schema.unknown_field]", "[compile.bad_regex]", "[compile.unknown_operator]", "[compile.duplicate_rule_id]",
    ]
    assert proc.stdout.splitlines()[-1] == "0 passed, 0 failed, 1 file(s) not run"
