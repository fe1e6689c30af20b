"""File names that are not printable text: every output format reports them without crashing.

On Linux a file name is any bytes. Python hands a name that is not UTF-8 to
hookgate as a string with lone surrogates, which cannot be written as UTF-8;
a name can also hold a newline that would split one diagnostic into two
lines. These run the real CLI in a subprocess whose stdout is strict UTF-8
(``PYTHONIOENCODING=utf-8``), and read its output as bytes, so a crash, a
traceback or an invalid byte on stdout fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest

from hookgate.diagnostics import display_path

BROKEN_POLICY = b"version: 1\npolicy: p\nbogus: 1\nrules:\n  - id: r\n    deny: no\n"
PASSING_TEST = b"policies: [p.yaml]\ntests:\n  - name: denied\n    tool: bash\n    expect: {effect: deny}\n"
GOOD_POLICY = b"version: 1\npolicy: p\nrules:\n  - id: r\n    deny: no\n"


def _make(folder: Path, name: bytes, content: bytes) -> Path:
    """A file named by raw bytes (skips where the file system refuses such names, e.g. macOS)."""
    raw = os.path.join(os.fsencode(folder), name)
    try:
        with open(raw, "wb") as f:
            f.write(content)
    except (OSError, UnicodeError):
        pytest.skip("the file system does not take this file name")
    return Path(os.fsdecode(raw))


def _hookgate(*args: str, cwd: Path) -> tuple[int, str, str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}  # strict: a lone surrogate on stdout would crash
    proc = subprocess.run([sys.executable, "-m", "hookgate", *args], cwd=cwd, env=env, capture_output=True,
                          timeout=120)
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")  # raises on any invalid byte
    assert "Traceback" not in out + err and "internal error" not in out + err, out + err
    return proc.returncode, out, err


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_non_utf8_file_name_in_every_format(tmp_path: Path, fmt: str) -> None:
    _make(tmp_path, b"bad\xff.yaml", BROKEN_POLICY)
    code, out, _ = _hookgate("validate", "--format", fmt, ".", cwd=tmp_path)
    assert code == 1
    if fmt == "text":
        assert out.splitlines()[0] == '"bad\\xff.yaml":3:1: error: unknown key `bogus` [schema.unknown_field]'
    elif fmt == "github":
        assert out.startswith('::error file="bad\\xff.yaml",line=3,col=1,title=schema.unknown_field::')
    elif fmt == "json":
        (found,) = json.loads(out)
        assert (found["file"], found["line"], found["code"]) == ('"bad\\xff.yaml"', 3, "schema.unknown_field")
    else:
        (result,) = json.loads(out)["runs"][0]["results"]
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri == "bad%FF.yaml"
        assert unquote_to_bytes(uri) == b"bad\xff.yaml"  # exactly the file's bytes


def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path: Path) -> None:
    name = "evil.yaml\nclean.yaml:1:1: error: forged.yaml"
    (tmp_path / name).write_bytes(BROKEN_POLICY)
    code, out, _ = _hookgate("validate", ".", cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == ['"evil.yaml\\nclean.yaml:1:1: error: forged.yaml":3:1: error: unknown key `bogus` '
                                "[schema.unknown_field]"]


def test_hookgate_test_and_missing_paths_with_non_utf8_names(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_bytes(GOOD_POLICY)
    _make(tmp_path, b"odd\xfe.test.yaml", PASSING_TEST)
    code, out, _ = _hookgate("test", ".", cwd=tmp_path)
    assert (code, out.splitlines()) == (0, ["PASS denied", "1 passed, 0 failed"])
    _make(tmp_path, b"broken\xfe.test.yaml", b"policies: [p.yaml]\ntests: 3\n")
    code, out, _ = _hookgate("test", ".", cwd=tmp_path)
    assert code == 1 and '"broken\\xfe.test.yaml":2:8: error:' in out
    missing = os.fsdecode(b"gone\xfd.yaml")
    code, _, err = _hookgate("validate", missing, cwd=tmp_path)
    assert code == 2 and 'no such file or directory `"gone\\xfd.yaml"`' in err


@pytest.mark.parametrize(("name", "shown"), [
    ("plain/dir/p.yaml", "plain/dir/p.yaml"),
    ("é ü.yaml", "é ü.yaml"),  # printable non-ASCII is shown as it is
    ("back\\slash.yaml", "back\\slash.yaml"),  # a bare name is literal: it never starts with a quote
    (os.fsdecode(b"a\xff\xfe.yaml"), '"a\\xff\\xfe.yaml"'),
    ("tab\there", '"tab\\there"'),
    ("\u202eright-to-left", '"\\u202eright-to-left"'),
    ("\x85", '"\\u0085"'),  # a C1 control character is a code point, not the byte 0x85
    ('"quoted".yaml', '"\\"quoted\\".yaml"'),
    ('bad\udcff"\\', '"bad\\xff\\"\\\\"'),
])
def test_display_path(name: str, shown: str) -> None:
    assert display_path(name) == shown
