"""The strictness shared by the mount-plan models and hookgate's module config models.

The models must accept exactly what the published JSON Schemas accept, so
they validate in pydantic's strict mode: no ``"5"`` for an integer, no
``true`` for a number, no ``1`` for a string, and no unknown keys. The one
conversion kept is JSON's own: a number with no fractional part *is* an
integer in JSON Schema (``2.0`` matches ``"type": "integer"``), so
:data:`Integer` takes ``2.0`` as ``2``, while ``2.5`` is refused by both.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = ["Integer", "PositiveInteger", "StrictModel"]


class StrictModel(BaseModel):
    """Frozen, no extra keys, no type coercion."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


def _integral(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: an integer field: ints, and floats with no fractional part (as JSON Schema's "integer"); nothing else
Integer = Annotated[int, BeforeValidator(_integral)]
#: the same, ``> 0`` (the bound inside, so it also lands in the JSON Schema of an ``X | None`` field)
PositiveInteger = Annotated[int, Field(gt=0), BeforeValidator(_integral)]
