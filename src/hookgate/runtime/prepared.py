"""What mounting one ``hooks:`` entry needs, split into *prepare* (may fail) and *attach* (registers).

All-or-nothing mounting depends on this split: every entry is prepared
(config validated, policies compiled, code imported) before any is
attached, so a broken entry is reported while the registry is still
untouched.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from hookgate.diagnostics import DiagnosticError, Location
from hookgate.load import PathKey, PositionMap, validation_diagnostics
from hookgate.mountplan.configs.hooks_policy import DecisionLogConfig

__all__ = ["Cleanup", "PrepareContext", "Prepared", "validated_config"]

#: what attaching returns: undoes the attach (sync or async)
Cleanup = Callable[[], Any]
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(slots=True)
class PrepareContext:
    """Everything an entry may need to prepare: where it is in the plan, and the session it joins."""

    coordinator: Any
    key: str
    index: int
    base_dir: Path
    positions: PositionMap
    log: logging.Logger
    #: an approval channel to use instead of the configured one (tests, ``hookgate run --approve``)
    channel: Any = None
    #: the plan's ``hooks-decision-log`` target: policies without their own log write there
    shared_log: DecisionLogConfig | None = None
    #: a :class:`~hookgate.runtime.tap.DecisionTap` every policy hook reports to
    tap: Any = None

    @property
    def prefix(self) -> PathKey:
        """Path of this entry's ``config`` in the plan."""
        return ("hooks", self.index, "config")

    def where(self, *path: str | int) -> Location:
        return self.positions.value((*self.prefix, *path))


class Prepared(Protocol):
    """A prepared entry: ``events`` it gates (None: unknown), ``attach`` it, or ``discard`` it unused."""

    @property
    def events(self) -> frozenset[str] | None: ...

    def attach(self, coordinator: Any) -> Awaitable[Cleanup]: ...

    def discard(self) -> None: ...


def validated_config(model: type[ModelT], config: Mapping[str, Any], ctx: PrepareContext) -> ModelT:
    """``config`` as ``model``; errors point at the entry's config in the plan file."""
    data = dict(config)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DiagnosticError(validation_diagnostics(exc, model, data, ctx.positions, prefix=ctx.prefix)) from None
