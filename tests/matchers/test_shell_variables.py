"""Values a line gives its variables, for the words that may name files (shell/variables.py).

``F=~/.ssh/id_rsa; mytool "$F"``: the word ``"$F"`` is judged as ``~/.ssh/id_rsa``; and a value in a
program's environment may name a file it opens (``K=~/.ssh/id_rsa python3 s.py``). Both are possible
reads/writes (UNKNOWN, never YES), judged by the rule's globs.
"""

from __future__ import annotations

import pytest

from hookgate.policy.match.base import CompileContext, EvalEnv, MatchResult, Outcome
from hookgate.policy.match.command import CommandSpec, compile_command
from hookgate.policy.match.shell import parse_command, parse_command_uncached, variables
from hookgate.policy.match.shell.variables import expand

ENV = EvalEnv(cwd="/work/p", home="/home/u", workspace="/work/p")
CTX = CompileContext(home="/home/u")
SSH = {"reads": "~/.ssh/**"}


def judge(line: str, rule: object = SSH) -> MatchResult:
    return compile_command(CommandSpec.model_validate(rule), CTX).match(line, ENV)


def outcome(line: str, rule: object = SSH) -> Outcome:
    return judge(line, rule).outcome


def maybe(line: str) -> list[tuple[str, str, str]]:
    return [(m.path, m.word, m.how) for m in parse_command_uncached(line).maybe]


# -- a word that refers to a variable the line gives a value

def test_a_reference_is_judged_as_the_value_and_the_detail_names_word_and_value() -> None:
    result = judge('F=~/.ssh/id_rsa; mytool "$F"')
    assert result.outcome is Outcome.UNKNOWN
    assert result.detail == ("hookgate does not know the files `mytool` reads; its word `\"$F\"` (`~/.ssh/id_rsa`) "
                             "may name one")
    assert ("~/.ssh/id_rsa", '"$F"', "program") in maybe('F=~/.ssh/id_rsa; mytool "$F"')


@pytest.mark.parametrize("line", [
    'F=~/.ssh/id_rsa; mytool $F',
    'F=~/.ssh/id_rsa; mytool ${F}',
    'F=~/.ssh/id_rsa; mytool "${F:-x}"',
    'D=~/.ssh; mytool "$D/id_rsa"',
    'D=$HOME/.ssh; F=$D/id_rsa; G=${F}; mytool --key="$G"',  # references inside values, $HOME as ~
    'A=(x ~/.ssh/id_rsa); mytool "${A[@]}"',
    'A[1]=~/.ssh/id_rsa; mytool "${A[1]}"',
    'declare -A M=([k]=~/.ssh/id_rsa); mytool "${M[k]}"',
    'F=~/.ssh; F+=/id_rsa; mytool "$F"',
    'export F=~/.ssh/id_rsa && mytool "$F"',
    'declare -r F=~/.ssh/id_rsa; mytool "$F"',
    'readonly F=~/.ssh/id_rsa; mytool "$F"',
    'export "F=~/.ssh/id_rsa"; mytool "$F"',
    'F="a ~/.ssh/id_rsa"; mytool $F',  # unquoted: split at blanks
    'for f in ~/.ssh/*; do mytool "$f"; done',
    'for f in notes.txt ~/.ssh/id_rsa; do mytool "$f"; done',
    'F=~/.ssh/id_rsa && python3 up.py "$F"',
    'F=~/.ssh/id_rsa; git add -f "$F"',
    'F=~/.ssh/id_rsa; sudo -u agent mytool "$F"',
])
def test_assignment_forms_and_reference_forms(line: str) -> None:
    assert outcome(line) is Outcome.UNKNOWN, line


@pytest.mark.parametrize("line", [
    '(F=~/.ssh/id_rsa); mytool "$F"',  # a subshell's assignment counts (conservatively)
    'f() { local F=~/.ssh/id_rsa; }; f; mytool "$F"',
    'f() { mytool "$F"; }; F=~/.ssh/id_rsa; f',  # a function runs after the assignment written after it
    'while true; do mytool "$F"; F=~/.ssh/id_rsa; done',
    'true || F=~/.ssh/id_rsa; mytool "$F"',  # either branch
    'bash -c \'F=~/.ssh/id_rsa; mytool "$F"\'',
])
def test_every_assignment_of_the_line_counts_wherever_it_is(line: str) -> None:
    assert outcome(line) is Outcome.UNKNOWN, line


def test_a_value_built_at_run_time_stays_out_or_counts_through_its_folder() -> None:
    assert outcome('F=$(pick); mytool "$F"') is Outcome.NO
    assert outcome('read F; mytool "$F"') is Outcome.NO
    assert ("~/.ssh/{}", '"$F"', "program") in maybe('F=~/.ssh/$K; mytool "$F"')
    assert outcome('F=~/.ssh/$K; mytool "$F"') is Outcome.UNKNOWN


def test_a_value_is_only_a_possible_read_never_a_sure_one() -> None:
    assert outcome("python3 ~/.ssh/id_rsa") is Outcome.YES  # the script, named: a sure read
    assert outcome('S=~/.ssh/id_rsa; python3 "$S"') is Outcome.UNKNOWN


def test_known_readers_are_unchanged() -> None:
    result = judge('F=~/.ssh/id_rsa; cat "$F"')
    assert (result.outcome, result.detail) == (Outcome.UNKNOWN, "reads `$F`, a path built at run time")
    (cmd,) = parse_command_uncached('F=~/.ssh/id_rsa; cat "$F"').commands
    assert cmd.maybe == ()
    assert maybe('F=~/.ssh/id_rsa; echo "$F"; ls "$F"') == []  # names only


def test_other_expansions_of_a_variable_are_left_out() -> None:
    for line in ('F=~/.ssh/id_rsaX; mytool "${F%X}"', 'F=~/.ssh/id_rsa; mytool "${!F}"',
                 'F=~/.ssh/id_rsa; mytool "${F:0:99}"'):
        assert [m for m in maybe(line) if m[2] != "env"] == [], line


def test_expand() -> None:
    values = {"D": {"~/.ssh": None, "/etc": None}, "F": {"$D/x": None}, "P": {"/a:$P": None}}
    assert expand("$D/id_rsa", values) == ["~/.ssh/id_rsa", "/etc/id_rsa"]
    assert expand("${F}", values) == ["$D/x", "~/.ssh/x", "/etc/x"]
    assert expand("$P", values) == ["/a:$P"]  # a value never stands in for a reference inside itself
    assert expand("$P", values, "P") == []
    assert expand("$UNSET/x", values) == []


def test_references_to_several_variables_beyond_the_combinations_are_judged_one_at_a_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(variables, "_MAX_COMBINATIONS", 3)
    values = {"A": {"a1": None, "a2": None}, "B": {"b1": None, "b2": None}}
    assert expand("$A/$B", values) == ["a1/$B", "a2/$B", "$A/b1", "$A/b2", "a1/b1", "a1/b2", "a2/b1", "a2/b2"]


def test_more_values_than_are_judged_make_every_rule_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(variables, "MAX_VALUES", 3)
    result = judge('for f in a b c d e; do mytool "$f"; done', {"reads": "/nowhere/**"})
    assert result.outcome is Outcome.UNKNOWN
    assert "more values than are judged" in result.detail
    assert outcome("for f in a b c d e; do echo $f; done", {"reads": "/nowhere/**"}) is Outcome.NO


# -- benign look-alikes: the rule's globs decide

@pytest.mark.parametrize("line", [
    "PATH=/usr/local/bin:$PATH make",
    'for f in src/*.py; do pylint "$f"; done',
    'NAME=world; echo "hi $NAME"',
    'OUT=dist; mkdir -p "$OUT" && npm run build -- --out "$OUT"',
    'VERSION=$(git describe) && docker build -t "app:$VERSION" .',
    "export NODE_ENV=production && npm run build",
    "DEBUG=1 pytest -q",
])
def test_values_that_name_no_covered_file_cost_nothing(line: str) -> None:
    assert outcome(line) is Outcome.NO, line


# -- values in a program's environment

def test_a_value_in_the_environment_may_name_a_file_the_program_opens() -> None:
    result = judge("export K=~/.ssh/id_rsa && python3 s.py")
    assert result.outcome is Outcome.UNKNOWN
    assert result.detail == ("`python3` may be given the variable `K` (`~/.ssh/id_rsa`), which may name a file "
                             "it reads")
    assert ("~/.ssh/id_rsa", "K", "env") in maybe("K=~/.ssh/id_rsa python3 s.py")


@pytest.mark.parametrize("line", [
    "K=~/.ssh/id_rsa python3 s.py",
    "K=~/.ssh/id_rsa; export K; ./run.sh",
    "export K; K=~/.ssh/id_rsa; ./run.sh",
    "K=~/.ssh/id_rsa; ./run.sh",  # a variable the agent's environment exports is passed on with its new value
    "env K=~/.ssh/id_rsa ./run.sh",
    "sudo K=~/.ssh/id_rsa ./run.sh",
    "K=~/.ssh/id_rsa uv run mytool",
    "D=~/.ssh K=$D/id_rsa ./run.sh",
    "D=~/.ssh; K=$D/id_rsa ./run.sh",
    "export KEYS=/tmp/a:~/.ssh/id_rsa && ./run.sh",  # a PATH-style list, piece by piece
    "cd ~/.ssh && K=id_rsa ./up.sh",  # relative: below the folder `cd` moved to, as operands
    "for f in ~/.ssh/*; do ./run.sh; done",
    "F=~/.ssh/id_rsa; python3 <<EOF\nopen('$F')\nEOF",
])
def test_environment_forms(line: str) -> None:
    assert outcome(line) is Outcome.UNKNOWN, line


def test_a_prefix_assignment_reaches_that_command_only() -> None:
    assert outcome("K=~/.ssh/id_rsa true; ./run.sh") is Outcome.NO
    assert outcome("K=~/.ssh/id_rsa cat notes.txt") is Outcome.NO  # a known reader reads what its table says


def test_a_list_value_is_judged_piece_by_piece_and_not_against_itself() -> None:
    found = maybe("export PATH=/usr/local/bin:$PATH && mytool")
    assert found == [("/usr/local/bin", "PATH", "env")]
    assert maybe("API=https://example.com/x ./run.sh") == []  # a URL's host is not a path


def test_a_reader_may_read_what_its_environment_names_but_never_writes() -> None:
    assert outcome("K=/etc/list du -sh .", {"reads": "/etc/**"}) is Outcome.UNKNOWN
    assert outcome("K=/etc/list du -sh .", {"writes": "/etc/**"}) is Outcome.NO
    assert outcome("K=/etc/hosts mytool", {"writes": "/etc/**"}) is Outcome.UNKNOWN


# -- answers cached per command and word still depend on the line

def test_cached_answers_do_not_carry_a_lines_variables_to_another_line() -> None:
    for _ in range(2):
        assert outcome('mytool "$F"') is Outcome.NO
        assert outcome('F=~/.ssh/id_rsa; mytool "$F"') is Outcome.UNKNOWN
        assert outcome("python3 s.py") is Outcome.NO
        assert outcome("K=~/.ssh/id_rsa python3 s.py") is Outcome.UNKNOWN
        assert outcome("python3 s.py") is Outcome.NO
        assert parse_command("python3 s.py").maybe == ()
        assert parse_command("mytool x").maybe == parse_command_uncached("mytool x").maybe


def test_a_file_url_in_the_environment_names_its_path() -> None:
    assert maybe("K=file:///etc/x ./run.sh") == [("/etc/x", "K", "env")]


def test_a_value_several_commands_may_be_given_is_judged_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from hookgate.policy.match.command_match import PathCheck

    judged: list[str] = []
    one = PathCheck._one

    def counting(self: PathCheck, path: str, *args: object) -> object:
        judged.append(path)
        return one(self, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(PathCheck, "_one", counting)
    assert outcome("export K=/srv/data; ./a.sh; ./b.sh; mytool", {"reads": "/etc/**"}) is Outcome.NO
    assert judged.count("/srv/data") == 1


def test_more_values_given_than_are_judged_make_every_rule_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(variables, "MAX_GIVEN", 5)
    line = "export A=a B=b; ./one.sh; ./two.sh; ./three.sh"  # 2 values, 3 commands
    assert outcome(line, {"reads": "/nowhere/**"}) is Outcome.UNKNOWN
    assert outcome("export A=a B=b; ./one.sh; ./two.sh", {"reads": "/nowhere/**"}) is Outcome.NO


def test_a_command_substitution_is_not_split_into_words() -> None:
    line = "VERSION=$(git describe) && docker build -t app:$VERSION ."
    assert not [m for m in maybe(line) if "describe)" in m[0]]
