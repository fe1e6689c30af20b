"""Adversarial corpus for the path and URL matchers, driven by ``paths_urls/*.yaml``.

``*_evasion.yaml``: other spellings of a protected path or blocked host; a deny
rule must catch each (``match``, or ``unknown`` which deny/ask rules treat as a
match). ``*_benign.yaml``: look-alikes the same rules must let pass (``pass``).
Path cases run on a real tree (files and symlinks) built from ``fixture.yaml``; one with
``shell: true`` is an unquoted shell word, whose wildcards bash expands (``match_path``).
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from hookgate.policy.match.base import CompileContext, EvalEnv, Matcher, Outcome
from hookgate.policy.match.path import PathMatcher, PathSpec, compile_path
from hookgate.policy.match.url import UrlSpec, compile_url

DATA = Path(__file__).parent / "paths_urls"
FIXTURE: dict[str, Any] = yaml.safe_load((DATA / "fixture.yaml").read_text(encoding="utf-8"))
FILES = sorted(p for p in DATA.glob("*.yaml") if p.name != "fixture.yaml")


def _load() -> list[Any]:
    params = []
    for path in FILES:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            rule = doc["rules"][case["rule"]]
            case_id = f"{path.stem}[{i}]-{case['class']}-{case['rule']}"
            params.append(pytest.param(path.stem, doc["kind"], rule, case, id=case_id))
    return params


CASES = _load()
EXPECT = {"match": Outcome.YES, "unknown": Outcome.UNKNOWN, "pass": Outcome.NO}


def _subst(text: str, world: dict[str, str]) -> str:
    for key in ("home", "ws", "tmp"):  # only these placeholders: `${HOME}` must stay as written
        if key not in world:
            continue
        text = text.replace("{" + key + "}", world[key])
    return text


@pytest.fixture
def world(tmp_path: Path) -> dict[str, str]:
    tmp = os.path.realpath(tmp_path)
    world = {"tmp": tmp}
    world["home"] = _subst(FIXTURE["home"], world)
    world["ws"] = _subst(FIXTURE["workspace"], world)
    for d in FIXTURE["dirs"]:
        Path(_subst(d, world)).mkdir(parents=True, exist_ok=True)
    for f in FIXTURE["files"]:
        Path(_subst(f, world)).write_text("x", encoding="utf-8")
    for link, target in FIXTURE["links"].items():
        os.symlink(_subst(target, world), _subst(link, world))
    return world


def _env(case: dict[str, Any], world: dict[str, str]) -> EvalEnv:
    raw = {**FIXTURE["env"], **case.get("env", {})}
    values = {k: (_subst(v, world) if isinstance(v, str) else None) for k, v in raw.items()}
    return EvalEnv(cwd=values["cwd"], home=values["home"], workspace=values["workspace"])


def _matcher(kind: str, spec: object, world: dict[str, str]) -> Matcher:
    lists = {name: tuple(values) for name, values in FIXTURE["lists"].items()}
    ctx = CompileContext(lists=lists, home=world["home"])
    if kind == "path":
        return compile_path(PathSpec.model_validate(spec), ctx)
    return compile_url(UrlSpec.model_validate(spec), ctx)


@pytest.mark.parametrize(("source", "kind", "rule", "case"), CASES)
def test_case(
    source: str, kind: str, rule: dict[str, Any], case: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    world = request.getfixturevalue("world") if kind == "path" else {"home": "/home/u", "ws": "/w", "tmp": "/tmp"}
    expected = EXPECT[case["expect"]]
    if source.endswith("_evasion"):
        assert expected is not Outcome.NO, "an evasion case must expect match or unknown"
    else:
        assert expected is Outcome.NO, "a benign case must expect pass"
    value = _subst(case["value"], world)
    matcher = _matcher(kind, rule["spec"], world)
    if case.get("shell"):
        assert isinstance(matcher, PathMatcher)
        result = matcher.match_path(value, _env(case, world), shell_glob=True)
    else:
        result = matcher.match(value, _env(case, world))
    assert result.outcome is expected, f"{rule['why']} {value!r}: {result}"
    assert result.outcome is Outcome.NO or result.detail, "a match must explain itself"


def test_corpus_size_and_breadth() -> None:
    evasions = Counter(c.values[3]["class"] for c in CASES if c.values[0].endswith("_evasion"))
    benign = sum(1 for c in CASES if c.values[0].endswith("_benign"))
    assert sum(evasions.values()) >= 50
    assert len(evasions) >= 5
    assert benign >= 50
