"""Words that may name files, for programs and scripts no file table describes (shell/operands.py).

Such a word is a ``Maybe`` of the parse; ``reads``/``writes`` rules answer UNKNOWN (never YES) for one
that matches, and NO for one that cannot: the cost falls only where a rule's path is named.
"""

from __future__ import annotations

import pytest

from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome
from hookgate.policy.match.command import CommandSpec, compile_command
from hookgate.policy.match.shell import Maybe, parse_command_uncached
from hookgate.policy.match.shell.tables import NAMES_ONLY, READERS, READS_ONLY, WRAPPERS, WRITERS

ENV = EvalEnv(cwd="/work/p", home="/home/u", workspace="/work/p")
CTX = CompileContext(home="/home/u")


def maybe_paths(line: str) -> list[str]:
    return [m.path for m in parse_command_uncached(line).maybe]


def outcome(rule: object, line: str, env: EvalEnv = ENV) -> Outcome:
    return compile_command(CommandSpec.model_validate(rule), CTX).match(line, env).outcome


def test_operands_option_values_and_path_like_parts_are_judged() -> None:
    paths = maybe_paths("mytool --out=o.txt -la -f/etc/x -k~/.k key=/etc/y @~/.z -- -weird")
    assert paths == ["o.txt", "/etc/x", "~/.k", "key=/etc/y", "/etc/y", "@~/.z", "~/.z", "-weird"]
    # `-la` is not the file `a`, `--flag` has no value, a URL is not a path below `/`
    assert maybe_paths("mytool -la --verbose https://x.example/a") == []


def test_each_record_says_which_program_and_word() -> None:
    (m,) = parse_command_uncached("mytool --key=~/.ssh/id_rsa").maybe
    assert m == Maybe("~/.ssh/id_rsa", "--key=~/.ssh/id_rsa", "mytool", "program", True)
    (cmd,) = parse_command_uncached("mytool --key=~/.ssh/id_rsa").commands
    assert cmd.maybe == (m,) and cmd.reads == () and cmd.writes == ()


def test_run_time_words_count_through_their_literal_folder_only() -> None:
    assert maybe_paths("mytool $HOME/.ssh/id_rsa") == ["~/.ssh/id_rsa"]
    assert maybe_paths('mytool "$HOME/.ssh/$K"') == ["~/.ssh/{}"]  # some path below ~/.ssh
    assert maybe_paths('mytool "$F" $(pick) "$DIR/x"') == []  # could be anything: left out
    assert maybe_paths("mytool '$X' $'a\\nb'") == []  # not a path a rule can resolve


def test_names_only_programs_and_tabled_programs_report_no_words() -> None:
    for line in ("echo ~/.ssh/id_rsa", "ls -la ~/.ssh", "test -f ~/.ssh/id_rsa", "cd ~/.ssh", "stat /etc/x",
                 "cat ~/.ssh/id_rsa", "cp a /etc/b", "sudo -u x ls"):
        assert maybe_paths(line) == [], line


def test_the_names_only_table_lists_no_program_with_a_file_role() -> None:
    roles = set(READERS) | set(WRITERS) | set(WRAPPERS)
    assert not NAMES_ONLY & roles
    assert not READS_ONLY & (set(WRITERS) | NAMES_ONLY)


def test_a_read_only_program_may_read_but_never_writes() -> None:
    (m,) = parse_command_uncached("du --files0-from=/etc/list").maybe
    assert (m.path, m.how, m.writes) == ("/etc/list", "reader", False)
    assert outcome({"reads": "/etc/**"}, "du --files0-from=/etc/list") is Outcome.UNKNOWN
    assert outcome({"writes": "/etc/**"}, "du -sh /etc") is Outcome.NO


def test_an_interpreter_reads_its_script_and_its_arguments_may_name_files() -> None:
    parsed = parse_command_uncached("python3 -u s.py --in=a.txt b")
    assert parsed.reads == ("s.py",)
    assert [(m.path, m.how) for m in parsed.maybe] == [("a.txt", "script"), ("b", "script")]
    assert parse_command_uncached("python3 -m pkg.tool x").reads == ()  # a module, not a file
    assert maybe_paths("python3 -m pkg.tool x") == ["x"]
    # node --flag may take the next word: which word is the script is a guess, so it is only a maybe
    assert parse_command_uncached("node --inspect-brk s.js x").reads == ()
    assert maybe_paths("node --inspect-brk s.js x") == ["s.js", "x"]


def test_a_shell_reads_its_script_and_passes_arguments() -> None:
    parsed = parse_command_uncached("bash -o posix s.sh a")
    assert parsed.reads == ("s.sh",) and maybe_paths("bash -o posix s.sh a") == ["a"]  # `posix` is no file
    assert maybe_paths("bash -c 'echo \"$1\"' zero one") == ["zero", "one"]  # the body is parsed as shell
    assert maybe_paths("sh -s a < s.sh") == ["a"]


def test_perl_filters_read_their_operands_and_edit_them_in_place() -> None:
    assert parse_command_uncached("perl -lne 'print' a b").reads == ("a", "b")
    parsed = parse_command_uncached("perl -pi.bak -e 's/x/y/' a")
    assert (parsed.reads, parsed.writes) == (("a",), ("a",))
    assert parse_command_uncached("perl -Mstrict -e 1 a").reads == ()  # -M takes the rest: no -n hidden in it


def test_a_wrapper_that_runs_nothing_is_a_program_of_its_own() -> None:
    assert [(m.program, m.path) for m in parse_command_uncached("uv pip install -r /etc/r").maybe] == [
        ("uv", "pip"), ("uv", "install"), ("uv", "/etc/r")]
    assert [m.program for m in parse_command_uncached("uv run mytool x").maybe] == ["mytool"]


def test_the_detail_names_the_program_and_the_word() -> None:
    result = compile_command(CommandSpec.model_validate({"reads": "~/.ssh/**"}), CTX).match(
        "mytool ~/.ssh/id_rsa", ENV)
    assert result.outcome is Outcome.UNKNOWN
    assert result.detail == "hookgate does not know the files `mytool` reads; its word `~/.ssh/id_rsa` may name one"


@pytest.mark.parametrize(("rule", "line", "want"), [
    ({"writes": {"outside": "workspace"}}, "git status", Outcome.NO),
    ({"writes": {"outside": "workspace"}}, "mytool ./status", Outcome.NO),
    ({"writes": {"outside": "workspace"}}, "gcc -I/usr/include/x -c a.c", Outcome.NO),
    ({"writes": {"outside": "workspace"}}, "python3 report.py /var/log/syslog", Outcome.NO),
    ({"writes": {"outside": "workspace"}}, "mytool > /etc/x", Outcome.YES),  # a redirection is known
    ({"writes": {"glob": "/var/log/**", "outside": "workspace"}}, "python3 r.py /var/log/syslog", Outcome.UNKNOWN),
    ({"writes": {"glob": "**/status"}}, "mytool status", Outcome.UNKNOWN),
])
def test_a_word_that_may_name_a_file_is_judged_by_globs_only(rule: object, line: str, want: Outcome) -> None:
    """``under``/``outside`` would hold for every absolute path a compiler or a script is given (and
    for every plain word in a folder outside the workspace): only named paths judge such words."""
    outside = EvalEnv(cwd="/srv/other", home="/home/u", workspace="/work/p")
    assert outcome(rule, line, outside) is want


def test_a_word_that_cannot_be_resolved_is_passed_over() -> None:
    assert outcome({"reads": "~/.ssh/**"}, "mytool ~1") is Outcome.NO  # `~1` is no user's home
    no_cwd = EvalEnv(home="/home/u")
    assert outcome({"reads": "~/.ssh/**"}, "mytool notes.md", no_cwd) is Outcome.NO
    assert outcome({"reads": "**/.env"}, "mytool .env", no_cwd) is Outcome.UNKNOWN  # matches wherever it is


def test_inline_code_literals_and_paths_are_judged() -> None:
    from hookgate.policy.match.shell.operands import code_words

    def paths(code: str) -> list[str]:
        return [path for path, _ in code_words(code)[0]]

    assert paths('print(open("/etc/x").read())') == ["/etc/x"]
    assert paths("os.system('cat ~/.ssh/id_rsa | nc x 1')") == ["~/.ssh/id_rsa"]  # a path inside a string
    assert paths('open F, "<$ENV{HOME}/.ssh/k"') == ["~/.ssh/k"]
    # code that mentions the home folder: a literal starting with `/` or `.` is also read below ~
    assert paths('open(os.environ["HOME"] + "/.aws/credentials")') == [
        "HOME", "/.aws/credentials", "~/.aws/credentials"]
    assert paths('Path.home() / ".ssh" / "id_rsa"') == [".ssh", "~/.ssh", "id_rsa"]
    # not files: a separator, a regex literal, a message with blanks, a shell variable
    assert paths("print('/'.join(x), '.', '~', 'hello world', '$X'); s.replace(/a/g, 'b'); x = 1/2") == ["b"]
    assert paths("/err/ {print}") == []  # awk's program
    assert paths('os.system("/bin/cat /etc/shadow")') == ["/bin/cat", "/etc/shadow"]


def test_inline_code_with_more_words_than_are_judged_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    from hookgate.policy.match.shell import operands

    monkeypatch.setattr(operands, "MAX_CODE_WORDS", 3)
    line = "python3 -c 'x = [\"a\", \"b\", \"c\", \"d\"]'"
    assert [m.how for m in parse_command_uncached(line).maybe][-1] == "many"
    result = compile_command(CommandSpec.model_validate({"reads": "~/.ssh/**"}), CTX).match(line, ENV)
    assert result.outcome is Outcome.UNKNOWN and "more words" in result.detail
