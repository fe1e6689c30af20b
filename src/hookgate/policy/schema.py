"""The JSON Schema (2020-12) of policy files, generated from the models.

Editors use it for completion and inline errors; the committed copy in
``schemas/policy.schema.json`` is regenerated with
``python -m hookgate.policy.schema --write`` and a test fails when it drifts.
Shorthand spellings (``deny: "reason"``, ``allow: true``) are normalised by
model validators that pydantic cannot see, so each model declares them in
``shorthand_schemas`` and they are added here as ``anyOf`` alternatives.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hookgate.policy.model import AllowEffect, AskEffect, DenyEffect, InjectEffect, PolicyFile

__all__ = ["SCHEMA_ID", "SCHEMA_PATH", "policy_json_schema", "render_schema"]

SCHEMA_ID = "https://hookgate.dev/schemas/policy.schema.json"
#: relative to the working directory, like ``hookgate schema --dir schemas`` (run from the repository root)
SCHEMA_PATH = Path("schemas") / "policy.schema.json"
_SHORTHANDS = (DenyEffect, AskEffect, InjectEffect, AllowEffect)


def _with_shorthands(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.get("$defs", {})
    for model in _SHORTHANDS:
        body = defs.get(model.__name__)
        if body is None:
            continue
        title, description = body.pop("title", None), body.pop("description", None)
        wrapped: dict[str, Any] = {"anyOf": [*model.shorthand_schemas, body]}
        if title:
            wrapped["title"] = title
        if description:
            wrapped["description"] = description
        defs[model.__name__] = wrapped
    return schema


def policy_json_schema() -> dict[str, Any]:
    """The policy file schema, with ``$schema`` and ``$id``."""
    schema = PolicyFile.model_json_schema(by_alias=True, mode="validation")
    schema = _with_shorthands(schema)
    schema["title"] = "hookgate policy file"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def render_schema() -> str:
    """The schema as committed: pretty-printed, sorted keys, trailing newline."""
    return json.dumps(policy_json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hookgate.policy.schema", description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"write the schema to {SCHEMA_PATH}")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed schema is out of date")
    parser.add_argument("--output", type=Path, default=SCHEMA_PATH, help="file for --write/--check")
    args = parser.parse_args(argv)
    text = render_schema()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is out of date; run python -m hookgate.policy.schema --write", file=sys.stderr)
            return 1
        return 0
    if args.write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
