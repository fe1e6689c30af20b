"""Latency of the shell parser and the ``command`` matcher, and of CommandIndex at 10 vs 10,000 rules.

Run: ``python benchmarks/bench_command.py [--rounds N]``; prints one JSON line, then a short table.
Figures are p50/p99 microseconds per call, timed one call at a time with
``perf_counter_ns`` after a warm-up, over a mix of typical agent commands:

* ``uncached``: :func:`parse_command_uncached` plus one rule's match (what a new command costs),
  over all commands, and split into one simple command vs pipelines and lists;
* ``assigning``: the same over lines that give variables values (``ASSIGNING``); ``assigning_reads``
  with a ``reads: ~/.ssh/**`` rule instead, which judges the words and values that may name files;
* ``tree_sitter``: the C parse alone, the floor the Python walk adds to;
* ``cached``: the same through :func:`parse_command` (an LRU hit) plus the match;
* ``index_N``: a whole field decision with N ``prefix`` rules in a :class:`CommandIndex`
  (parse, look up candidates, match each candidate), uncached parse, for N = 10 and 10,000.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable, Sequence

from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome
from hookgate.policy.match.command import CommandIndex, CommandMatcher, CommandSpec, compile_command
from hookgate.policy.match.shell import parse_command_uncached
from hookgate.policy.match.shell.context import parse_tree

SIMPLE = [
    "git status",
    "ls -la src/",
    "git diff --stat HEAD~1",
    "npm install --save-dev typescript",
    "git commit -m 'fix: handle empty input'",
    "python -m pytest tests/ -q",
    "docker compose up -d --build",
    "cat package.json",
]
COMPOUND = [
    "grep -rn 'TODO' src/ | head -50",
    "cd /work/app && npm run build",
    "cat package.json | jq .scripts",
    "rm -rf build dist && python -m build",
    "find . -name '*.py' -not -path './.venv/*' | xargs wc -l",
]
COMMANDS = SIMPLE + COMPOUND
#: lines that give variables values (timed apart, so the figures above stay comparable across stops)
ASSIGNING = [
    'NAME=world; echo "hi $NAME"',
    "DEBUG=1 npm test",
    'F=~/.ssh/id_rsa; mytool "$F"',
    "export PATH=/usr/local/bin:$PATH && make build",
    'for f in src/*.py; do pylint "$f"; done',
    "VERSION=$(git describe) && docker build -t app:$VERSION .",
]
ENV = EvalEnv(cwd="/work/app", home="/home/u", workspace="/work/app")
CTX = CompileContext(home="/home/u")


def _time(fn: Callable[[str], object], values: Sequence[str], rounds: int) -> list[float]:
    for value in values:
        fn(value)
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(rounds):
        for value in values:
            start = clock()
            fn(value)
            samples.append((clock() - start) / 1000)
    return samples


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"p50": round(statistics.median(ordered), 2), "p99": round(ordered[int(0.99 * (len(ordered) - 1))], 2)}


def _rule(spec: object) -> CommandMatcher:
    return compile_command(CommandSpec.model_validate(spec), CTX)


def _index(n: int) -> tuple[CommandIndex, list[CommandMatcher]]:
    """N prefix rules, as a large organisation's policy might have: many tools, many git remotes."""
    matchers: list[CommandMatcher] = []
    index = CommandIndex()
    base = [["git", "push"], ["rm"], ["npm", "publish"], ["docker", "run"], ["kubectl", "delete"]]
    for i in range(n):
        prefix = base[i] if i < len(base) else ([f"tool{i}", "deploy"] if i % 2 else ["git", "push", f"remote{i}"])
        matchers.append(_rule({"prefix": prefix}))
        index.add(matchers[-1], i)
    return index, matchers


def _decide(index: CommandIndex, matchers: list[CommandMatcher]) -> Callable[[str], object]:
    def run(command: str) -> object:
        parsed = parse_command_uncached(command)
        return [matchers[k].match_parsed(parsed, ENV).outcome is not Outcome.NO
                for k in index.candidates_parsed(parsed)]

    return run


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)
    rule = _rule({"program": "rm", "flags": ["recursive", "force"]})
    reads = _rule({"reads": "~/.ssh/**"})
    uncached = _time(lambda c: rule.match_parsed(parse_command_uncached(c), ENV), COMMANDS, args.rounds)
    figures = {
        "uncached": _stats(uncached),
        "uncached_simple": _stats([s for i, s in enumerate(uncached) if i % len(COMMANDS) < len(SIMPLE)]),
        "uncached_compound": _stats([s for i, s in enumerate(uncached) if i % len(COMMANDS) >= len(SIMPLE)]),
        "tree_sitter": _stats(_time(lambda c: parse_tree(c.encode()), COMMANDS, args.rounds)),
        "cached": _stats(_time(lambda c: rule.match(c, ENV), COMMANDS, args.rounds)),
        "assigning": _stats(_time(lambda c: rule.match_parsed(parse_command_uncached(c), ENV), ASSIGNING,
                                  args.rounds)),
        "assigning_reads": _stats(_time(lambda c: reads.match_parsed(parse_command_uncached(c), ENV), ASSIGNING,
                                        args.rounds)),
    }
    for n in (10, 10_000):
        index, matchers = _index(n)
        figures[f"index_{n}"] = _stats(_time(_decide(index, matchers), COMMANDS, args.rounds))
    report = {"bench": "command_matcher", "unit": "us", "commands": len(COMMANDS), "rounds": args.rounds,
              "python": platform.python_version(), **figures}
    print(json.dumps(report))
    print(f"{'case':<18}{'p50 us':>10}{'p99 us':>10}")
    for name, value in figures.items():
        print(f"{name:<18}{value['p50']:>10}{value['p99']:>10}")


if __name__ == "__main__":
    main()
