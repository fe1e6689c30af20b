"""``hookgate eval --policy P… --event FILE|-``: one decision, for debugging a policy.

The event file holds ``event`` (default ``tool:pre``) and ``data``, or the
``tool``/``input`` shorthands (the same shape as a policy test case).
Exit 0 for any decision, 1 for a broken policy or event file, 2 for usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hookgate.cli.common import EXIT_CLEAN, UsageError, no_traceback
from hookgate.diagnostics import DiagnosticError, display_path
from hookgate.load.validate import validate_document
from hookgate.load.yaml import LoadedDocument, load_yaml_file, load_yaml_text
from hookgate.mountplan.policy_check import compile_plan
from hookgate.policy.match.base import EvalEnv
from hookgate.policy.selectors import EventNameError, resolve_selector

if TYPE_CHECKING:
    from hookgate.policy.testing.model import EventSpec

__all__ = ["HELP", "configure", "run"]

HELP = "evaluate one event against policies and print the decision (--explain: the trace)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", action="extend", nargs="+", required=True, metavar="P", help="policy files")
    parser.add_argument("--event", required=True, metavar="FILE", help="event file (YAML/JSON), or - for stdin")
    parser.add_argument("--explain", action="store_true", help="print every rule considered and why")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")


@no_traceback
def run(args: argparse.Namespace) -> int:
    for p in args.policy:
        if not Path(p).is_file():
            raise UsageError(f"no such policy file `{display_path(p)}`")
    spec = _read_event(args.event)
    try:
        event = resolve_selector(spec.event)[0]
    except EventNameError as exc:
        raise UsageError(str(exc)) from None
    plan, diagnostics = compile_plan(args.policy)
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
    if source == "-":
        doc = load_yaml_text(sys.stdin.read(), "<stdin>")
    elif Path(source).is_file():
        doc = load_yaml_file(source)
    else:
        raise UsageError(f"no such event file `{display_path(source)}`")
    return validate_document(EventSpec, doc)


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
        lines += [f"  {_trace_line(entry)}" for entry in trace]
    return "\n".join(lines)


def _trace_line(entry: Any) -> str:
    if not isinstance(entry, dict):
        return str(entry)
    rule = entry.get("rule_id") or entry.get("id") or entry.get("rule") or "?"
    mark = "match" if entry.get("matched") else "no   "
    why = entry.get("why") or entry.get("detail") or entry.get("reason") or ""
    return f"[{mark}] {rule}: {why}".rstrip(": ")
