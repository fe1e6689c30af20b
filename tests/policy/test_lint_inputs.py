"""A condition on an input the rule's tools do not take: a warning at the key, so a typo cannot
silently turn a deny into a rule that never holds (``--strict`` makes it an error)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from hookgate.policy.api import compile_files
from hookgate.policy.compiler.lint_inputs import TOOL_INPUTS


def write(tmp_path: Path, rules: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text("version: 1\npolicy: t\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  "))
    return path


def warnings(tmp_path: Path, rules: str) -> list[str]:
    plan = compile_files([write(tmp_path, rules)])
    return [f"{d.location.line}:{d.location.column}: {d.message}" for d in plan.warnings
            if d.code == "compile.unknown_input" and d.location is not None]


def test_a_misspelt_input_is_named_with_the_right_one(tmp_path: Path) -> None:
    got = warnings(tmp_path, """
        - id: no-rm
          tool: [bash, Bash]
          when:
            tool_input.comand: {contains: "rm -rf"}
          deny: no
        - id: no-env
          tool: [read_file, Read]
          when:
            all:
              - tool_input.file_pth: {glob: "**/.env"}
          unless:
            tool_input.offset: {exists: true}
          deny: no
        """)
    assert got == [
        "8:7: rule `no-rm`: `tool_input.comand` is not an input of `Bash`, `bash`: it never holds; "
        "did you mean `tool_input.command`?",
        "14:11: rule `no-env`: `tool_input.file_pth` is not an input of `Read`, `read_file`: it never holds; "
        "did you mean `tool_input.file_path`?",
    ]


def test_a_shorthand_whose_field_the_tools_never_carry(tmp_path: Path) -> None:
    got = warnings(tmp_path, """
        - id: etc-by-shell
          tool: bash
          when: {path: {glob: "/etc/**"}}
          deny: no
        - id: push-by-write
          tool: [Write, Edit]
          when: {not: {command: {prefix: [git, push]}}}
          deny: no
        """)
    assert got == [
        "7:12: rule `etc-by-shell`: `path` reads `tool_input.file_path`, `tool_input.path` or "
        "`tool_input.notebook_path`, which `bash` does not take: it never holds",
        "11:18: rule `push-by-write`: `command` reads `tool_input.command`, which `Edit`, `Write` do not take: "
        "it never holds",
    ]


def test_nothing_said_where_the_table_cannot_know(tmp_path: Path) -> None:
    """Tools it does not know, patterns of tools, every tool, inputs that are no near miss (a host's
    newer input), wildcards, and events without tool input."""
    assert warnings(tmp_path, """
        - id: mcp
          tool: mcp__github__create_issue
          when: {tool_input.tittle: {contains: x}}
          deny: no
        - id: pattern
          tool: "mcp__*"
          when: {tool_input.comand: {contains: x}}
          deny: no
        - id: every-tool
          when: {tool_input.comand: {contains: x}}
          deny: no
        - id: newer-input
          tool: Bash
          when: {tool_input.sandbox_profile: {equals: none}}
          deny: no
        - id: wildcard
          tool: Bash
          when: {tool_input.*: {regex: "AKIA[0-9A-Z]{16}"}}
          deny: no
        - id: known
          tool: [Bash, Write]
          when: {tool_input.command: {contains: x}, path: {glob: "/etc/**"}, tool_input.content: {contains: y}}
          deny: no
        """) == []


def test_every_known_tool_takes_what_its_shorthand_reads() -> None:
    """The table backs the shell and file tools' shorthands: a wrong row would warn on good policies."""
    assert "command" in TOOL_INPUTS["Bash"] and "command" in TOOL_INPUTS["bash"]
    for tool in ("Read", "Write", "Edit", "MultiEdit", "read_file", "write_file", "edit_file"):
        assert "file_path" in TOOL_INPUTS[tool], tool
    assert "url" in TOOL_INPUTS["WebFetch"] and "notebook_path" in TOOL_INPUTS["NotebookEdit"]



def test_a_misspelt_input_in_an_ask_prompt(tmp_path: Path) -> None:
    """The person asked would see `<missing>` where the command goes."""
    got = warnings(tmp_path, """
        - id: ask-push
          tool: bash
          when: {command: {prefix: [git, push]}}
          ask: {prompt: "Push with {tool_input.comand} from {cwd}?"}
        - id: ask-write
          tool: [Write, Edit]
          ask: "Write {tool_input.file_path}?"
        """)
    assert got == [
        "8:19: rule `ask-push`: the prompt's `{tool_input.comand}` is not an input of `bash`: it shows `<missing>`; "
        "did you mean `{tool_input.command}`?",
    ]


def test_a_tool_selector_on_model_calls(tmp_path: Path) -> None:
    """`tool: bash` on provider:response reads as "responses that call bash"; it never fires."""
    plan = compile_files([write(tmp_path, """
        - id: no-shell-calls
          on: provider:response
          tool: bash
          deny: no
        - id: shell-calls
          on: provider:response
          when: {"response.tool_calls[*].name": [bash]}
          deny: no
        - id: both
          on: [provider:request, tool:pre]
          tool: bash
          deny: no
        """)])
    found = [(d.location.line if d.location else 0, d.message, d.help) for d in plan.warnings
             if d.code == "compile.unknown_input"]
    assert found == [(7, "rule `no-shell-calls`: `tool` selects by the event's `tool_name`, which "
                         "`provider:response` does not carry: it never holds",
                      'for the tool calls a model asks for, use `when: {"response.tool_calls[*].name": [...]}` on '
                      "provider:response; to gate the calls themselves, `on: tool:pre`")]


def test_a_misspelt_input_in_a_rewrite(tmp_path: Path) -> None:
    """A redaction of `tool_input.descripton` redacts nothing: the real field goes through."""
    got = warnings(tmp_path, """
        - id: rewrites
          tool: bash
          modify:
            set: {tool_input.timout: 60, tool_input.timeout: 60}
            remove: [tool_input.run_in_backgrond]
            replace: [{field: tool_input.comand, regex: "--force", with: ""}]
            redact: {fields: [tool_input.command, tool_input.descripton]}
        """)
    assert got == [
        "8:13: rule `rewrites`: `modify` sets `tool_input.timout`, which is not an input of `bash`: the tool never "
        "reads it; did you mean `tool_input.timeout`?",
        "9:16: rule `rewrites`: `modify` removes `tool_input.run_in_backgrond`, which is not an input of `bash`: it "
        "is never there, so nothing is removed; did you mean `tool_input.run_in_background`?",
        "10:25: rule `rewrites`: `modify` rewrites `tool_input.comand`, which is not an input of `bash`: it is never "
        "there, so nothing is rewritten; did you mean `tool_input.command`?",
        "11:45: rule `rewrites`: `modify` redacts `tool_input.descripton`, which is not an input of `bash`: it is "
        "never there, so nothing is redacted; did you mean `tool_input.description`?",
    ]
