"""Render diagnostics for people (text) and for machines (json, GitHub annotations, SARIF 2.1.0).

A file name that is not printable text (bytes that are not UTF-8, a newline,
a bidi override) is shown the same way in every format, in double quotes
with escapes (:func:`~hookgate.diagnostics.display_path`); a SARIF artifact
URI instead percent-encodes the name's bytes, which keeps it exact.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from hookgate import __version__
from hookgate.diagnostics import Diagnostic, display_path, printable

__all__ = ["FORMATS", "Format", "artifact_uri", "diagnostic_dict", "render"]

Format = Literal["text", "json", "github", "sarif"]
FORMATS: tuple[Format, ...] = ("text", "json", "github", "sarif")
_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def render(diagnostics: Sequence[Diagnostic], fmt: Format) -> str:
    """All diagnostics in one format (sorted by location); empty text output for none."""
    ordered = sorted(diagnostics, key=Diagnostic.sort_key)
    if fmt == "json":
        return json.dumps([diagnostic_dict(d) for d in ordered], indent=2)
    if fmt == "github":
        return "\n".join(_github(d) for d in ordered)
    if fmt == "sarif":
        return json.dumps(sarif(ordered), indent=2)
    return "\n".join(d.render() for d in ordered)


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    loc = d.location
    return {
        "file": display_path(loc.file) if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "severity": d.severity,
        "code": d.code,
        "message": printable(d.message),
        "help": printable(d.help) if d.help is not None else None,
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(d: Diagnostic) -> str:
    """``::error file=…,line=…,col=…,title=code::message`` (a workflow command)."""
    props = []
    loc = d.location
    if loc is not None:
        props += [f"file={_escape_property(display_path(loc.file))}", f"line={loc.line}", f"col={loc.column}"]
    props.append(f"title={_escape_property(d.code)}")
    return f"::{_GITHUB_LEVEL[d.severity]} {','.join(props)}::{_escape_data(_message(d))}"


def _message(d: Diagnostic) -> str:
    return printable(d.message + (f" (help: {d.help})" if d.help else ""))


def artifact_uri(file: str) -> str:
    """A SARIF ``artifactLocation.uri``: the file name's bytes (as the OS has them) percent-encoded.

    ``os.fsencode`` restores the bytes of a name that is not UTF-8, so
    ``bad\\xff.yaml`` becomes ``bad%FF.yaml``: a valid URI reference for
    any name, which percent-decodes back to exactly that file.
    """
    return quote(os.fsencode(Path(file).as_posix()))


def sarif(diagnostics: Sequence[Diagnostic]) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run; rule ids are the diagnostic codes."""
    codes = sorted({d.code for d in diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    driver = {
        "name": "hookgate",
        "version": __version__,
        "informationUri": "https://hookgate.dev",
        "rules": [{"id": code, "shortDescription": {"text": code}} for code in codes],
    }
    results = [_sarif_result(d, index[d.code]) for d in diagnostics]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [{"tool": {"driver": driver}, "results": results}]}


def _sarif_result(d: Diagnostic, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": _message(d)},
    }
    if d.location is not None:
        result["locations"] = [{
            "physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(d.location.file)},
                "region": {"startLine": d.location.line, "startColumn": d.location.column},
            }
        }]
    return result
