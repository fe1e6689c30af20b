"""``mount_plan``: plans with policy files and inline rules decide on both coordinators, then unmount cleanly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from runtime_support import MODULE, amplifier_coordinator, handlers

from hookgate.diagnostics import DiagnosticError
from hookgate.kernel import Coordinator
from hookgate.runtime import mount_plan

RM = {"tool_name": "bash", "tool_input": {"command": "rm -rf build"}}
PUSH = {"tool_name": "bash", "tool_input": {"command": "git push origin main"}}
WRITE = {"tool_name": "write_file", "tool_input": {"file_path": "src/app.py", "content": "x"}}
LS = {"tool_name": "bash", "tool_input": {"command": "ls -la"}}


async def _decide(coordinator: Any) -> list[tuple[str, str | None]]:
    out = []
    for data in (RM, PUSH, WRITE, LS):
        result = await coordinator.hooks.emit("tool:pre", dict(data))
        out.append((result.action, result.reason or result.context_injection))
    return out


EXPECTED = [
    ("deny", "denied by rule `no-recursive-force-delete`: Recursive force deletes are not allowed."),
    ("deny", "denied by rule `ask-before-push`: approval denied (non-interactive: every approval request is denied)"),
    ("inject_context", "Run the tests after editing Python files."),
    ("continue", None),
]


async def test_two_policy_files_and_inline_rules_decide(policies: Path, coordinator: Any) -> None:
    mounted = await mount_plan(policies, coordinator)
    assert mounted.coordinator is coordinator
    assert handlers(coordinator) == {"tool:pre": ["hooks-policy"]}  # tool:post rule filtered by enabled_events
    assert await _decide(coordinator) == EXPECTED
    await mounted.cleanup()
    assert handlers(coordinator) == {}


async def test_same_decisions_on_hookgate_and_amplifier(policies: Path) -> None:
    pytest.importorskip("amplifier_core")
    decisions = []
    for coordinator in (Coordinator(), amplifier_coordinator()):
        async with await mount_plan(policies, coordinator):
            decisions.append(await _decide(coordinator))
    assert decisions[0] == decisions[1] == EXPECTED


async def test_new_coordinator_takes_the_plans_session_settings(write: Any) -> None:
    plan = {
        "session": {"orchestrator": "o", "context": "c", "injection_size_limit": 100},
        "hooks": [{"module": "hooks-policy", "config": {"rules": [{"id": "r", "deny": "no"}]}}],
    }
    mounted = await mount_plan(plan)
    assert isinstance(mounted.coordinator, Coordinator)
    assert mounted.coordinator.injection_size_limit == 100
    assert (await mounted.coordinator.hooks.emit("tool:pre", {})).action == "deny"
    await mounted.coordinator.cleanup()  # the plan's cleanup is registered with the coordinator
    assert handlers(mounted.coordinator) == {}


async def test_priority_orders_modules_across_the_plan(write: Any, coordinator: Any) -> None:
    write("ext/late.py", MODULE)
    write("ext/early/__init__.py", MODULE)
    plan = write(
        "plan.yaml",
        """\
        session: {orchestrator: o, context: c}
        hooks:
          - module: late-hook
            source: ./ext/late.py
            config: {tag: late, priority: 90}
          - module: hooks-policy
            config: {priority: 10, rules: [{id: r, tool: nothing, deny: no}]}
          - module: early-hook
            source: ./ext/early
            config: {tag: early, priority: -5, own_priority: 99}
        """,
    )
    async with await mount_plan(plan, coordinator) as mounted:
        assert handlers(coordinator)["tool:pre"] == ["early", "hooks-policy", "late"]
        assert [h.registered[0][2] for h in mounted.hooks] == [90, 10, -5]
    assert handlers(coordinator) == {}


async def test_enabled_events_filter_third_party_registrations(write: Any, coordinator: Any) -> None:
    write("ext/mod.py", MODULE)
    plan = write(
        "plan.yaml",
        """\
        session: {orchestrator: o, context: c}
        hooks:
          - module: ext
            source: ./ext/mod.py
            config: {tag: ext, enabled_events: [AFTER_TOOL]}
        """,
    )
    async with await mount_plan(plan, coordinator) as mounted:
        assert handlers(coordinator) == {"tool:post": ["ext"]}
        assert mounted.hooks[0].registered == (("tool:post", "ext", 50),)
    assert handlers(coordinator) == {}


async def test_file_url_and_contributions(write: Any, coordinator: Any) -> None:
    module = write("ext/mod.py", MODULE)
    plan = write(
        "plan.yaml",
        f"""\
        session: {{orchestrator: o, context: c}}
        hooks:
          - module: ext
            source: {module.as_uri()}
          - module: hooks-policy
            config: {{rules: [{{id: r, deny: no}}]}}
        """,
    )
    async with await mount_plan(plan, coordinator) as mounted:
        assert mounted.hooks[0].origin == f"file {module}"
        events = await coordinator.collect_contributions("observability.events")
        assert ["ext:seen"] in events and any("hooks-policy:decision" in e for e in events)


async def test_module_repository_folder_and_sync_mount(write: Any, coordinator: Any) -> None:
    write(
        "repo/amplifier_module_hooks_sync/__init__.py",
        """\
        CALLS = []

        def mount(coordinator, config):
            remove = coordinator.hooks.register("tool:pre", lambda e, d: None, name="sync")
            coordinator.register_cleanup(lambda: CALLS.append("registered cleanup"))
            return None
        """,
    )
    plan = write(
        "plan.yaml",
        """\
        session: {orchestrator: o, context: c}
        hooks:
          - module: hooks-sync
            source: ./repo
        """,
    )
    mounted = await mount_plan(plan, coordinator)
    assert handlers(coordinator) == {"tool:pre": ["sync"]}
    await mounted.cleanup()
    assert handlers(coordinator) == {}  # the module returned no cleanup; its registration is removed anyway


async def test_shared_decision_log_records_each_gated_event_once(policies: Path, write: Any, tmp_path: Path) -> None:
    plan = write(
        "logged.yaml",
        (tmp_path / "plan.yaml").read_text()
        + """\
  - module: hooks-decision-log
    config:
      path: logs/decisions.jsonl
      events: [tool:pre, tool:post]
""",
    )
    async with await mount_plan(plan) as mounted:
        hooks = mounted.coordinator.hooks
        assert handlers(mounted.coordinator) == {"tool:pre": ["hooks-policy"], "tool:post": ["hooks-decision-log"]}
        await _decide(mounted.coordinator)
        await hooks.emit("tool:post", {"tool_name": "bash"})
    records = [json.loads(line) for line in (tmp_path / "logs/decisions.jsonl").read_text().splitlines()]
    assert [(r["event"], r["effect"], r["rules"]) for r in records] == [
        ("tool:pre", "deny", ["no-recursive-force-delete"]),
        ("tool:pre", "ask_user", ["ask-before-push"]),
        ("tool:pre", "inject_context", ["remind-tests"]),
        ("tool:pre", "continue", []),
        ("tool:post", "continue", []),
    ]
    assert records[1]["approval"]["outcome"] == "denied"


async def test_env_vars_expand_in_hook_config(write: Any, tmp_path: Path) -> None:
    write("p.yaml", "version: 1\npolicy: p\nrules: [{id: r, deny: blocked}]\n")
    plan = write(
        "plan.yaml",
        """\
        session: {orchestrator: o, context: c}
        providers:
          - module: provider-x
            config: {api_key: "${NOT_NEEDED_FOR_HOOKS}"}
        hooks:
          - module: hooks-policy
            config:
              policies: ["${POLICY_DIR}/p.yaml"]
              priority: ${PRIO:-7}
        """,
    )
    async with await mount_plan(plan, env={"POLICY_DIR": str(tmp_path)}) as mounted:
        assert mounted.hooks[0].registered == (("tool:pre", "hooks-policy", 7),)


async def test_mounting_expands_and_checks_what_it_mounts(write: Any, tmp_path: Path) -> None:
    """Session settings and hook configs are expanded and checked as `hookgate validate --check-env` checks
    them: a whole reference in a number field reads as a number, a bad value names its variable, and a
    provider's reference (expanded by the host, not by this mount) is left alone."""
    plan = write(
        "plan.yaml",
        """\
        session: {orchestrator: o, context: c, injection_size_limit: "${LIMIT}"}
        providers:
          - module: provider-x
            source: "${PROVIDERS}/x"
        hooks:
          - module: hooks-policy
            config:
              rules: [{id: r, deny: blocked}]
              priority: ${PRIO}
        """,
    )
    async with await mount_plan(plan, env={"LIMIT": "100", "PRIO": "3"}) as mounted:
        assert mounted.coordinator.injection_size_limit == 100
        assert mounted.hooks[0].registered == (("tool:pre", "hooks-policy", 3),)
    with pytest.raises(DiagnosticError) as caught:
        await mount_plan(plan, env={"LIMIT": "100", "PRIO": "first"})
    assert [d.render() for d in caught.value.diagnostics] == [
        f"{plan}:9:17: error: `hooks[0].config.priority`: input should be a valid integer, got `'first'` "
        "(expanded from `${PRIO}`) [schema.int_type]"
    ]


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A test distribution on sys.path with an ``amplifier.modules`` entry point ``hooks-ep``."""
    site = tmp_path / "site"
    dist = site / "hooks_ep-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: hooks-ep\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[amplifier.modules]\nhooks-ep = hookgate_test_ep_mod:mount\n")
    (site / "hookgate_test_ep_mod.py").write_text(MODULE)
    monkeypatch.syspath_prepend(str(site))
    return "hooks-ep"


@pytest.mark.parametrize("source", [None, "hooks-ep>=0.1", "git+https://github.com/example/hooks-ep@v0.1"])
async def test_entry_point_modules(installed: str, write: Any, coordinator: Any, source: str | None) -> None:
    entry: dict[str, Any] = {"module": installed, "config": {"tag": "ep"}}
    if source:
        entry["source"] = source
    plan = {"session": {"orchestrator": "o", "context": "c"}, "hooks": [entry]}
    async with await mount_plan(plan, coordinator) as mounted:
        assert mounted.hooks[0].origin == "entry point hookgate_test_ep_mod:mount"
        assert handlers(coordinator) == {"tool:pre": ["ep"], "tool:post": ["ep"]}
    assert handlers(coordinator) == {}


async def test_a_plan_given_as_a_mapping_reports_every_error_of_its_inline_rules() -> None:
    """A plan passed as plain data has no positions; a schema error in one inline rule and a compile error in
    another are both reported as diagnostics (reporting them used to raise IndexError)."""
    rules = [{"id": "typo", "tmeout": 1, "deny": "x"}, {"id": "op", "when": {"x": {"prefixx": "y"}}, "deny": "x"}]
    plan = {"session": {"orchestrator": "o", "context": "c"},
            "hooks": [{"module": "hooks-policy", "config": {"rules": rules}}]}
    with pytest.raises(DiagnosticError) as raised:
        await mount_plan(plan)
    assert sorted(d.code for d in raised.value.diagnostics) == ["compile.unknown_operator", "schema.unknown_field"]


@pytest.mark.parametrize(("written", "env", "limit"), [
    ("2.0", {}, 2), ("1e3", {}, 1000), ("'${N}'", {"N": "1e3"}, 1000),
])
async def test_an_integral_number_is_the_integer_the_coordinator_takes(
    tmp_path: Path, written: str, env: dict[str, str], limit: int
) -> None:
    """`validate` accepts `2.0` and `1e3` as integers (JSON's rule), but the coordinator was built from the raw
    session mapping and refused the float: the mount ended with an internal ValueError."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"session: {{orchestrator: o, context: c, injection_size_limit: {written}}}\n")
    async with await mount_plan(plan, env=env) as mounted:
        assert mounted.coordinator.injection_size_limit == limit
        assert mounted.coordinator.config["session"] == {"orchestrator": "o", "context": "c",
                                                         "injection_size_limit": limit}
