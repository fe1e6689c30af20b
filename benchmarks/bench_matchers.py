"""Latency of the path, URL and secret matchers, and cost of PathIndex with 10 vs 10,000 rules.

Run: ``python benchmarks/bench_matchers.py [--rounds N]``; prints one JSON line.
Each latency is p50/p99 microseconds per call, timed one call at a time with
``perf_counter_ns`` after a warm-up, over a mix of values (paths relative and
absolute, through symlinks, that exist and not; URLs in odd spellings). The
``path_index_*`` rows time a whole field decision with ``PathIndex.evaluate``
(resolve the path once, look up the candidates, match each); the
``path_engine_*`` rows time what ``Bucket.candidates`` + ``rule_outcome`` do
today (``candidates``, then ``match`` on each candidate, which resolves again).

Memory and compile cost, measured first (in a fresh process state):
``path_compile_us_per_rule`` (``compile_path`` + ``PathIndex.add`` for 10,000
rules), ``path_alloc_bytes_per_rule`` (``tracemalloc``: Python objects held
by 2,000 compiled rules and their index), ``path_rss_kb_per_rule`` (resident
set growth for those 2,000 rules, which also counts RE2's C++ programs that
tracemalloc cannot see, after matching every path once) and ``peak_rss_mb``.
Only public APIs are used, so the same file measures an older tree
(``PYTHONPATH=/old/src python benchmarks/bench_matchers.py``) for before/after.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import tempfile
import time
import tracemalloc
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
        "/home/agent/projects/datapipe/src/worker/api.ts",  # the anchor workload's kind: parents missing
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


def _rules(n: int, home: str, offset: int = 0) -> list[PathMatcher]:
    ctx = CompileContext(lists={"secret_files": SECRET_FILES}, home=home)
    specs: list[object] = [{"in": "secret_files"}, {"outside": "workspace"}, "/etc/**"]
    kinds = (lambda i: f"/srv/app{i}/**", lambda i: f"~/.config/tool{i}/*.json", lambda i: f"**/secret{i}.txt")
    specs += [kinds[i % 3](i + offset) for i in range(max(0, n - len(specs)))]
    return [compile_path(PathSpec.model_validate(s), ctx) for s in specs[:n]]


def _index(n: int, env: EvalEnv, offset: int = 0) -> PathIndex:
    index = PathIndex()
    for key, m in enumerate(_rules(n, env.home or "", offset)):
        index.add(m, key)
    freeze = getattr(index, "freeze", None)  # as the plan's Bucket does (when the index has one)
    if freeze is not None:
        freeze()
    return index


def _engine(index: PathIndex, env: EvalEnv) -> Callable[[str], object]:
    """What the engine does per event today: candidates, then each candidate's own ``match``."""
    matchers = index._matchers

    def decide(value: str) -> object:
        return [matchers[k].match(value, env) for k in index.candidates(value, env)]

    return decide


def _rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _memory(env: EvalEnv, paths: Sequence[str], n: int = 2000) -> dict[str, float]:
    """Python bytes (tracemalloc) and resident KB per rule that ``n`` compiled, indexed rules hold."""
    gc.collect()
    rss0 = _rss_kb()
    tracemalloc.start()
    snap0 = tracemalloc.take_snapshot()
    index = _index(n, env, offset=100_000)  # names of their own: no cache warmed by other rows
    snap1 = tracemalloc.take_snapshot()
    tracemalloc.stop()
    for p in paths:  # build whatever matching builds
        index.evaluate(p, env)
    gc.collect()
    held = sum(s.size_diff for s in snap1.compare_to(snap0, "filename"))
    rss = _rss_kb() - rss0
    del index
    return {"path_alloc_bytes_per_rule": round(held / n), "path_rss_kb_per_rule": round(rss / n, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=300)
    rounds = ap.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        env, paths = _world(Path(os.path.realpath(tmp)))
        memory = _memory(env, paths)
        t0 = time.perf_counter()
        big = _index(10_000, env)
        compile_us = round((time.perf_counter() - t0) * 1e6 / 10_000, 1)
        small = _index(10, env)
        ctx = CompileContext(lists={"secret_files": SECRET_FILES}, home=env.home)
        path_rule = compile_path(PathSpec.model_validate({"in": "secret_files"}), ctx)
        url_allow = compile_url(UrlSpec.model_validate({"not_host": ["docs.python.org", "github.com"]}), ctx)
        url_ssrf = compile_url(UrlSpec.model_validate({"private_network": True}), ctx)
        clean = "def f(x):\n    return x * 2  # token: see docs\n" * 40
        dirty = clean + "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\napi_key = 'Zq8xLp3vR7mT2kW9sYb4'\n"
        result = {
            "bench": "matchers",
            "python": platform.python_version(),
            "rounds": rounds,
            "path_compile_us_per_rule": compile_us,
            **memory,
            "path_normalize": _time(lambda v: normalize_path(v, env), paths, rounds),
            "path_resolve_symlinks": _time(lambda v: resolve_candidates(normalize_path(v, env)), paths, rounds),
            "path_match_7_globs": _time(lambda v: path_rule.match(v, env), paths, rounds),
            "path_index_10_rules": _time(lambda v: small.evaluate(v, env), paths, rounds),
            "path_index_10000_rules": _time(lambda v: big.evaluate(v, env), paths, rounds),
            "path_engine_10_rules": _time(_engine(small, env), paths, rounds),
            "path_engine_10000_rules": _time(_engine(big, env), paths, rounds),
            "url_match_allowlist": _time(lambda v: url_allow.match(v, env), URLS, rounds),
            "url_match_private_network": _time(lambda v: url_ssrf.match(v, env), URLS, rounds),
            "secrets_scan_2kb_clean": _time(lambda v: find_secrets(v), [clean], rounds * 10),
            "secrets_scan_2kb_with_secrets": _time(lambda v: find_secrets(v), [dirty], rounds * 10),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
