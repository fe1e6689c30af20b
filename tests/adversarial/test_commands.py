"""Adversarial corpus for the ``command`` matcher, driven by ``commands/**/*.yaml``.

``evasion/``: commands that try to slip past a short, natural rule; each must
answer ``match`` or ``unknown`` (which deny/ask rules treat as a match), as
the file says, or either (``caught``) where the answer depends on the real
folder named (an archive unpacked in ``/etc`` writes through its links, which
differ between machines). ``benign/``: look-alikes the same kind of rule must let pass
(``pass``). A file gives its ``class`` and a default ``rule``; a case may
override the rule. Every case also runs through :class:`CommandIndex` among
unrelated rules: a rule that matches must be among the index's candidates.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome
from hookgate.policy.match.command import CommandSpec, compile_command
from hookgate.policy.match.command_index import CommandIndex

DATA = Path(__file__).parent / "commands"
EXPECT = {"match": {Outcome.YES}, "unknown": {Outcome.UNKNOWN}, "caught": {Outcome.YES, Outcome.UNKNOWN},
          "pass": {Outcome.NO}}
ENV = EvalEnv(cwd="/work/project", home="/home/agent", workspace="/work/project")
CTX = CompileContext(home="/home/agent")
NOISE = [{"prefix": "git status"}, {"program": "ls"}, {"prefix": ["kubectl", "get"]}, {"program": "make"}]


def _load() -> list[Any]:
    params = []
    for path in sorted(DATA.glob("*/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            rule = case.get("rule", doc.get("rule"))
            params.append(pytest.param(path.parent.name, doc["class"], rule, case["cmd"], case["expect"],
                                       id=f"{path.parent.name}/{path.stem}[{i}]"))
    return params


CASES = _load()


@pytest.mark.parametrize(("kind", "cls", "rule", "cmd", "expect"), CASES)
def test_case(kind: str, cls: str, rule: Any, cmd: str, expect: str) -> None:
    matcher = compile_command(CommandSpec.model_validate(rule), CTX)
    result = matcher.match(cmd, ENV)
    assert result.outcome in EXPECT[expect], f"{cls}: {cmd!r} under {rule}: {result}"
    if kind == "evasion":
        assert expect != "pass", "an evasion case must be caught"
        assert result.detail, "a caught command says why"
    index = CommandIndex()
    for key, noise in enumerate(NOISE):
        index.add(compile_command(CommandSpec.model_validate(noise), CTX), key)
    index.add(matcher, 99)
    if result.outcome is not Outcome.NO:
        assert 99 in index.candidates(cmd, ENV)


def test_corpus_size() -> None:
    evasion = Counter(cls for p in CASES if p.values[0] == "evasion" for cls in [p.values[1]])
    benign = sum(1 for p in CASES if p.values[0] == "benign")
    assert sum(evasion.values()) >= 150 and len(evasion) >= 15
    assert benign >= 150
