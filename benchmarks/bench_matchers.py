"""Latency of the path, URL and secret matchers, and of PathIndex with 10 vs 10,000 rules.

Run: ``python benchmarks/bench_matchers.py [--rounds N]``; prints one JSON line.
Each figure is p50/p99 microseconds per call, timed one call at a time with
``perf_counter_ns`` after a warm-up, over a mix of values (paths relative and
absolute, through symlinks, that exist and not; URLs in odd spellings). The
index rows time a whole field decision (``PathIndex.evaluate``: resolve the path
once, look up the candidates, match each), which is what the engine pays per event.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from hookgate.policy.match.base import CompileContext, EvalEnv
from hookgate.policy.match.path import PathMatcher, PathSpec, compile_path, normalize_path, resolve_candidates
from hookgate.policy.match.path_index import PathIndex
from hookgate.policy.match.secrets import find_secrets
from hookgate.policy.match.url import UrlSpec, compile_url

SECRET_FILES = ("~/.ssh/**", "~/.aws/**", "~/.gnupg/**", "**/.env", "**/.env.*", "*.pem", "**/id_rsa*")
URLS = [
    "https://docs.python.org/3/library/os.html",
    "https://api.github.com/repos/x/y",
    "http://good.com@evil.com/",
    "HTTP://EVIL.COM./x?y=1",
    "http://2130706433/",
    "http://[::ffff:169.254.169.254]/latest",
    "https://%65vil.com/",
    "http://ｅｖｉｌ．ｃｏｍ/",
    "https://example.com/a/b/../c",
    "javascript:alert(1)",
]


def _world(root: Path) -> tuple[EvalEnv, list[str]]:
    home, ws = root / "home" / "u", root / "home" / "u" / "proj"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("k")
    (ws / "src" / "pkg").mkdir(parents=True)
    (ws / "src" / "pkg" / "mod.py").write_text("")
    (ws / "notes.txt").symlink_to(home / ".ssh" / "id_rsa")
    (ws / "ssh").symlink_to(home / ".ssh")
    paths = [
        "src/pkg/mod.py",
        "src/pkg/new_file.py",
        "./README.md",
        "~/.ssh/id_rsa",
        "notes.txt",
        "ssh/authorized_keys",
        "../../.aws/credentials",
        f"{ws}/deploy/.env.prod",
        "/etc/passwd",
        "/usr/lib/python3/dist-packages/x/y/z.py",
    ]
    return EvalEnv(cwd=str(ws), home=str(home), workspace=str(ws)), paths


def _time(fn: Callable[[str], object], values: Sequence[str], rounds: int) -> dict[str, float]:
    for v in values * 20:  # warm-up
        fn(v)
    samples: list[int] = []
    for _ in range(rounds):
        for v in values:
            t0 = time.perf_counter_ns()
            fn(v)
            samples.append(time.perf_counter_ns() - t0)
    samples.sort()
    return {
        "p50_us": round(statistics.median(samples) / 1000, 2),
        "p99_us": round(samples[int(len(samples) * 0.99) - 1] / 1000, 2),
    }


def _rules(n: int, home: str) -> list[PathMatcher]:
    ctx = CompileContext(lists={"secret_files": SECRET_FILES}, home=home)
    specs: list[object] = [{"in": "secret_files"}, {"outside": "workspace"}, "/etc/**"]
    kinds = (lambda i: f"/srv/app{i}/**", lambda i: f"~/.config/tool{i}/*.json", lambda i: f"**/secret{i}.txt")
    specs += [kinds[i % 3](i) for i in range(max(0, n - len(specs)))]
    return [compile_path(PathSpec.model_validate(s), ctx) for s in specs[:n]]


def _indexed(n: int, env: EvalEnv) -> Callable[[str], object]:
    index = PathIndex()
    matchers = _rules(n, env.home or "")
    for key, m in enumerate(matchers):
        index.add(m, key)

    def decide(value: str) -> object:
        return index.evaluate(value, env)

    return decide


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=300)
    rounds = ap.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        env, paths = _world(Path(os.path.realpath(tmp)))
        ctx = CompileContext(lists={"secret_files": SECRET_FILES}, home=env.home)
        path_rule = compile_path(PathSpec.model_validate({"in": "secret_files"}), ctx)
        url_allow = compile_url(UrlSpec.model_validate({"not_host": ["docs.python.org", "github.com"]}), ctx)
        url_ssrf = compile_url(UrlSpec.model_validate({"private_network": True}), ctx)
        clean = "def f(x):\n    return x * 2  # token: see docs\n" * 40
        dirty = clean + "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\napi_key = 'Zq8xLp3vR7mT2kW9sYb4'\n"
        t0 = time.perf_counter()
        big_index = _indexed(10_000, env)
        compile_10k_ms = round((time.perf_counter() - t0) * 1000, 1)
        result = {
            "bench": "matchers",
            "python": platform.python_version(),
            "rounds": rounds,
            "path_normalize": _time(lambda v: normalize_path(v, env), paths, rounds),
            "path_resolve_symlinks": _time(lambda v: resolve_candidates(normalize_path(v, env)), paths, rounds),
            "path_match_7_globs": _time(lambda v: path_rule.match(v, env), paths, rounds),
            "url_match_allowlist": _time(lambda v: url_allow.match(v, env), URLS, rounds),
            "url_match_private_network": _time(lambda v: url_ssrf.match(v, env), URLS, rounds),
            "path_index_10_rules": _time(_indexed(10, env), paths, rounds),
            "path_index_10000_rules": _time(big_index, paths, rounds),
            "path_index_10000_compile_ms": compile_10k_ms,
            "secrets_scan_2kb_clean": _time(lambda v: find_secrets(v), [clean], rounds * 10),
            "secrets_scan_2kb_with_secrets": _time(lambda v: find_secrets(v), [dirty], rounds * 10),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
