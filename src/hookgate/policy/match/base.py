"""The contract between the policy engine and its matchers.

A *matcher* is one compiled condition on one value (a command string, a
path, a URL, any text). Matching answers three ways, because for a security
tool "I could not tell" must never collapse into "no":

* ``Outcome.NO``      - proven not to match;
* ``Outcome.YES``     - matches;
* ``Outcome.UNKNOWN`` - the input could not be understood well enough to
  decide (a shell command with a dynamic program name, say). The engine
  treats UNKNOWN as a match for deny/ask rules unless the rule opts out,
  and reports ``detail`` so the Decision says what was not understood.

An *index* groups many matchers of one kind on one field so that a decision
only meets the matchers that can apply: ``candidates`` returns a superset of
the keys whose matcher would answer YES or UNKNOWN for the value. Matchers
are built at compile time; ``match`` and ``candidates`` run on every event
and must not do I/O beyond what the matcher documents (the path matcher may
resolve symlinks of paths that exist).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar, runtime_checkable

from hookgate._frozen import quick_init

__all__ = [
    "NO",
    "CompileContext",
    "EvalEnv",
    "MatchResult",
    "Matcher",
    "MatcherIndex",
    "Outcome",
    "SpecError",
]


class Outcome(enum.IntEnum):
    NO = 0
    YES = 1
    UNKNOWN = 2


@quick_init
@dataclass(frozen=True, slots=True)
class MatchResult:
    """The answer of one matcher; ``detail`` explains it (shown in traces)."""

    outcome: Outcome
    detail: str = ""

    def __bool__(self) -> bool:  # YES and UNKNOWN are both "may match"
        return self.outcome is not Outcome.NO


NO = MatchResult(Outcome.NO)


@dataclass(frozen=True, slots=True)
class EvalEnv:
    """Per-event context some matchers need (paths resolve against it).

    ``cwd`` comes from the event data (``cwd`` / ``working_directory``) when
    present, else from configuration; ``workspace`` is the directory that
    ``under: workspace`` / ``outside: workspace`` refer to (defaults to cwd).
    """

    cwd: str | None = None
    home: str | None = None
    workspace: str | None = None


class SpecError(Exception):
    """A matcher spec that cannot compile; ``loc`` is relative to the spec.

    The policy compiler adds the rule's position, so the user sees
    ``file:line:col`` of the exact offending key or value.
    """

    def __init__(self, message: str, loc: tuple[str | int, ...] = (), *, code: str = "compile.bad_matcher",
                 help: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.loc = loc
        self.code = code
        self.help = help


@dataclass(frozen=True, slots=True)
class CompileContext:
    """What a matcher may consult while compiling: named lists (already
    resolved, list name -> values) and the policy's settings."""

    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    home: str | None = None
    #: ``workspace`` is where the event says it runs (its cwd), never the configured setting: for the
    #: rules of a layer above the one that set it (a lower layer must not move a higher one's workspace)
    workspace_from_event: bool = False

    def named_list(self, name: str, loc: tuple[str | int, ...] = ()) -> tuple[str, ...]:
        try:
            return self.lists[name]
        except KeyError:
            from hookgate.diagnostics import did_you_mean

            hint = did_you_mean(name, self.lists)
            raise SpecError(
                f"unknown list `{name}`" + (f"; did you mean `{hint}`?" if hint else ""),
                loc,
                code="compile.unknown_list",
            ) from None


@runtime_checkable
class Matcher(Protocol):
    def match(self, value: object, env: EvalEnv) -> MatchResult:
        """Decide this condition for one value. Never raises for bad input:
        a value of the wrong shape is NO (or UNKNOWN where that is safer)."""
        ...


K = TypeVar("K")
Mt = TypeVar("Mt", bound=Matcher, contravariant=True)


class MatcherIndex(Protocol[Mt]):
    def add(self, matcher: Mt, key: int) -> None: ...

    def candidates(self, value: object, env: EvalEnv) -> Iterable[int]:
        """Keys whose matcher may answer YES/UNKNOWN for ``value`` (a superset)."""
        ...
