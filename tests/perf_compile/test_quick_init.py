"""``quick_init`` builds the same objects as the dataclass ``__init__`` it replaces, and they stay frozen."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field

import pytest

from hookgate._frozen import quick_init
from hookgate.policy.conditions.nodes import FieldCond
from hookgate.policy.effects import AskSpec
from hookgate.policy.match.base import MatchResult, Outcome
from hookgate.policy.match.command_match import CommandMatcher
from hookgate.policy.match.path import PathMatcher
from hookgate.policy.match.path_glob import Glob, GlobGroup


@dataclass(frozen=True, slots=True)
class _Plain:
    a: int
    b: str = "b"
    c: tuple[int, ...] = ()
    d: int = field(init=False, default=4)
    e: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "e", self.a * 2)


_Quick = quick_init(dataclass(frozen=True, slots=True)(type("_Quick", (), {
    "__annotations__": dict(_Plain.__annotations__), "b": "b", "c": (),
    "d": field(init=False, default=4), "e": field(init=False, compare=False),
    "__post_init__": _Plain.__post_init__,
})))


@pytest.mark.parametrize(("args", "kwargs"),
                         [((1,), {}), ((1, "x"), {}), ((1,), {"c": (3,)}), ((), {"a": 2, "b": "y"})])
def test_same_fields_defaults_and_post_init(args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    plain, quick = _Plain(*args, **kwargs), _Quick(*args, **kwargs)
    assert [getattr(quick, f.name) for f in dataclasses.fields(quick)] == [
        getattr(plain, f.name) for f in dataclasses.fields(plain)]


def test_still_frozen_and_replaceable() -> None:
    r = MatchResult(Outcome.YES, "x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.detail = "y"  # type: ignore[misc]
    assert dataclasses.replace(r, detail="y") == MatchResult(Outcome.YES, "y")
    assert MatchResult(Outcome.NO) == MatchResult(Outcome.NO, "")
    assert hash(MatchResult(Outcome.NO)) == hash(MatchResult(Outcome.NO, ""))


@pytest.mark.parametrize("cls", [MatchResult, FieldCond, Glob, GlobGroup, PathMatcher, CommandMatcher, AskSpec])
def test_signatures_are_the_dataclass_ones(cls: type) -> None:
    quick = inspect.signature(cls.__init__)
    params = [(f.name, f.default) for f in dataclasses.fields(cls) if f.init]
    assert [(p.name, p.default if p.default is not inspect.Parameter.empty else dataclasses.MISSING)
            for p in list(quick.parameters.values())[1:]] == params


def test_refuses_what_it_cannot_build() -> None:
    @dataclass(frozen=True, slots=True)
    class WithFactory:
        a: list[int] = field(default_factory=list)

    @dataclass(frozen=True, slots=True)
    class WithInitVar:
        a: int
        b: dataclasses.InitVar[int] = 0

    @dataclass(slots=True)
    class NotFrozen:
        a: int

    for cls in (WithFactory, WithInitVar, NotFrozen):
        with pytest.raises(TypeError):
            quick_init(cls)
