"""Module sources are recognised by form; insecure or malformed ones are refused with a reason."""

from __future__ import annotations

import pytest

from hookgate.mountplan.sources import SourceError, parse_source


@pytest.mark.parametrize(("text", "kind", "pinned"), [
    ("git+https://github.com/microsoft/amplifier-module-tool-bash@main", "git", True),
    ("git+https://github.com/org/repo@v1.2.3#subdirectory=modules/x", "git", True),
    ("git+ssh://git@github.com/org/repo@0123abcd", "git", True),
    ("git+https://github.com/org/repo", "git", False),
    ("file:///opt/modules/tool-bash", "file_url", True),
    ("/opt/modules/tool-bash", "path", True),
    ("./modules/tool-bash", "path", True),
    ("../shared/tool", "path", True),
    ("~/modules/tool", "path", True),
    ("amplifier-module-tool-bash", "package", True),
    ("amplifier-module-tool-bash>=1.0,<2", "package", True),
    ("hookgate[re2]==0.1.0", "package", True),
    ("${TOOL_SOURCE}", "path", True),
])
def test_accepted_forms(text: str, kind: str, pinned: bool) -> None:
    form = parse_source(text)
    assert (form.kind, form.pinned) == (kind, pinned)


@pytest.mark.parametrize(("text", "fragment"), [
    ("http://example.com/tool.tar.gz", "plain web url"),
    ("https://github.com/org/repo", "plain web url"),
    ("git+http://github.com/org/repo@v1", "unencrypted http"),
    ("git+https://", "not a valid git source"),
    ("file:relative", "not a valid file url"),
    ("ftp://host/x", "not a module source"),
    ("two words", "not a module source"),
    ("", "non-empty"),
    (" ./x", "surrounding spaces"),
])
def test_refused_forms(text: str, fragment: str) -> None:
    with pytest.raises(SourceError, match=fragment):
        parse_source(text)
