"""The decision conformance corpus: ``tests/cases/decisions/*.yaml``.

Each case file holds a policy (``policy:`` one mapping, or ``policies:`` a
list of them, written to real files), and ``events``: each an event name,
its data and the expected decision. Only the keys an expectation names are
compared: ``effect``, ``rules``, ``reason`` (exact) or ``reason_contains``,
``data``, ``prompt``, ``injections`` (texts), ``shadow`` (rule ids),
``unknowns`` (count).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hookgate.load import load_yaml_file
from hookgate.policy.api import compile_files
from hookgate.policy.decision import Decision

CASES = Path(__file__).resolve().parents[1] / "cases" / "decisions"


def _load(case: Path) -> Any:
    """Read with hookgate's loader (YAML 1.2 scalars: `on:` stays a key, `no` a string)."""
    return load_yaml_file(case).data


def _events() -> list[Any]:
    out = []
    for case in sorted(CASES.glob("*.yaml")):
        doc = _load(case)
        for i, ev in enumerate(doc["events"]):
            out.append(pytest.param(case, i, id=f"{case.stem}[{i}]-{ev.get('name', '')}"))
    return out


def _plan(case: Path, tmp_path: Path) -> Any:
    doc = _load(case)
    policies = doc.get("policies") or [doc["policy"]]
    paths = []
    for i, policy in enumerate(policies):
        path = tmp_path / f"{case.stem}_{i}.yaml"
        path.write_text(yaml.safe_dump(policy, sort_keys=False))
        paths.append(path)
    return compile_files(paths), doc["events"]


def _actual(decision: Decision, key: str) -> Any:
    if key == "rules":
        return list(decision.rules)
    if key == "prompt":
        return decision.approval.prompt if decision.approval else None
    if key == "injections":
        return [i.text for i in decision.injections]
    if key == "shadow":
        return [s.rule_id for s in decision.shadow]
    if key == "unknowns":
        return len(decision.unknowns)
    return getattr(decision, key)


@pytest.mark.parametrize(("case", "index"), _events())
def test_decision_case(case: Path, index: int, tmp_path: Path) -> None:
    plan, events = _plan(case, tmp_path)
    ev = events[index]
    decision = plan.evaluate(ev["event"], ev["data"])
    for key, want in ev["expect"].items():
        if key == "reason_contains":
            assert decision.reason is not None and want in decision.reason, decision.reason
            continue
        assert _actual(decision, key) == want, f"{key}: {decision.to_dict()}"
    traced = plan.evaluate(ev["event"], ev["data"], trace=True)  # the index never changes an answer
    assert (traced.effect, traced.rules) == (decision.effect, decision.rules)


def test_corpus_is_not_empty() -> None:
    assert len(_events()) >= 30
