"""``hookgate validate``: formats, exit codes, --strict, module schema folders, --check-env."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]

WARN_ONLY = "tests/cases/broken/mp-source-unpinned.yaml"
ERRORS = "tests/cases/broken/mp-policy-config-typo.yaml"


def test_examples_are_clean(hookgate: Run) -> None:
    proc = hookgate("validate", "examples/")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""


def test_an_input_typo_warns_and_strict_fails(hookgate: Run) -> None:
    """A deny on `tool_input.comand` never holds: a warning, which `--strict` (CI) makes an error."""
    path = "tests/cases/broken/pol-input-typo.yaml"
    assert hookgate("validate", path).returncode == 0
    strict = hookgate("validate", "--strict", path)
    assert strict.returncode == 1
    assert strict.stdout.startswith(f"{path}:9:7: error: rule `no-recursive-delete`: `tool_input.comand` is not "
                                    "an input of `Bash`, `bash`: it never holds; did you mean `tool_input.command`?")


def test_text_format_and_exit_code(hookgate: Run) -> None:
    proc = hookgate("validate", ERRORS)
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == (
        f"{ERRORS}:8:7: error: unknown key `fail_mod`; did you mean `fail_mode`? [schema.unknown_field]"
    )


def test_warnings_pass_unless_strict(hookgate: Run) -> None:
    relaxed = hookgate("validate", WARN_ONLY)
    assert relaxed.returncode == 0
    assert ": warning: git source" in relaxed.stdout
    strict = hookgate("validate", "--strict", WARN_ONLY)
    assert strict.returncode == 1
    assert ": error: git source" in strict.stdout


def test_json_format(hookgate: Run) -> None:
    proc = hookgate("validate", "--format", "json", ERRORS, WARN_ONLY)
    found = json.loads(proc.stdout)
    assert [(d["file"], d["line"], d["column"], d["code"], d["severity"]) for d in found] == [
        (ERRORS, 8, 7, "schema.unknown_field", "error"),
        (ERRORS, 8, 7, "plan.gates_nothing", "warning"),  # errors first at one position
        (WARN_ONLY, 7, 13, "mountplan.unpinned_source", "warning"),
    ]
    clean = hookgate("validate", "--format", "json", "examples/")
    assert json.loads(clean.stdout) == []


def test_github_format(hookgate: Run) -> None:
    proc = hookgate("validate", "--format", "github", ERRORS, WARN_ONLY)
    lines = proc.stdout.splitlines()
    assert lines[0] == (
        f"::error file={ERRORS},line=8,col=7,title=schema.unknown_field::unknown key `fail_mod`; "
        "did you mean `fail_mode`?"
    )
    assert lines[1].startswith(f"::warning file={ERRORS},line=8,col=7,title=plan.gates_nothing::")
    assert lines[2].startswith(f"::warning file={WARN_ONLY},line=7,col=13,title=mountplan.unpinned_source::")


def test_sarif_format(hookgate: Run) -> None:
    proc = hookgate("validate", "--format", "sarif", ERRORS, WARN_ONLY)
    log = json.loads(proc.stdout)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["mountplan.unpinned_source", "plan.gates_nothing", "schema.unknown_field"]
    first = run["results"][0]
    assert first["ruleId"] == "schema.unknown_field"
    assert rules[first["ruleIndex"]] == first["ruleId"]
    assert first["level"] == "error"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (8, 7)
    assert run["results"][1]["level"] == "warning"


def test_usage_and_io_errors(hookgate: Run) -> None:
    missing = hookgate("validate", "no/such/plan.yaml")
    assert missing.returncode == 2
    assert "no such file or directory `no/such/plan.yaml`" in missing.stderr
    assert hookgate("validate").returncode == 2
    assert hookgate("validate", "--format", "xml", ERRORS).returncode == 2


def test_unknown_kind(hookgate: Run, tmp_path: Path) -> None:
    odd = tmp_path / "odd.yaml"
    odd.write_text("name: something else\n")
    proc = hookgate("validate", str(odd))
    assert proc.returncode == 1
    assert "[validate.unknown_kind]" in proc.stdout
    alone = hookgate("validate", str(tmp_path))  # found while walking: skipped, and then nothing was checked
    assert alone.returncode == 1 and "[validate.nothing_to_check]" in alone.stdout
    (tmp_path / "p.yaml").write_text("version: 1\npolicy: p\nrules:\n  - id: r\n    deny: no\n")
    assert hookgate("validate", str(tmp_path)).returncode == 0


def test_a_folder_walk_misses_no_file_of_ours(hookgate: Run, tmp_path: Path) -> None:
    """Upper-case suffixes and top-level keys in another letter case are validated, so the typo is
    reported instead of the file being skipped; an empty folder is an error, not a pass."""
    (tmp_path / "empty").mkdir()
    empty = hookgate("validate", str(tmp_path / "empty"))
    assert empty.returncode == 1 and "[validate.nothing_to_check]" in empty.stdout
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "agent.YAML").write_text("Session: {orchestrator: o, context: c}\nhooks: []\n")
    (plans / "cases.yml").write_text("policies: [missing.yaml]\ntest: []\n")
    found = hookgate("validate", str(plans))
    assert found.returncode == 1
    assert "agent.YAML" in found.stdout and "Session" in found.stdout
    assert "cases.yml" in found.stdout


def test_module_schema_folder(hookgate: Run, tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "tool-bash.schema.json").write_text(json.dumps({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"timeout": {"type": "integer"}, "allowed_commands": {"type": "array"}},
        "additionalProperties": False,
    }))
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "session: {orchestrator: loop-basic, context: context-simple}\n"
        "tools:\n"
        "  - module: tool-bash\n"
        "    config:\n"
        "      timeout: soon\n"
        "      allowed_comands: [ls]\n"
    )
    assert hookgate("validate", str(plan)).returncode == 0  # no schema known: free-form
    proc = hookgate("validate", "--schemas", str(schemas), str(plan))
    assert proc.returncode == 1
    assert f"{plan}:5:16: error: `tools[0].config.timeout`: 'soon' is not of type 'integer' [schema.type]" in (
        proc.stdout
    )
    assert f"{plan}:6:7: error: unknown key `allowed_comands`; did you mean `allowed_commands`?" in proc.stdout


def test_check_env(hookgate: Run, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "session: {orchestrator: loop-basic, context: context-simple}\n"
        "providers:\n"
        "  - module: provider-x\n"
        "    config: {key: '${HOOKGATE_TEST_SURELY_UNSET}', url: '${HOOKGATE_TEST_URL:-http://x}'}\n"
    )
    assert hookgate("validate", str(plan)).returncode == 0
    proc = hookgate("validate", "--check-env", str(plan))
    assert proc.returncode == 1
    assert "environment variable `HOOKGATE_TEST_SURELY_UNSET` is not set [mountplan.unset_variable]" in proc.stdout
    assert "HOOKGATE_TEST_URL" not in proc.stdout


def test_check_env_validates_the_expanded_values(hookgate: Run, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "session: {orchestrator: loop-basic, context: context-simple}\n"
        "hooks:\n"
        "  - module: hooks-policy\n"
        "    config:\n"
        "      rules: [{id: r, deny: no}]\n"
        "      approval: {timeout: '${HOOKGATE_TEST_TIMEOUT}'}\n"
        "      priority: ${HOOKGATE_TEST_PRIORITY:-5}\n"
    )
    monkeypatch.setenv("HOOKGATE_TEST_TIMEOUT", "abc")
    assert hookgate("validate", str(plan)).returncode == 0  # without --check-env: a reference may hold anything
    proc = hookgate("validate", "--check-env", str(plan))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{plan}:6:27: error: `hooks[0].config.approval.timeout`: `abc` is not a duration; use seconds or a string "
        "like `30s`, `2m`, `1h` (expanded from `${HOOKGATE_TEST_TIMEOUT}`) [schema.value_error]"
    ]
    monkeypatch.setenv("HOOKGATE_TEST_TIMEOUT", "45s")
    assert hookgate("validate", "--check-env", str(plan)).returncode == 0
    monkeypatch.setenv("HOOKGATE_TEST_PRIORITY", "5.5")
    proc = hookgate("validate", "--check-env", "--format", "json", str(plan))
    assert [(d["line"], d["column"], d["code"]) for d in json.loads(proc.stdout)] == [(7, 17, "schema.int_type")]


def test_check_env_is_in_the_help(hookgate: Run) -> None:
    text = " ".join(hookgate("validate", "--help").stdout.split())
    assert "--check-env" in text and "checked again after expansion" in text


def test_skip_unknown_for_pre_commit(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "workflow.yaml").write_text("on: push\n")
    (tmp_path / "tsconfig.json").write_text("{ // comments\n}\n")
    (tmp_path / "plan-broken.yaml").write_text("session: [\n")
    args = [str(tmp_path / n) for n in ("workflow.yaml", "tsconfig.json", "plan-broken.yaml")]
    proc = hookgate("validate", "--skip-unknown", *args)
    assert proc.returncode == 1
    assert [line.split(": ")[0].rsplit("/", 1)[-1] for line in proc.stdout.splitlines()] == ["plan-broken.yaml:2:1"]


def test_unusable_module_schema_is_reported(hookgate: Run, tmp_path: Path) -> None:
    (tmp_path / "tool-y.schema.json").write_text(json.dumps({"$ref": "urn:nowhere:schema"}))
    (tmp_path / "tool-z.schema.json").write_text(json.dumps({"type": "objekt"}))
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "session: {orchestrator: loop-basic, context: context-simple}\n"
        "tools:\n"
        "  - module: tool-y\n"
        "    config: {a: 1}\n"
        "  - module: tool-z\n"
        "    config: {a: 1}\n"
    )
    proc = hookgate("validate", "--schemas", str(tmp_path), str(plan))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"{plan}:4:13: error: the module's config schema cannot be applied")
    assert lines[1].startswith(f"{plan}:6:13: error: the module's config schema is invalid")


def test_a_test_case_that_checks_nothing_and_a_boolean_timeout_are_errors(hookgate: Run, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\npolicy: p\nrules:\n  - id: r\n    deny: no\n")
    tests = tmp_path / "p.test.yaml"
    tests.write_text("policies: [p.yaml]\ntests:\n  - name: nulls\n    event: tool:pre\n"
                     "    data: {tool_name: bash, tool_input: {command: ls}}\n    expect: {effect: null}\n"
                     "  - name: empty reason\n    event: tool:pre\n    data: {tool_name: bash}\n"
                     "    expect: {reason_contains: \"\"}\n")
    proc = hookgate("validate", str(tests))
    assert proc.returncode == 1 and "checks nothing" in proc.stdout and "a null checks nothing" in proc.stdout
    plan = tmp_path / "plan.yaml"
    plan.write_text("session: {orchestrator: o, context: c}\nhooks:\n  - module: hooks-policy\n"
                    "    config: {policies: [p.yaml], approval: {timeout: false}}\n")
    bad = hookgate("validate", str(plan))
    assert bad.returncode == 1 and "`false` is not a duration" in bad.stdout


def test_hookgate_test_reports_a_broken_test_file_in_a_folder(hookgate: Run, tmp_path: Path) -> None:
    """`hookgate test DIR` used to skip a `*.test.yaml` that did not parse and pass on the rest."""
    (tmp_path / "p.yaml").write_text("version: 1\npolicy: p\nrules:\n  - id: r\n    deny: no\n")
    (tmp_path / "good.test.yaml").write_text("policies: [p.yaml]\ntests:\n  - name: denied\n    event: tool:pre\n"
                                            "    data: {tool_name: bash}\n    expect: {effect: deny}\n")
    (tmp_path / "bad.test.yaml").write_text("policies: [p.yaml]\ntests:\n  - name: broken\n"
                                           "    expect: {effect: allow\n")
    proc = hookgate("test", str(tmp_path))
    assert proc.returncode != 0 and "bad.test.yaml" in proc.stdout + proc.stderr


def test_a_policy_hook_that_gates_nothing_is_warned_and_fails_strict(hookgate: Run, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("session: {orchestrator: o, context: c}\nhooks:\n  - module: hooks-policy\n    config: {}\n")
    relaxed = hookgate("validate", str(plan))
    assert relaxed.returncode == 0 and "[plan.gates_nothing]" in relaxed.stdout
    assert hookgate("validate", "--strict", str(plan)).returncode == 1


def test_the_mount_plan_docs_example_behaves_as_documented(hookgate: Run, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "mount-plans.md").read_text(encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(doc.split("```yaml\n", 1)[1].split("```", 1)[0])
    (tmp_path / "policies").symlink_to(Path(__file__).resolve().parents[2] / "policies")
    assert hookgate("validate", str(plan)).returncode == 0
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("APPROVAL_TIMEOUT", "abc")
    shown = doc.split("$ APPROVAL_TIMEOUT=abc hookgate validate --check-env plan.yaml\n", 1)[1].split("```", 1)[0]
    proc = hookgate("validate", "--check-env", str(plan), cwd=tmp_path)
    assert proc.stdout.replace(f"{plan}:", "plan.yaml:") == shown
