"""All or nothing: every broken entry is reported at ``file:line``, and no handler is left registered."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from runtime_support import MODULE, handlers

from hookgate.diagnostics import Diagnostic, DiagnosticError
from hookgate.runtime import mount_plan

HEAD = """\
session: {orchestrator: o, context: c}
hooks:
  - module: first
    source: ./ext/first.py
    config: {tag: first}
  - module: hooks-policy
    config:
      rules: [{id: ok, tool: bash, deny: no bash}]
"""


async def _fails(plan: Path, coordinator: Any, env: dict[str, str] | None = None) -> list[Diagnostic]:
    with pytest.raises(DiagnosticError) as info:
        await mount_plan(plan, coordinator, env=env or {})
    assert handlers(coordinator) == {}
    assert coordinator.approval_system is None
    return list(info.value.errors)


def _where(d: Diagnostic) -> tuple[str, int, str]:
    assert d.location is not None
    return Path(d.location.file).name, d.location.line, d.code


@pytest.fixture
def first(write: Any) -> Any:
    write("ext/first.py", MODULE)
    return write


async def test_unresolvable_git_source(first: Any, coordinator: Any) -> None:
    plan = first(
        "plan.yaml",
        HEAD
        + """\
  - module: hooks-not-installed
    source: git+https://github.com/example/hooks-not-installed@v1
""",
    )
    [d] = await _fails(plan, coordinator)
    assert _where(d) == ("plan.yaml", 10, "mount.source_not_installed")
    assert "`hooks-not-installed`" in d.message and d.help is not None and "pip install" in d.help


async def test_unset_variable(first: Any, coordinator: Any) -> None:
    plan = first(
        "plan.yaml",
        HEAD
        + """\
  - module: hooks-decision-log
    config:
      path: ${LOG_DIR}/decisions.jsonl
""",
    )
    [d] = await _fails(plan, coordinator)
    assert _where(d) == ("plan.yaml", 11, "mountplan.unset_variable")
    assert "`LOG_DIR`" in d.message


async def test_broken_inline_rule_points_into_the_plan(first: Any, coordinator: Any) -> None:
    plan = first(
        "plan.yaml",
        HEAD
        + """\
  - module: hooks-policy
    instance_id: second
    config:
      rules:
        - id: broken
          tool: bash
          when:
            command: {program: rm, flags: [recursiv]}
          deny: no
""",
    )
    errors = await _fails(plan, coordinator)
    assert errors and all(_where(d)[0] == "plan.yaml" for d in errors)
    assert any(_where(d)[1] == 16 and "recursiv" in d.message for d in errors), [d.render() for d in errors]


async def test_every_broken_entry_is_reported_at_once(first: Any, coordinator: Any) -> None:
    plan = first(
        "plan.yaml",
        HEAD
        + """\
  - module: hooks-missing
  - module: local
    source: ./nowhere
""",
    )
    errors = await _fails(plan, coordinator)
    assert [_where(d) for d in errors] == [
        ("plan.yaml", 9, "mount.module_not_found"),
        ("plan.yaml", 11, "mount.source_not_found"),
    ]


async def test_a_mount_that_raises_rolls_back_the_earlier_ones(first: Any, coordinator: Any) -> None:
    first(
        "ext/boom.py",
        "def mount(coordinator, config):\n"
        "    coordinator.hooks.register('tool:pre', lambda e, d: None, name='half')\n"
        "    raise RuntimeError('cannot reach the audit server')\n",
    )
    plan = first("plan.yaml", HEAD + "  - module: boom\n    source: ./ext/boom.py\n")
    [d] = await _fails(plan, coordinator)
    assert _where(d) == ("plan.yaml", 9, "mount.failed")
    assert "RuntimeError: cannot reach the audit server" in d.message
    first_module = next(
        m
        for n, m in sys.modules.items()
        if n.startswith("hookgate_plan_module_") and getattr(m, "__file__", "").endswith("first.py")
    )
    assert first_module.MOUNTED == []  # its cleanup ran


async def test_mount_returning_a_non_callable_fails(first: Any, coordinator: Any) -> None:
    first("ext/odd.py", "def mount(coordinator, config):\n    return 42\n")
    plan = first("plan.yaml", HEAD + "  - module: odd\n    source: ./ext/odd.py\n")
    [d] = await _fails(plan, coordinator)
    assert d.code == "mount.failed" and "returned int" in d.message


async def test_module_without_mount_and_import_errors(first: Any, coordinator: Any) -> None:
    first("ext/nomount.py", "X = 1\n")
    first("ext/broken.py", "import not_a_real_module_anywhere\n")
    plan = first(
        "plan.yaml",
        HEAD
        + """\
  - module: nomount
    source: ./ext/nomount.py
  - module: broken
    source: ./ext/broken.py
""",
    )
    errors = await _fails(plan, coordinator)
    assert [_where(d)[1:] for d in errors] == [(10, "mount.no_mount_function"), (12, "mount.import_failed")]


async def test_bad_plan_level_settings_of_a_third_party_module(first: Any, coordinator: Any) -> None:
    plan = first(
        "plan.yaml",
        HEAD
        + """\
  - module: ext
    source: ./ext/first.py
    instance_id: two
    config: {enabled_events: [tool:prr], priority: high, log_level: loud}
""",
    )
    errors = await _fails(plan, coordinator)
    codes = {_where(d)[1:] for d in errors}
    assert {(12, "mount.bad_priority"), (12, "mount.bad_log_level")} <= codes
    assert any(code.startswith("mount.") and "tool:prr" in d.message for d in errors for code in [d.code])


async def test_not_a_mapping_and_schema_errors(write: Any) -> None:
    with pytest.raises(DiagnosticError) as info:
        await mount_plan(write("plan.yaml", "- just a list\n"))
    assert info.value.errors[0].code == "schema.model_type"
    with pytest.raises(DiagnosticError) as info:
        await mount_plan(write("plan2.yaml", "session: {orchestrator: o, context: c}\nhooks: [{modul: x}]\n"))
    assert {d.code for d in info.value.errors} >= {"schema.unknown_field"}
