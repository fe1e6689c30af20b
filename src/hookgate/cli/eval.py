"""``hookgate eval --policy P… --event FILE|-``: one decision, for debugging a policy.

The event file holds ``event`` (default ``tool:pre``) and ``data``, or the
``tool``/``input`` shorthands (the same shape as a policy test case).
``-`` reads the event, or one of the policies, from standard input (only
one of them: stdin is read once); a policy read so has ``<stdin>`` in its
diagnostics and its includes are relative to the current directory.
Exit 0 for any decision, 1 for a broken policy or event file, 2 for usage.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookgate.cli.common import EXIT_CLEAN, STDIN, UsageError, check_stdin_once, no_traceback, read_stdin
from hookgate.diagnostics import Diagnostic, DiagnosticError, display_path
from hookgate.load.validate import validate_document
from hookgate.load.yaml import LoadedDocument, load_yaml_file
from hookgate.mountplan.policy_check import compile_plan
from hookgate.policy.match.base import EvalEnv
from hookgate.policy.selectors import EventNameError, resolve_selector

if TYPE_CHECKING:
    from hookgate.policy.testing.model import EventSpec

__all__ = ["HELP", "configure", "render_decision", "run", "trace_line"]

HELP = "evaluate one event against policies and print the decision (--explain: the trace)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", action="extend", nargs="+", required=True, metavar="P",
                        help="policy files (- reads one from standard input)")
    parser.add_argument("--event", required=True, metavar="FILE",
                        help="event file (YAML/JSON: `event` and `data`, or `tool` and `input`), or - for stdin")
    parser.add_argument("--explain", action="store_true", help="print every rule considered and why")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


@no_traceback
def run(args: argparse.Namespace) -> int:
    check_stdin_once([*args.policy, args.event])
    files = [p for p in args.policy if p != STDIN]
    for p in files:
        if not Path(p).is_file():
            raise UsageError(f"no such policy file `{display_path(p)}`")
    spec = _read_event(args.event)
    try:
        event = resolve_selector(spec.event)[0]
    except EventNameError as exc:
        raise UsageError(str(exc)) from None
    inline = []
    if STDIN in args.policy:
        doc = read_stdin()
        if not isinstance(doc.data, dict):  # as for a file: a bare list of rules is no policy file
            raise DiagnosticError([Diagnostic("schema.not_a_mapping", "a policy file must be a mapping with "
                                              "`version`, `policy` and `rules`", doc.positions.value(()))])
        inline.append((doc.data, doc.positions))
    plan, diagnostics = compile_plan(files, inline=inline)
    if plan is None:
        raise DiagnosticError(diagnostics)
    env = EvalEnv(**spec.env.model_dump()) if spec.env else None
    decision = plan.evaluate(event, spec.event_data(), trace=args.explain, env=env).to_dict()
    if not args.explain:
        decision.pop("trace", None)
    print(json.dumps(decision, indent=2, default=str) if args.format == "json" else render_decision(decision))
    return EXIT_CLEAN


def _read_event(source: str) -> EventSpec:
    from hookgate.policy.testing.model import EventSpec

    doc: LoadedDocument
    if source == STDIN:
        doc = read_stdin()
    elif Path(source).is_file():
        doc = load_yaml_file(source)
    else:
        raise UsageError(f"no such event file `{display_path(source)}`")
    _check_not_bare_data(doc)
    return validate_document(EventSpec, doc)


#: keys of an event's data (the canonical ones and the hook payloads hosts send), not of an event file
_DATA_KEYS = ("tool_name", "tool_input", "hook_event_name", "tool_use_id", "messages", "tool_calls")


def _check_not_bare_data(doc: LoadedDocument) -> None:
    """An event's data pasted as it is (a hook payload, an event as logged) is the common mistake:
    say where it goes, rather than suggest the shorthand for each key."""
    data = doc.data
    if not isinstance(data, dict) or "data" in data:
        return
    found = [k for k in data if k in _DATA_KEYS]
    if found:
        raise DiagnosticError([Diagnostic(
            "schema.event_data_at_top", f"`{found[0]}` is event data, not a key of an event file",
            doc.positions.key((found[0],)),
            help="put the event's data under `data:` (and name the event with `event:`, default tool:pre), "
                 "or use the shorthands `tool:` and `input:`")])


def render_decision(decision: dict[str, Any]) -> str:
    """The decision as short ``key: value`` lines, then the trace if present."""
    lines = [f"effect: {decision.get('effect')}", f"rules: {', '.join(decision.get('rules') or []) or '-'}"]
    if decision.get("reason"):
        lines.append(f"reason: {decision['reason']}")
    approval = decision.get("approval")
    if isinstance(approval, dict) and approval.get("prompt"):
        lines.append(f"prompt: {approval['prompt']}")
    if decision.get("data") is not None:
        lines.append(f"data: {json.dumps(decision['data'], sort_keys=True, default=str)}")
    for key in ("injections", "shadow", "unknowns"):
        if decision.get(key):
            lines.append(f"{key}: {json.dumps(decision[key], default=str)}")
    trace = decision.get("trace")
    if trace:
        lines.append("trace:")
        lines += [f"  {trace_line(entry)}" for entry in trace]
    return "\n".join(lines)


def trace_line(entry: Any) -> str:
    """One trace entry: ``[match] rule: why`` or ``[no   ] rule: why``."""
    if not isinstance(entry, dict):
        return str(entry)
    rule = entry.get("rule_id") or entry.get("id") or entry.get("rule") or "?"
    mark = "match" if entry.get("matched") else "no   "
    why = entry.get("why") or entry.get("detail") or entry.get("reason") or ""
    return f"[{mark}] {rule}: {why}".rstrip(": ")
