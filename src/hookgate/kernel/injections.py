"""Context injections: one handler's items, and the merge of several handlers'.

The merge follows amplifier-core 2.0.2 exactly (the compat suite pins it):
texts joined with a blank line in handler order, the role of the first item,
``ephemeral`` and ``append_to_last_tool_result`` set if any item sets them,
and the per-item list kept, each item tagged with its handler and event.
"""

from __future__ import annotations

from collections.abc import Sequence

from hookgate.kernel.results import ContextInjection, HookResult

__all__ = ["injection_items", "merge_injections"]

_SEPARATOR = "\n\n"


def injection_items(result: HookResult, hook_name: str, event: str) -> list[ContextInjection]:
    """The injections an ``inject_context`` result carries, tagged with its source.

    An explicit ``context_injections`` list wins over the scalar fields; a
    result with neither injects nothing (and then counts as continue).
    """
    if result.context_injections:
        tag = {"hook_name": hook_name, "event": event}
        return [item.model_copy(update=tag) for item in result.context_injections]
    if result.context_injection is None:
        return []
    item = ContextInjection(
        content=result.context_injection,
        role=result.context_injection_role,
        ephemeral=result.ephemeral,
        append_to_last_tool_result=result.append_to_last_tool_result,
        hook_name=hook_name,
        event=event,
    )
    return [item]


def merge_injections(found: Sequence[tuple[HookResult, list[ContextInjection]]]) -> HookResult:
    """One ``inject_context`` result from every handler's (result, items), in handler order."""
    items = [item for _, own in found for item in own]
    text = _SEPARATOR.join(item.content for item in items)
    ephemeral = any(item.ephemeral for item in items)
    append = any(item.append_to_last_tool_result for item in items)
    if len(found) == 1:
        update = {
            "context_injection": text,
            "context_injection_role": items[0].role,
            "ephemeral": ephemeral,
            "append_to_last_tool_result": append,
            "context_injections": items,
        }
        return found[0][0].model_copy(update=update)
    return HookResult(
        action="inject_context",
        context_injection=text,
        context_injection_role=items[0].role,
        ephemeral=ephemeral,
        append_to_last_tool_result=append,
        suppress_output=any(result.suppress_output for result, _ in found),
        context_injections=items,
    )
