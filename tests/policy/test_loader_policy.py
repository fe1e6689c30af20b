"""Loading policy files into a PolicySet: order, layers, includes, lists, settings, positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from hookgate.diagnostics import DiagnosticError, Location
from hookgate.policy.loader import PolicySet, load_policies, load_policy_file
from hookgate.policy.model import AskEffect

FIXTURES = Path(__file__).parent / "loader_fixtures"


@pytest.fixture(scope="module")
def full_set() -> PolicySet:
    # deliberately given lowest layer first: the set is ordered by layer, not by argument order
    return load_policies([FIXTURES / "project.yaml", FIXTURES / "team.yaml", FIXTURES / "baseline.yaml"])


def test_sources_are_in_layer_order_with_includes_first(full_set: PolicySet) -> None:
    names = [(Path(s.file).name, s.layer) for s in full_set.sources]
    assert names == [
        ("lists.yaml", "org"),  # included by baseline: before its includer, in its includer's layer
        ("baseline.yaml", "org"),
        ("team.yaml", "team"),
        ("project.yaml", "project"),  # its include of common/lists.yaml is the same file: loaded once
    ]


def test_rules_keep_file_order_within_the_layer_order(full_set: PolicySet) -> None:
    ids = [r.rule.id for r in full_set.rules]
    assert ids[0] == "no-recursive-force-delete"
    assert ids[-2:] == ["team-no-prod-db", "project-inject"]
    assert {r.layer for r in full_set.rules if r.policy == "baseline"} == {"org"}


def test_events_are_canonical_and_the_spelling_is_kept(full_set: PolicySet) -> None:
    push = full_set.rule("ask-before-push")
    assert push is not None
    assert push.rule.on == ("tool:pre",)
    assert push.rule.on_written == ("BEFORE_TOOL",)
    redact = full_set.rule("redact-keys-before-llm")
    assert redact is not None and "provider:request" in redact.rule.on and "tool:pre" not in redact.rule.on
    remind = full_set.rule("remind-tests")
    assert remind is not None and remind.rule.on == ("prompt:submit",)  # alias and name deduplicated


def test_lists_are_merged_and_located(full_set: PolicySet) -> None:
    assert full_set.lists["secret_files"][0] == "~/.ssh/**"
    assert full_set.lists["protected_branches"] == ("main", "release")
    where = full_set.list_location("secret_files")
    assert where is not None and Path(where.file).name == "lists.yaml" and (where.line, where.column) == (4, 3)
    assert full_set.list_location("nope") is None


def test_settings_merge_tightens(full_set: PolicySet) -> None:
    assert full_set.settings.on_ask == "deny"  # set by the project layer: tightening is allowed anywhere
    assert full_set.settings.workspace == "/srv/team"  # set by the team layer only (layers that set it agree)


def test_defaults_when_nothing_is_set() -> None:
    policy_set = load_policy_file(FIXTURES / "common" / "lists.yaml")
    assert policy_set.settings.on_ask == "ask" and policy_set.settings.workspace is None
    assert policy_set.rules == ()


def test_rule_positions_are_rebased_to_the_rule(full_set: PolicySet) -> None:
    rule = full_set.rule("no-recursive-force-delete")
    assert rule is not None
    assert rule.location == Location(rule.file, 12, 9)
    flag = rule.positions.value(("when", "command", "flags", 1))
    assert (flag.line, flag.column) == (19, 49)
    assert rule.positions.key(("deny",)).line == 22


def test_shorthands_are_normalised(full_set: PolicySet) -> None:
    push = full_set.rule("ask-before-push")
    assert push is not None and isinstance(push.rule.ask, AskEffect)
    assert push.rule.ask.timeout == 120.0 and push.rule.ask.options == ("allow", "deny")
    team = full_set.rule("team-no-prod-db")
    assert team is not None and team.rule.ask is not None and team.rule.ask.prompt == "Connect to a database?"
    assert team.rule.ask.default == "deny" and team.rule.ask.timeout > 0


def test_every_error_of_every_file_in_one_run(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\npolicy: a\nrules:\n  - id: x\n    deny: no\n    tmeout: 1\n")
    (tmp_path / "b.yaml").write_text("version: 2\npolicy: b\n")
    (tmp_path / "c.yaml").write_text("version: 1\npolicy: c\nrules:\n  - id: x\n    deny: again\n")
    with pytest.raises(DiagnosticError) as info:
        load_policies([tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"])
    got = [(Path(d.location.file).name, d.code) for d in info.value.diagnostics if d.location]
    assert got == [
        ("a.yaml", "schema.unknown_field"),
        ("b.yaml", "schema.bad_version"),
        ("c.yaml", "compile.duplicate_rule_id"),
    ]


def test_include_cycle_shows_the_whole_chain(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\npolicy: a\ninclude: b.yaml\n")
    (tmp_path / "b.yaml").write_text("version: 1\npolicy: b\ninclude: [a.yaml]\n")
    with pytest.raises(DiagnosticError) as info:
        load_policies([tmp_path / "a.yaml"])
    (diag,) = info.value.diagnostics
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert diag.message == f"include cycle: `{a}` -> `{b}` -> `{a}`"
    assert diag.location == Location(str(b), 3, 11)


def test_yaml12_words_stay_strings(tmp_path: Path) -> None:
    """``on:`` is the rule key (not the YAML 1.1 boolean); ``deny: no`` is the reason "no"."""
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\npolicy: p\nrules:\n  - id: r\n    on: BEFORE_LLM\n    deny: no\n")
    rule = load_policy_file(path).rules[0]
    assert rule.rule.on == ("provider:request",)
    assert rule.rule.deny is not None and rule.rule.deny.reason == "no"
    assert rule.positions.key(("on",)) == Location(str(path), 5, 5)


def test_missing_entry_file_is_a_diagnostic(tmp_path: Path) -> None:
    with pytest.raises(DiagnosticError) as info:
        load_policies([tmp_path / "nope.yaml"])
    assert [d.code for d in info.value.diagnostics] == ["load.not_found"]


def test_oversize_and_non_utf8_files_are_rejected(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("version: 1\npolicy: big\ndescription: " + "x" * (3 * 1024 * 1024) + "\n")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"version: 1\npolicy: caf\xe9\n")
    with pytest.raises(DiagnosticError) as info:
        load_policies([big, latin])
    assert sorted(d.code for d in info.value.diagnostics) == ["load.encoding", "load.too_large"]


def test_same_file_twice_is_loaded_once() -> None:
    path = FIXTURES / "team.yaml"
    policy_set = load_policies([path, path])
    assert len(policy_set.sources) == 1 and len(policy_set.rules) == 1


def test_the_reference_example_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "policy-language.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "lists.yaml").write_text("version: 1\npolicy: lists\n")
    (tmp_path / "baseline.yaml").write_text(example)
    policy_set = load_policy_file(tmp_path / "baseline.yaml")
    assert [r.rule.id for r in policy_set.rules] == ["no-recursive-force-delete"]
    assert policy_set.settings.on_ask == "deny"
