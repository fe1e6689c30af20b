"""Render diagnostics for people (text) and for machines (json, GitHub annotations, SARIF 2.1.0)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from hookgate import __version__
from hookgate.diagnostics import Diagnostic

__all__ = ["FORMATS", "Format", "diagnostic_dict", "render"]

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
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "column": loc.column if loc else None,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "help": d.help,
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _github(d: Diagnostic) -> str:
    """``::error file=…,line=…,col=…,title=code::message`` (a workflow command)."""
    props = []
    if d.location is not None:
        props += [f"file={_escape_property(d.location.file)}", f"line={d.location.line}", f"col={d.location.column}"]
    props.append(f"title={_escape_property(d.code)}")
    message = d.message + (f" (help: {d.help})" if d.help else "")
    return f"::{_GITHUB_LEVEL[d.severity]} {','.join(props)}::{_escape_data(message)}"


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
        "message": {"text": d.message + (f" (help: {d.help})" if d.help else "")},
    }
    if d.location is not None:
        result["locations"] = [{
            "physicalLocation": {
                "artifactLocation": {"uri": quote(Path(d.location.file).as_posix())},
                "region": {"startLine": d.location.line, "startColumn": d.location.column},
            }
        }]
    return result
