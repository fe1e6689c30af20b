"""``hookgate schema``: the committed schemas are current, valid 2020-12, and accept the sample plans."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from hookgate.load.yaml import load_yaml_file
from hookgate.schemas_registry import SCHEMAS

Run = Callable[..., subprocess.CompletedProcess[str]]
REPO = Path(__file__).resolve().parents[2]
OURS = ("mount-plan.schema.json", "hooks-policy.config.schema.json")


def test_committed_schemas_do_not_drift(hookgate: Run) -> None:
    proc = hookgate("schema", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_valid_2020_12(name: str) -> None:
    schema = json.loads((REPO / "schemas" / name).read_text())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://hookgate.dev/schemas/{name}"


@pytest.mark.parametrize("plan", sorted((REPO / "examples").glob("plan-*")), ids=lambda p: p.name)
def test_sample_plans_match_schema(plan: Path) -> None:
    schema = json.loads((REPO / "schemas" / "mount-plan.schema.json").read_text())
    errors = list(Draft202012Validator(schema).iter_errors(load_yaml_file(plan).data))
    assert not errors, [e.message for e in errors]


def test_schema_applies_hooks_policy_config() -> None:
    schema = json.loads((REPO / "schemas" / "mount-plan.schema.json").read_text())
    plan = {"session": {"orchestrator": "o", "context": "c"},
            "hooks": [{"module": "hooks-policy", "config": {"fail_mod": "open"}},
                      {"module": "other-hook", "config": {"fail_mod": "open"}}]}
    errors = list(Draft202012Validator(schema).iter_errors(plan))
    assert [list(e.absolute_path) for e in errors] == [["hooks", 0, "config"]]


def test_write_then_check_and_drift(hookgate: Run, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    written = hookgate("schema", "--dir", str(out))
    assert written.returncode == 0, written.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(SCHEMAS)
    for name in OURS:
        assert (out / name).read_text() == (REPO / "schemas" / name).read_text()
    assert hookgate("schema", "--check", "--dir", str(out)).returncode == 0
    (out / "mount-plan.schema.json").write_text("{}\n")
    (out / "hooks-policy.config.schema.json").unlink()
    drift = hookgate("schema", "--check", "--dir", str(out))
    assert drift.returncode == 1
    assert "mount-plan.schema.json: error: schema is out of date" in drift.stdout
    assert "hooks-policy.config.schema.json: error: schema is missing" in drift.stdout
