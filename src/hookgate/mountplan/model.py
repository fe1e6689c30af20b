"""The mount plan: which orchestrator, context, providers, tools and hooks a session mounts.

Compatible with amplifier's mount-plan shape. Module ``config`` mappings are
free-form here (each module owns its config); hookgate's own modules are
checked against their config models in :mod:`hookgate.mountplan.validate`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from hookgate.mountplan.sources import SOURCE_PATTERN, SourceError, parse_source
from hookgate.mountplan.strict import PositiveInteger, StrictModel

__all__ = ["MODULE_ID_PATTERN", "ModuleRef", "MountPlan", "SectionConfig", "SessionConfig"]

MODULE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
_MODULE_ID = re.compile(MODULE_ID_PATTERN)


def _check_source(value: str) -> str:
    try:
        parse_source(value)
    except SourceError as exc:
        raise PydanticCustomError("bad_source", "{reason}", {"reason": str(exc)}) from None
    return value


Source = Annotated[
    str,
    AfterValidator(_check_source),
    WithJsonSchema({"type": "string", "pattern": SOURCE_PATTERN,
                    "description": "git+https://…@ref, file://…, a path, or a package name"}),
]
def _check_module_id(value: str) -> str:
    if not _MODULE_ID.fullmatch(value):  # `match` would let `$` accept a trailing newline
        raise PydanticCustomError(
            "bad_module_id", "`{value}` is not a module id; use letters, digits, `.`, `_` and `-`", {"value": value}
        )
    return value


ModuleId = Annotated[
    str,
    AfterValidator(_check_module_id),
    WithJsonSchema({"type": "string", "pattern": MODULE_ID_PATTERN, "minLength": 1}),
]
Config = Annotated[dict[str, Any], Field(description="module config; string values may use ${VAR} / ${VAR:-default}")]


class ModuleRef(StrictModel):
    """One module to mount; ``instance_id`` tells two mounts of the same module apart."""

    module: ModuleId
    source: Source | None = None
    config: Config | None = None
    instance_id: ModuleId | None = None

    @property
    def key(self) -> str:
        """The identity duplicates are judged by."""
        return f"{self.module}#{self.instance_id}" if self.instance_id else self.module


class SessionConfig(StrictModel):
    """Injection limits are positive or absent (unlimited): hookgate's coordinator refuses ``0``, which
    another host might read as "unlimited" (see :mod:`hookgate.kernel.coordinator`)."""

    orchestrator: ModuleId | ModuleRef
    context: ModuleId | ModuleRef
    injection_budget_per_turn: PositiveInteger | None = None
    injection_size_limit: PositiveInteger | None = None


class SectionConfig(StrictModel):
    """Top-level ``orchestrator:`` / ``context:`` sections carry only config."""

    config: Config = Field(default_factory=dict)


class MountPlan(StrictModel):
    """A whole mount plan (YAML or JSON)."""

    session: SessionConfig
    orchestrator: SectionConfig | None = None
    context: SectionConfig | None = None
    providers: list[ModuleRef] = Field(default_factory=list)
    tools: list[ModuleRef] = Field(default_factory=list)
    hooks: list[ModuleRef] = Field(default_factory=list)
    agents: dict[str, Any] = Field(default_factory=dict, description="passed through to the host unchanged")
