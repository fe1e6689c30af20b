"""The path matcher on a real directory tree: normalisation, globs, lists, containment, symlinks."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from hookgate.policy.match.base import CompileContext, EvalEnv, Matcher, Outcome, SpecError
from hookgate.policy.match.path import (
    PathMatcher,
    PathSpec,
    UnknownPath,
    compile_path,
    normalize_path,
    resolve_candidates,
)


@dataclass
class Tree:
    root: Path
    home: str
    ws: str
    env: EvalEnv
    ctx: CompileContext

    def rule(self, spec: object) -> PathMatcher:
        return compile_path(PathSpec.model_validate(spec), self.ctx)

    def outcome(self, spec: object, value: object, env: EvalEnv | None = None) -> Outcome:
        return self.rule(spec).match(value, env or self.env).outcome


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    home = tmp_path / "home" / "u"
    ws = home / "proj"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("k")
    (ws / "src").mkdir(parents=True)
    (ws / "src" / "app.py").write_text("")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd").write_text("")
    (ws / "key-link").symlink_to(home / ".ssh" / "id_rsa")
    (ws / "ssh-dir").symlink_to(home / ".ssh")
    (ws / "dangling").symlink_to(home / ".ssh" / "authorized_keys")
    (ws / "inner-link").symlink_to(ws / "src")
    lists = {"secret_files": ("~/.ssh/**", "~/.aws/**", "**/.env", "**/.env.*"), "etc": (f"{tmp_path}/etc/**",)}
    env = EvalEnv(cwd=str(ws), home=str(home), workspace=str(ws))
    return Tree(tmp_path, str(home), str(ws), env, CompileContext(lists=lists, home=str(home)))


# --- normalize_path / resolve_candidates --------------------------------------------------------------------------

ENV = EvalEnv(cwd="/w/proj", home="/home/u")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("~", "/home/u"),
        ("~/", "/home/u"),
        ("~/.ssh/id_rsa", "/home/u/.ssh/id_rsa"),
        ("$HOME/.aws", "/home/u/.aws"),
        ("${HOME}/.aws/", "/home/u/.aws"),
        ("~u/.ssh", "/home/u/.ssh"),
        ("a/b", "/w/proj/a/b"),
        ("./a/./b/", "/w/proj/a/b"),
        ("../../etc//passwd", "/etc/passwd"),
        ("/../../etc/passwd", "/etc/passwd"),
        ("//etc///shadow", "/etc/shadow"),
        ("/a/b/..", "/a"),
        (".", "/w/proj"),
        ("price$", "/w/proj/price$"),
        ("a$.txt", "/w/proj/a$.txt"),
    ],
)
def test_normalize_path(raw: str, expected: str) -> None:
    assert normalize_path(raw, ENV) == expected


@pytest.mark.parametrize(
    ("raw", "env", "detail"),
    [
        ("$AWS_DIR/creds", ENV, "variable `$AWS_DIR`"),
        ("${XDG_CONFIG_HOME}/x", ENV, "variable `$XDG_CONFIG_HOME`"),
        ("$(pwd)/x", ENV, "shell expansion"),
        ("`pwd`/x", ENV, "command substitution"),
        ("~bob/.ssh", ENV, "another user's home"),
        ("~/x", EvalEnv(cwd="/w"), "home directory is not known"),
        ("x", EvalEnv(home="/home/u"), "working directory is not known"),
        ("x", EvalEnv(cwd="rel"), "not absolute"),
        ("", ENV, "empty"),
        ("a\0b", ENV, "NUL"),
    ],
)
def test_normalize_path_unknown(raw: str, env: EvalEnv, detail: str) -> None:
    with pytest.raises(UnknownPath, match=re.escape(detail)):
        normalize_path(raw, env)


def test_resolve_candidates_sees_link_and_target(tree: Tree) -> None:
    names = resolve_candidates(f"{tree.ws}/key-link")
    assert names[0] == f"{tree.ws}/key-link"
    assert os.path.realpath(f"{tree.home}/.ssh/id_rsa") in names


def test_resolve_candidates_new_file_in_linked_dir(tree: Tree) -> None:
    names = resolve_candidates(f"{tree.ws}/ssh-dir/authorized_keys")
    assert os.path.realpath(f"{tree.home}/.ssh") + "/authorized_keys" in names


def test_resolve_candidates_plain_path_is_one_name(tree: Tree) -> None:
    assert resolve_candidates(f"{tree.ws}/src/app.py") == (f"{tree.ws}/src/app.py",)


# --- globs -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "expected"),
    [
        ("~/.ssh/**", "~/.ssh/id_rsa", True),
        ("~/.ssh/**", "~/.ssh", True),
        ("~/.ssh/**", "~/.ssh/a/b/c", True),
        ("~/.ssh/**", "~/.sshconfig-notes", False),
        ("~/.ssh/*", "~/.ssh/a/b", False),
        ("~/.ssh/id_*", "~/.ssh/id_ed25519", True),
        ("**/.env", "/srv/app/.env", True),
        ("**/.env", "/srv/app/.env.example", False),
        (".env", "/srv/app/.env", True),
        ("*.pem", "/a/b/server.pem", True),
        ("*.pem", "/a/b/server.pem.txt", False),
        ("**/.env{,.*}", "/x/.env.local", True),
        ("**/.env{,.*}", "/x/.envrc", False),
        ("/etc/**", "/etc", True),
        ("/etc/**", "/etcetera", False),
        ("/etc/pass?d", "/etc/passwd", True),
        ("/etc/[!s]*", "/etc/shadow", False),
        ("/etc/[!s]*", "/etc/passwd", True),
        ("/a/**/b", "/a/b", True),
        ("/a/**/b", "/a/x/y/b", True),
        ("/a/**/b", "/a/xb", False),
        ("src/**/*.py", "src/pkg/mod.py", True),
        ("src/**/*.py", "/elsewhere/src/mod.py", False),
        ("/**", "/anything/at/all", True),
        (r"/tmp/a\*b", "/tmp/a*b", True),
        (r"/tmp/a\*b", "/tmp/axxb", False),
    ],
)
def test_glob(glob: str, path: str, expected: bool) -> None:
    ctx = CompileContext(home="/home/u")
    env = EvalEnv(cwd="/w", home="/home/u", workspace="/w")
    assert compile_path(PathSpec.model_validate(glob), ctx).match(path, env).outcome is (
        Outcome.YES if expected else Outcome.NO
    )


@pytest.mark.parametrize(
    ("spec", "loc", "message"),
    [
        ({"glob": "a**"}, ("glob",), "whole path segment"),
        ({"glob": ["/ok/**", "/bad/[x"]}, ("glob", 1), "unclosed `[`"),
        ({"glob": "~bob/x"}, ("glob",), "~user"),
        ({"glob": "/a/../b"}, ("glob",), "`..`"),
        ({"glob": "{a,b"}, ("glob",), "unbalanced"),
        ({"under": "relative/dir"}, ("under",), "not a directory rule"),
        ({"in": ["secret_files", "secrte_files"]}, ("in", 1), "did you mean `secret_files`"),
    ],
)
def test_compile_errors_carry_loc(spec: object, loc: tuple[object, ...], message: str) -> None:
    ctx = CompileContext(lists={"secret_files": ("~/.ssh/**",)}, home="/home/u")
    with pytest.raises(SpecError, match=re.escape(message)) as err:
        compile_path(PathSpec.model_validate(spec), ctx)
    assert err.value.loc == loc


def test_bad_glob_in_named_list_names_the_list() -> None:
    ctx = CompileContext(lists={"mine": ("/ok", "x**y")}, home="/h")
    with pytest.raises(SpecError, match="in list `mine`") as err:
        compile_path(PathSpec.model_validate({"in": "mine"}), ctx)
    assert err.value.loc == ("in",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("~/.ssh/**", {"glob": ("~/.ssh/**",)}),
        (["a", "b"], {"glob": ("a", "b")}),
        ({"in": "secret_files"}, {"in_": ("secret_files",)}),
        ({"under": "workspace", "glob": "*.py"}, {"under": ("workspace",), "glob": ("*.py",)}),
    ],
)
def test_spec_shorthands(raw: object, expected: dict[str, object]) -> None:
    spec = PathSpec.model_validate(raw)
    for key, value in expected.items():
        assert getattr(spec, key) == value


@pytest.mark.parametrize("raw", [{}, {"glob": "x", "regex": "y"}, {"case_insensitive": True}])
def test_spec_rejects(raw: object) -> None:
    with pytest.raises(ValueError):
        PathSpec.model_validate(raw)


def test_spec_is_frozen_and_schema_accepts_string_or_list() -> None:
    spec = PathSpec.model_validate("x")
    with pytest.raises(ValueError):
        spec.glob = ("y",)  # type: ignore[misc]
    schema = PathSpec.model_json_schema(by_alias=True)
    assert "in" in schema["properties"]
    assert "string" in str(schema["properties"]["glob"])


# --- the matcher on a real tree -------------------------------------------------------------------------------------


def test_matcher_satisfies_protocol(tree: Tree) -> None:
    assert isinstance(tree.rule("**"), Matcher)


def test_named_list(tree: Tree) -> None:
    assert tree.outcome({"in": "secret_files"}, "~/.aws/credentials") is Outcome.YES
    assert tree.outcome({"in": ["etc", "secret_files"]}, f"{tree.root}/etc/passwd") is Outcome.YES
    assert tree.outcome({"in": "secret_files"}, "src/app.py") is Outcome.NO


def test_symlink_to_protected_file_matches(tree: Tree) -> None:
    result = tree.rule({"in": "secret_files"}).match("key-link", tree.env)
    assert result.outcome is Outcome.YES
    assert "resolved to" in result.detail


def test_write_through_linked_dir_and_dangling_link(tree: Tree) -> None:
    assert tree.outcome("~/.ssh/**", "ssh-dir/authorized_keys") is Outcome.YES
    assert tree.outcome("~/.ssh/**", "dangling") is Outcome.YES


def test_dotdot_after_symlink_follows_kernel_semantics(tree: Tree) -> None:
    # ssh-dir/.. is the parent of ~/.ssh (home), not the workspace
    assert tree.outcome("~/.bashrc", "ssh-dir/../.bashrc") is Outcome.YES


def test_follow_symlinks_false_sees_only_the_name(tree: Tree) -> None:
    assert tree.outcome({"glob": "~/.ssh/**", "follow_symlinks": False}, "key-link") is Outcome.NO


def test_under_workspace_is_containment(tree: Tree) -> None:
    assert tree.outcome({"under": "workspace"}, "src/app.py") is Outcome.YES
    assert tree.outcome({"under": "workspace"}, "inner-link/app.py") is Outcome.YES
    assert tree.outcome({"under": "workspace"}, "key-link") is Outcome.NO  # escapes via symlink
    assert tree.outcome({"under": "workspace"}, "../x") is Outcome.NO


def test_outside_workspace(tree: Tree) -> None:
    assert tree.outcome({"outside": "workspace"}, "src/new.py") is Outcome.NO
    assert tree.outcome({"outside": "workspace"}, "key-link") is Outcome.YES
    assert tree.outcome({"outside": "workspace"}, "/tmp/x") is Outcome.YES
    assert tree.outcome({"outside": ["workspace", "/tmp"]}, "/tmp/x") is Outcome.NO


def test_workspace_reached_through_a_symlink_is_still_inside(tree: Tree) -> None:
    alias = tree.root / "ws-alias"
    alias.symlink_to(tree.ws)
    env = EvalEnv(cwd=str(alias), home=tree.home, workspace=str(alias))
    assert tree.outcome({"outside": "workspace"}, "src/app.py", env) is Outcome.NO
    assert tree.outcome({"under": "workspace"}, f"{tree.ws}/src/app.py", env) is Outcome.YES


def test_workspace_falls_back_to_cwd_and_unknown_without_either(tree: Tree) -> None:
    assert tree.outcome({"under": "workspace"}, "src/app.py", EvalEnv(cwd=tree.ws, home=tree.home)) is Outcome.YES
    no_ws = EvalEnv(home=tree.home)
    result = tree.rule({"outside": "workspace"}).match("/etc/passwd", no_ws)
    assert result.outcome is Outcome.UNKNOWN
    assert "workspace" in result.detail


def test_all_keys_must_hold(tree: Tree) -> None:
    spec = {"glob": "**/*.py", "under": "workspace"}
    assert tree.outcome(spec, "src/app.py") is Outcome.YES
    assert tree.outcome(spec, "/tmp/app.py") is Outcome.NO
    assert tree.outcome(spec, "src/app.txt") is Outcome.NO


def test_under_home_dir(tree: Tree) -> None:
    assert tree.outcome({"under": "~/.ssh"}, "~/.ssh/id_rsa") is Outcome.YES
    assert tree.outcome({"under": "~/.ssh"}, "~/.sshx") is Outcome.NO


def test_several_directories_under_means_inside_any_of_them(tree: Tree) -> None:
    """`under: [a, b]` holds for a path in either (it used to need both, so a deny never fired)."""
    spec = {"under": ["~/.ssh", f"{tree.root}/etc"]}
    assert tree.outcome(spec, "~/.ssh/id_rsa") is Outcome.YES
    assert tree.outcome(spec, f"{tree.root}/etc/passwd") is Outcome.YES
    assert tree.outcome(spec, "src/app.py") is Outcome.NO
    assert tree.outcome(spec, "key-link") is Outcome.NO  # the link's own name is in neither
    both = {"under": ["workspace", "~/.ssh"]}
    assert tree.outcome(both, "key-link") is Outcome.YES  # the link in one, its target in the other


def test_several_directories_outside_means_outside_all_of_them(tree: Tree) -> None:
    spec = {"outside": ["workspace", f"{tree.root}/etc"]}
    assert tree.outcome(spec, f"{tree.root}/etc/passwd") is Outcome.NO
    assert tree.outcome(spec, "src/app.py") is Outcome.NO
    assert tree.outcome(spec, "~/.ssh/id_rsa") is Outcome.YES
    assert tree.outcome(spec, "key-link") is Outcome.YES  # its target escapes both
    assert tree.outcome({"outside": ["workspace", "~/.ssh"]}, "key-link") is Outcome.NO


def test_a_directory_the_event_cannot_place_decides_only_what_it_could_change(tree: Tree) -> None:
    no_workspace = EvalEnv(home=tree.home)
    inside = {"under": ["~/.ssh", "workspace"]}
    assert tree.outcome(inside, "~/.ssh/id_rsa", no_workspace) is Outcome.YES
    assert tree.outcome(inside, f"{tree.root}/etc/passwd", no_workspace) is Outcome.UNKNOWN
    outside = {"outside": ["~/.ssh", "workspace"]}
    assert tree.outcome(outside, "~/.ssh/id_rsa", no_workspace) is Outcome.NO
    assert tree.outcome(outside, f"{tree.root}/etc/passwd", no_workspace) is Outcome.UNKNOWN


def test_case_insensitive(tree: Tree) -> None:
    spec = {"glob": "~/.SSH/**", "case_insensitive": True}
    assert tree.outcome(spec, "~/.ssh/ID_RSA") is Outcome.YES
    assert tree.outcome(spec, "~/.Ss\u200ch/x") is Outcome.YES  # HFS+ ignores zero-width joiners
    assert tree.outcome({"glob": "~/.ssh/**"}, "~/.SSH/id_rsa") is Outcome.NO
    assert tree.outcome({"glob": "**/.ENV", "case_insensitive": True}, "/x/.env") is Outcome.YES


def test_relative_without_cwd(tree: Tree) -> None:
    env = EvalEnv(home=tree.home)
    assert tree.outcome("**/.env", "config/.env", env) is Outcome.YES
    assert tree.outcome("**/.env", "config/app.py", env) is Outcome.UNKNOWN
    assert tree.outcome("/etc/**", "passwd", env) is Outcome.UNKNOWN
    assert tree.outcome({"glob": "**/.env", "under": "workspace"}, ".env", env) is Outcome.UNKNOWN


def test_unknown_values(tree: Tree) -> None:
    result = tree.rule("~/.ssh/**").match("$SSH_DIR/id_rsa", tree.env)
    assert result.outcome is Outcome.UNKNOWN
    assert "`$SSH_DIR`" in result.detail


def test_lists_and_non_strings(tree: Tree) -> None:
    m = tree.rule("~/.ssh/**")
    assert m.match(["src/app.py", "~/.ssh/id_rsa"], tree.env).outcome is Outcome.YES
    assert m.match(("src/app.py", "$X"), tree.env).outcome is Outcome.UNKNOWN
    assert m.match(["src/app.py", 3], tree.env).outcome is Outcome.NO
    assert m.match(None, tree.env).outcome is Outcome.NO
    assert m.match({"path": "~/.ssh/id_rsa"}, tree.env).outcome is Outcome.NO


def test_shell_glob_words(tree: Tree) -> None:
    """Wildcards are only expanded for shell words; what they may expand to: test_path_shell.py."""
    m = tree.rule("**/.env")
    assert m.match_path("/srv/.e*", tree.env, shell_glob=True).outcome is Outcome.UNKNOWN
    assert m.match_path("/srv/.e*", tree.env).outcome is Outcome.NO
    assert m.match_path("/srv/*.py", tree.env, shell_glob=True).outcome is Outcome.NO  # never a dotfile
    assert m.match_path("/srv/*/.env", tree.env, shell_glob=True).outcome is Outcome.YES  # as written
    assert m.match_path("/srv/*/x", tree.env, shell_glob=True).outcome is Outcome.UNKNOWN
    assert m.match_path("/srv/app.py", tree.env, shell_glob=True).outcome is Outcome.NO


def test_env_home_overrides_compile_home(tree: Tree) -> None:
    m = compile_path(PathSpec.model_validate("~/.ssh/**"), CompileContext(home="/nonexistent"))
    assert m.match(f"{tree.home}/.ssh/id_rsa", tree.env).outcome is Outcome.YES


def test_symlinked_rule_prefix_also_matches_real_spelling(tree: Tree) -> None:
    real = tree.root / "private" / "etc"
    real.mkdir(parents=True)
    (tree.root / "etc-link").symlink_to(real)
    m = compile_path(PathSpec.model_validate(f"{tree.root}/etc-link/**"), tree.ctx)
    assert m.match(f"{real}/hosts", tree.env).outcome is Outcome.YES


def test_symlink_loop_does_not_raise(tree: Tree) -> None:
    (tree.root / "loop-a").symlink_to(tree.root / "loop-b")
    (tree.root / "loop-b").symlink_to(tree.root / "loop-a")
    assert tree.outcome("~/.ssh/**", f"{tree.root}/loop-a/x") is Outcome.NO
    assert tree.outcome({"outside": "workspace"}, f"{tree.root}/loop-a") is Outcome.YES


def test_list_of_paths_resolved_for_each(tree: Tree) -> None:
    m = tree.rule({"under": "workspace"})
    assert m.match(["src/app.py", "README.md"], tree.env).outcome is Outcome.YES  # any element
    assert m.match(["key-link", "/tmp/x"], tree.env).outcome is Outcome.NO


def test_home_with_trailing_slash(tree: Tree) -> None:
    env = EvalEnv(cwd=tree.ws, home=tree.home + "/", workspace=tree.ws)
    assert tree.outcome("~/.ssh/**", "~/.ssh/id_rsa", env) is Outcome.YES
    assert tree.outcome({"under": "~"}, "src/app.py", env) is Outcome.YES


def test_some_path_below_a_directory(tree: Tree) -> None:
    """`find DIR` results and archives unpacked in DIR: YES when every path below matches, NO when
    none can, else UNKNOWN; globs matched anywhere are not applied to such a walk."""
    env = tree.env
    ssh = tree.rule({"glob": "~/.ssh/**"})
    assert ssh.match_below(f"{tree.home}/.ssh", env).outcome is Outcome.YES
    assert ssh.match_below(tree.home, env).outcome is Outcome.UNKNOWN  # ~/.ssh is somewhere below ~
    assert ssh.match_below(f"{tree.root}/etc", env).outcome is Outcome.NO
    assert ssh.match_below("ssh-dir", env).outcome is Outcome.YES  # a link to ~/.ssh, resolved
    pems = tree.rule({"glob": "~/.ssh/*.pem"})
    assert pems.match_below(f"{tree.home}/.ssh", env).outcome is Outcome.UNKNOWN  # only some names below
    assert tree.rule({"glob": "**/.env"}).match_below(tree.ws, env).outcome is Outcome.NO
    outside = tree.rule({"outside": "workspace"})
    assert outside.match_below("src", env).outcome is Outcome.NO
    assert outside.match_below(f"{tree.root}/etc", env).outcome is Outcome.YES
    assert outside.match_below("/", env).outcome is Outcome.UNKNOWN  # the workspace is below / too
    assert outside.match_below("src", EvalEnv(cwd=tree.ws)).outcome is Outcome.NO


def test_below_a_directory_read_through_its_links(tree: Tree) -> None:
    """A read walk (`find DIR -exec cat {} +`) reaches the targets of the links below DIR; the answer
    is YES or NO only when it is the same for the directory and every target."""
    env = tree.env
    ssh = tree.rule({"glob": "~/.ssh/**"})
    assert ssh.match_below(tree.ws, env).outcome is Outcome.NO  # the names below the workspace
    through = ssh.match_below(tree.ws, env, follow_links=True)  # key-link and ssh-dir lead into ~/.ssh
    assert through.outcome is Outcome.UNKNOWN and f"{tree.home}/.ssh" in through.detail
    assert ssh.match_below(f"{tree.ws}/src", env, follow_links=True).outcome is Outcome.NO  # no links there
    assert ssh.match_below(f"{tree.home}/.ssh", env, follow_links=True).outcome is Outcome.YES
    lexical = tree.rule({"glob": "~/.ssh/**", "follow_symlinks": False})  # the rule asked for names only
    assert lexical.match_below(tree.ws, env, follow_links=True).outcome is Outcome.NO
    outside = tree.rule({"outside": "workspace"})
    assert outside.match_below("src", env, follow_links=True).outcome is Outcome.NO
    assert outside.match_below(tree.ws, env, follow_links=True).outcome is Outcome.UNKNOWN  # links leave it


def test_links_below_a_directory_are_found_without_entering_linked_directories(tree: Tree) -> None:
    from hookgate.policy.match.path_below import links_below

    links, cut = links_below(tree.ws)
    assert sorted(links) == sorted(f"{tree.ws}/{n}" for n in ("key-link", "ssh-dir", "dangling", "inner-link"))
    assert not cut
    assert links_below(tree.ws, limit=2)[1] is True
    assert links_below(f"{tree.root}/missing") == ([], False)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any directory")
def test_links_below_an_unlistable_folder_are_not_known(tree: Tree) -> None:
    from hookgate.policy.match.path_below import links_below

    locked = Path(tree.ws) / "src" / "locked"
    locked.mkdir()
    locked.chmod(0o300)
    try:
        assert links_below(f"{tree.ws}/src")[1] is True
        result = tree.rule({"glob": "~/.ssh/**"}).match_below("src", tree.env, follow_links=True)
        assert result.outcome is Outcome.UNKNOWN
    finally:
        locked.chmod(0o700)


def test_below_a_directory_yes_only_when_every_path_matches(tree: Tree) -> None:
    """A YES below a directory is read through `unless` and `not` too, so it is claimed only when it
    holds for every path there: a glob whose prefix is literal up to `/**`, and no `except`."""
    env = tree.env
    etc = f"{tree.root}/etc"
    assert tree.rule({"glob": f"{tree.root}/**"}).match_below(etc, env).outcome is Outcome.YES
    assert tree.rule({"glob": "~/**"}).match_below(f"{tree.home}/.ssh", env).outcome is Outcome.YES
    # `etc/etc/a` is below `etc` and is not `etc/*/etc/**`: only some paths below match
    twice = tree.rule({"glob": f"{etc}/*/etc/**"})
    assert twice.match_below(f"{etc}/etc", env).outcome is Outcome.UNKNOWN
    # every path below `etc/x/etc` does match; not claimed with a wildcard before `/**` (conservative)
    assert twice.match_below(f"{etc}/x/etc", env).outcome is Outcome.UNKNOWN
    excepted = tree.rule({"glob": "~/**", "except": ["~/.ssh/known_hosts"]})
    assert excepted.match_below(f"{tree.home}/.ssh", env).outcome is Outcome.UNKNOWN


@pytest.mark.parametrize("glob", ["~/.ssh/", "src/", "{tmp}/etc/"])
def test_a_glob_ending_in_a_slash_names_a_folder_and_what_is_in_it(tree: Tree, glob: str) -> None:
    """`~/.ssh/` reads as "the ssh folder": matched as written it held for the folder's own name
    only, so a deny on it let `~/.ssh/id_rsa` through."""
    glob = glob.format(tmp=tree.root)
    folder = {"~/.ssh/": "~/.ssh", "src/": "src"}.get(glob, f"{tree.root}/etc")
    inside = {"~/.ssh/": "~/.ssh/id_rsa", "src/": "src/app.py"}.get(glob, f"{tree.root}/etc/passwd")
    assert tree.outcome({"glob": glob}, folder) is Outcome.YES
    assert tree.outcome({"glob": glob}, inside) is Outcome.YES
    assert tree.outcome({"glob": glob}, folder + "x/y") is Outcome.NO  # a sibling with a longer name


@pytest.mark.parametrize("glob", ["~/", "/"])
def test_a_bare_home_or_root_stays_itself(tree: Tree, glob: str) -> None:
    """Not every file below home or root: `~/` and `/` name those folders alone, as before."""
    assert tree.outcome({"glob": glob}, "~/.ssh/id_rsa") is Outcome.NO
