"""Shell wildcards in path words (``rm -f *.o``, ``cat *.md``) on a real tree with files and symlinks.

A word decides NO only when neither a name in its directory now nor a plain name created there
later can match; every other answer is UNKNOWN (never YES: which names bash expands depends on
quoting and options the matcher cannot see).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from hookgate.policy.match import path_shell
from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome
from hookgate.policy.match.command import CommandSpec, compile_command
from hookgate.policy.match.path import PathMatcher, PathSpec, compile_path
from hookgate.policy.match.path_shell import WildWord, split_word

SECRETS = ("~/.ssh/**", "~/.aws/**", "**/.env", "**/.env.*")
TEMPLATES = ["**/.env.example", "**/.env.sample", "**/.env.template"]


@dataclass
class World:
    root: Path
    home: Path
    ws: Path
    env: EvalEnv
    ctx: CompileContext

    def rule(self, spec: object) -> PathMatcher:
        return compile_path(PathSpec.model_validate(spec), self.ctx)

    def word(self, spec: object, word: str, env: EvalEnv | None = None) -> Outcome:
        return self.rule(spec).match_path(word, env or self.env, shell_glob=True).outcome

    def command(self, spec: object, line: str) -> Outcome:
        return compile_command(CommandSpec.model_validate(spec), self.ctx).match(line, self.env).outcome


@pytest.fixture
def world(tmp_path: Path) -> World:
    root = Path(os.path.realpath(tmp_path))
    home = root / "home" / "u"
    ws = home / "proj"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("k")
    (ws / "docs").mkdir(parents=True)
    for name in ("README.md", "CHANGES.md", "main.o", "util.o", "main.c"):
        (ws / name).write_text("x")
    (root / "elsewhere").mkdir()
    env = EvalEnv(cwd=str(ws), home=str(home), workspace=str(ws))
    ctx = CompileContext(lists={"secret_files": SECRETS}, home=str(home))
    return World(root, home, ws, env, ctx)


OUTSIDE = {"outside": "workspace"}  # not `/tmp` as well: the tree is in pytest's tmp_path
SECRET = {"in": "secret_files", "case_insensitive": True}


# --- the word ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("*.o", WildWord(".", "*.o", "", ".o")),
        ("build/*.o", WildWord("build", "*.o", "", ".o")),
        ("/*.conf", WildWord("/", "*.conf", "", ".conf")),
        ("~/notes/test_*.md", WildWord("~/notes", "test_*.md", "test_", ".md")),
        ("a[bc]d?e", WildWord(".", "a[bc]d?e", "a", "e")),
        ("x[", WildWord(".", "x[", "x", "")),
    ],
)
def test_split_word(word: str, expected: WildWord) -> None:
    assert split_word(word) == expected


@pytest.mark.parametrize(
    ("word", "why"),
    [
        ("*/x", "directory"),
        ("a*/", "directory"),
        ("src/**", "`**`"),
        ("a**b", "`**`"),
        ("{a,b}*", "braces"),
        ("@(x|y)*", "parentheses"),
        ("-/*", "`cd -`"),
        ("-/a/*.md", "`cd -`"),
    ],
)
def test_words_that_cannot_be_bounded(word: str, why: str) -> None:
    found = split_word(word)
    assert isinstance(found, str) and why in found


def test_may_name_is_a_superset_across_case_and_dotfiles() -> None:
    word = split_word("*.md")
    assert isinstance(word, WildWord)
    assert word.may_name("a.md") and word.may_name("A.MD") and word.may_name(".env.md")
    assert not word.may_name("a.mdx") and not word.may_name("md")


# --- containment: under / outside ----------------------------------------------------------------------------------


def test_glob_in_the_workspace_is_not_outside(world: World) -> None:
    assert world.word(OUTSIDE, "*.o") is Outcome.NO
    assert world.word(OUTSIDE, "docs/*.md") is Outcome.NO
    assert world.word(OUTSIDE, "build/*.o") is Outcome.NO  # no such directory yet: nothing to expand to


def test_symlink_among_the_expansions_is_still_caught(world: World) -> None:
    (world.ws / "x.o").symlink_to(world.root / "elsewhere" / "x.o")
    result = world.rule(OUTSIDE).match_path("*.o", world.env, shell_glob=True)
    assert result.outcome is Outcome.UNKNOWN and "`x.o`" in result.detail
    assert world.command({"writes": OUTSIDE}, "rm -f *.o") is Outcome.UNKNOWN


def test_dotfile_link_is_checked_too(world: World) -> None:
    """``shopt -s dotglob`` or ``GLOBIGNORE`` make ``*`` reach dotfiles: an existing one counts."""
    (world.ws / ".hidden.o").symlink_to(world.root / "elsewhere" / "h.o")
    assert world.word(OUTSIDE, "*.o") is Outcome.UNKNOWN


def test_case_variant_link_is_checked_too(world: World) -> None:
    """``shopt -s nocaseglob``: ``*.o`` may expand to ``X.O``."""
    (world.ws / "X.O").symlink_to(world.root / "elsewhere" / "x.o")
    assert world.word(OUTSIDE, "*.o") is Outcome.UNKNOWN


def test_link_that_does_not_fit_the_word_is_ignored(world: World) -> None:
    (world.ws / "x.txt").symlink_to(world.root / "elsewhere" / "x.txt")
    assert world.word(OUTSIDE, "*.o") is Outcome.NO


def test_link_inside_the_workspace_is_fine(world: World) -> None:
    (world.ws / "y.o").symlink_to(world.ws / "main.o")
    assert world.word(OUTSIDE, "*.o") is Outcome.NO


def test_directory_outside_matches_as_written(world: World) -> None:
    assert world.word(OUTSIDE, f"{world.root}/elsewhere/*.o") is Outcome.YES
    assert world.word(OUTSIDE, "../*.o") is Outcome.YES


def test_linked_directory_is_judged_at_its_target(world: World) -> None:
    (world.ws / "out").symlink_to(world.root / "elsewhere")
    result = world.rule(OUTSIDE).match_path("out/*.o", world.env, shell_glob=True)
    assert result.outcome is Outcome.YES
    (world.ws / "in").symlink_to(world.ws / "docs")
    assert world.word(OUTSIDE, "in/*.md") is Outcome.NO


def test_directory_outside_only_through_a_link_in_it(world: World) -> None:
    """The word's directory is inside; only what a name in it points to is not."""
    (world.ws / "docs" / "x.md").symlink_to(world.root / "elsewhere" / "x.md")
    result = world.rule(OUTSIDE).match_path("docs/*.md", world.env, shell_glob=True)
    assert result.outcome is Outcome.UNKNOWN and "`docs/x.md`" in result.detail


def test_dotted_pattern_may_reach_the_parent(world: World) -> None:
    """bash before 5.2 expands ``.*`` to ``.`` and ``..`` (``rm -rf .*``)."""
    assert world.word(OUTSIDE, ".*") is Outcome.UNKNOWN
    assert world.word(OUTSIDE, ".*.swp") is Outcome.NO  # cannot be `..`


def test_unbounded_words_stay_unknown(world: World) -> None:
    for word in ("*/x.o", "**", "src/**/x", "$D/*.o", "~bob/*.o", "`pwd`/*.o"):
        assert world.word(OUTSIDE, word) is Outcome.UNKNOWN, word


def test_under_is_decided_by_the_directory(world: World) -> None:
    under = {"under": "workspace"}
    assert world.word(under, f"{world.root}/elsewhere/*.o") is Outcome.NO
    assert world.word(under, "*.o") is Outcome.YES  # as written


def test_under_a_directory_the_wildcard_may_name(world: World) -> None:
    """``under: workspace`` and ``~/*``: the wildcard may name the workspace itself."""
    assert world.word({"under": "workspace"}, f"{world.home}/p*") is Outcome.UNKNOWN


def test_large_directory_is_unknown(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(path_shell, "MAX_ENTRIES", 5)  # the real bound (1,000) is the same code, only slower
    big = world.ws / "big"
    big.mkdir()
    for i in range(6):
        (big / f"f{i}").touch()
    result = world.rule(OUTSIDE).match_path("big/*.o", world.env, shell_glob=True)
    assert result.outcome is Outcome.UNKNOWN and "more than 5 entries" in result.detail
    (big / "f0").unlink()
    assert world.word(OUTSIDE, "big/*.o") is Outcome.NO


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_unreadable_directory_is_unknown(world: World) -> None:
    locked = world.ws / "locked"
    locked.mkdir()
    locked.chmod(0o300)
    try:
        assert world.word(OUTSIDE, "locked/*.o") is Outcome.UNKNOWN
    finally:
        locked.chmod(0o700)


# --- glob rules ----------------------------------------------------------------------------------------------------


def test_literal_directory_glob_elsewhere_is_no(world: World) -> None:
    """(a) ``/dev/**`` is anchored at a directory the wildcard's is neither in nor the parent of."""
    assert world.word("/dev/**", "*.o") is Outcome.NO
    assert world.word("/dev/**", "/dev/sd*") is Outcome.YES  # matches as written
    assert world.word("/dev/**", "/*") is Outcome.UNKNOWN  # may be `/dev` itself


def test_home_anchored_glob(world: World) -> None:
    assert world.word("~/.ssh/**", "*.md") is Outcome.NO
    assert world.word("~/.ssh/**", "~/.ssh/*") is Outcome.YES
    assert world.word("~/.ssh/**", "~/.ss*/id_rsa") is Outcome.UNKNOWN  # wildcard in a directory
    assert world.word("~/.ssh/**", "~/*.txt") is Outcome.NO  # `*` never names `.ssh`
    assert world.word("~/.ssh/**", "~/*") is Outcome.UNKNOWN  # an existing dotfile: dotglob may list it


def test_workspace_anchored_glob(world: World) -> None:
    assert world.word("src/**", "docs/*.md") is Outcome.NO
    assert world.word("src/**", "s*") is Outcome.UNKNOWN  # may be `src` itself


def test_dotfile_globs_against_an_undotted_word(world: World) -> None:
    """(b) every name ``**/.env`` or ``**/.env.*`` allows starts with `.`, which ``*.md`` never produces."""
    assert world.word(SECRET, "*.md") is Outcome.NO
    assert world.word(SECRET, "docs/*") is Outcome.NO
    assert world.word("**/.env", "*env") is Outcome.NO


def test_dotted_word_against_dotfile_globs_is_unknown(world: World) -> None:
    assert world.word(SECRET, ".*") is Outcome.UNKNOWN
    assert world.word(SECRET, ".e*") is Outcome.UNKNOWN
    result = world.rule(SECRET).match_path(".*", world.env, shell_glob=True)
    assert "may match `**/.env`" in result.detail


def test_existing_dotfile_counts_for_a_bare_star(world: World) -> None:
    assert world.word(SECRET, "*") is Outcome.NO
    (world.ws / ".env").write_text("SECRET=1")
    assert world.word(SECRET, "*") is Outcome.UNKNOWN  # `shopt -s dotglob; cat *`
    assert world.word(SECRET, "*.md") is Outcome.NO


def test_name_that_folds_to_a_dotfile_on_a_case_insensitive_rule(world: World) -> None:
    """HFS+ ignores zero-width code points: ``\u200b.env`` is ``.env`` there, and ``*`` lists it."""
    (world.ws / "\u200b.env").write_text("SECRET=1")
    assert world.word({"glob": "**/.env", "case_insensitive": True}, "*") is Outcome.UNKNOWN
    assert world.word("**/.env", "*") is Outcome.NO  # on a case-sensitive rule it is another name


def test_innocent_name_linked_to_a_secret(world: World) -> None:
    (world.ws / "notes.md").symlink_to(world.home / ".ssh" / "id_rsa")
    result = world.rule(SECRET).match_path("*.md", world.env, shell_glob=True)
    assert result.outcome is Outcome.UNKNOWN and "`notes.md`" in result.detail


def test_glob_without_a_literal_fact_stays_unknown(world: World) -> None:
    """No general pattern intersection: ``*.pem`` against ``*.txt`` is not proven."""
    assert world.word("*.pem", "*.txt") is Outcome.UNKNOWN
    result = world.rule("*.pem").match_path("*.txt", world.env, shell_glob=True)
    assert "`*.pem`" in result.detail


def test_all_groups_and_keys_must_hold(world: World) -> None:
    """One key provably failing is enough: ``*.pem`` is open but the directory is not outside."""
    assert world.word({"glob": "*.pem", "outside": "workspace"}, "*.txt") is Outcome.NO


def test_unknown_workspace_cannot_prove_a_workspace_glob(world: World) -> None:
    env = EvalEnv(home=str(world.home))
    assert world.word("src/**", f"{world.root}/elsewhere/*.o", env) is Outcome.UNKNOWN
    assert world.word("src/**", f"{world.root}/elsewhere/*.o") is Outcome.NO


def test_no_cwd_is_unknown(world: World) -> None:
    assert world.word(SECRET, "*.md", EvalEnv(home=str(world.home))) is Outcome.UNKNOWN


# --- through the command matcher, as the baseline policy uses it -------------------------------------------------


def test_commands(world: World) -> None:
    reads = {"reads": {**SECRET, "except": TEMPLATES}}
    assert world.command(reads, "cat *.md") is Outcome.NO
    assert world.command(reads, "cat ~/.ss*/id_rsa") is Outcome.UNKNOWN
    assert world.command(reads, "cd ~/.ssh && cat *") is Outcome.YES  # `~/.ssh/*` as written
    assert world.command({"writes": "/dev/**"}, "rm -f *.o") is Outcome.NO
    assert world.command({"writes": OUTSIDE}, "rm -f *.o") is Outcome.NO
    assert world.command({"writes": OUTSIDE}, "cd /etc && rm -f *.conf") is Outcome.YES
    for line in ("cd - && cat *", 'cd "$OLDPWD" && cat *', "popd && cat *.md", "cd $D && cat *"):
        assert world.command(reads, line) is Outcome.UNKNOWN, line  # moved to a directory not known
