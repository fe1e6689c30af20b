"""The package facade: its names are pinned, each resolves, and importing it stays cheap."""

from __future__ import annotations

import subprocess
import sys

import hookgate

PINNED = [
    "ApprovalBroker",
    "ApprovalRequest",
    "ApprovalResponse",
    "Coordinator",
    "Decision",
    "DecisionLog",
    "Diagnostic",
    "DiagnosticError",
    "EvalEnv",
    "HookRegistry",
    "HookResult",
    "HookgateError",
    "Location",
    "Plan",
    "PolicyHook",
    "__version__",
    "compile_files",
    "compile_policies",
    "evaluate",
    "load_policies",
    "mount_plan",
]


def test_all_is_pinned() -> None:
    assert sorted(hookgate.__all__) == sorted(PINNED)
    assert sorted(hookgate._EXPORTS) == sorted(n for n in PINNED if n != "__version__")


def test_every_exported_name_resolves() -> None:
    for name in hookgate.__all__:
        assert getattr(hookgate, name) is not None, name


def test_importing_the_package_loads_no_engine_code() -> None:
    probe = "import sys, hookgate; print(sorted(m for m in sys.modules if m.startswith('hookgate.')))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['hookgate._lazy']"  # the 20-line PEP 562 helper, nothing of the engine


def test_prepare_once_evaluate_many(tmp_path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\npolicy: demo\nrules:\n"
        "  - id: no-force-push\n    tool: bash\n    when:\n      command: {prefix: [git, push], flags: [force]}\n"
        "    deny: Force pushes rewrite shared history.\n"
    )
    plan = hookgate.compile_files([policy])
    push = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": "git -C repo push -f"}})
    plain = plan.evaluate("tool:pre", {"tool_name": "bash", "tool_input": {"command": "git push"}})
    assert (push.effect, push.rules) == ("deny", ("no-force-push",))
    assert "no-force-push" in (push.reason or "")
    assert plain.effect == "continue"


def test_an_unexpected_error_is_one_line_and_exit_2(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Exit 2 blocks in hook protocols (exit 1 lets a Claude Code tool call run) and no traceback leaks."""
    from hookgate.cli import main as cli

    monkeypatch.setitem(cli.SUBCOMMANDS, "broken", ("hookgate_no_such_module", "a subcommand whose module is missing"))
    assert cli.main(["broken"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hookgate: internal error: ModuleNotFoundError") and "Traceback" not in err
