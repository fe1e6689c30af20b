"""Rules whose ``when`` is a disjunction are indexed too, by every branch.

``any:`` of indexable conditions and the ``path:`` shorthand (which reads the
three path fields) used to sit on the always-list, so each was evaluated for
every event: 1,000 ``path:`` rules cost ~10 ms a decision. They are now filed
under a cover (an atom of each branch). Each test holds the indexed decision
to the traced one, which evaluates every rule without any index.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from traced import plan_of, same_as_traced

from hookgate.policy.api import Plan


def write(path: str) -> dict[str, Any]:
    return {"tool_name": "write_file", "tool_input": {"file_path": path, "content": "x"}}


def always_listed(plan: Plan, tool: str) -> list[int]:
    return list(plan._tables["tool:pre"].route(tool).always)


def test_path_shorthand_rules_are_indexed(tmp_path: Path) -> None:
    rules = "".join(f"- id: r{i}\n  when: {{path: {{glob: /srv/app{i}/**}}}}\n  deny: no\n" for i in range(300))
    plan = plan_of(tmp_path, rules)
    assert always_listed(plan, "write_file") == []
    assert same_as_traced(plan, write("/srv/app7/x")) == ("deny", ("r7",))
    assert same_as_traced(plan, write("/tmp/x")) == ("continue", ())
    notebook = {"tool_name": "edit_notebook", "tool_input": {"notebook_path": "/srv/app9/n.ipynb"}}
    assert same_as_traced(plan, notebook) == ("deny", ("r9",))


def test_any_of_command_prefixes_is_indexed(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
    - id: publish
      tool: bash
      when:
        any:
          - command: {prefix: [npm, publish]}
          - command: {prefix: [yarn, npm, publish]}
          - tool_input.command: {regex: "^twine upload"}
      ask: {prompt: "Publish: {tool_input.command}?"}
    """)
    assert always_listed(plan, "bash") == []
    for line, effect in [("npm publish", "ask_user"), ("sudo yarn npm publish --tag x", "ask_user"),
                         ("twine upload dist/*", "ask_user"), ("npm test", "continue"), ("ls", "continue"),
                         ("eval \"$CMD\"", "ask_user")]:  # not understood: an ask rule counts it as a match
        assert same_as_traced(plan, {"tool_name": "bash", "tool_input": {"command": line}})[0] == effect, line


def test_several_globs_of_one_rule_on_one_field_are_all_kept(tmp_path: Path) -> None:
    """Two path conditions of one rule on the same field share the field's index: both must answer."""
    plan = plan_of(tmp_path, """
    - id: either
      when:
        any:
          - tool_input.file_path: {path: {glob: "/etc/**"}}
          - tool_input.file_path: {path: {glob: "**/.env"}}
          - tool_input.file_path: {path: {glob: "~/.ssh/*", case_insensitive: true}}
      deny: no
    """)
    for path, effect in [("/etc/hosts", "deny"), ("/w/.env", "deny"), ("~/.SSH/id", "deny"), ("/w/x", "continue")]:
        assert same_as_traced(plan, {**write(path), "cwd": "/w"})[0] == effect, path


def test_a_branch_without_an_index_keeps_the_rule_on_the_always_list(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, """
    - id: mixed
      when:
        any:
          - tool_input.file_path: {path: {glob: "/etc/**"}}
          - not: {tool_input.content: {exists: true}}
      deny: no
    """)
    assert len(always_listed(plan, "write_file")) == 1
    assert same_as_traced(plan, {"tool_name": "write_file", "tool_input": {"file_path": "/tmp/x"}})[0] == "deny"
    assert same_as_traced(plan, write("/tmp/x"))[0] == "continue"


# -- random rules against the traced evaluation ---------------------------------------------

ATOMS = [
    {"tool_input.command": {"prefix": "git push"}},
    {"tool_input.command": {"regex": "rm -rf"}},
    {"tool_input.command": {"in": ["ls", "pwd"]}},
    {"command": {"prefix": ["git", "push"]}},
    {"command": {"program": "curl"}},
    {"command": {"writes": "/etc/**"}},
    {"command": {"reads": "~/.ssh/**", "pipe_to_shell": True}},
    {"path": {"glob": "/etc/**"}},
    {"path": {"glob": "**/.github/workflows/**"}},
    {"tool_input.file_path": {"path": {"glob": "**/*.pem"}}},
    {"tool_input.file_path": {"glob": "/tmp/*"}},
    {"tool_input.content": {"contains": "SECRET"}},
    {"tool_input.content": {"exists": False}},
    {"tool_input.url": {"url": {"host": "example.com"}}},
    {"tool_name": ["write_file", "bash"]},
]
EVENTS = [
    {"tool_name": "bash", "tool_input": {"command": c}}
    for c in ["git push origin", "sudo rm -rf /", "ls", "curl x | sh", "echo $(git push)", "true",
              "echo x > /etc/hosts", "cp a $DEST", "cat ~/.ssh/id | sh", ["git", "push", "origin"],
              ["bash", "-lc", "curl x | sh"], {"argv": ["ls"]}]
] + [
    {"tool_name": t, "tool_input": {"file_path": p, **({"content": c} if c else {})}}
    for t, p, c in [("write_file", "/etc/hosts", "a"), ("edit_file", "/r/.github/workflows/ci.yml", "SECRET"),
                    ("write_file", "/tmp/k.pem", ""), ("read_file", "/w/notes.txt", None)]
] + [{"tool_name": "web_fetch", "tool_input": {"url": u}} for u in ["https://example.com/x", "https://evil.test"]]


def _cond(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    atom = st.sampled_from(ATOMS)
    if depth == 0:
        return atom
    inner = _cond(depth - 1)
    return st.one_of(
        atom,
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: {"any": parts}),
        st.lists(inner, min_size=1, max_size=3).map(lambda parts: {"all": parts}),
        inner.map(lambda part: {"not": part}),
    )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_cond(2), st.sampled_from(["deny", "ask", "allow"])), min_size=1, max_size=5))
def test_random_rules_decide_as_the_traced_scan_does(tmp_path: Path, rules: list[tuple[dict[str, Any], str]]) -> None:
    text = ""
    for i, (when, effect) in enumerate(rules):
        action = {"deny": "deny: no", "ask": "ask: {prompt: sure?}", "allow": "allow: fine"}[effect]
        text += f"- id: r{i}\n  when: {json.dumps(when)}\n  {action}\n"
    plan = plan_of(tmp_path, text)
    for data in EVENTS:
        same_as_traced(plan, {**data, "cwd": "/w"})
