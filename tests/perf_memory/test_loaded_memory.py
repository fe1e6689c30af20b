"""Memory of a loaded policy set: compact positions, shared strings and bookkeeping, lazy imports.

Each saving must be invisible: positions answer exactly as a plain walk of
the YAML nodes would, shared pieces never leak a change from one rule to
another, and the kernel's names still import on first use.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from hookgate.diagnostics import Location
from hookgate.load import PathKey, PositionMap, load_yaml_text
from hookgate.policy.loader import PolicySet, load_policies
from hookgate.policy.model import DenyEffect

NESTED = """\
policy: p
rules:
  - id: a
    when: {tool_input.command: {command: {prefix: [git, push]}}}
    deny: no
  - id: b
    tool: [bash, sh]
    'on': [tool:pre]
    deny:
      reason: |
        several
        lines
  - []
  - {}
  - 7
top: [[1, 2], {x: {y: [z]}}]
"""


def _reference(node: Node, path: PathKey, values: dict[PathKey, Location], keys: dict[PathKey, Location]) -> None:
    """Positions by a plain walk of the composed nodes (what the flat tree must reproduce)."""
    mark = node.start_mark
    values[path] = Location("f.yaml", mark.line + 1, mark.column + 1)
    if isinstance(node, SequenceNode):
        for i, child in enumerate(node.value):
            _reference(child, (*path, i), values, keys)
    elif isinstance(node, MappingNode):
        for key_node, child in node.value:
            kmark = key_node.start_mark
            keys[(*path, key_node.value)] = Location("f.yaml", kmark.line + 1, kmark.column + 1)
            _reference(child, (*path, key_node.value), values, keys)


def _rules_text(count: int) -> str:
    lines = ["version: 1", "policy: many", "rules:"]
    for i in range(count):
        lines += [f"  - id: r{i:05d}", "    on: tool:pre", "    tool: [bash]",
                  f"    when: {{tool_input.command: {{command: {{prefix: [git, push, '{i % 7}']}}}}}}",
                  f"    deny: rule {i % 5} says no"]
    return "\n".join(lines) + "\n"


def test_flat_positions_equal_a_plain_walk_of_the_nodes() -> None:
    doc = load_yaml_text(NESTED, "f.yaml")
    values: dict[PathKey, Location] = {}
    keys: dict[PathKey, Location] = {}
    _reference(yaml.compose(NESTED, Loader=yaml.SafeLoader), (), values, keys)
    assert doc.positions.values == values
    assert doc.positions.keys == keys
    for path, loc in values.items():
        assert doc.positions.value(path) == loc
        assert doc.positions.key(path) == keys.get(path, loc)


@pytest.mark.parametrize("pad", [0, 4000, 5000, 70_000])
def test_positions_past_the_compact_range_stay_exact(pad: int) -> None:
    """Columns from 4096 on (a very long line) keep the 64-bit form; the positions do not change."""
    text = "a: " + "x" * pad + "\nb: {" + " " * pad + "c: [1, {d: 2}]}\n" + NESTED.replace("policy: p\n", "")
    doc = load_yaml_text(text, "f.yaml")
    values: dict[PathKey, Location] = {}
    keys: dict[PathKey, Location] = {}
    _reference(yaml.compose(text, Loader=yaml.SafeLoader), (), values, keys)
    assert doc.positions.values == values
    assert doc.positions.keys == keys
    assert doc.positions.value(("b", "c", 1, "d")) == Location("f.yaml", 2, pad + 16)
    assert doc.positions.key(("b", "c", 1, "d")) == Location("f.yaml", 2, pad + 13)


def test_positions_past_a_million_lines_stay_exact() -> None:
    text = "z: &x {y: 1}\n" + "\n" * (1 << 20) + "a: {b: [1, {c: 2}]}\nw: *x\n"
    positions = load_yaml_text(text, "f.yaml").positions
    line = (1 << 20) + 2
    assert positions.value(("a", "b", 1, "c")) == Location("f.yaml", line, 16)
    assert positions.key(("a", "b", 1, "c")) == Location("f.yaml", line, 13)
    assert positions.key(("a",)) == Location("f.yaml", line, 1)
    assert positions.key(("w",)) == Location("f.yaml", line + 1, 1)  # far below its value (the anchor's)
    assert positions.value(("w", "y")) == Location("f.yaml", 1, 11)


def test_an_alias_far_below_its_anchor_widens_the_positions() -> None:
    """The key lies past the 32-bit range while the value (where the anchor is) does not."""
    text = "z: &x 1\n" + "\n" * (1 << 20) + "w: *x\n"
    positions = load_yaml_text(text, "f.yaml").positions
    assert positions.key(("w",)) == Location("f.yaml", (1 << 20) + 2, 1)
    assert positions.value(("w",)) == Location("f.yaml", 1, 4)  # the anchored node starts at `&x`


def test_a_document_with_more_than_65536_distinct_keys_names_each() -> None:
    text = "".join(f"k{i}: {{x{i}: {i}}}\n" for i in range(35_000))  # 70,000 distinct keys
    positions = load_yaml_text(text, "f.yaml").positions
    for i in (0, 32_766, 32_767, 34_999):
        assert positions.key((f"k{i}", f"x{i}")) == Location("f.yaml", i + 1, len(f"k{i}: {{") + 1)
        assert positions.value((f"k{i}", f"x{i}")) == Location("f.yaml", i + 1, len(f"k{i}: {{x{i}: ") + 1)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("rules", 0, "when", "nope"), (4, 11)),  # unknown key: nearest known ancestor
        (("rules", 9), (3, 3)),  # index past the end
        (("rules", -1), (3, 3)),
        (("rules", "0"), (3, 3)),  # a list is not indexed by key
        (("policy", "x"), (1, 9)),  # a scalar has no children
        (("top", 0, 1), (16, 11)),
        (("top", 1, "x", "y", 0), (16, 24)),
        (("rules", 2, 0), (13, 5)),  # an empty list
    ],
)
def test_lookups_fall_back_like_before(path: PathKey, expected: tuple[int, int]) -> None:
    doc = load_yaml_text(NESTED, "f.yaml")
    assert doc.positions.value(path) == Location("f.yaml", *expected)


def test_key_of_a_list_item_or_unknown_key_is_the_value() -> None:
    positions = load_yaml_text(NESTED, "f.yaml").positions
    assert positions.key(("rules", 1)) == positions.value(("rules", 1))
    assert positions.key(("rules", 0, "nope")) == positions.value(("rules", 0))
    assert positions.key(("rules", 1, "tool")) == Location("f.yaml", 7, 5)


def test_long_lists_index_every_item() -> None:
    text = "items:\n" + "".join(f"  - {{id: {i}}}\n" for i in range(40))
    positions = load_yaml_text(text, "f.yaml").positions
    for i in (39, 0, 8, 7, 9, 20):
        assert positions.value(("items", i, "id")) == Location("f.yaml", i + 2, 10)
    assert positions.value(("items", 40, "id")) == Location("f.yaml", 2, 3)


def test_rebased_and_nested_views_share_the_tree() -> None:
    positions = load_yaml_text(NESTED, "f.yaml").positions
    rule = positions.rebased(("rules", 1))
    assert rule.value(("deny", "reason")) == Location("f.yaml", 10, 15)
    assert rule.key(("on",)) == Location("f.yaml", 8, 5)
    inline = positions.rebased(("rules",)).nested("rules")
    assert inline.value(("rules", 0, "id")) == Location("f.yaml", 3, 9)
    assert inline.key(("rules", 0, "deny")) == Location("f.yaml", 5, 5)
    assert inline.values[("rules", 1, "tool", 1)] == Location("f.yaml", 7, 18)
    scalar = positions.rebased(("policy",))
    assert scalar.value(("x",)) == Location("f.yaml", 1, 9)
    assert positions.rebased(("missing",)).value(()) == Location("f.yaml", 1, 1)


def test_equal_strings_are_stored_once_across_documents() -> None:
    strings: dict[str, str] = {}
    first = load_yaml_text("a: [bash, 'tool:pre']\nb: bash\n", "a.yaml", strings=strings).data
    second = load_yaml_text("bash: 'tool:pre'\n", "b.yaml", strings=strings).data
    assert first["a"][0] is first["b"]
    assert next(iter(second)) is first["b"]
    assert second["bash"] is first["a"][1]


@pytest.fixture
def loaded(tmp_path: Path) -> PolicySet:
    (tmp_path / "p.yaml").write_text(
        "version: 1\npolicy: p\nrules:\n"
        "  - {id: a, tool: bash, deny: same}\n"
        "  - {id: b, tool: [bash], deny: same}\n"
        "  - {id: c, 'on': BEFORE_TOOL, deny: {reason: same}}\n"
        "  - {id: d, deny: other}\n"
        "  - {id: e, modify: {set: {tool_input.x: {deep: [1]}}}}\n"
        "  - {id: f, modify: {set: {tool_input.x: {deep: [1]}}}}\n"
    )
    return load_policies([tmp_path / "p.yaml"])


def test_rules_share_equal_bookkeeping(loaded: PolicySet) -> None:
    a, b, c, d, e, f = (r.rule for r in loaded.rules)
    assert a.model_fields_set is b.model_fields_set  # the same keys given
    assert a.tool is b.tool  # equal tuples
    assert a.deny is b.deny is c.deny  # equal effects (the shorthand validates to the same fields set)
    assert d.deny is not a.deny and d.deny == DenyEffect(reason="other")
    assert e.modify is not f.modify and e.modify == f.modify  # unhashable: kept apart
    assert (a.on_written, c.on_written) == ((), ("BEFORE_TOOL",))
    assert c.on == a.on


def test_sharing_never_leaks_a_change(loaded: PolicySet) -> None:
    a, b = loaded.rules[0].rule, loaded.rules[1].rule
    copy = a.model_copy(update={"description": "changed"})
    assert "description" in copy.model_fields_set
    assert "description" not in a.model_fields_set and "description" not in b.model_fields_set
    assert b.description is None and copy.deny is a.deny


def test_loaded_rules_find_their_positions(loaded: PolicySet) -> None:
    rule = loaded.rules[3]
    file = loaded.sources[0].file
    assert rule.location == Location(file, 7, 10)
    assert rule.positions.value(("deny",)) == Location(file, 7, 19)
    assert rule.positions.key(("deny",)) == Location(file, 7, 13)


def _retained_per_rule(tmp_path: Path, count: int) -> float:
    (tmp_path / "many.yaml").write_text(_rules_text(count))
    load_policies([tmp_path / "many.yaml"])  # warm: imports, caches, pydantic's lazily built parts
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        policy_set = load_policies([tmp_path / "many.yaml"])
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(policy_set.rules) == count
    return (after - before) / count


def test_a_loaded_rule_stays_under_two_kilobytes(tmp_path: Path) -> None:
    # Measured 1.7 KB (model, data, positions); 5.5 KB before the compact
    # positions and the sharing. A byte count, not a timing: deterministic.
    assert _retained_per_rule(tmp_path, 2000) < 2200


def test_the_policy_engine_imports_without_asyncio() -> None:
    code = ("import sys, hookgate.policy.api, hookgate.policy.loader\n"
            "print(sorted(m for m in ('asyncio', 'ssl') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_secret_detectors_load_with_the_first_policy_that_names_one(tmp_path: Path) -> None:
    (tmp_path / "plain.yaml").write_text("version: 1\npolicy: p\nrules:\n  - {id: a, tool: bash, deny: no}\n")
    (tmp_path / "redact.yaml").write_text(
        "version: 1\npolicy: r\nrules:\n"
        "  - {id: b, modify: {redact: {fields: [tool_input.command], detectors: [aws_key]}}}\n")
    (tmp_path / "typo.yaml").write_text(
        "version: 1\npolicy: t\nrules:\n"
        "  - {id: c, modify: {redact: {fields: [tool_input.command], detectors: [aws_kye]}}}\n")
    code = ("import sys\nfrom hookgate.policy.api import compile_files\n"
            "from hookgate.diagnostics import DiagnosticError\n"
            "seen = lambda: 'hookgate.policy.match.secrets' in sys.modules\n"
            f"compile_files([{str(tmp_path / 'plain.yaml')!r}]); print(seen())\n"
            "try:\n"
            f"    compile_files([{str(tmp_path / 'typo.yaml')!r}])\n"
            "except DiagnosticError as exc:\n"
            "    print(seen(), 'schema.unknown_detector' in [d.code for d in exc.diagnostics])\n"
            f"compile_files([{str(tmp_path / 'redact.yaml')!r}]); print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:3] == ["False", "True True", "ok"]


def test_kernel_names_still_import_on_first_use() -> None:
    import hookgate.kernel as kernel

    names: dict[str, Any] = {name: getattr(kernel, name) for name in kernel.__all__}
    assert names["HookRegistry"].__name__ == "HookRegistry"
    assert set(dir(kernel)) >= set(kernel.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        kernel.nope  # noqa: B018


def test_item_values_equal_one_lookup_per_item() -> None:
    positions = load_yaml_text(NESTED, "f.yaml").positions
    expected = [positions.value(("rules", i, "id")) for i in range(5)]
    assert positions.item_values(("rules",), "id") == expected
    assert positions.rebased(("rules",)).nested("rules").item_values(("rules",), "id") == expected
    by_path = PositionMap("f", {("rules", 0, "id"): Location("f", 2, 3), ("rules", 1): Location("f", 4, 1)})
    assert by_path.item_values(("rules",), "id") == [Location("f", 2, 3), Location("f", 4, 1)]


def test_routes_of_a_table_share_one_rules_by_key_mapping(tmp_path: Path) -> None:
    """Buckets and routes look their rules up in the table's one mapping, not a dict (or merged copy) each."""
    from hookgate.policy.api import compile_files

    (tmp_path / "p.yaml").write_text(
        "version: 1\npolicy: p\nrules:\n"
        "  - {id: any, when: {tool_input.command: {regex: 'rm '}}, deny: no rm}\n"
        "  - {id: a, tool: a, when: {tool_input.x: 1}, deny: x is 1}\n"
        "  - {id: b, tool: b, when: {tool_input.x: 2}, ask: x is 2}\n"
        "  - {id: c, tool: c, allow: c}\n"
        "  - {id: s, tool: b, when: {session_id: s1}, deny: not in s1}\n"
    )
    plan = compile_files([tmp_path / "p.yaml"])
    table = plan._tables["tool:pre"]
    route_a, route_b = table.route("a"), table.route("b")
    assert route_a.by_key is route_b.by_key
    assert table.route("c").by_key is route_a.by_key
    assert table.route("zzz").by_key is route_a.by_key  # the any-tool bucket alone: the same mapping
    assert table.any_tool.by_key is route_a.by_key  # and the buckets: one mapping for the whole table
    assert plan.evaluate("tool:pre", {"tool_name": "a", "tool_input": {"x": 1}}).effect == "deny"
    assert plan.evaluate("tool:pre", {"tool_name": "b", "tool_input": {"x": 1}}).effect == "continue"
    assert plan.evaluate("tool:pre", {"tool_name": "b", "tool_input": {"x": 2}}).effect == "ask_user"
    assert plan.evaluate("tool:pre", {"tool_name": "b", "tool_input": {"command": "rm x"}}).effect == "deny"
    # what a route's own rules read (not every rule of the shared mapping)
    assert "session_id" in route_b.reads and "session_id" not in route_a.reads
