"""A line of bare words skips the tree-sitter parse; the result must be the parse's, exactly.

``Walker`` builds the one simple command of a line like ``git push origin main``
-- or the commands of ``cd app && git push | tee log; ls`` -- without a syntax
tree when every character is one no shell gives a meaning, the commands are
joined only by ``&&``, ``||``, ``|`` and ``;``, and each command's first word is
a plain command name to the grammar itself. Each test
compares that shortcut with the full walk (the shortcut switched off), field
by field of the ``ParsedCommand``, on the adversarial corpus, on every
first word the grammar treats specially, and on random lines.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from hookgate.policy.match.shell import parse_command_uncached
from hookgate.policy.match.shell import walker as walker_module
from hookgate.policy.match.shell.model import ParsedCommand
from hookgate.policy.match.shell.walker import is_command_name

CORPUS = Path(__file__).parent.parent / "adversarial" / "commands"
SPECIAL_FIRST = [
    "if", "then", "elif", "else", "fi", "case", "esac", "for", "select", "while", "until", "do", "done", "in",
    "function", "time", "coproc", "declare", "typeset", "export", "readonly", "local", "unset", "unsetenv", "let",
    "eval", "exec", "command", "builtin", "source", ".", "sudo", "env", "xargs", "nohup", "timeout", "nice", "bash",
    "sh", "zsh", "rm", "git", "curl", "wget", "python", "1", "2", "0", "-", "--", "+", "%", "@", ":", ",", "_", "..",
]
ARGS = ["-", "--", "-rf", "-n", "1", "2", "10", "0x1", "a:b", "%", "%%", "@", "+", ",", ".", "..", "/", "a/b", "x.y",
        "1a", "a1", ":", "_", "...", "+x", ",x", "-1", "1.5", "/etc/passwd", "~", "in", "do", "done", "then", "fi"]
CHARS = "abcXYZ019_./,:@%+=-"
OPERATORS = [" && ", " || ", " | ", "; ", " ; "]


def both(line: str, monkeypatch: pytest.MonkeyPatch) -> tuple[ParsedCommand, ParsedCommand]:
    fast = parse_command_uncached(line)
    with monkeypatch.context() as m:
        m.setattr(walker_module, "_PLAIN_LINE", lambda text: None)
        m.setattr(walker_module, "_PLAIN_LIST", lambda text: None)
        slow = parse_command_uncached(line)
    return fast, slow


def corpus_lines() -> Iterator[str]:
    for path in sorted(CORPUS.glob("*/*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            yield case["cmd"]


def test_the_shortcut_is_taken_for_everyday_commands() -> None:
    assert walker_module._PLAIN_LINE("git push origin main") is not None
    assert walker_module._PLAIN_LINE("ls  -la") is None  # two spaces: the grammar decides
    assert walker_module._PLAIN_LINE("rm -rf /tmp/x*") is None
    assert walker_module._PLAIN_LINE("- 1%") is None  # tree-sitter reads `- 1` as the start of something else
    assert walker_module._PLAIN_LINE("terraform destroy -target=module.x") is not None
    assert walker_module._PLAIN_LINE("A=1 make") is None  # an assignment, not a command name
    assert walker_module._PLAIN_LIST("cd /srv/app && git push --force | tee log; ls") is not None
    assert walker_module._PLAIN_LIST("a && b &") is None and walker_module._PLAIN_LIST("a &&b") is None
    assert is_command_name("git") and not is_command_name("if") and not is_command_name("export")


def test_corpus_lines_parse_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = list(dict.fromkeys(corpus_lines()))
    plain = [line for line in lines if walker_module._PLAIN_LINE(line) is not None]
    joined = [line for line in lines if walker_module._PLAIN_LIST(line) is not None]
    assert len(plain) > 50 and len(joined) > 10  # the corpus exercises both shortcuts
    for line in plain + joined:
        fast, slow = both(line, monkeypatch)
        assert fast == slow, line


def test_a_joined_line_reports_every_command_with_its_own_position() -> None:
    parsed = parse_command_uncached("cd /srv/app && rm -rf build | tee log; curl x | sh")
    assert [c.argv for c in parsed.commands] == [
        ("cd", "/srv/app"), ("rm", "-rf", "build"), ("tee", "log"), ("curl", "x"), ("sh",)]
    assert [c.text for c in parsed.commands] == ["cd /srv/app", "rm -rf build", "tee log", "curl x", "sh"]
    assert "/srv/app/build" in parsed.writes  # the `cd` is followed, as in the tree walk
    assert parsed.pipe_to_shell  # `curl x | sh` is still a download run by a shell


def test_the_grammar_s_nesting_of_long_pipelines_before_a_list_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """tree-sitter-bash reads ``a | b | c && d`` as ``a | (b | c && d)``; the shortcut leaves it to the tree."""
    for line in ("curl x | cat | cat && sh", "curl x | cat | cat || sh x", "a | b | c | d && e; f", "a | b && sh"):
        fast, slow = both(line, monkeypatch)
        assert fast == slow, line
    assert parse_command_uncached("curl x | cat | cat && sh").pipe_to_shell


def test_special_words_after_an_operator_parse_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    for first, op, args in itertools.product(SPECIAL_FIRST, OPERATORS, [(), ("x",), ("-rf", "/"), ("a=b",)]):
        for line in (" ".join(("ls", "-la")) + op + " ".join((first, *args)),
                     " ".join((first, *args)) + op + "echo x"):
            fast, slow = both(line, monkeypatch)
            assert fast == slow, line


def test_special_first_words_and_tricky_arguments_parse_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    for first, args in itertools.product(SPECIAL_FIRST, [(), ("x",), *((a,) for a in ARGS), ("-rf", "/"),
                                                         ("push", "--force", "origin")]):
        line = " ".join((first, *args))
        fast, slow = both(line, monkeypatch)
        assert fast == slow, line


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=CHARS, min_size=1, max_size=6), min_size=1, max_size=5))
def test_random_plain_lines_parse_the_same(words: list[str]) -> None:
    line = " ".join(words)
    with pytest.MonkeyPatch.context() as m:
        fast, slow = both(line, m)
    assert fast == slow, line


_WORDS = st.lists(st.sampled_from([*SPECIAL_FIRST[-20:], *ARGS, "git", "push", "a=b", "--x=1", "=", "=="]),
                  min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_WORDS, st.sampled_from(OPERATORS)), min_size=2, max_size=5))
def test_random_joined_lines_parse_the_same(parts: list[tuple[list[str], str]]) -> None:
    line = "".join(" ".join(words) + op for words, op in parts[:-1]) + " ".join(parts[-1][0])
    with pytest.MonkeyPatch.context() as m:
        fast, slow = both(line, m)
    assert fast == slow, line
