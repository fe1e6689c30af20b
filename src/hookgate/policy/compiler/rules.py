"""A rule as the engine sees it: selectors, compiled conditions, compiled effect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hookgate._frozen import quick_init
from hookgate.diagnostics import Location
from hookgate.policy.conditions.nodes import Cond
from hookgate.policy.decision import Effect
from hookgate.policy.effects import AskSpec, DenySpec, InjectSpec, ModifySpec
from hookgate.policy.match.base import SpecError
from hookgate.policy.match.text import Glob, Prefix, glob_to_regex

__all__ = ["EFFECT_OF", "CompiledRule", "ToolSelector", "compile_tool_selector"]

#: policy-file effect key -> Decision effect
EFFECT_OF: dict[str, Effect] = {
    "deny": "deny", "ask": "ask_user", "modify": "modify", "inject": "inject_context", "allow": "allow",
}


@quick_init
@dataclass(frozen=True, slots=True)
class ToolSelector:
    """``tool:`` of a rule: exact names (a dict lookup), prefixes (``mcp__github__*``) and other globs."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    globs: tuple[Glob, ...]

    def matches(self, tool: str) -> bool:
        if tool in self.exact or (self.prefixes and tool.startswith(self.prefixes)):
            return True
        return any(g.compiled.search(tool) is not None for g in self.globs)

    @property
    def patterns(self) -> tuple[Prefix | Glob, ...]:
        out: list[Prefix | Glob] = [Prefix(False, (p,)) for p in self.prefixes]
        return (*out, *self.globs)


def compile_tool_selector(names: tuple[str, ...]) -> ToolSelector | None:
    """None means "any tool" (``tool`` absent or ``*``)."""
    exact: set[str] = set()
    prefixes: list[str] = []
    globs: list[Glob] = []
    for i, name in enumerate(names):
        if not name or any(ch.isspace() for ch in name):
            raise SpecError(f"tool name `{name}` is empty or holds spaces; no tool is named so, so the rule "
                            "could never select one", (i,) if len(names) > 1 else (), code="compile.bad_tool")
        if name in ("*", "**"):
            return None
        star = name.find("*")
        if not any(ch in name for ch in "*?["):
            exact.add(name)
        elif star == len(name) - 1 and "?" not in name and "[" not in name:
            prefixes.append(name[:-1])
        else:
            src = glob_to_regex(name.replace("**", "*")).replace("[^/]*", ".*").replace("[^/]", ".")
            globs.append(Glob(False, src))
    return ToolSelector(frozenset(exact), tuple(prefixes), tuple(globs))


@dataclass(slots=True, eq=False)
class CompiledRule:
    """Everything the engine needs about one rule; ``key`` is its place in evaluation order."""

    key: int
    id: str
    effect: Effect
    audit: bool
    unknown_matches: bool
    priority: int
    order: int  # position in the policy set (file order, includes first)
    events: tuple[str, ...]
    tools: ToolSelector | None
    location: Location
    source: Any  # the LoadedRule it came from
    when: Cond | None = None
    unless: Cond | None = None
    action: DenySpec | AskSpec | ModifySpec | InjectSpec | None = None
    allow_reason: str | None = None
    #: place in the modify chain: lower layers rewrite first, so a higher layer's rewrite is the last word
    chain: int = 0
    layer: int = 0  #: rank in LAYER_ORDER (0: org): a higher layer's ask is the one shown

    def selects_tool(self, tool: str | None) -> bool:
        if self.tools is None:
            return True
        return tool is not None and self.tools.matches(tool)
