"""``hookgate hook claude-code``: Claude Code's documented hook payloads in, decision JSON out.

The protocol cases run through the real CLI in a subprocess (what Claude Code
executes); the finer mapping rules run in-process through the same
``handle`` the command uses, against the same real policy file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hookgate.audit import read_records
from hookgate.cli.hook import handle
from hookgate.integrations.claude_code import HookInputError, parse_call, snake_tool_name

POLICY = str(Path(__file__).parent / "data" / "claude.policy.yaml")


def pre_tool_use(tool: str, tool_input: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A PreToolUse payload exactly as Claude Code documents it."""
    return {
        "session_id": "abc123",
        "transcript_path": "/home/u/.claude/projects/p/abc123.jsonl",
        "cwd": "/home/u/project",
        "permission_mode": "default",
        "hook_event_name": "PreToolUse",
        "tool_name": tool,
        "tool_input": tool_input,
        "tool_use_id": "toolu_01ABC",
        **extra,
    }


def prompt_submit(prompt: str) -> dict[str, Any]:
    return {
        "session_id": "abc123",
        "transcript_path": "/home/u/.claude/projects/p/abc123.jsonl",
        "cwd": "/home/u/project",
        "permission_mode": "default",
        "hook_event_name": "UserPromptSubmit",
        "prompt": prompt,
    }


def specific(stdout: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(stdout)["hookSpecificOutput"]
    return out


# -- through the real command ----------------------------------------------------------------------


CLI_CASES = [
    ("deny", pre_tool_use("Bash", {"command": "rm -rf /tmp/x"}),
     {"permissionDecision": "deny",
      "permissionDecisionReason": "denied by rule `no-recursive-force-delete`: Recursive force deletes are not "
      "allowed."}),
    ("ask", pre_tool_use("Bash", {"command": "git push origin main"}),
     {"permissionDecision": "ask",
      "permissionDecisionReason": "Push from /home/u/project: git push origin main? (approval required by rule "
      "`ask-before-push`)"}),
    ("allow", pre_tool_use("Read", {"file_path": "/home/u/project/README.md"}),
     {"permissionDecision": "allow",
      "permissionDecisionReason": "allowed by rule `reads-are-fine`: Markdown reads need no prompt."}),
    ("modify", pre_tool_use("Bash", {"command": "make test", "description": "run tests"}),
     {"permissionDecision": "ask", "permissionDecisionReason": "input rewritten by rule `pin-make-timeout`",
      "updatedInput": {"command": "make test", "description": "run tests", "timeout": 60000}}),
    ("inject", pre_tool_use("Write", {"file_path": "/home/u/project/app.py", "content": "print(1)"}),
     {"additionalContext": "Run the test suite after editing Python files."}),
]


@pytest.mark.parametrize(("name", "payload", "expected"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_pre_tool_use_decisions(cli: Any, name: str, payload: dict[str, Any], expected: dict[str, Any]) -> None:
    proc = cli("hook", "claude-code", "--policy", POLICY, stdin=json.dumps(payload))
    assert proc.returncode == 0, proc.stderr
    assert specific(proc.stdout) == {"hookEventName": "PreToolUse", **expected}
    assert proc.stderr == ""


def test_no_rule_prints_nothing_so_claudes_own_flow_applies(cli: Any) -> None:
    proc = cli("hook", "claude-code", "--policy", POLICY, stdin=json.dumps(pre_tool_use("Bash", {"command": "ls"})))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_user_prompt_submit_block_and_context(cli: Any) -> None:
    block = cli("hook", "claude-code", "--policy", POLICY, stdin=json.dumps(prompt_submit("password=hunter2")))
    assert block.returncode == 0
    assert json.loads(block.stdout) == {
        "decision": "block",
        "reason": "denied by rule `no-passwords-in-prompts`: Do not paste passwords into prompts.",
    }
    context = cli("hook", "claude-code", "--policy", POLICY, stdin=json.dumps(prompt_submit("please refactor x")))
    assert context.returncode == 0
    assert json.loads(context.stdout) == {
        "hookSpecificOutput": {"hookEventName": "UserPromptSubmit",
                               "additionalContext": "Follow the repository's style guide."}
    }


@pytest.mark.parametrize("stdin", ["{not json", ""])
def test_malformed_input_blocks_with_exit_2(cli: Any, stdin: str) -> None:
    proc = cli("hook", "claude-code", "--policy", POLICY, stdin=stdin)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("hookgate: malformed hook input: ")
    assert proc.stderr.count("\n") == 1


def test_policy_that_does_not_load_blocks_with_exit_2(cli: Any, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\npolicy: broken\nrules:\n  - id: x\n    deny: [oops\n")
    payload = json.dumps(pre_tool_use("Bash", {"command": "ls"}))
    for policy in (str(broken), str(tmp_path / "missing.yaml")):
        proc = cli("hook", "claude-code", "--policy", policy, stdin=payload)
        assert proc.returncode == 2, proc
        assert proc.stdout == ""
        assert proc.stderr.startswith("hookgate: policy does not load: ")
        assert proc.stderr.count("\n") == 1


def test_log_records_each_call(cli: Any, tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    payload = json.dumps(pre_tool_use("Bash", {"command": "rm -rf /"}))
    proc = cli("hook", "claude-code", "--policy", POLICY, "--log", str(log), stdin=payload)
    assert proc.returncode == 0
    (record,) = read_records([log])
    assert (record.effect, record.rules, record.host) == ("deny", ("no-recursive-force-delete",), "claude-code")
    assert (record.session_id, record.tool, record.event) == ("abc123", "Bash", "tool:pre")


# -- the mapping, in-process ----------------------------------------------------------------------


def run_hook(payload: Any, **options: Any) -> tuple[int, dict[str, Any] | None, str]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    reply = handle(text, [POLICY], **options)
    return reply.exit_code, json.loads(reply.stdout) if reply.stdout else None, reply.stderr


def test_modify_can_opt_into_allow() -> None:
    code, out, _ = run_hook(pre_tool_use("Bash", {"command": "make"}), on_modify="allow")
    assert code == 0 and out is not None
    assert out["hookSpecificOutput"]["permissionDecision"] == "allow"
    assert out["hookSpecificOutput"]["updatedInput"] == {"command": "make", "timeout": 60000}


def test_ask_carries_the_rewritten_input_when_a_modify_rule_also_matched() -> None:
    code, out, _ = run_hook(pre_tool_use("Bash", {"command": "make && git push"}))
    assert code == 0 and out is not None
    assert out["hookSpecificOutput"]["permissionDecision"] == "ask"
    assert out["hookSpecificOutput"]["updatedInput"] == {"command": "make && git push", "timeout": 60000}


def test_deny_wins_and_never_carries_updated_input() -> None:
    _, out, _ = run_hook(pre_tool_use("Bash", {"command": "make; rm -rf /"}))
    assert out is not None
    assert out["hookSpecificOutput"]["permissionDecision"] == "deny"
    assert "updatedInput" not in out["hookSpecificOutput"]


def test_prompt_ask_and_rewrite_cannot_be_expressed_so_they_block() -> None:
    _, ask, _ = run_hook(prompt_submit("deploy to prod"))
    assert ask is not None and ask["decision"] == "block"
    assert "`ask-on-deploy-prompt`" in ask["reason"] and "cannot be approved" in ask["reason"]
    _, rewrite, _ = run_hook(prompt_submit("use token:abc"))
    assert rewrite is not None and rewrite["decision"] == "block"
    assert "`redact-prompt-tokens`" in rewrite["reason"] and "rewrites the prompt" in rewrite["reason"]


def test_tool_names_are_verbatim_unless_snake_is_asked_for(tmp_path: Path) -> None:
    snake_policy = tmp_path / "snake.yaml"
    snake_policy.write_text("version: 1\npolicy: snake\nrules:\n  - id: no-fetch\n    tool: web_fetch\n"
                            "    deny: no web access\n")
    payload = json.dumps(pre_tool_use("WebFetch", {"url": "https://example.com", "prompt": "x"}))
    reply = handle(payload, [str(snake_policy)], tool_names="snake")
    assert specific(reply.stdout)["permissionDecision"] == "deny"
    blocked = handle(payload, [str(snake_policy)])  # `web_fetch` never arrives verbatim: not a silent no-op
    assert blocked.exit_code == 2 and not blocked.stdout
    assert "rule `no-fetch` selects `web_fetch`, which this hook sends as `WebFetch`" in blocked.stderr
    assert "--tool-names snake" in blocked.stderr


def test_a_rule_on_another_hosts_tool_name_blocks_the_hook(tmp_path: Path) -> None:
    """amplifier's `read_file` is neither `Read` nor `read`: a rule selecting only it would never fire."""
    policy = tmp_path / "amp.yaml"
    policy.write_text("version: 1\npolicy: amp\nrules:\n  - id: no-ssh-reads\n    tool: read_file\n"
                      "    when: {path: {glob: \"~/.ssh/**\"}}\n    deny: no keys\n")
    payload = json.dumps(pre_tool_use("Read", {"file_path": "~/.ssh/id_rsa"}))
    for names, sent in (("verbatim", "Read"), ("snake", "read")):
        reply = handle(payload, [str(policy)], tool_names=names)
        assert reply.exit_code == 2 and not reply.stdout, names
        assert f"rule `no-ssh-reads` selects `read_file`, which this hook sends as `{sent}`" in reply.stderr


def test_a_policy_with_both_spellings_fits_either_naming(tmp_path: Path) -> None:
    policy = tmp_path / "both.yaml"
    policy.write_text("version: 1\npolicy: both\nrules:\n  - id: no-fetch\n    tool: [web_fetch, WebFetch, mcp__x__y]\n"
                      "    deny: no web access\n")
    payload = json.dumps(pre_tool_use("WebFetch", {"url": "https://example.com", "prompt": "x"}))
    for names in ("verbatim", "snake"):
        reply = handle(payload, [str(policy)], tool_names=names)
        assert specific(reply.stdout)["permissionDecision"] == "deny", names
    verbatim_only = tmp_path / "verbatim.yaml"
    verbatim_only.write_text(policy.read_text().replace("[web_fetch, WebFetch, mcp__x__y]", "[WebFetch]"))
    assert "sends as `web_fetch`" in handle(payload, [str(verbatim_only)], tool_names="snake").stderr
    assert [snake_tool_name(n) for n in ("Bash", "WebFetch", "NotebookEdit", "mcp__github__get_issue")] == [
        "bash", "web_fetch", "notebook_edit", "mcp__github__get_issue"]


def test_a_rewrite_outside_tool_input_is_denied(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\npolicy: p\nrules:\n  - id: tag-session\n    tool: Bash\n"
                      "    modify: {set: {session_id: other}}\n")
    reply = handle(json.dumps(pre_tool_use("Bash", {"command": "ls"})), [str(policy)])
    out = specific(reply.stdout)
    assert out["permissionDecision"] == "deny"
    assert "`tag-session`" in out["permissionDecisionReason"] and "`session_id`" in out["permissionDecisionReason"]


def test_a_policy_rewriting_the_working_directory_blocks_at_load(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text("version: 1\npolicy: p\nrules:\n  - id: move-cwd\n    tool: Bash\n"
                      "    modify: {set: {cwd: /elsewhere}}\n")
    reply = handle(json.dumps(pre_tool_use("Bash", {"command": "ls"})), [str(policy)])
    assert reply.exit_code == 2 and not reply.stdout
    assert "p.yaml:6:20" in reply.stderr and "cannot change `cwd`" in reply.stderr


def test_event_data_given_to_policies() -> None:
    call = parse_call(json.dumps(pre_tool_use("Bash", {"command": "ls"})))
    assert (call.event, call.session_id) == ("tool:pre", "abc123")
    assert call.data == {"tool_name": "Bash", "tool_input": {"command": "ls"}, "cwd": "/home/u/project",
                         "session_id": "abc123"}
    prompt = parse_call(json.dumps(prompt_submit("hi")))
    assert (prompt.event, prompt.data["prompt"]) == ("prompt:submit", "hi")


@pytest.mark.parametrize(("payload", "message"), [
    ({"hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_input": {}}, "unsupported hook event `PostToolUse`"),
    ({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": "ls"}, "`tool_input` must be a json object"),
    ({"hook_event_name": "PreToolUse", "tool_name": 3, "tool_input": {}}, "`tool_name` is a number"),
    ({"hook_event_name": "UserPromptSubmit"}, "`prompt` is missing"),
    ({"hook_event_name": "PreToolUse"}, "`tool_name` is missing"),
    ([], "must be a json object, not an array"),
    ({"hook_event_name": "PreToolUse", "tool_name": "Bash", "tool_input": {}, "cwd": ["x"]}, "`cwd` is an array"),
])
def test_input_errors_say_what_is_wrong(payload: Any, message: str) -> None:
    with pytest.raises(HookInputError, match=message.replace("`", ".").replace("(", ".")):
        parse_call(json.dumps(payload))
    code, out, err = run_hook(payload)
    assert (code, out) == (2, None)
    assert message in err
