"""Aggregation and the text report."""

from __future__ import annotations

from hookgate.audit import ApprovalRecord, ShadowHit, render_summary, summarize
from hookgate.audit.render import render_table
from hookgate.audit.summary import percentiles


def _approval(outcome: str, scope: str | None = None, *, allowed: bool = False, wait: float = 10.0) -> ApprovalRecord:
    return ApprovalRecord(request_id="q", outcome=outcome, scope=scope, allowed=allowed, wait_ms=wait)  # type: ignore[arg-type]


def _records(make_record):
    return [
        make_record(effect="deny", rules=("no-rm",), latency_us=30.0, time="2024-01-15T10:00:00.000Z", session_id="a"),
        make_record(effect="deny", rules=("no-rm", "no-rm"), latency_us=10.0, time="2024-01-15T09:00:00.000Z"),
        make_record(
            effect="ask_user", rules=("ask-push", "no-rm"), latency_us=20.0, session_id="b",
            approval=_approval("granted", "session", allowed=True, wait=2000.0), unknowns=("$(x)",),
        ),
        make_record(effect="ask_user", rules=("ask-push",), latency_us=40.0, approval=_approval("timeout", wait=12e4)),
        make_record(effect="allow", latency_us=1e3, shadow=(ShadowHit(rule="audit-curl", effect="deny"),),
                    session_id="a"),
    ]


def test_percentiles_are_nearest_rank() -> None:
    p = percentiles([float(v) for v in range(100, 0, -1)])
    assert (p.count, p.p50, p.p90, p.p99, p.max) == (100, 50.0, 90.0, 99.0, 100.0)
    assert percentiles([7.0]).p99 == 7.0
    assert percentiles([]).p50 is None


def test_summary_counts(make_record) -> None:
    s = summarize(_records(make_record), files=["d.jsonl"], malformed=2, top=2)
    assert (s.decisions, s.malformed, s.sessions, s.with_unknowns) == (5, 2, 2, 1)
    assert (s.first, s.last) == ("2024-01-15T09:00:00.000Z", s.last)
    assert s.effects == {"deny": 2, "ask_user": 2, "modify": 0, "inject_context": 0, "allow": 1, "continue": 0}
    assert [(r.rule, r.hits, r.effects) for r in s.top_rules] == [
        ("no-rm", 3, {"deny": 2, "ask_user": 1}),  # a rule repeated in one decision counts once
        ("ask-push", 2, {"ask_user": 2}),
    ]
    assert s.approvals.total == 2 and s.approvals.allowed == 1
    assert s.approvals.outcomes["granted"] == 1 and s.approvals.outcomes["timeout"] == 1
    assert s.approvals.scopes["granted"]["session"] == 1 and s.approvals.scopes["timeout"]["none"] == 1
    assert (s.latency_us.p50, s.latency_us.max) == (30.0, 1000.0)
    assert s.shadow_hits == 1 and s.top_shadow[0].effect == "deny"


def test_text_report(make_record) -> None:
    text = render_summary(summarize(_records(make_record), files=["d.jsonl"]))
    assert text.startswith("decision log: 1 file, 5 decisions, 2 sessions\nfrom 2024-01-15T09:00:00.000Z to ")
    expected_sections = [
        "decisions by effect\n"
        "  effect    count      %\n"
        "  deny          2  40.0%\n"
        "  ask_user      2  40.0%\n"
        "  allow         1  20.0%",
        "top rules (2 of 2)\n"
        "  rule      hits  decision effects\n"
        "  no-rm        3  deny 2, ask_user 1\n"
        "  ask-push     2  ask_user 2",
        "approval outcomes (2, 1 allowed)\n"
        "  outcome    count  once  session  persistent  none\n"
        "  granted        1              1\n"
        "  denied         0\n"
        "  timeout        1                                1\n"
        "  cancelled      0\n"
        "  error          0\n"
        "  wait ms: p50 2,000.0, p90 120,000.0, max 120,000.0",
        "decision latency (µs)\n"
        "   p50      p90      p99      max\n"
        "  30.0  1,000.0  1,000.0  1,000.0",
        "shadow hits (1)\n"
        "  rule        would  hits\n"
        "  audit-curl  deny      1",
    ]
    for section in expected_sections:
        assert section in text


def test_empty_log_report_is_just_the_header() -> None:
    assert render_summary(summarize([], files=["a", "b"])) == "decision log: 2 files, 0 decisions, 0 sessions\n"


def test_render_table_aligns_columns() -> None:
    table = render_table(["name", "n"], [["a", "1"], ["longer", "100"]], align="lr")
    assert table == "  name      n\n  a         1\n  longer  100"
