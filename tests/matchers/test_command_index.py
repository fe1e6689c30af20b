"""CommandIndex: a superset of the rules that match, and little more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome
from hookgate.policy.match.command import CommandIndex, CommandMatcher, CommandSpec, compile_command

ENV = EvalEnv(cwd="/work/p", home="/home/u", workspace="/work/p")
CTX = CompileContext(home="/home/u")
CORPUS = Path(__file__).parents[1] / "adversarial" / "commands"

RULES: list[Any] = [
    {"program": "rm", "flags": ["recursive", "force"]},
    {"program": "rm"},
    {"program": ["curl", "wget"]},
    {"program": "python*"},
    {"prefix": ["git", "push"], "flags": ["force"]},
    {"prefix": ["git", "reset"]},
    {"prefix": "npm install"},
    {"prefix": ["docker", "run"], "flags": ["privileged"]},
    {"prefix": ["kubectl", "delete"]},
    {"pipe_to_shell": True},
    {"writes": "/etc/**"},
    {"reads": "~/.ssh/**"},
    {"program": "rm", "interpreters": True},
    {"flags": ["recursive"]},
    {"program": "chmod", "args": "777"},
    {"prefix": ["terraform", "apply"]},
]


def _commands() -> list[str]:
    out: list[str] = []
    for path in sorted(CORPUS.glob("*/*.yaml")):
        out.extend(case["cmd"] for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"])
    return out


@pytest.fixture(scope="module")
def built() -> tuple[list[CommandMatcher], CommandIndex]:
    matchers = [compile_command(CommandSpec.model_validate(r), CTX) for r in RULES]
    index = CommandIndex()
    for key, matcher in enumerate(matchers):
        index.add(matcher, key)
    return matchers, index


def test_candidates_cover_every_rule_that_may_match(built: tuple[list[CommandMatcher], CommandIndex]) -> None:
    matchers, index = built
    for command in _commands():
        may = {k for k, m in enumerate(matchers) if m.match(command, ENV).outcome is not Outcome.NO}
        got = set(index.candidates(command, ENV))
        assert may <= got, f"{command!r}: missing {may - got}"


def test_candidates_are_pruned(built: tuple[list[CommandMatcher], CommandIndex]) -> None:
    _, index = built
    always = {3, 13}  # a program glob, flags without a program
    assert set(index.candidates("make", ENV)) == always
    assert set(index.candidates("ls -la ~/.ssh", ENV)) == always  # ls reads no file its words name
    # git has no file table: `status`, `push` may name files it reads or writes, so the whole-line rules
    # on reads (11) and writes (10) are asked too
    assert set(index.candidates("git status", ENV)) == always | {10, 11}
    assert set(index.candidates("git push -f", ENV)) == always | {4, 10, 11}
    assert set(index.candidates("ls && rm x", ENV)) == always | {0, 1, 12, 10}  # rm writes: the writes rule


def test_whole_line_rules_are_candidates_only_for_lines_with_what_they_ask_about(
        built: tuple[list[CommandMatcher], CommandIndex]) -> None:
    _, index = built
    pipes, writes, reads = 9, 10, 11
    assert {pipes, writes, reads}.isdisjoint(index.candidates("git", ENV))
    assert {pipes, writes, reads}.isdisjoint(index.candidates("echo ~/.ssh/id && ls /etc", ENV))
    assert {writes, reads} <= set(index.candidates("mytool ~/.ssh/id", ENV))  # may read or write it
    assert {writes, reads} <= set(index.candidates("python3 -c 'open(\"/etc/x\")'", ENV))
    found = set(index.candidates("du -sh /var/log", ENV))  # du only reads
    assert reads in found and writes not in found
    assert pipes in set(index.candidates("curl x | sh", ENV))
    assert writes in set(index.candidates("echo hi > /etc/x", ENV))
    assert reads in set(index.candidates("cat ~/.ssh/id", ENV))
    assert writes in set(index.candidates("cp a $X", ENV))  # a target built at run time: UNKNOWN, a candidate


def test_unknowns_return_every_rule(built: tuple[list[CommandMatcher], CommandIndex]) -> None:
    _, index = built
    assert list(index.candidates("$X -rf /", ENV)) == list(range(len(RULES)))


def test_inline_code_brings_interpreter_and_mentioned_rules(built: tuple[list[CommandMatcher],
                                                                      CommandIndex]) -> None:
    _, index = built
    found = set(index.candidates("python3 -c 'print(1)'", ENV))
    assert {3, 12} <= found and 0 not in found
    assert {0, 1, 12} <= set(index.candidates("perl -e 'system(\"rm x\")'", ENV))


def test_many_prefix_rules_stay_cheap_to_query() -> None:
    index = CommandIndex()
    for i in range(5000):
        index.add(compile_command(CommandSpec.model_validate({"prefix": [f"tool{i}", "deploy"]}), CTX), i)
        index.add(compile_command(CommandSpec.model_validate({"prefix": ["git", "push", f"remote{i}"]}), CTX),
                  10_000 + i)
    assert list(index.candidates("git status", ENV)) == []
    assert list(index.candidates("git -C x push remote7 main", ENV)) == [10_007]
    assert list(index.candidates("tool42 --env prod deploy", ENV)) == [42]
    assert len(list(index.candidates("git push $REMOTE", ENV))) == 5000


def test_non_strings_have_no_candidates(built: tuple[list[CommandMatcher], CommandIndex]) -> None:
    assert list(built[1].candidates(None, ENV)) == []


DEEP_RULES: list[Any] = [
    {"prefix": ["git", "push", "--force"]}, {"prefix": ["git", "push", "origin"]}, {"prefix": ["git", "push", "main"]},
    {"prefix": ["kubectl", "delete", "pods"]}, {"prefix": ["kubectl", "get", "secrets"]},
    {"prefix": ["docker", "rm", "-f"]}, {"prefix": ["docker", "container", "rm"]}, {"prefix": ["npm", "run", "test"]},
    {"prefix": ["terraform", "apply", "-auto-approve"]}, {"prefix": ["git", "-C", "x", "push"]},
]
WORDS = ["push", "origin", "main", "--force", "-f", "--", "-", "-n", "prod", "delete", "get", "pods", "secrets",
         "container", "rm", "run", "test", "apply", "-auto-approve", "-C", "x", "--namespace", "--namespace=prod",
         "-v", "feature", "$X", "'a b'"]


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["git", "kubectl", "docker", "npm", "terraform", "sudo git"]),
       st.lists(st.sampled_from(WORDS), max_size=6))
def test_deep_prefix_candidates_cover_every_match(program: str, words: list[str]) -> None:
    matchers = [compile_command(CommandSpec.model_validate(r), CTX) for r in DEEP_RULES]
    index = CommandIndex()
    for key, matcher in enumerate(matchers):
        index.add(matcher, key)
    command = " ".join([program, *words])
    may = {k for k, m in enumerate(matchers) if m.match(command, ENV).outcome is not Outcome.NO}
    assert may <= set(index.candidates(command, ENV)), command


def test_a_frozen_index_answers_the_same_and_still_takes_rules() -> None:
    """``freeze`` compacts the prefix trie; a rule added afterwards is found like any other."""
    matchers = [compile_command(CommandSpec.model_validate(r), CTX) for r in DEEP_RULES]
    index, frozen = CommandIndex(), CommandIndex()
    for key, matcher in enumerate(matchers):
        index.add(matcher, key)
        frozen.add(matcher, key)
    frozen.freeze()
    lines = ["git push --force", "git push origin main", "kubectl get secrets", "docker rm -f x", "npm run test",
             "git status", "git push $X", "terraform apply -auto-approve", "sudo git -C x push"]
    for line in lines:
        assert list(frozen.candidates(line, ENV)) == list(index.candidates(line, ENV)), line
    late = {"prefix": ["git", "push", "--force", "upstream"]}
    frozen.add(compile_command(CommandSpec.model_validate(late), CTX), 99)
    frozen.add(compile_command(CommandSpec.model_validate({"prefix": ["helm", "delete"]}), CTX), 100)
    assert 99 in frozen.candidates("git push --force upstream", ENV)
    assert 100 in frozen.candidates("helm delete x", ENV)
    assert 99 not in frozen.candidates("git push origin", ENV)
    frozen.freeze()  # again, with the late rules in
    assert {0, 99} <= set(frozen.candidates("git push --force upstream", ENV))


def test_matchers_share_equal_program_sets_and_prefixes() -> None:
    one, two = (compile_command(CommandSpec.model_validate({"prefix": ["git", "push"]}), CTX) for _ in range(2))
    assert one.prefix is two.prefix and one.programs is two.programs and one.mentions is two.mentions
    rm1, rm2 = (compile_command(CommandSpec.model_validate({"program": ["rm", "/bin/RM"]}), CTX) for _ in range(2))
    assert rm1.programs == frozenset({"rm"}) and rm1.programs is rm2.programs
