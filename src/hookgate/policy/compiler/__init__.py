"""The staged policy compiler: PolicySet -> indexed rules, one named stage at a time.

``run_stages(policy_set)`` runs every stage; ``run_stages(policy_set,
until="compile_conditions")`` stops early, which is what ``validate`` and
the per-stage tests use.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

from hookgate.diagnostics import Diagnostic, did_you_mean
from hookgate.policy.compiler.index import Bucket, EventTable
from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.compiler.stages import STAGES, CompileState, Stage

__all__ = [
    "STAGES",
    "Bucket",
    "CompileState",
    "CompiledRule",
    "EventTable",
    "Stage",
    "collector_paused",
    "run_stages",
    "validate",
]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic GC while compiling, and no scan of what it built when it resumes.

    Compiling allocates a few hundred thousand long-lived objects; collecting
    mid-way only costs time, and so would the first young-generation pass
    after ``gc.enable()`` (it scans every one of them: ~100 ms at 10,000
    rules). ``freeze()`` then ``unfreeze()`` moves all tracked objects into
    the oldest generation unscanned, where a later full collection still
    reclaims any garbage. Skipped when the host froze objects itself
    (``unfreeze`` would release them).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def run_stages(policy_set: Any, *, until: str | None = None) -> CompileState:
    """Run the stages in order (through ``until`` when given); never raises for user errors.

    A stage after one that produced errors still runs when it can (so one
    run reports condition and effect errors together), but indexes are only
    built from a rule set without errors.
    """
    if until is not None and until not in STAGES:
        hint = did_you_mean(until, STAGES)
        raise ValueError(f"unknown compiler stage `{until}`" + (f"; did you mean `{hint}`?" if hint else ""))
    state = CompileState(policy_set)
    with collector_paused():
        for name, stage in STAGES.items():
            if name in ("build_indexes", "lint") and state.errors:
                break
            stage(state)
            if name == until:
                break
    return state


def validate(policy_set: Any, *, until: str | None = None) -> list[Diagnostic]:
    """Every diagnostic (errors and warnings) the stages through ``until`` find, sorted by location."""
    return sorted(run_stages(policy_set, until=until).diagnostics, key=Diagnostic.sort_key)
