"""Module config schemas: hookgate's models, a folder of JSON Schemas, and an entry point group."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from hookgate.mountplan.configs import ENTRY_POINT_GROUP, HooksPolicyConfig, find_config_schema
from hookgate.mountplan.configs.registry import SchemaSourceError


def test_hooks_policy_defaults_are_safe() -> None:
    cfg = HooksPolicyConfig()
    assert (cfg.priority, cfg.fail_mode, cfg.approval.default, cfg.approval.channel) == (-100, "closed", "deny", "auto")
    assert HooksPolicyConfig.model_validate({"approval": {"timeout": "2m"}}).approval.timeout == 120.0
    with pytest.raises(ValidationError):
        HooksPolicyConfig.model_validate({"fail_mod": "open"})
    with pytest.raises(ValidationError):
        cfg.priority = 5  # type: ignore[misc]


def test_builtin_cannot_be_replaced(tmp_path: Path) -> None:
    (tmp_path / "hooks-policy.schema.json").write_text("{}")
    found = find_config_schema("hooks-policy", schema_dirs=[tmp_path])
    assert found is not None and found.model is HooksPolicyConfig


def test_schema_folder(tmp_path: Path) -> None:
    (tmp_path / "tool-x.schema.json").write_text(json.dumps({"type": "object"}))
    (tmp_path / "tool-broken.schema.json").write_text("{not json")
    found = find_config_schema("tool-x", schema_dirs=[tmp_path])
    assert found is not None and found.json == {"type": "object"}
    assert find_config_schema("tool-unknown", schema_dirs=[tmp_path]) is None
    with pytest.raises(SchemaSourceError, match="cannot read config schema"):
        find_config_schema("tool-broken", schema_dirs=[tmp_path])


@pytest.fixture
def plugin(tmp_path: Path) -> Iterator[None]:
    """A real installed distribution (dist-info on sys.path) declaring schema entry points."""
    (tmp_path / "acme_schemas.py").write_text(
        "def provider_schema():\n"
        "    return {'type': 'object', 'required': ['region']}\n"
        "def broken():\n"
        "    raise RuntimeError('boom')\n"
    )
    info = tmp_path / "acme_schemas-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-schemas\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nprovider-acme = acme_schemas:provider_schema\ntool-broken = acme_schemas:broken\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        yield
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("acme_schemas", None)


@pytest.mark.usefixtures("plugin")
def test_entry_point() -> None:
    found = find_config_schema("provider-acme")
    assert found is not None and found.json == {"type": "object", "required": ["region"]}
    assert found.origin == "acme_schemas:provider_schema"
    with pytest.raises(SchemaSourceError, match="failed: boom"):
        find_config_schema("tool-broken")
