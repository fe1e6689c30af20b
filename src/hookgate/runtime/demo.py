"""``hookgate demo``: a scripted agent session through the bundled demo plan (no network, no LLM).

The whole path a real host takes: the plan is mounted (``mount_plan``), a
short coding-agent session is emitted through the registry, and each event
shows its outcome: a deny, a secret redacted before a model request, a
context injection, and an approval asked on the terminal (when stdin is
one; otherwise the rule's default applies and the demo says so). It ends
with the decision-log summary. The plan and its rules ship inside the
package (read with ``importlib.resources``), and the log goes to a fresh
temporary folder, so the demo works from any install and leaves nothing
behind in the working directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TextIO

from hookgate.approval import ApprovalRequest, ChannelAnswer
from hookgate.audit import read_records, render_summary, summarize
from hookgate.runtime.mount import mount_plan
from hookgate.runtime.report import Style, hooks_table
from hookgate.runtime.session import SessionEvent, Step, emit_step
from hookgate.runtime.tap import DecisionTap

__all__ = ["DEMO_PLAN", "SCRIPT", "DemoChannel", "Scene", "run_demo"]

DEMO_PLAN = ("examples", "demo-plan.yaml")
_SESSION = "demo-session"
_AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLE"  # AWS's documented example key, split so scanners do not flag this file


@dataclass(frozen=True, slots=True)
class Scene:
    """One thing the agent does: who acts, a one-line description, and the event it emits."""

    actor: str
    says: str
    event: str
    data: dict[str, Any]


def _bash(command: str) -> dict[str, Any]:
    return {"session_id": _SESSION, "tool_name": "bash", "tool_input": {"command": command}, "cwd": "/home/dev/app"}


SCRIPT: tuple[Scene, ...] = (
    Scene("user", '"Clean up the build and ship the fix."', "prompt:submit",
          {"session_id": _SESSION, "prompt": "Clean up the build and ship the fix."}),
    Scene("agent", "bash: ls -la", "tool:pre", _bash("ls -la")),
    Scene("agent", "bash: rm -rf build", "tool:pre", _bash("rm -rf build")),
    Scene("agent", "asks the model, pasting a config that holds an AWS key", "provider:request",
          {"session_id": _SESSION, "provider": "demo-llm", "messages": [
              {"role": "system", "content": "You are a careful coding agent."},
              {"role": "user", "content": f"Why does deploy fail? config: aws_access_key_id={_AWS_KEY}"}]}),
    Scene("agent", "write_file: src/app.py", "tool:pre",
          {"session_id": _SESSION, "tool_name": "write_file",
           "tool_input": {"file_path": "src/app.py", "content": "print('fixed')\n"}, "cwd": "/home/dev/app"}),
    Scene("agent", "bash: git push origin main", "tool:pre", _bash("git push origin main")),
    Scene("tool", "bash finished: 42 tests passed", "tool:post",
          {"session_id": _SESSION, "tool_name": "bash", "tool_result": {"output": "42 passed"}}),
)  # fmt: skip


class DemoChannel:
    """The terminal when stdin is one; otherwise each request's own default (the demo says so)."""

    name = "demo"

    def __init__(self, *, interactive: bool) -> None:
        self.interactive = interactive

    async def ask(self, request: ApprovalRequest, *, deadline: float) -> ChannelAnswer:
        if self.interactive:
            from hookgate.approval.channels.terminal import TerminalChannel

            return await TerminalChannel(interactive=True).ask(request, deadline=deadline)
        note = f"stdin is not a terminal, so the rule's default `{request.default}` applied"
        return ChannelAnswer(
            decision=request.default, approver="demo:no-terminal", message=None if request.default == "allow" else note
        )


async def run_demo(out: TextIO, *, interactive: bool | None = None, log_dir: Path | None = None) -> int:
    """Run the scripted session, printing to ``out``; returns the exit code (0)."""
    style = Style.for_stream(out)
    channel = DemoChannel(interactive=_stdin_is_tty() if interactive is None else interactive)
    folder = log_dir or Path(tempfile.mkdtemp(prefix="hookgate-demo-"))
    log_path = folder / "decisions.jsonl"
    tap = DecisionTap()
    with _bundled(folder) as bundled:
        plan = bundled.joinpath(*DEMO_PLAN)
        env = {**os.environ, "HOOKGATE_DEMO_DIR": str(folder)}
        mounted = await mount_plan(plan, env=env, channel=channel, tap=tap)
    _header(out, style, plan, mounted.hooks, log_path)
    try:
        for number, scene in enumerate(SCRIPT, start=1):
            _scene(out, style, number, scene)
            step = await emit_step(mounted.coordinator, SessionEvent(scene.event, scene.data), tap=tap)
            _outcome(out, style, step, channel)
    finally:
        await mounted.cleanup()
    _summary(out, style, log_path)
    return 0


# -- output ---------------------------------------------------------------------------------------------

_LABELS = {"deny": "deny", "modify": "modify", "inject_context": "inject", "continue": "continue",
           "ask_user": "ask"}  # fmt: skip


def _header(out: TextIO, style: Style, plan: Path, hooks: Any, log_path: Path) -> None:
    print(
        style("hookgate demo", "bold") + " - a scripted agent session through a real mount plan (no network, no LLM)\n",
        file=out,
    )
    print(f"  plan   {plan}", file=out)
    rows = hooks_table(hooks, style, indent="")
    print("  hooks  " + "\n         ".join(rows), file=out)
    print(f"  log    {log_path}\n", file=out)


def _scene(out: TextIO, style: Style, number: int, scene: Scene) -> None:
    width = max(len(s.says) for s in SCRIPT)
    print(f"  {number}. {scene.actor:<6} {scene.says:<{width}}  {style(scene.event, 'dim')}", file=out, flush=True)


def _outcome(out: TextIO, style: Style, step: Step, channel: DemoChannel) -> None:
    label = _LABELS[step.outcome].ljust(9)
    for i, text in enumerate(_detail(step, channel)):
        print(f"     {style(label, step.outcome) if i == 0 else ' ' * 9}{text}".rstrip(), file=out, flush=True)


def _detail(step: Step, channel: DemoChannel) -> list[str]:
    rules = ", ".join(step.rules)
    if step.outcome == "deny":
        return [f"{rules}: {_reason(step)}"]
    if step.outcome == "modify":
        return [f"{rules}: {path} -> {_short(_at(step.result.data, path))}" for path in step.changed]
    if step.outcome == "inject_context":
        return [f'{rules}: "{_short(step.final.context_injection or "")}"']
    if step.outcome == "ask_user":
        return [f'{rules}: "{_prompt(step)}"', _verdict(step, channel)]
    return [""]


def _prompt(step: Step) -> str:
    asks = [t.decision.approval for t in step.decisions if t.decision.approval is not None]
    return asks[0].prompt if asks else step.result.approval_prompt or ""


def _verdict(step: Step, channel: DemoChannel) -> str:
    if step.granted:
        return "granted - you allowed it"
    if not channel.interactive:
        return "denied - stdin is not a terminal, so the rule's default (deny) applied"
    return "denied - " + (step.reason or "you denied it")


def _reason(step: Step) -> str:
    reason = step.reason or ""
    prefix = f"denied by rule `{step.rules[0]}`: " if step.rules else ""
    return reason[len(prefix) :] if prefix and reason.startswith(prefix) else reason


def _summary(out: TextIO, style: Style, log_path: Path) -> None:
    records = list(read_records([log_path])) if log_path.exists() else []
    print("\n" + style("decision log summary", "bold"), file=out)
    print(render_summary(summarize(records, files=[str(log_path)])), file=out, end="")
    print(f"\nthe full log: {log_path}\nsummarise it again: hookgate log summary {log_path}", file=out)


def _at(data: Any, path: str) -> Any:
    """The value at a dotted path with ``[i]`` indexes (``messages[1].content``)."""
    for part in path.replace("[", ".[").split("."):
        if not part:
            continue
        data = data[int(part[1:-1])] if part.startswith("[") else data.get(part) if isinstance(data, dict) else None
    return data


def _short(value: Any, limit: int = 64) -> str:
    """At most ``limit`` characters; a long text keeps its end (where a redaction usually is), cut at a word."""
    text = " ".join(str(value).split())
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    return "…" + (tail.split(" ", 1)[1] if " " in tail else tail)


# -- the bundled plan -----------------------------------------------------------------------------------


@contextmanager
def _bundled(scratch: Path) -> Iterator[Path]:
    """The package's ``bundled/`` folder as a real path (copied out when the package is zipped)."""
    root = resources.files("hookgate").joinpath("bundled")
    if isinstance(root, Path):
        yield root
        return
    target = scratch / "bundled"
    _copy_tree(root, target)
    yield target


def _copy_tree(node: Traversable, target: Path) -> None:
    if node.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for child in node.iterdir():
            _copy_tree(child, target / child.name)
    else:
        target.write_bytes(node.read_bytes())


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False
