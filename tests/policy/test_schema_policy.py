"""The committed JSON Schema matches the models, is valid 2020-12, and accepts the sample policies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from hookgate.policy.includes import load_policy_document
from hookgate.policy.schema import SCHEMA_ID, SCHEMA_PATH, main, policy_json_schema, render_schema

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(
    p
    for p in [*(ROOT / "policies").glob("**/*.yaml"), *(Path(__file__).parent / "loader_fixtures").glob("**/*.yaml")]
    if not p.name.endswith(".test.yaml")  # policy test files have their own model
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(policy_json_schema())


def test_committed_schema_is_up_to_date() -> None:
    committed = ROOT / SCHEMA_PATH
    assert committed.read_text(encoding="utf-8") == render_schema(), (
        "schemas/policy.schema.json drifted: run hookgate schema"
    )
    assert main(["--check", "--output", str(committed)]) == 0


def test_schema_is_valid_2020_12() -> None:
    schema = policy_json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema" and schema["$id"] == SCHEMA_ID
    jsonschema.Draft202012Validator.check_schema(schema)


def _policy_documents(path: Path) -> Any:
    return load_policy_document(path).data


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: str(p.relative_to(ROOT)))
def test_sample_policies_validate(path: Path, validator: jsonschema.Draft202012Validator) -> None:
    data = _policy_documents(path)
    errors = [e.message for e in validator.iter_errors(data)]
    assert errors == []


@pytest.mark.parametrize(
    "bad",
    [
        {"version": 2, "policy": "p"},
        {"version": 1, "policy": "p", "rulez": []},
        {"version": 1, "policy": "p", "rules": [{"id": "r", "allow": False}]},
        {"version": 1, "policy": "p", "rules": [{"id": "r", "ask": {"prompt": "p", "timeout": "5 parsecs"}}]},
        {"version": 1, "policy": "p", "layer": "department"},
    ],
)
def test_schema_rejects_what_the_models_reject(bad: dict[str, Any], validator: jsonschema.Draft202012Validator) -> None:
    assert list(validator.iter_errors(bad))


def test_check_reports_drift(tmp_path: Path) -> None:
    stale = tmp_path / "policy.schema.json"
    stale.write_text("{}\n")
    assert main(["--check", "--output", str(stale)]) == 1
    assert main(["--write", "--output", str(stale)]) == 0
    assert json.loads(stale.read_text()) == policy_json_schema()
