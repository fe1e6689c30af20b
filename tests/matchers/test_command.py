"""The ``command`` operator: spec validation, compile errors, and the three answers."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from hookgate.policy.match.base import NO, CompileContext, EvalEnv, MatchResult, Outcome, SpecError
from hookgate.policy.match.command import CommandMatcher, CommandSpec, compile_command, match_command

ENV = EvalEnv(cwd="/work/p", home="/home/u", workspace="/work/p")
CTX = CompileContext(lists={"branches": ("main", "release")}, home="/home/u")


def rule(spec: Any) -> CommandMatcher:
    return compile_command(CommandSpec.model_validate(spec), CTX)


def judge(spec: Any, command: object) -> MatchResult:
    return rule(spec).match(command, ENV)


class TestSpec:
    def test_a_string_is_a_prefix(self) -> None:
        assert CommandSpec.model_validate("git push").prefix == ("git", "push")
        assert CommandSpec.model_validate({"prefix": "git 'a b'"}).prefix == ("git", "a b")

    def test_single_values_become_tuples(self) -> None:
        spec = CommandSpec.model_validate({"program": "rm", "flags": "force", "args": "/etc/**"})
        assert spec.program == ("rm",) and spec.flags == ("force",)
        assert spec.args is not None and spec.args.glob == ("/etc/**",)

    @pytest.mark.parametrize("bad", [{}, {"interpreters": True}, {"prefix": []}, {"prefix": ["-rf"]},
                                     {"program": "rm", "flag": ["force"]}, {"args": {}}, {"writes": {}}])
    def test_invalid_specs_are_rejected(self, bad: Any) -> None:
        with pytest.raises(ValidationError):
            CommandSpec.model_validate(bad)

    def test_frozen(self) -> None:
        spec = CommandSpec.model_validate({"program": "rm"})
        with pytest.raises(ValidationError):
            spec.program = ("ls",)  # type: ignore[misc]


class TestCompileErrors:
    def test_unknown_flag_name_says_did_you_mean(self) -> None:
        with pytest.raises(SpecError) as err:
            rule({"program": "rm", "flags": ["force", "recusive"]})
        assert err.value.loc == ("flags", 1)
        assert err.value.code == "compile.unknown_flag"
        assert "did you mean `recursive`?" in err.value.message

    def test_flag_names_need_a_table(self) -> None:
        with pytest.raises(SpecError) as err:
            rule({"program": "mytool", "flags": ["force"]})
        assert "`-x`" in err.value.message and err.value.loc == ("flags", 0)
        assert rule({"program": "mytool", "flags": ["-x", "--force"]}).flags

    def test_bad_regex_and_glob_positions(self) -> None:
        with pytest.raises(SpecError) as err:
            rule({"program": "rm", "args": {"regex": ["ok", "(unclosed"]}})
        assert err.value.loc == ("args", "regex", 1) and err.value.code == "compile.bad_regex"

    def test_unknown_list_in_path_condition(self) -> None:
        with pytest.raises(SpecError) as err:
            rule({"writes": {"in": ["nope"]}})
        assert err.value.loc[0] == "writes" and err.value.code == "compile.unknown_list"


class TestAnswers:
    def test_an_argv_list_is_the_command_it_runs(self) -> None:
        """Exec-style tools take ``["bash", "-lc", "…"]``: read as the line that runs exactly that argv."""
        rule = {"program": "rm", "flags": ["recursive", "force"]}
        assert judge(rule, ["rm", "-rf", "/"]).outcome is Outcome.YES
        assert judge(rule, ("rm", "-r", "-f", "a b")).outcome is Outcome.YES
        assert judge(rule, ["bash", "-lc", "cd /tmp && rm -fr ~"]).outcome is Outcome.YES
        assert judge(rule, ["echo", "rm -rf /"]) == NO  # one argument, not a command
        assert judge(rule, ["rm", "x"]) == NO

    def test_a_value_that_is_neither_a_line_nor_an_argv_is_not_understood(self) -> None:
        assert judge({"program": "rm"}, None) == NO
        assert judge({"program": "rm"}, []) == NO
        for value in ({"argv": ["rm", "-rf", "/"]}, [["rm", "-rf"]], ["rm", 5], 7):
            result = judge({"program": "rm"}, value)
            assert result.outcome is Outcome.UNKNOWN and "argv" in result.detail, value

    def test_yes_names_the_simple_command_and_its_path(self) -> None:
        result = judge({"program": "rm", "flags": ["recursive", "force"]}, "ls; sudo bash -c 'rm -fr /'")
        assert result.outcome is Outcome.YES
        assert result.detail == "`rm -fr /` in `sudo bash -c`"

    def test_unknown_says_what_was_not_understood(self) -> None:
        result = judge({"program": "rm"}, "$CMD -rf /")
        assert result.outcome is Outcome.UNKNOWN
        assert result.detail == "not understood: dynamic program name `$CMD` at 1:1"

    def test_dynamic_arguments_matter_only_where_the_rule_looks(self) -> None:
        assert judge({"program": "rm"}, "echo $X").outcome is Outcome.NO
        assert judge({"program": "rm", "flags": ["force"]}, "rm $X").outcome is Outcome.UNKNOWN
        assert judge({"program": "rm", "flags": ["force"]}, "rm /tmp/$X").outcome is Outcome.NO
        assert judge({"program": "rm", "args": "/etc/**"}, "rm /tmp/$X").outcome is Outcome.NO
        assert judge({"program": "rm", "args": "/etc/**"}, "rm $X").outcome is Outcome.UNKNOWN
        assert judge({"program": "rm", "args": "/etc/**"}, "rm /et*").outcome is Outcome.UNKNOWN
        assert judge({"program": "rm", "args": "/etc/**"}, "rm *.pyc").outcome is Outcome.NO
        assert judge({"program": "rm", "flags": ["force"]}, "rm *.pyc").outcome is Outcome.NO
        assert judge({"program": "rm", "flags": ["force"]}, "rm *").outcome is Outcome.UNKNOWN

    def test_a_yes_anywhere_beats_an_unknown(self) -> None:
        assert judge({"program": "rm"}, "$X; rm a").outcome is Outcome.YES

    @pytest.mark.parametrize(("spec", "command", "outcome"), [
        ({"program": ["rm", "shred"]}, "shred -u f", Outcome.YES),
        ({"program": "/bin/RM"}, "rm x", Outcome.YES),
        ({"program": "python*"}, "python3.12 x.py", Outcome.YES),
        ({"program": "python*"}, "ipython", Outcome.NO),
        ({"prefix": ["git", "push"]}, "git -C repo -c a=b push", Outcome.YES),
        ({"prefix": ["git", "push"]}, "git stash push", Outcome.NO),
        ({"prefix": ["npm", "install"]}, "npm i left-pad", Outcome.YES),
        ({"prefix": ["docker", "rm"]}, "docker container rm x", Outcome.YES),
        ({"prefix": ["mytool", "deploy"]}, "mytool --env prod deploy", Outcome.YES),
        ({"prefix": ["mytool", "deploy"]}, "mytool status deploy", Outcome.NO),
        ({"prefix": "rm -rf"}, "rm --force --recursive x", Outcome.YES),
        ({"program": "tar", "flags": ["-x"]}, "tar -xzf a.tgz", Outcome.YES),
        ({"program": "tar", "flags": ["-xz"]}, "tar -x -z -f a.tgz", Outcome.YES),
        ({"program": "git", "args": {"in": ["branches"]}}, "git push origin release", Outcome.YES),
        ({"program": "git", "args": {"in": ["main"]}}, "git push origin main", Outcome.YES),
        ({"program": "git", "args": {"regex": "^-"}}, "git -- -x", Outcome.YES),
        ({"program": "curl", "args": "https://*.evil.com/**"}, "curl -o out https://a.evil.com/x", Outcome.YES),
        ({"program": "curl", "args": "out"}, "curl -o out https://a.evil.com/x", Outcome.NO),
    ])
    def test_rule_forms(self, spec: Any, command: str, outcome: Outcome) -> None:
        assert judge(spec, command).outcome is outcome

    def test_program_and_path_conditions_must_hold_on_the_same_command(self) -> None:
        spec = {"program": "tee", "writes": "/etc/**"}
        assert judge(spec, "echo x | tee /etc/hosts").outcome is Outcome.YES
        assert judge(spec, "tee out.txt; echo x > /etc/hosts").outcome is Outcome.NO

    def test_pipe_to_shell_combines_with_other_keys(self) -> None:
        spec = {"program": "wget", "pipe_to_shell": True}
        assert judge(spec, "wget -qO- x | sh").outcome is Outcome.YES
        assert judge(spec, "wget -q x").outcome is Outcome.NO

    def test_interpreter_one_liners(self) -> None:
        code = "python3 -c 'import shutil; shutil.rmtree(\"/\")'"
        assert judge({"program": "rm"}, code).outcome is Outcome.NO
        assert judge({"program": "rm", "interpreters": True}, code).outcome is Outcome.UNKNOWN
        assert judge({"program": "rm"}, "python3 -c 'os.system(\"rm x\")'").outcome is Outcome.UNKNOWN
        assert judge({"program": "rm"}, "python3 -c 'print(\"farm\")'").outcome is Outcome.NO

    def test_parse_errors_are_unknown_for_every_rule(self) -> None:
        for spec in ({"program": "rm"}, {"writes": "/etc/**"}, {"pipe_to_shell": True}, {"prefix": "git push"}):
            assert judge(spec, "ls; if then fi").outcome is Outcome.UNKNOWN

    def test_match_command_convenience(self) -> None:
        assert match_command(CommandSpec.model_validate("git push"), "git push").outcome is Outcome.YES
        assert match_command(CommandSpec.model_validate("git push"), 3) == NO
