"""The mount-plan runtime: a plan's ``hooks:`` compiled into a live hook stack, and sessions driven through it.

``mount_plan(plan, coordinator=None)`` mounts every entry (hookgate's own
modules by id, ``amplifier.modules`` entry points, ``file://`` and path
sources) all or nothing; ``drive`` emits recorded events through the stack
and reports every decision (``hookgate run``, ``hookgate demo``).
"""

from hookgate.runtime.attach import MountedHook
from hookgate.runtime.builtin import BUILTIN_MODULES
from hookgate.runtime.decision_log import DECISION_LOG_MODULE, DecisionLogHook
from hookgate.runtime.mount import MountedPlan, PlanInput, load_plan, mount_plan

__all__ = [
    "BUILTIN_MODULES",
    "DECISION_LOG_MODULE",
    "DecisionLogHook",
    "MountedHook",
    "MountedPlan",
    "PlanInput",
    "load_plan",
    "mount_plan",
]
