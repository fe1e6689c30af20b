"""The mount-plan models, the published JSON Schema and ``hookgate validate`` accept the same plans.

Every field of the mount-plan models and of hookgate's module config models
is walked, and values of every JSON type (plus the strings YAML users write:
``"5"``, ``"yes"``, ``"30s"``, …) are put there one at a time. For each
plan, three verdicts must agree:

* a host loading the plan through hookgate's models (``MountPlan`` and the
  config model of each of hookgate's own modules);
* the committed ``schemas/mount-plan.schema.json`` (what an editor or a
  generic CI validator applies);
* ``hookgate validate`` (the real CLI, on the plan written to a file).

Values holding ``${VAR}`` references cannot be judged by the models (the
host expands them first); for those the schema and ``hookgate validate``
must agree.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ValidationError

from hookgate.load.yaml import PathKey
from hookgate.mountplan.configs.registry import BUILTIN_CONFIG_MODELS
from hookgate.mountplan.model import ModuleRef, MountPlan
from hookgate.mountplan.strict import StrictModel

REPO = Path(__file__).resolve().parents[2]
SCHEMA = Draft202012Validator(json.loads((REPO / "schemas" / "mount-plan.schema.json").read_text()))

BASE: dict[str, Any] = {
    "session": {"orchestrator": "loop-basic", "context": "context-simple"},
    "orchestrator": {"config": {}},
    "context": {"config": {}},
    "providers": [{"module": "provider-x", "source": "./providers/x", "config": {}, "instance_id": "one"}],
    "tools": [],
    "hooks": [
        {"module": "hooks-policy", "config": {"approval": {}, "decision_log": {"path": "d.jsonl"}}},
        {"module": "hooks-decision-log", "config": {"path": "e.jsonl"}},
    ],
    "agents": {},
}
#: where each model's fields are, in BASE
ROOTS: list[tuple[PathKey, type[BaseModel]]] = [
    ((), MountPlan),
    (("providers", 0), ModuleRef),
    (("hooks", 0), ModuleRef),  # hookgate's own modules: their source takes no reference
    (("hooks", 1), ModuleRef),
    (("hooks", 0, "config"), BUILTIN_CONFIG_MODELS["hooks-policy"]),
    (("hooks", 1, "config"), BUILTIN_CONFIG_MODELS["hooks-decision-log"]),
]
#: tried at every field
VALUES: list[Any] = [
    "5", "2.0", " 7 ", "true", "yes", "null", "", "abc", "30s", "open",  # strings that look like other types
    5, 0, -1, 2.0, 2.5, 1e3, True, False, None,  # numbers and booleans
    [], ["x"], [5], {}, {"k": "v"},  # containers
]
#: tried where they mean something: the forms each kind of text field distinguishes
BY_FIELD: dict[str, list[Any]] = {
    "source": ["git+https://github.com/org/repo@v1", "git+https://github.com/org/repo", "git+https://github.com",
               "git+http://github.com/org/repo@v1", "git+ssh://git@github.com/org/repo@0123abcd",
               "file:///abs/mods", "file://relative", "file:relative", "./mods/x", "/abs/x", "~/x", "..",
               "pkg-name>=1.0,<2", "pkg[extra]==1", "pkg name", "https://example.com/x"],
    "timeout": ["2m", "1h", "500ms", "30", "0.5", " 30s ", "0s", "0", "0.0s", "-5s", "30 s", "1d", "٣٠s", "30S"],
    "module": ["a.b_c-d", "-leading", "has space", "x٣"],
    "instance_id": ["a.b_c-d", "-leading"],
    "orchestrator": ["a.b_c-d", "-leading"],
    "fail_mode": ["closed", "Open", "no"],
    "log_level": ["debug", "warn"],
    "channel": ["auto", "terminal", "deny-all"],
    "default": ["deny", "allow", "ask"],
}
#: the codes of references refused where they stand (the schema refuses them too)
REFUSED_REFERENCES = ("mountplan.reference_in_module_id", "mountplan.reference_in_builtin_source")
REFERENCES: list[Any] = ["${X}", "${X:-5}", "${X:-}", "x${X}", "${X}s", "${X}/mods", "$${X}", "$$", "${X}${Y}"]


def _leaves(model: type[BaseModel], prefix: PathKey) -> Iterator[PathKey]:
    """Every field path under ``model``; fields holding one nested strict model are walked into."""
    for name, info in model.model_fields.items():
        path = (*prefix, name)
        nested = _only_model(info.annotation)
        if nested is not None:
            yield from _leaves(nested, path)
        yield path


def _only_model(annotation: Any) -> type[BaseModel] | None:
    args = [a for a in typing.get_args(annotation) if a is not type(None)] if _is_union(annotation) else [annotation]
    if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], StrictModel):
        return args[0]
    return None


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


LEAVES = sorted({leaf for prefix, model in ROOTS for leaf in _leaves(model, prefix)}, key=str)


def _with(path: PathKey, value: Any) -> dict[str, Any]:
    plan = copy.deepcopy(BASE)
    node: Any = plan
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return plan


def _models_accept(plan: dict[str, Any]) -> bool:
    try:
        model = MountPlan.model_validate(plan)
        for ref in model.hooks:
            if ref.module in BUILTIN_CONFIG_MODELS:
                BUILTIN_CONFIG_MODELS[ref.module].model_validate(ref.config or {})
    except ValidationError:
        return False
    return True


def _schema_accepts(plan: dict[str, Any]) -> bool:
    return next(SCHEMA.iter_errors(plan), None) is None


def _validate_verdicts(folder: Path, count: int) -> list[bool]:
    """``hookgate validate`` on the folder of case files, one run: per file, no schema-level error."""
    proc = subprocess.run([sys.executable, "-m", "hookgate", "validate", "--format", "json", str(folder)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    rejected = {Path(d["file"]).name for d in json.loads(proc.stdout)
                if d["severity"] == "error" and (d["code"].startswith("schema.") or d["code"] in REFUSED_REFERENCES)}
    return [f"case-{i}.json" not in rejected for i in range(count)]


def _write_cases(folder: Path, cases: list[tuple[PathKey, Any]]) -> None:
    folder.mkdir()
    for i, (path, value) in enumerate(cases):
        (folder / f"case-{i}.json").write_text(json.dumps(_with(path, value)))


def test_the_walk_covers_every_field() -> None:
    names = {path[-1] for path in LEAVES}
    assert {"injection_budget_per_turn", "priority", "timeout", "max_bytes", "backups", "fail_mode", "channel",
            "source", "instance_id", "enabled_events", "policies", "config", "agents"} <= names
    assert len(LEAVES) >= 35
    assert _models_accept(BASE) and _schema_accepts(BASE)


def _policy_language(path: PathKey, value: Any) -> bool:
    """Inline ``rules`` are policy text: the plan's schema and model leave them open, and ``validate``
    (like a mount) compiles them against the policy language (``schemas/policy.schema.json``)."""
    return path[-1] == "rules" and isinstance(value, dict | list) and bool(value)


def test_models_schema_and_validate_agree_on_every_field(tmp_path: Path) -> None:
    cases = [(path, value) for path in LEAVES for value in [*VALUES, *BY_FIELD.get(str(path[-1]), [])]
             if not _policy_language(path, value)]
    _write_cases(tmp_path / "cases", cases)
    validated = _validate_verdicts(tmp_path / "cases", len(cases))
    disagree = []
    for (path, value), by_validate in zip(cases, validated, strict=True):
        plan = _with(path, value)
        by_models, by_schema = _models_accept(plan), _schema_accepts(plan)
        if not by_models == by_schema == by_validate:
            disagree.append(f"{'.'.join(map(str, path))} = {value!r}: models {by_models}, schema {by_schema}, "
                            f"validate {by_validate}")
    assert not disagree, "\n".join(disagree)


def test_schema_and_validate_agree_on_references(tmp_path: Path) -> None:
    cases = [(path, value) for path in LEAVES for value in REFERENCES]
    _write_cases(tmp_path / "cases", cases)
    validated = _validate_verdicts(tmp_path / "cases", len(cases))
    disagree = [f"{'.'.join(map(str, path))} = {value!r}: schema {by_schema}, validate {by_validate}"
                for (path, value), by_validate in zip(cases, validated, strict=True)
                if (by_schema := _schema_accepts(_with(path, value))) != by_validate]
    assert not disagree, "\n".join(disagree)


#: numbers a YAML plan can hold and a JSON one cannot (``.nan``, ``.inf``), or that JSON tools read differently
YAML_NUMBERS: list[Any] = [float("nan"), float("inf"), float("-inf"), 10**30, 1e300, -0.0]


def test_models_and_validate_agree_on_numbers_only_yaml_writes(tmp_path: Path) -> None:
    """The schema describes JSON, which has no NaN or infinity (python-jsonschema lets NaN through every
    bound, as no comparison with it holds), so for these the models and ``validate`` must agree, and a
    duration is never NaN or infinite: as ``approval.timeout`` (a cap) NaN capped nothing."""
    cases = [(path, value) for path in LEAVES for value in YAML_NUMBERS]
    folder = tmp_path / "cases"
    folder.mkdir()
    for i, (path, value) in enumerate(cases):
        (folder / f"case-{i}.yaml").write_text(yaml.safe_dump(_with(path, value)))
    proc = subprocess.run([sys.executable, "-m", "hookgate", "validate", "--format", "json", str(folder)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    rejected = {Path(d["file"]).name for d in json.loads(proc.stdout)
                if d["severity"] == "error" and d["code"].startswith("schema.")}
    validated = [f"case-{i}.yaml" not in rejected for i in range(len(cases))]
    disagree = [f"{'.'.join(map(str, path))} = {value!r}: models {by_models}, validate {by_validate}"
                for (path, value), by_validate in zip(cases, validated, strict=True)
                if (by_models := _models_accept(_with(path, value))) != by_validate]
    assert not disagree, "\n".join(disagree)
    timeout = ("hooks", 0, "config", "approval", "timeout")
    assert [_models_accept(_with(timeout, v)) for v in YAML_NUMBERS] == [False, False, False, True, True, False]


@pytest.mark.parametrize(("path", "value"), [
    (("session", "injection_budget_per_turn"), "5"),
    (("hooks", 0, "config", "priority"), "5"),
    (("hooks", 0, "config", "priority"), True),
    (("hooks", 0, "config", "priority"), 2.5),
    (("hooks", 0, "config", "decision_log", "max_bytes"), "100"),
    (("hooks", 0, "config", "decision_log", "backups"), False),
    (("hooks", 1, "config", "backups"), "yes"),
    (("hooks", 0, "config", "approval", "timeout"), True),
    (("hooks", 0, "config", "approval", "timeout"), "0s"),
    (("hooks", 0, "config", "fail_mode"), "yes"),
    (("hooks", 0, "config", "policies"), "p.yaml"),
    (("providers", 0, "source"), "git+https://github.com"),
    (("providers", 0, "module"), "mod\n"),
])
def test_what_lax_parsing_used_to_let_through_is_refused(path: PathKey, value: Any) -> None:
    plan = _with(path, value)
    assert not _models_accept(plan)
    assert not _schema_accepts(plan) or value == "mod\n"  # python-jsonschema's `$` takes a final newline


@pytest.mark.parametrize(("path", "value", "read_as"), [
    (("hooks", 0, "config", "approval", "timeout"), "30s", 30.0),
    (("hooks", 0, "config", "approval", "timeout"), "500ms", 0.5),
    (("hooks", 0, "config", "approval", "timeout"), 45, 45.0),
    (("hooks", 0, "config", "decision_log", "max_bytes"), 1e3, 1000),  # an integral number is an integer
    (("session", "injection_size_limit"), 2.0, 2),
])
def test_conveniences_the_schema_also_allows_are_kept(path: PathKey, value: Any, read_as: Any) -> None:
    plan = _with(path, value)
    assert _models_accept(plan) and _schema_accepts(plan)
    model = MountPlan.model_validate(plan)
    if path[0] == "session":
        assert getattr(model.session, str(path[-1])) == read_as
    else:
        config = BUILTIN_CONFIG_MODELS["hooks-policy"].model_validate(model.hooks[0].config)
        node: Any = config
        for part in path[3:]:
            node = getattr(node, str(part))
        assert node == read_as and type(node) is type(read_as)
