"""``except`` in a path condition: excluded only when every name of the path (link and target) matches."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome, SpecError
from hookgate.policy.match.command import CommandSpec, compile_command
from hookgate.policy.match.path import PathMatcher, PathSpec, compile_path

SECRETS = ("~/.ssh/**", "~/.aws/**", "**/.env", "**/.env.*")
TEMPLATES = ["**/.env.example", "**/.env.sample", "**/.env.template"]
SECRET = {"in": "secret_files", "case_insensitive": True, "except": TEMPLATES}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = Path(os.path.realpath(tmp_path))
    ws = root / "home" / "u" / "proj"
    (ws / "config").mkdir(parents=True)
    (ws / ".env").write_text("SECRET=1")
    (ws / ".env.example").write_text("SECRET=")
    (ws / "config" / ".env.sample").write_text("SECRET=")
    return ws


def _env(ws: Path) -> EvalEnv:
    return EvalEnv(cwd=str(ws), home=str(ws.parent), workspace=str(ws))


def _rule(ws: Path, spec: object) -> PathMatcher:
    return compile_path(PathSpec.model_validate(spec), CompileContext({"secret_files": SECRETS}, home=str(ws.parent)))


def _outcome(ws: Path, spec: object, path: str) -> Outcome:
    return _rule(ws, spec).match(path, _env(ws)).outcome


def test_spec_accepts_a_glob_or_a_list() -> None:
    assert PathSpec.model_validate({"glob": "**/.env*", "except": "**/.env.example"}).except_ == ("**/.env.example",)
    spec = PathSpec.model_validate({"in": "x", "except": TEMPLATES})
    assert spec.except_ == tuple(TEMPLATES) and spec.model_dump(by_alias=True)["except"] == tuple(TEMPLATES)


def test_except_alone_is_rejected() -> None:
    with pytest.raises(ValueError, match="`except` only narrows them"):
        PathSpec.model_validate({"except": "**/x"})


@pytest.mark.parametrize(
    ("spec", "loc"),
    [
        ({"glob": "**/.env*", "except": "x/[z-a]"}, ("except",)),
        ({"glob": "**/.env*", "except": ["**/ok", "~bob/x"]}, ("except", 1)),
    ],
)
def test_bad_except_globs_are_reported_at_their_position(spec: object, loc: tuple[object, ...]) -> None:
    with pytest.raises(SpecError) as err:
        compile_path(PathSpec.model_validate(spec), CompileContext(home="/home/u"))
    assert err.value.loc == loc and err.value.code == "compile.bad_glob"


def test_templates_are_excused(ws: Path) -> None:
    assert _outcome(ws, SECRET, str(ws / ".env.example")) is Outcome.NO
    assert _outcome(ws, SECRET, "config/.env.sample") is Outcome.NO
    assert _outcome(ws, SECRET, ".ENV.EXAMPLE") is Outcome.NO  # case-insensitive like the rest of the rule
    assert _outcome(ws, SECRET, ".env.template") is Outcome.NO  # does not exist yet: a plain name
    assert _outcome(ws, SECRET, ".env") is Outcome.YES
    assert _outcome(ws, SECRET, ".env.production") is Outcome.YES


def test_template_linked_to_a_secret_is_not_excused(ws: Path) -> None:
    (ws / ".env.template").symlink_to(ws / ".env")
    assert _outcome(ws, SECRET, ".env.template") is Outcome.YES
    (ws / "config" / "example.txt").symlink_to(ws / ".env")  # the target alone matches the rule
    result = _rule(ws, SECRET).match("config/example.txt", _env(ws))
    assert result.outcome is Outcome.YES and "resolved to" in result.detail


def test_template_linked_to_a_template_is_excused(ws: Path) -> None:
    (ws / "config" / ".env.example").symlink_to(ws / ".env.example")
    assert _outcome(ws, SECRET, "config/.env.example") is Outcome.NO


def test_template_through_a_linked_directory(ws: Path) -> None:
    (ws / "cfg").symlink_to(ws / "config")
    assert _outcome(ws, SECRET, "cfg/.env.sample") is Outcome.NO
    (ws / "cfg2").symlink_to(ws.parent.parent)  # the name is still a template wherever it lies
    assert _outcome(ws, SECRET, "cfg2/.env.sample") is Outcome.NO


def test_follow_symlinks_false_still_checks_the_target_for_the_exclusion(ws: Path) -> None:
    (ws / ".env.sample").symlink_to(ws / ".env")
    spec = {**SECRET, "follow_symlinks": False}
    assert _outcome(ws, spec, ".env.sample") is Outcome.YES


def test_anchored_except_globs(ws: Path) -> None:
    spec = {"glob": "**/.env", "except": "~/proj/config/**"}
    (ws / "config" / ".env").write_text("")
    assert _outcome(ws, spec, "config/.env") is Outcome.NO
    assert _outcome(ws, spec, ".env") is Outcome.YES
    (ws / "config" / "leak").mkdir()
    (ws / "config" / "leak" / ".env").symlink_to(ws / ".env")
    assert _outcome(ws, spec, "config/leak/.env") is Outcome.YES


def test_except_narrows_containment_too(ws: Path) -> None:
    spec = {"outside": "workspace", "except": "/tmp/**"}
    assert _outcome(ws, spec, "/tmp/x") is Outcome.NO
    assert _outcome(ws, spec, "/etc/x") is Outcome.YES


def test_without_cwd_an_excusable_name_is_unknown(ws: Path) -> None:
    rule = _rule(ws, SECRET)
    assert rule.match(".env.example", EvalEnv(home=str(ws.parent))).outcome is Outcome.UNKNOWN
    assert rule.match(".env", EvalEnv(home=str(ws.parent))).outcome is Outcome.UNKNOWN
    plain = _rule(ws, {"in": "secret_files"})
    assert plain.match(".env", EvalEnv(home=str(ws.parent))).outcome is Outcome.YES


def test_shell_reads(ws: Path) -> None:
    ctx = CompileContext({"secret_files": SECRETS}, home=str(ws.parent))
    reads = compile_command(CommandSpec.model_validate({"reads": SECRET}), ctx)
    assert reads.match("cp .env.example .env", _env(ws)).outcome is Outcome.NO
    assert reads.match("cat config/.env.sample", _env(ws)).outcome is Outcome.NO
    assert reads.match("cat .env", _env(ws)).outcome is Outcome.YES
    assert reads.match("cat .env.e*", _env(ws)).outcome is Outcome.YES  # `.env.e*` itself is a `.env.*`
    assert reads.match("cat .e*.example", _env(ws)).outcome is Outcome.UNKNOWN
    (ws / "notes.example").symlink_to(ws / ".env")
    assert reads.match("cat *.example", _env(ws)).outcome is Outcome.UNKNOWN
