#!/usr/bin/env python3
"""hookgate's row in the performance anchors (/work/shared/bench).

Translates the anchor workload's ``rules_N.json`` into real hookgate policy
YAML files (in a temporary folder), loads them with ``compile_files`` and
times ``Plan.evaluate`` with the anchors' own harness (``harness.measure``:
per-decision ``perf_counter_ns``, warm-up, passes, pooled median/p99),
beside the naive ``ReferenceEngine`` in the same run. Prints one JSON line.

    python3 /work/shared/bench/workload.py --out /tmp/hgbench_data     # once, ~45 s
    python benchmarks/bench_policy.py --data /tmp/hgbench_data --n 1000 --budget 20

Decisions must agree with the reference except where hookgate is stricter
by design; every such event is listed in ``differences`` with the reason.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(os.environ.get("HOOKGATE_ANCHORS", "/work/shared/bench"))
sys.path.insert(0, str(BENCH))

from harness import measure  # type: ignore[import-not-found]  # noqa: E402
from reference_eval import ReferenceEngine, expand_home, split_segments  # type: ignore[import-not-found]  # noqa: E402

from hookgate.policy.api import compile_files  # noqa: E402
from hookgate.policy.loader import load_policies  # noqa: E402

RULES_PER_FILE = 500
EFFECT = {"deny": "deny", "ask_user": "ask_user"}  # everything else proceeds: "continue"


# -- translation ---------------------------------------------------------------------


def _effect(rule: dict[str, Any]) -> dict[str, Any]:
    msg = rule["message"]
    if rule["effect"] == "deny":
        return {"deny": msg}
    if rule["effect"] == "ask_user":
        return {"ask": {"prompt": f"{msg}: allow `{{tool_name}}`?", "reason": msg}}
    return {"allow": msg}


def _when(rule: dict[str, Any], home: str) -> dict[str, Any] | None:
    kind = rule["kind"]
    if kind == "argv_prefix":
        return {f"tool_input.{rule.get('field') or 'command'}": {"command": {"prefix": rule["prefix"]}}}
    if kind == "path_glob":
        return {f"tool_input.{rule['field']}": {"path": {"glob": expand_home(rule["glob"], home)}}}
    if kind == "regex":
        field = "tool_input.*" if rule["field"] == "*" else f"tool_input.{rule['field']}"
        return {field: {"regex": rule["pattern"]}}
    return None


def translate(rule: dict[str, Any], home: str) -> dict[str, Any]:
    """One workload rule as a hookgate rule mapping."""
    out: dict[str, Any] = {"id": rule["id"], "on": rule.get("event", "tool:pre")}
    if rule["tools"] != ["*"]:
        out["tool"] = rule["tools"]
    when = _when(rule, home)
    if when is not None:
        out["when"] = when
    if rule["kind"] == "allowlist":  # deny the scope except the listed tools: an exception on the rule itself
        out["unless"] = {"tool_name": {"in": rule["allow"]}}
    out.update(_effect(rule))
    return out


def write_policies(ruleset: dict[str, Any], folder: Path) -> list[Path]:
    home = ruleset.get("home", "/home/agent")
    rules = [translate(r, home) for r in ruleset["rules"]]
    paths = []
    for i in range(0, len(rules), RULES_PER_FILE):
        doc = {"version": 1, "policy": f"anchor-{i // RULES_PER_FILE:03d}", "rules": rules[i:i + RULES_PER_FILE]}
        path = folder / f"anchor_{i // RULES_PER_FILE:03d}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False, width=200))
        paths.append(path)
    return paths


# -- differences ----------------------------------------------------------------------------


def _why(event: dict[str, Any], got: str, want: str) -> str:
    cmd = event["data"]["tool_input"].get("command")
    if isinstance(cmd, str):
        segs = split_segments(cmd)
        return (f"hookgate parses the command with a shell grammar (wrappers, substitutions, `bash -c` bodies) and "
                f"fails closed on what it cannot prove; the reference only splits {len(segs)} shlex segment(s) "
                f"(hookgate `{got}`, reference `{want}`)")
    return f"hookgate `{got}`, reference `{want}`"


def differences(plan: Any, events: list[dict[str, Any]], ours: list[str], ref: list[str]) -> list[dict[str, Any]]:
    out = []
    for ev, got, want in zip(events, ours, ref, strict=False):
        if got == want:
            continue
        d = plan.evaluate(ev["event"], ev["data"])
        out.append({"id": ev["id"], "hookgate": got, "reference": want, "rules": list(d.rules),
                    "stricter": _rank(got) > _rank(want), "input": str(ev["data"]["tool_input"])[:160],
                    "unknowns": list(d.unknowns)[:2], "why": _why(ev, got, want)})
    return out


def _rank(effect: str) -> int:
    return {"deny": 2, "ask_user": 1}.get(effect, 0)


# -- main --------------------------------------------------------------------------------------


def load_events(data: Path, n: int) -> tuple[list[dict[str, Any]], list[str]]:
    """The events (``id``, ``event``, ``data``) and, beside them, the reference decision at ``n`` rules.

    peak_rss_mb should measure hookgate, not the harness's copies of the
    workload. So the runner drops the workload's rules once translated (the
    reference re-reads them after the RSS sample), reads the events only once
    the plan is compiled (a host does not hold 10,000 events while it
    compiles its policies), one at a time rather than as one 3 MB string, and
    keeps of each event's ``expected_decision`` (the answers for every
    rule-set size) only the one for ``n``, interned, in a list.
    """
    key = str(n)
    events: list[dict[str, Any]] = []
    expected: list[str] = []
    for ev in _stream_events(data / "events.json"):
        expected.append(sys.intern(ev.pop("expected_decision")[key]))
        events.append(ev)
    return events, expected


def _stream_events(path: Path, chunk: int = 1 << 16) -> Iterator[dict[str, Any]]:
    """Each item of the file's ``events`` list, decoded from a buffer of about ``chunk`` characters.

    Keys are shared across events, as ``json.load`` of the whole file shares them.
    """
    keys: dict[str, str] = {}
    decoder = json.JSONDecoder(object_pairs_hook=lambda pairs: {keys.setdefault(k, k): v for k, v in pairs})
    with path.open(encoding="utf-8") as f:
        buf = f.read(chunk)
        while (start := buf.find('"events"')) < 0 or buf.find("[", start) < 0:
            more = f.read(chunk)
            if not more:
                raise ValueError(f"{path}: no `events` list")
            buf += more
        pos = buf.index("[", start) + 1
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n,":
                pos += 1
            if pos < len(buf) and buf[pos] == "]":
                return
            try:
                item, pos = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError:  # the buffer ends inside an event: read on
                more = f.read(chunk)
                if not more:
                    raise
                buf, pos = buf[pos:] + more, 0
                continue
            yield item


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder made by workload.py --out DIR")
    ap.add_argument("--n", type=int, required=True, help="rule-set size (10, 100, 1000, 10000)")
    ap.add_argument("--budget", type=float, default=20.0, help="seconds of measured loop (hookgate)")
    ap.add_argument("--ref-budget", type=float, default=None, help="seconds for the reference (default: --budget)")
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=500)
    a = ap.parse_args()
    data = Path(a.data)
    rules_file = data / f"rules_{a.n}.json"

    with tempfile.TemporaryDirectory(prefix="hookgate-bench-") as tmp:
        paths = write_policies(json.loads(rules_file.read_text()), Path(tmp))  # the workload's rules: not kept
        t0 = time.perf_counter_ns()
        policy_set = load_policies(paths)
        t1 = time.perf_counter_ns()
        from hookgate.policy.api import compile_policies

        plan = compile_policies(policy_set)
        t2 = time.perf_counter_ns()
        assert compile_files  # the public one-call form does the same two steps
        del policy_set  # a host keeps the plan, not the loaded files
    events, expected = load_events(data, a.n)
    evaluate = plan.evaluate

    def decide(ev: dict[str, Any]) -> str:
        return EFFECT.get(evaluate(ev["event"], ev["data"]).effect, "continue")

    stats, ours = measure(decide, events, a.budget, a.passes, a.warmup)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ours = [decide(ev) for ev in events]  # every event, even if the timed loop was truncated

    ruleset = json.loads(rules_file.read_text())  # read again: the reference runs after the RSS sample
    ref = ReferenceEngine(ruleset)
    ref_stats, _ = measure(ref.evaluate, events, a.ref_budget or a.budget, a.passes, a.warmup)
    diffs = differences(plan, events, ours, expected)
    print(json.dumps({
        "engine": "hookgate", "n": a.n, "rules": len(ruleset["rules"]), "policy_files": len(paths),
        "median_us": stats["lat_median_us"], "p99_us": stats["lat_p99_us"],
        "decisions_per_s": stats["throughput_dps"], "load_ms": round((t1 - t0) / 1e6, 1),
        "compile_ms": round((t2 - t1) / 1e6, 1), "peak_rss_mb": round(peak_rss_mb, 1),
        "by_class": stats["by_class"], "events_timed": stats["events_timed"], "truncated": stats["truncated"],
        "reference_median_us": ref_stats["lat_median_us"], "reference_p99_us": ref_stats["lat_p99_us"],
        "reference_truncated": ref_stats["truncated"],
        "agree": sum(1 for o, e in zip(ours, expected, strict=True) if o == e), "events": len(events),
        "differences": diffs,
    }))


if __name__ == "__main__":
    main()
