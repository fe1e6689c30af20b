"""JSON Schemas (2020-12) generated from the mount-plan and module-config models.

The committed files in ``schemas/`` come from these functions; ``hookgate
schema --check`` fails when they drift. The mount-plan schema embeds the
``hooks-policy`` config schema and applies it to ``hooks[].config`` whose
module is ``hooks-policy``, so an editor flags a misspelt security setting.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from hookgate.mountplan.configs.hooks_policy import DecisionLogHookConfig, HooksPolicyConfig
from hookgate.mountplan.model import MountPlan

__all__ = [
    "BASE_URL",
    "decision_log_config_json_schema",
    "hooks_policy_config_json_schema",
    "model_json_schema",
    "mount_plan_json_schema",
]

BASE_URL = "https://hookgate.dev/schemas/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def model_json_schema(model: type[BaseModel], *, filename: str, title: str) -> dict[str, Any]:
    """A model's validation schema with ``$schema``, ``$id`` and a title."""
    body = model.model_json_schema(mode="validation")
    return {"$schema": DIALECT, "$id": BASE_URL + filename, **body, "title": title}


def hooks_policy_config_json_schema() -> dict[str, Any]:
    return model_json_schema(HooksPolicyConfig, filename="hooks-policy.config.schema.json",
                             title="hookgate hooks-policy module config")


def decision_log_config_json_schema() -> dict[str, Any]:
    return model_json_schema(DecisionLogHookConfig, filename="hooks-decision-log.config.schema.json",
                             title="hookgate hooks-decision-log module config")


def mount_plan_json_schema() -> dict[str, Any]:
    """The mount-plan schema, with hookgate's hook configs applied by module id."""
    schema = model_json_schema(MountPlan, filename="mount-plan.schema.json", title="hookgate mount plan")
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    conditional = []
    for module_id, name, sub in (
        ("hooks-policy", "HooksPolicyModuleConfig", hooks_policy_config_json_schema()),
        ("hooks-decision-log", "DecisionLogModuleConfig", decision_log_config_json_schema()),
    ):
        for key in ("$schema", "$id"):
            sub.pop(key)
        defs.update({f"{name}.{k}": v for k, v in sub.pop("$defs", {}).items()})
        defs[name] = _rebase_refs(sub, name)
        conditional.append({
            "if": {"properties": {"module": {"const": module_id}}, "required": ["module"]},
            "then": {"properties": {"config": {"$ref": f"#/$defs/{name}"}}},
        })
    schema["properties"]["hooks"]["items"] = {"allOf": [{"$ref": "#/$defs/ModuleRef"}, *conditional]}
    return schema


def _rebase_refs(node: Any, prefix: str) -> Any:
    """Point ``#/$defs/X`` references of an embedded schema at its renamed ``prefix.X`` entries."""
    if isinstance(node, dict):
        return {
            k: (f"#/$defs/{prefix}.{v.removeprefix('#/$defs/')}" if k == "$ref" and isinstance(v, str)
                else _rebase_refs(v, prefix))
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rebase_refs(v, prefix) for v in node]
    return node
