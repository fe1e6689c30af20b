"""The JSON Schema of one decision-log line, generated from :class:`DecisionRecord`.

The committed copy (``schemas/decision-record.schema.json``) is what
consumers outside Python validate against; a test regenerates it and fails
on drift. Regenerate with ``python -m hookgate.audit schema schemas/decision-record.schema.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hookgate.audit.record import DecisionRecord

__all__ = ["SCHEMA_DIALECT", "SCHEMA_ID", "decision_record_json_schema", "main", "render_schema"]

SCHEMA_ID = "https://hookgate.dev/schemas/decision-record.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def decision_record_json_schema() -> dict[str, Any]:
    """The record's schema as a JSON Schema 2020-12 document with hookgate's ``$id``."""
    schema = DecisionRecord.model_json_schema(mode="serialization")
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        **schema,
        "title": "hookgate decision record",
        "description": "One line of a hookgate decision log (JSONL): one policy decision, secrets masked.",
    }


def render_schema() -> str:
    """The committed file's exact text: pretty-printed, sorted keys, trailing newline."""
    return json.dumps(decision_record_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Write the schema to a file, or with ``--check`` exit 1 if the file differs."""
    parser = argparse.ArgumentParser(prog="python -m hookgate.audit schema", description=main.__doc__)
    parser.add_argument("path", type=Path, help="the schema file, e.g. schemas/decision-record.schema.json")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = render_schema()
    if not args.check:
        args.path.write_text(text, encoding="utf-8")
        return 0
    current = args.path.read_text(encoding="utf-8") if args.path.exists() else None
    if current != text:
        print(
            f"{args.path}: out of date; regenerate with `python -m hookgate.audit schema {args.path}`", file=sys.stderr
        )
        return 1
    return 0
