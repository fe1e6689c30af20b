"""JSON Schemas (2020-12) generated from the mount-plan and module-config models.

The committed files in ``schemas/`` come from these functions; ``hookgate
schema --check`` fails when they drift. The mount-plan schema embeds the
``hooks-policy`` config schema and applies it to ``hooks[].config`` whose
module is ``hooks-policy``, so an editor flags a misspelt security setting.

The mount-plan schema describes the file as written, so it also takes the
``${VAR}`` references :mod:`hookgate.mountplan.validate` accepts before
expansion: any string holding a reference where a constrained string goes
(an enum, a duration, a module source other than that of hookgate's own
modules), and one whole reference where a number goes. The module config schemas describe a config as the module
receives it, after the host expanded it: they take no references.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from hookgate.mountplan.configs.hooks_policy import DecisionLogHookConfig, HooksPolicyConfig
from hookgate.mountplan.envvars import REFERENCE_PATTERN, WHOLE_REFERENCE_PATTERN
from hookgate.mountplan.model import MODULE_ID_PATTERN, MountPlan

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
        config: dict[str, Any] = {"$ref": f"#/$defs/{name}"}
        if not sub.get("required"):  # `config: null` is the empty config, as a mount reads it
            config = {"anyOf": [config, {"type": "null"}]}
        conditional.append({  # the source of hookgate's own module takes no reference (see validate.py)
            "if": {"properties": {"module": {"const": module_id}}, "required": ["module"]},
            "then": {"properties": {"config": config, "source": {"not": {"$ref": "#/$defs/EnvReference"}}}},
        })
    schema["properties"]["hooks"]["items"] = {"allOf": [{"$ref": "#/$defs/ModuleRef"}, *conditional]}
    result: dict[str, Any] = _allow_references(schema)
    result["$defs"]["EnvReference"] = {
        "type": "string", "pattern": REFERENCE_PATTERN,
        "description": "text with ${VAR} / ${VAR:-default} references, checked after expansion",
    }
    result["$defs"]["WholeEnvReference"] = {
        "type": "string", "pattern": WHOLE_REFERENCE_PATTERN,
        "description": "one ${VAR} / ${VAR:-default} reference; its value is read as YAML reads a plain scalar",
    }
    return result


_REFERENCE = {"$ref": "#/$defs/EnvReference"}
_WHOLE_REFERENCE = {"$ref": "#/$defs/WholeEnvReference"}
_SCALARS = ("integer", "number", "boolean")
_CONSTRAINTS = ("enum", "const", "pattern", "format", "minLength", "maxLength")
_META = ("title", "description", "default", "examples")
_DATA = ("enum", "const", "default", "examples")  # values, not schemas: never rewritten
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")  # names (say a property `default`) -> schemas


def _allow_references(node: Any) -> Any:
    """Let every constrained string take a string with a reference, and every number a whole reference
    (module ids excepted: a reference never stands for one)."""
    if isinstance(node, list):
        return [_allow_references(v) for v in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {k: (v if k in _DATA else
                               {name: _allow_references(sub) for name, sub in v.items()} if k in _SCHEMA_MAPS else
                               _allow_references(v))
                           for k, v in node.items()}
    if "anyOf" in out:
        out["anyOf"] = _flat_choices(out["anyOf"])
    extra = _reference_for(out)
    if extra is None:
        return out
    meta = {k: out.pop(k) for k in _META if k in out}
    return {**meta, "anyOf": _flat_choices([out, extra])}


def _reference_for(node: dict[str, Any]) -> dict[str, Any] | None:
    kind = node.get("type")
    if kind == "string" and any(k in node for k in _CONSTRAINTS) and node.get("pattern") != MODULE_ID_PATTERN:
        return _REFERENCE
    if kind in _SCALARS:
        return _WHOLE_REFERENCE
    return None


def _flat_choices(choices: list[Any]) -> list[Any]:
    """``anyOf`` members with nested plain ``anyOf`` lists spliced in, repeats dropped, and the whole-reference
    choice dropped where any-reference text is a choice already."""
    flat: list[Any] = []
    for choice in choices:
        nested = choice.get("anyOf") if isinstance(choice, dict) and set(choice) == {"anyOf"} else None
        for c in nested if nested is not None else [choice]:
            if c not in flat:
                flat.append(c)
    if _REFERENCE in flat and _WHOLE_REFERENCE in flat:
        flat.remove(_WHOLE_REFERENCE)
    return flat


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
