"""PathIndex: candidates are always a superset of the rules that match, and few for big rule sets."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hookgate.policy.match.base import CompileContext, EvalEnv, MatcherIndex
from hookgate.policy.match.path import PathMatcher, PathSpec, compile_path
from hookgate.policy.match.path_index import PathIndex

HOME = "/home/u"
ENV = EvalEnv(cwd="/w/proj", home=HOME, workspace="/w/proj")
CTX = CompileContext(lists={"secrets": ("~/.ssh/**", "**/.env", "*.pem")}, home=HOME)

SPECS: list[object] = [
    "/etc/**",
    "/etc/passwd",
    "/etc/ssh/*_key",
    "~/.ssh/**",
    "~/.aws/credentials",
    "~",
    "**/.env",
    "**/.env.*",
    "*.pem",
    "id_*",
    "**/.git/config",
    "src/**/*.py",
    "**",
    "/**/*.key",
    "**/secrets/**",
    "**/.github/workflows/**",
    "**/node_modules/*/bin/**",
    "**/*/**",
    {"in": "secrets"},
    {"outside": "workspace"},
    {"under": "~/.ssh"},
    {"under": "workspace", "glob": "*.lock"},
    {"glob": "~/.SSH/**", "case_insensitive": True},
    {"glob": "**/.ENV", "case_insensitive": True},
    {"glob": "/ETC/*", "case_insensitive": True},
    {"glob": "**/.GitHub/Workflows/**", "case_insensitive": True},
    {"glob": ["/var/log/**", "**/.npmrc"]},
    {"glob": "~/.ssh/**", "follow_symlinks": False},
]

PATHS = [
    "/etc/passwd",
    "/etc",
    "/ETC/Passwd",
    "/etc/ssh/ssh_host_rsa_key",
    "~/.ssh/id_rsa",
    "~/.SSH/ID_RSA",
    "~/.sshconfig-notes",
    "~/.aws/credentials",
    "~",
    "src/app.py",
    "src/pkg/mod.py",
    ".env",
    "deploy/.env.prod",
    "x/.ENV",
    "certs/server.pem",
    "id_ed25519",
    ".git/config",
    "a/secrets/b/c.txt",
    "secrets",
    "/repo/.github/workflows/ci.yml",
    "/repo/.GITHUB/WORKFLOWS/ci.yml",
    ".github/workflows",
    "/repo/.github/workflows-old/ci.yml",
    "web/node_modules/x/bin/run",
    "~/.github/x",
    "/opt/x.key",
    "yarn.lock",
    "../other/file",
    "/var/log/syslog",
    "~/.npmrc",
    "$UNKNOWN/x",
    "README.md",
]


def _build(specs: list[object]) -> tuple[PathIndex, list[PathMatcher]]:
    index = PathIndex()
    matchers = [compile_path(PathSpec.model_validate(s), CTX) for s in specs]
    for key, matcher in enumerate(matchers):
        index.add(matcher, key)
    return index, matchers


def _must(matchers: list[PathMatcher], value: object, env: EvalEnv) -> set[int]:
    return {k for k, m in enumerate(matchers) if m.match(value, env)}


def test_is_a_matcher_index() -> None:
    index: MatcherIndex[PathMatcher] = PathIndex()
    assert list(index.candidates("/x", ENV)) == []


@pytest.mark.parametrize("path", PATHS)
def test_candidates_superset_for_every_spec(path: str) -> None:
    index, matchers = _build(SPECS)
    assert _must(matchers, path, ENV) <= set(index.candidates(path, ENV))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(SPECS), min_size=1, max_size=8), st.lists(st.sampled_from(PATHS), max_size=3))
def test_candidates_superset_property(specs: list[object], paths: list[str]) -> None:
    index, matchers = _build(specs)
    for value in [*paths, paths]:
        assert _must(matchers, value, ENV) <= set(index.candidates(value, ENV))


@pytest.mark.parametrize("env", [EvalEnv(home=HOME), EvalEnv(cwd="/w"), EvalEnv()])
@pytest.mark.parametrize("path", ["x/.env", "~/.ssh/k", "/etc/passwd", "rel"])
def test_candidates_superset_with_missing_env(env: EvalEnv, path: str) -> None:
    index, matchers = _build(SPECS)
    assert _must(matchers, path, env) <= set(index.candidates(path, env))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(["via-link", "via-dir/new", "via-dir/../x", "plain"]))
def test_candidates_superset_through_symlinks(tmp_path: Path, name: str) -> None:
    home = tmp_path / "h"
    (home / ".ssh").mkdir(parents=True, exist_ok=True)
    ws = tmp_path / "w"
    ws.mkdir(exist_ok=True)
    for link, target in (("via-link", home / ".ssh" / "id"), ("via-dir", home / ".ssh")):
        if not (ws / link).is_symlink():
            (ws / link).symlink_to(target)
    env = EvalEnv(cwd=str(ws), home=str(home), workspace=str(ws))
    index, matchers = _build(SPECS)
    assert _must(matchers, name, env) <= set(index.candidates(name, env))


def test_many_rules_give_few_candidates() -> None:
    specs: list[object] = [f"/srv/app{i}/**" for i in range(1000)]
    specs += [f"~/.config/tool{i}/*.json" for i in range(1000)]
    specs += [f"**/secret{i}.txt" for i in range(1000)]
    specs += [f"**/vendor{i}/generated/**" for i in range(1000)]  # filed by a name the path must contain
    index, _ = _build(specs)
    for value, expected in (("/srv/app7/x", 7), ("~/.config/tool3/a.json", 1003), ("deep/secret5.txt", 2005),
                            ("/repo/vendor9/generated/x.go", 3009)):
        found = list(index.candidates(value, ENV))
        assert expected in found
        assert len(found) <= 3
    assert list(index.candidates("/usr/bin/ls", ENV)) == []
    assert len(list(index.candidates("$X/y", ENV))) == len(specs)  # unknown path: every rule


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(SPECS), min_size=1, max_size=8), st.lists(st.sampled_from(PATHS), max_size=3))
def test_evaluate_equals_matching_each_candidate(specs: list[object], paths: list[str]) -> None:
    index, matchers = _build(specs)
    for value in [*paths, paths]:
        answers = index.evaluate(value, ENV)
        assert {k: m.match(value, ENV) for k, m in enumerate(matchers) if m.match(value, ENV)} == {
            k: r for k, r in answers.items() if r
        }


def test_rules_compiled_for_different_homes() -> None:
    index = PathIndex()
    a = compile_path(PathSpec.model_validate("~/.ssh/**"), CompileContext(home="/home/a"))
    b = compile_path(PathSpec.model_validate("~/.ssh/**"), CompileContext(home="/home/b"))
    index.add(a, 0)
    index.add(b, 1)
    env = EvalEnv(cwd="/w")
    assert b.match("~/.ssh/id", env)
    assert set(index.candidates("~/.ssh/id", env)) == {0, 1}
    assert set(index.evaluate("~/.ssh/id", env)) == {0, 1}


def test_one_index_serves_events_from_different_homes_and_workspaces() -> None:
    """The index keeps its absolute prefixes per (home, workspace): alternating events must each
    get the candidates of their own."""
    index, matchers = _build(SPECS)
    envs = [ENV, EvalEnv(cwd="/srv/other", home="/home/v", workspace="/srv/other"), EvalEnv(cwd="/w/proj"),
            EvalEnv(home="/home/v"), EvalEnv()]
    for _ in range(2):
        for env in envs:
            for path in [*PATHS, "/home/v/.ssh/id_rsa", "/srv/other/src/a.py", "/w/proj/src/a.py"]:
                assert _must(matchers, path, env) <= set(index.candidates(path, env)), (path, env)
