"""The YAML of the ``command`` operator (see :mod:`hookgate.policy.match.command`)."""

from __future__ import annotations

import shlex
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from hookgate.policy.match.path import PathSpec

__all__ = ["ArgSpec", "CommandSpec"]


def _as_tuple(value: Any) -> Any:
    return (value,) if isinstance(value, str) else value


def _words(value: Any) -> Any:
    """``prefix: "git push"`` is ``prefix: [git, push]`` (split like a shell would)."""
    if isinstance(value, str):
        try:
            return tuple(shlex.split(value))
        except ValueError as exc:
            raise ValueError(f"cannot split `{value}`: {exc}") from None
    return value


StrOrList = Annotated[tuple[str, ...], BeforeValidator(_as_tuple, json_schema_input_type=str | list[str])]
Words = Annotated[tuple[str, ...], BeforeValidator(_words, json_schema_input_type=str | list[str])]


class ArgSpec(BaseModel):
    """Operands of the command (not options, not option values); any one must match.

    ``glob`` uses the project's glob syntax (``*`` any run without ``/``,
    ``**`` any run, ``?`` one character); ``regex`` is RE2 (searched, anchor it
    yourself); ``in`` lists exact values or names a policy list.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    glob: StrOrList | None = None
    regex: StrOrList | None = None
    in_: StrOrList | None = Field(default=None, alias="in")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"glob": data} if isinstance(data, str | list | tuple) else data

    @model_validator(mode="after")
    def _not_empty(self) -> ArgSpec:
        if not (self.glob or self.regex or self.in_):
            raise ValueError("an `args` condition needs `glob`, `regex` or `in`")
        return self


class CommandSpec(BaseModel):
    """A ``command:`` condition; a plain string is shorthand for ``prefix``."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    program: StrOrList | None = None
    prefix: Words | None = None
    flags: StrOrList | None = None
    args: ArgSpec | None = None
    pipe_to_shell: bool = False
    writes: PathSpec | None = None
    reads: PathSpec | None = None
    interpreters: bool = False

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"prefix": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _not_empty(self) -> CommandSpec:
        if not (self.program or self.prefix or self.flags or self.args or self.pipe_to_shell
                or self.writes is not None or self.reads is not None):
            raise ValueError("a command condition needs one of `program`, `prefix`, `flags`, `args`, "
                             "`pipe_to_shell`, `writes` or `reads`")
        if self.prefix is not None and not self.prefix:
            raise ValueError("`prefix` needs at least the program name")
        if self.prefix and self.prefix[0].startswith("-"):
            raise ValueError(f"`prefix` starts with the program name, not the flag `{self.prefix[0]}`")
        return self

    @property
    def per_command(self) -> bool:
        """Conditions judged on each simple command (the rest apply to the whole line)."""
        return bool(self.program or self.prefix or self.flags or self.args)
