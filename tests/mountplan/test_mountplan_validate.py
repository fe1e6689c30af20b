"""Validating mount plans through the library API (real files in a temp folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hookgate.kernel import Coordinator
from hookgate.load.yaml import load_yaml_file
from hookgate.mountplan import validate_mount_plan_file
from hookgate.mountplan.validate import expand_mount_plan

POLICY = """\
version: 1
policy: local
rules:
  - id: no-env
    tool: read_file
    when: {tool_input.file_path: {suffix: .env}}
    deny: no
"""


def _plan(tmp_path: Path, hooks: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text("session:\n  orchestrator: loop-basic\n  context: context-simple\nhooks:\n" + hooks)
    return path


def _codes(path: Path) -> list[tuple[str, str]]:
    return [(d.code, str(d.location)) for d in validate_mount_plan_file(path)]


def test_policy_paths_are_relative_to_the_plan(tmp_path: Path) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "local.yaml").write_text(POLICY)
    plan = _plan(tmp_path, "  - module: hooks-policy\n    config: {policies: [policies/local.yaml]}\n")
    assert _codes(plan) == []


def test_errors_inside_a_referenced_policy_point_into_it(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(POLICY.replace("deny: no", "dney: no"))
    plan = _plan(tmp_path, "  - module: hooks-policy\n    config: {policies: [bad.yaml]}\n")
    assert (("schema.unknown_field", f"{tmp_path}/bad.yaml:7:5")) in _codes(plan)


def test_inline_rules_compile_with_plan_positions(tmp_path: Path) -> None:
    plan = _plan(tmp_path, (
        "  - module: hooks-policy\n"
        "    config:\n"
        "      rules:\n"
        "        - id: a\n"
        "          tool: bash\n"
        "          when: {tool_input.command: {prefx: rm}}\n"
        "          deny: no\n"
    ))
    assert _codes(plan) == [("compile.unknown_operator", f"{plan}:10:39")]


def test_env_references_defer_type_checks(tmp_path: Path) -> None:
    config = "{priority: '${PRIO}', fail_mode: '${MODE:-closed}', rules: [{id: r, deny: no}]}"
    plan = _plan(tmp_path, f"  - module: hooks-policy\n    config: {config}\n")
    assert _codes(plan) == []


def test_duplicates_and_instance_ids(tmp_path: Path) -> None:
    plan = _plan(tmp_path, (
        "  - module: hooks-logging\n"
        "  - module: hooks-logging\n"
        "    instance_id: second\n"
        "  - module: hooks-logging\n"
    ))
    assert _codes(plan) == [("mountplan.duplicate_module", f"{plan}:8:13")]


def test_decision_log_module_config(tmp_path: Path) -> None:
    config = "{path: d.jsonl, backups: -1, events: [tool:pree]}"
    plan = _plan(tmp_path, f"  - module: hooks-decision-log\n    config: {config}\n")
    assert [c for c, _ in _codes(plan)] == ["schema.greater_than_equal", "mountplan.unknown_event"]


def test_not_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("- session\n")
    assert _codes(path) == [("schema.model_type", f"{path}:1:1")]


def test_malformed_module_entries_are_schema_errors_not_crashes(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("session:\n  orchestrator: loop-basic\n  context: {}\n"
                    "tools:\n  - module: tool-x\n    instance_id: [a]\n  - module: tool-x\n    instance_id: [a]\n")
    assert _codes(path) == [
        ("schema.missing_field", f"{path}:3:12"),
        ("schema.string_type", f"{path}:3:12"),  # neither a module id nor a module entry: both are named
        ("schema.string_type", f"{path}:6:18"),
        ("schema.string_type", f"{path}:8:18"),
    ]


def _found(path: Path, env: dict[str, str] | None = None) -> list[str]:
    return [d.render() for d in validate_mount_plan_file(path, env=env)]


def test_a_reference_where_no_string_can_stand_is_an_error_before_expansion(tmp_path: Path) -> None:
    """A list, a mapping or a number spelt around a reference: no variable can make it valid."""
    plan = _plan(tmp_path, (
        "  - module: hooks-policy\n"
        "    config:\n"
        "      rules: [{id: r, deny: no}]\n"
        "      enabled_events: ${EVENTS}\n"
        "      decision_log: {path: d.jsonl, max_bytes: '${MB}000'}\n"
    ))
    found = _found(plan)
    assert found[0].startswith(f"{plan}:8:23: error: `hooks[0].config.enabled_events`: input should be a valid list")
    assert found[0].endswith("help: a reference expands to text, and text cannot stand here")
    assert found[1].startswith(f"{plan}:9:48: error: `hooks[0].config.decision_log.max_bytes`: input should be "
                               "a valid integer")
    assert "only a whole reference such as `${NAME}` is read as a number" in found[1]
    assert len(found) == 2


def test_an_escaped_dollar_is_no_reference(tmp_path: Path) -> None:
    plan = _plan(tmp_path, "  - module: hooks-policy\n    config: {rules: [{id: r, deny: no}], fail_mode: '$${X}'}\n")
    assert _codes(plan) == [("schema.literal_error", f"{plan}:6:53")]


def test_a_module_id_cannot_be_a_reference(tmp_path: Path) -> None:
    """Duplicates, config schemas and hookgate's own modules are all decided by the module id before any
    variable is known, so a reference there is refused, with or without an environment."""
    plan = _plan(tmp_path, "  - module: ${HOOK}\n    instance_id: ${ID:-a}\n")
    message = ("`${HOOK}`: a module id cannot use a `${VAR}` reference [mountplan.reference_in_module_id]\n"
               "  help: write the module id itself; put the variable part in `source:` or `config:`")
    assert _found(plan) == [f"{plan}:5:13: error: {message}",
                            f"{plan}:6:18: error: {message.replace('${HOOK}', '${ID:-a}', 1)}"]
    doc = load_yaml_file(plan)
    _, found = expand_mount_plan(doc, {"HOOK": "hooks-logging"}, base_dir=tmp_path)
    assert [d.render() for d in found] == _found(plan)
    assert _found(plan, {"HOOK": "hooks-logging"}) == _found(plan)  # --check-env


CHECKED = """\
  - module: hooks-policy
    config:
      rules: [{id: r, deny: no}]
      priority: ${PRIO:-7}
      fail_mode: ${MODE:-closed}
      approval: {timeout: "${T}"}
      decision_log: {path: "${LOGS}/d.jsonl"}
"""


def test_with_an_environment_the_expanded_values_are_checked(tmp_path: Path) -> None:
    plan = _plan(tmp_path, CHECKED)
    good = {"T": "30s", "LOGS": str(tmp_path)}
    assert _found(plan, good) == []
    assert _found(plan, {**good, "PRIO": "-3", "MODE": "open", "T": "90"}) == []
    assert _found(plan, {**good, "T": "abc"}) == [
        f"{plan}:10:27: error: `hooks[0].config.approval.timeout`: `abc` is not a duration; use seconds or a string "
        "like `30s`, `2m`, `1h` (expanded from `${T}`) [schema.value_error]"
    ]
    assert _found(plan, {**good, "PRIO": "high", "MODE": "opne"}) == [
        f"{plan}:8:17: error: `hooks[0].config.priority`: input should be a valid integer, got `'high'` "
        "(expanded from `${PRIO:-7}`) [schema.int_type]",
        f"{plan}:9:18: error: `hooks[0].config.fail_mode`: input should be 'closed' or 'open' "
        "(expanded from `${MODE:-closed}`) [schema.literal_error]",
    ]
    assert [d.split(": error: ")[1] for d in _found(plan, {**good, "PRIO": "true"})] == [
        "`hooks[0].config.priority`: input should be a valid integer, got `True` (expanded from `${PRIO:-7}`) "
        "[schema.int_type]"
    ]


def test_an_unset_variable_is_the_only_error_at_its_value(tmp_path: Path) -> None:
    plan = _plan(tmp_path, CHECKED)
    assert _found(plan, {"LOGS": str(tmp_path)}) == [
        f"{plan}:10:27: error: environment variable `T` is not set [mountplan.unset_variable]\n"
        "  help: set `T` or write `${T:-default}`"
    ]


def test_expanded_values_reach_the_semantic_checks(tmp_path: Path) -> None:
    plan = _plan(tmp_path, (
        "  - module: hooks-policy\n"
        "    config:\n"
        "      policies: ['${POLICIES}/local.yaml']\n"
        "      enabled_events: ['${EVENT}']\n"
    ))
    found = _found(plan, {"POLICIES": str(tmp_path / "nowhere"), "EVENT": "tool:pree"})
    assert [line.split(": error: ")[0] for line in found] == [f"{plan}:7:18", f"{plan}:8:24"]
    assert "(expanded from `${POLICIES}`) [mountplan.policy_not_found]" in found[0]
    assert "(expanded from `${EVENT}`) [mountplan.unknown_event]" in found[1]


def test_a_secret_put_in_a_message_by_a_variable_is_masked(tmp_path: Path) -> None:
    plan = _plan(tmp_path, CHECKED)
    token = "ghp_" + "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"
    found = _found(plan, {"T": token, "LOGS": str(tmp_path)})
    assert len(found) == 1 and token not in found[0] and "[REDACTED:github_token]" in found[0]


@pytest.mark.parametrize("value", [0, 1, 100])
def test_injection_limits_are_what_hookgates_coordinator_takes(tmp_path: Path, value: int) -> None:
    """`0` passed validation and then failed the mount with an internal error from the coordinator."""
    path = tmp_path / "plan.yaml"
    path.write_text(f"session: {{orchestrator: o, context: c, injection_size_limit: {value}}}\n")
    found = _codes(path)
    try:
        Coordinator(config={"session": {"orchestrator": "o", "context": "c", "injection_size_limit": value}})
    except ValueError:
        assert found == [("schema.greater_than", f"{path}:1:62")]
    else:
        assert found == []
