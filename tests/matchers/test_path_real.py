"""Symlink resolution by the kernel (``/proc/self/fd``) against ``os.path.realpath``, on real trees.

Both resolvers (native and the portable fallback) must give realpath's answer
wherever the kernel can reach the path's parent, agree with each other
everywhere, and turn a directory that cannot be searched into UNKNOWN.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hookgate.policy.match import path_real
from hookgate.policy.match.base import CompileContext, EvalEnv, Outcome
from hookgate.policy.match.path import PathSpec, compile_path, resolution_scope, resolve_candidates
from hookgate.policy.match.path_norm import UnknownPath, resolve_path
from hookgate.policy.match.path_real import link_in_parent, real_path

RESOLVERS = [pytest.param(True, id="native"), pytest.param(False, id="portable")]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """dir/file, links: to a file, a dir, a chain, relative with `..`, dangling, into a missing dir, a loop."""
    r = Path(os.path.realpath(tmp_path))
    (r / "dir" / "sub").mkdir(parents=True)
    (r / "dir" / "file").write_text("x")
    (r / "to-file").symlink_to(r / "dir" / "file")
    (r / "to-dir").symlink_to("dir")
    (r / "chain").symlink_to("to-dir/sub")
    (r / "dir" / "up").symlink_to("../dir/sub/..")
    (r / "dangling").symlink_to(r / "dir" / "new-file")
    (r / "dangling-chain").symlink_to("dangling")
    (r / "into-missing").symlink_to(r / "nowhere" / "deeper")
    (r / "loop-a").symlink_to("loop-b")
    (r / "loop-b").symlink_to("loop-a")
    return r


CASES = [
    "dir/file",
    "to-file",
    "to-dir/file",
    "to-dir/sub/../file",
    "chain",
    "chain/new",
    "dir/up/file",
    "dangling",
    "dangling-chain",
    "into-missing",
    "into-missing/x/y",
    "to-dir/missing/deeper/still",
    "missing/../dir/file",
    "dir/file/",
    "dir/file/x",
    "dir/./sub//",
    "to-dir/..",
    ".",
    "loop-a",
    "loop-a/x",
]


@pytest.mark.parametrize("native", RESOLVERS)
@pytest.mark.parametrize("rel", CASES)
def test_real_path_is_realpath(root: Path, rel: str, native: bool) -> None:
    if native and not path_real.NATIVE:
        pytest.skip("no O_PATH + /proc/self/fd here")
    path = f"{root}/{rel}"
    assert real_path(path, native=native) == os.path.realpath(path)


@pytest.mark.parametrize("native", RESOLVERS)
def test_link_in_parent(root: Path, native: bool) -> None:
    if native and not path_real.NATIVE:
        pytest.skip("no O_PATH + /proc/self/fd here")
    assert link_in_parent(f"{root}/to-dir/file", native=native) == (f"{root}/dir/file", False)
    assert link_in_parent(f"{root}/to-dir/../to-file", native=native) == (f"{root}/to-file", True)
    assert link_in_parent(f"{root}/dangling", native=native) == (f"{root}/dangling", True)
    assert link_in_parent(f"{root}/dir/new", native=native) is None
    assert link_in_parent(f"{root}/loop-a/x", native=native) is None


def test_resolve_candidates_through_links(root: Path) -> None:
    assert resolve_candidates(f"{root}/dangling-chain") == (f"{root}/dangling-chain", f"{root}/dir/new-file")
    assert resolve_candidates(f"{root}/chain/new") == (f"{root}/chain/new", f"{root}/dir/sub/new")
    assert resolve_candidates(f"{root}/nowhere/a/b") == (f"{root}/nowhere/a/b",)


def test_too_long_a_name_is_unknown_not_no(root: Path) -> None:
    env = EvalEnv(cwd=str(root), home=str(root / "dir"), workspace=str(root))
    rule = compile_path(PathSpec.model_validate("~/.ssh/**"), CompileContext(home=str(root / "dir")))
    result = rule.match(f"{root}/{'x' * 300}/id_rsa", env)
    assert result.outcome is Outcome.UNKNOWN
    assert "cannot resolve" in result.detail


def test_unencodable_name_is_unknown_not_no(root: Path) -> None:
    rule = compile_path(PathSpec.model_validate("**/.env"), CompileContext(home="/h"))
    assert rule.match(f"{root}/\ud800/.env", EvalEnv(cwd=str(root), home="/h")).outcome is Outcome.UNKNOWN


def test_relative_path_cannot_be_resolved() -> None:
    with pytest.raises(UnknownPath, match="not an absolute path"):
        real_path("relative/x")


# --- a directory that cannot be searched ------------------------------------------------------------------------


def _as_nobody(fn: object) -> str:
    """Run ``fn()`` (returning a str) in a forked child with uid/gid 65534: root passes every permission check."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.setgid(65534)
            os.setuid(65534)
            out = str(fn())  # type: ignore[operator]
        except BaseException as exc:
            out = f"error: {type(exc).__name__}: {exc}"
        os.write(write, out.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    return text


@pytest.fixture
def locked() -> Iterator[Path]:
    """A world-readable tree with one directory only its owner may search, holding a link into ~/.ssh."""
    top = Path(tempfile.mkdtemp(prefix="hookgate-locked-"))
    try:
        top.chmod(0o755)
        (top / "home" / ".ssh").mkdir(parents=True)
        (top / "open").mkdir()
        (top / "locked").mkdir()
        (top / "locked" / "keys").symlink_to(top / "home" / ".ssh")
        for d in (top / "home", top / "home" / ".ssh", top / "open"):
            d.chmod(0o777)
        (top / "locked").chmod(0o700 if os.geteuid() == 0 else 0o000)
        yield top
    finally:
        (top / "locked").chmod(0o700)
        shutil.rmtree(top)


@pytest.mark.parametrize("native", RESOLVERS)
def test_unsearchable_directory_is_unknown(locked: Path, native: bool) -> None:
    if native and not path_real.NATIVE:
        pytest.skip("no O_PATH + /proc/self/fd here")
    home = str(locked / "home")
    rule = compile_path(PathSpec.model_validate("~/.ssh/**"), CompileContext(home=home))
    env = EvalEnv(cwd=str(locked), home=home, workspace=str(locked))

    def check() -> str:
        path_real.NATIVE = native
        hidden = rule.match(f"{locked}/locked/keys/authorized_keys", env)
        plain = rule.match(f"{locked}/open/notes.txt", env)
        return f"{hidden.outcome.name} {plain.outcome.name} {hidden.detail}"

    if os.geteuid() == 0:
        text = _as_nobody(check)
    else:
        saved = path_real.NATIVE
        try:
            text = check()
        finally:
            path_real.NATIVE = saved
    assert text.startswith("UNKNOWN NO"), text
    assert "permission denied" in text


# --- the portable fallback, end to end --------------------------------------------------------------------------


def test_matcher_with_portable_resolver(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(path_real, "NATIVE", False)
    rule = compile_path(PathSpec.model_validate(f"{root}/dir/**"), CompileContext(home="/h"))
    env = EvalEnv(cwd=str(root), home="/h")
    for rel in ("to-file", "chain/new", "dangling", "dangling-chain", "to-dir/sub/../file"):
        assert rule.match(rel, env).outcome is Outcome.YES, rel
    assert rule.match("loop-a/x", env).outcome is Outcome.NO


# --- one resolution per event -----------------------------------------------------------------------------------


def test_resolution_scope_resolves_once(root: Path) -> None:
    env = EvalEnv(cwd=str(root), home="/h")
    with resolution_scope():
        before = resolve_path("later", env, "/h")
        (root / "later").symlink_to(root / "dir" / "file")
        assert resolve_path("later", env, "/h") is before  # the same event sees one file system
    after = resolve_path("later", env, "/h")
    assert f"{root}/dir/file" in after.names and f"{root}/dir/file" not in before.names
    assert resolve_path("later", env, "/h") is not after  # outside a scope nothing is cached


# --- differential: random trees -------------------------------------------------------------------------------

NAMES = ("a", "b", "c")
STEPS = st.sampled_from(("a", "b", "c", "..", ".", ""))
ENTRY = st.tuples(
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=3),
    st.sampled_from(("dir", "file", "abs-link", "rel-link")),
    st.lists(st.sampled_from(("a", "b", "c", "..")), min_size=1, max_size=3),
)


def _build(root: str, entries: list[tuple[list[str], str, list[str]]]) -> None:
    """Create each entry only where its parents are plain directories inside ``root`` (never through a link)."""
    for names, kind, target in entries:
        parents = [posixpath.join(root, *names[:i]) for i in range(1, len(names))]
        path = posixpath.join(root, *names)
        if os.path.lexists(path) or not all(os.path.isdir(p) and not os.path.islink(p) for p in parents):
            continue
        if kind == "dir":
            os.mkdir(path)
        elif kind == "file":
            Path(path).write_text("")
        else:
            os.symlink(("" if kind == "rel-link" else root + "/") + "/".join(target), path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.lists(ENTRY, max_size=10), paths=st.lists(st.lists(STEPS, min_size=1, max_size=5), max_size=8))
def test_resolvers_agree_with_realpath(entries: list[tuple[list[str], str, list[str]]], paths: list[list[str]]) -> None:
    top = os.path.realpath(tempfile.mkdtemp(prefix="hookgate-real-"))
    try:
        root = top + "/r"  # links with `..` stay inside `top`
        os.mkdir(root)
        _build(root, entries)
        for steps in paths:
            path = root + "/" + "/".join(steps)
            portable = real_path(path, native=False)
            if path_real.NATIVE:
                assert real_path(path, native=True) == portable, path
            if os.path.exists(posixpath.dirname(path)):  # else the kernel cannot reach it: see path_real
                assert portable == os.path.realpath(path), path
    finally:
        shutil.rmtree(top)


def test_a_tree_still_to_be_created_is_resolved_as_it_is_now(tmp_path: Path) -> None:
    """Paths below a missing directory take a shortcut where the last search ended; whatever
    changes in between (the tree is created, a name becomes a link, a link dangles), each answer
    must be the one a search without that hint gives."""
    r = Path(os.path.realpath(tmp_path))
    target = r / "elsewhere"
    target.mkdir()
    path = str(r / "proj" / "src" / "pkg" / "mod.py")

    def check() -> None:
        hinted = resolve_candidates(path)
        path_real._MISSING_BELOW.clear()
        assert hinted == resolve_candidates(path)
        assert os.path.realpath(path) in hinted

    for step in range(7):
        if step == 2:
            (r / "proj").mkdir()
        elif step == 3:
            (r / "proj" / "src").symlink_to(target)  # the first missing name became a link
        elif step == 4:
            (r / "proj" / "src").unlink()
            (r / "proj" / "src").symlink_to(r / "missing")  # a dangling one
        elif step == 5:
            (r / "proj" / "src").unlink()
            (r / "proj" / "src" / "pkg").mkdir(parents=True)
        elif step == 6:
            shutil.rmtree(r / "proj")
        check()
        check()  # the second time with the hint the first one left


def test_a_loop_through_a_link_that_cannot_be_walked_is_answered_for_the_path_asked() -> None:
    """`b -> a/..` with `a` missing cannot be walked by the kernel; `c -> b/c/a` then leads back to
    itself. Resolution gives up after the kernel's link limit with realpath's answer for the path
    that was asked, not for the links expanded so far (which had grown `c/a/a/a/…`). Found by the
    random-tree test above."""
    top = os.path.realpath(tempfile.mkdtemp(prefix="hookgate-real-"))
    try:
        root = top + "/r"
        os.mkdir(root)
        os.symlink(root + "/a/..", root + "/b")
        os.symlink(root + "/b/c/a", root + "/c")
        for path in (root + "/c", root + "/c/a", root + "/b/c", root + "/c/a/b"):
            want = os.path.realpath(path)
            assert real_path(path, native=False) == want, path
            if path_real.NATIVE:
                assert real_path(path, native=True) == want, path
    finally:
        shutil.rmtree(top)
