"""Render a :class:`~hookgate.audit.summary.Summary` as aligned plain-text tables.

Plain text with no dependency: the output goes to terminals, CI logs and
bug reports alike, and must read the same in each.
"""

from __future__ import annotations

from collections.abc import Sequence

from hookgate.audit.record import APPROVAL_SCOPES
from hookgate.audit.summary import Percentiles, Summary

__all__ = ["render_summary", "render_table"]


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, align: str) -> str:
    """Columns padded to their widest cell; ``align`` has one ``l`` or ``r`` per column."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)]

    def line(cells: Sequence[str]) -> str:
        padded = (c.rjust(w) if a == "r" else c.ljust(w) for c, w, a in zip(cells, widths, align, strict=True))
        return "  " + "  ".join(padded).rstrip()

    return "\n".join([line(headers), *(line(row) for row in rows)])


def render_summary(summary: Summary) -> str:
    """The whole report: header, then one titled table per section that has data."""
    sections = [_header(summary), _effects(summary)]
    sections += [_rules(summary), _approvals(summary), _latency(summary), _shadow(summary)]
    return "\n\n".join(s for s in sections if s) + "\n"


def _n(value: int) -> str:
    return f"{value:,}"


def _count(value: int, noun: str) -> str:
    return f"{value:,} {noun}{'' if value == 1 else 's'}"


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _header(s: Summary) -> str:
    lines = [f"decision log: {_count(len(s.files), 'file')}, {_count(s.decisions, 'decision')}, "
             f"{_count(s.sessions, 'session')}"]
    if s.first is not None:
        lines.append(f"from {s.first} to {s.last}")
    if s.malformed:
        lines.append(f"malformed lines skipped: {_n(s.malformed)}")
    if s.with_unknowns:
        lines.append(f"decisions with unknowns: {_n(s.with_unknowns)}")
    return "\n".join(lines)


def _effects(s: Summary) -> str:
    total = s.decisions or 1
    rows = [[e, _n(n), f"{100 * n / total:.1f}%"] for e, n in s.effects.items() if n]
    if not rows:
        return ""
    return "decisions by effect\n" + render_table(["effect", "count", "%"], rows, align="lrr")


def _rules(s: Summary) -> str:
    if not s.top_rules:
        return ""
    rows = [[r.rule, _n(r.hits), ", ".join(f"{e} {_n(n)}" for e, n in r.effects.items())] for r in s.top_rules]
    title = f"top rules ({len(s.top_rules)} of {s.distinct_rules})"
    return title + "\n" + render_table(["rule", "hits", "decision effects"], rows, align="lrl")


def _approvals(s: Summary) -> str:
    a = s.approvals
    if not a.total:
        return ""
    scopes = (*APPROVAL_SCOPES, "none")
    rows = [
        [o, _n(n), *(_n(a.scopes[o][sc]) if a.scopes[o][sc] else "" for sc in scopes)] for o, n in a.outcomes.items()
    ]
    table = render_table(["outcome", "count", *scopes], rows, align="lrrrrr")
    wait = a.wait_ms
    waited = f"\n  wait ms: p50 {_us(wait.p50)}, p90 {_us(wait.p90)}, max {_us(wait.max)}" if wait.count else ""
    return f"approval outcomes ({_n(a.total)}, {_n(a.allowed)} allowed)\n{table}{waited}"


def _latency(s: Summary) -> str:
    p: Percentiles = s.latency_us
    if not p.count:
        return ""
    row = [_us(p.p50), _us(p.p90), _us(p.p99), _us(p.max)]
    return "decision latency (µs)\n" + render_table(["p50", "p90", "p99", "max"], [row], align="rrrr")


def _shadow(s: Summary) -> str:
    if not s.shadow_hits:
        return ""
    rows = [[h.rule, h.effect, _n(h.hits)] for h in s.top_shadow]
    return f"shadow hits ({_n(s.shadow_hits)})\n" + render_table(["rule", "would", "hits"], rows, align="llr")
