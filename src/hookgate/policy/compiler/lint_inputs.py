"""Warnings for a rule that reads what its events or tools do not carry.

A typo in a field path (``tool_input.comand``) or a shorthand that reads a field
the selected tools never carry (``path`` on ``bash``) makes a rule that never
holds, and nothing else says so: the rule loads, its tests of other rules pass,
and the deny it was meant to be is silently gone. In an ask's prompt the same
typo shows the person who decides ``<missing>`` instead of what would run, and
in a ``modify`` it rewrites a field the tool never reads (the real one goes through).
Likewise ``tool:`` on model calls (``provider:request``), which carry no tool
name: a rule meant for a response's tool calls never fires. Only rules whose every tool is
a well-known one are checked, and a field missing from the table below is
reported only when it is a near miss of one the tools take (hosts add inputs
over time; a typo is close to a real name, a new input is not).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hookgate.diagnostics import Diagnostic, Location, did_you_mean
from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.conditions.compile import COMBINATORS, PATH_FIELDS
from hookgate.policy.effects import AskSpec

__all__ = ["TOOL_INPUTS", "lint_inputs"]


def _table(*entries: tuple[str, str]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for names, inputs in entries:
        for name in names.split():
            out[name] = frozenset(inputs.split())
    return out


#: the inputs of well-known tools, under each name hosts give them: Claude Code's, their snake-case
#: spelling, and the names amplifier and other agents use (``read_file``, ``web_fetch``). A hint for
#: typos, not a schema: see the module docstring.
TOOL_INPUTS: dict[str, frozenset[str]] = _table(
    ("Bash bash shell run_shell_command", "command description timeout run_in_background dangerouslyDisableSandbox"),
    ("Read read read_file", "file_path offset limit"),
    ("Write write write_file", "file_path content"),
    ("Edit edit edit_file", "file_path old_string new_string replace_all"),
    ("MultiEdit multi_edit", "file_path edits"),
    ("NotebookEdit notebook_edit", "notebook_path cell_id new_source cell_type edit_mode"),
    ("NotebookRead notebook_read", "notebook_path cell_id"),
    ("Glob glob", "pattern path"),
    ("Grep grep", "pattern path glob type output_mode -i -n -A -B -C multiline head_limit offset"),
    ("LS ls list_directory", "path ignore"),
    ("WebFetch web_fetch", "url prompt"),
    ("WebSearch web_search", "query allowed_domains blocked_domains"),
    ("TodoWrite todo_write", "todos"),
)

#: what each shorthand reads (``path``: any of three)
_SHORTHAND_FIELDS = {"command": ("command",), "url": ("url",), "path": tuple(f.split(".", 1)[1] for f in PATH_FIELDS)}
_PREFIX = "tool_input."


#: model calls: their data is the request or response, with no ``tool_name`` or ``name`` to select by
_MODEL_CALLS = frozenset({"provider:request", "provider:response", "llm:request", "llm:response"})


def lint_inputs(rules: list[CompiledRule]) -> list[Diagnostic]:
    out: list[Diagnostic] = [_tool_on_model_calls(r) for r in rules
                             if r.tools is not None and r.events and _MODEL_CALLS.issuperset(r.events)]
    # rules share their tool lists and field names: each is judged once (this runs on 10,000 rules)
    inputs_of: dict[tuple[frozenset[str], tuple[str, ...]], frozenset[str] | None] = {}
    fine: set[tuple[object, ...]] = set()
    for rule in rules:
        tools = rule.tools
        if tools is None or tools.prefixes or tools.globs:
            continue
        known = inputs_of.get((tools.exact, rule.events), ...)
        if known is ...:  # (tool_input is a tool event's)
            on_tools = all(e.startswith("tool:") for e in rule.events)
            known = inputs_of[(tools.exact, rule.events)] = _known_inputs(tools.exact) if on_tools else None
        if known is None:
            continue
        loaded = rule.source.rule
        for part, spec in (("when", loaded.when), ("unless", loaded.unless)):
            if not isinstance(spec, dict):
                continue
            shape = (*spec, known)  # the mapping's own keys: most rules share a few shapes
            if shape in fine:
                continue
            flat = not any(key in COMBINATORS for key in spec)
            for path, key in _keys(spec, (part,)):
                found = _condition_problem(key, known, _tools(rule))
                if found is not None:
                    flat = False
                    out.append(_warning(rule, found, rule.source.positions.key(path)))
            if flat:  # no combinator inside and nothing to say: the same keys are fine for these tools
                fine.add(shape)
        if isinstance(rule.action, AskSpec):
            for field in rule.action.prompt.parts:
                if not isinstance(field, str) and field.text.startswith(_PREFIX):
                    found = _prompt_problem(field.text, known, _tools(rule))
                    if found is not None:
                        out.append(_warning(rule, found, rule.source.positions.value(("ask", "prompt"))))
        elif loaded.modify is not None:
            for where, field, verb in _modified(loaded.modify):
                found = _modify_problem(field, verb, known, _tools(rule))
                if found is not None:
                    positions = rule.source.positions
                    at = positions.key(where) if verb == "sets" else positions.value(where)
                    out.append(_warning(rule, found, at))
    return out


def _modified(spec: Any) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(path in the rule, field, what the rewrite does to it) for each field a ``modify`` names."""
    base: tuple[str | int, ...] = ("modify",)
    for field in spec.set:
        yield (*base, "set", field), field, "sets"
    for i, field in enumerate(spec.remove):
        yield (*base, "remove", i), field, "removes"
    for i, op in enumerate(spec.replace):
        yield (*base, "replace", i, "field"), op.field, "rewrites"
    if spec.redact is not None:
        for i, field in enumerate(spec.redact.fields):
            yield (*base, "redact", "fields", i), field, "redacts"


def _tool_on_model_calls(rule: CompiledRule) -> Diagnostic:
    events = ", ".join(f"`{e}`" for e in rule.events)
    verb = "does" if len(rule.events) == 1 else "do"
    return Diagnostic(
        "compile.unknown_input",
        f"rule `{rule.id}`: `tool` selects by the event's `tool_name`, which {events} {verb} not carry: it never holds",
        rule.source.positions.key(("tool",)), severity="warning",
        help='for the tool calls a model asks for, use `when: {"response.tool_calls[*].name": [...]}` on '
             "provider:response; to gate the calls themselves, `on: tool:pre`",
    )


def _warning(rule: CompiledRule, problem: tuple[str, str], where: Location) -> Diagnostic:
    message, hint = problem
    return Diagnostic("compile.unknown_input", f"rule `{rule.id}`: {message}", where, severity="warning", help=hint)


def _known_inputs(names: frozenset[str]) -> frozenset[str] | None:
    """The inputs of every tool named, if the table knows them all."""
    found: frozenset[str] = frozenset()
    for name in names:
        inputs = TOOL_INPUTS.get(name)
        if inputs is None:
            return None
        found |= inputs
    return found or None


def _keys(spec: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every field or shorthand key in a condition mapping, with its path in the rule."""
    if not isinstance(spec, dict):
        return
    for key, value in spec.items():
        if not isinstance(key, str):
            continue
        here = (*path, key)
        if key == "not":
            yield from _keys(value, here)
        elif key in COMBINATORS:
            for i, item in enumerate(value if isinstance(value, list) else ()):
                yield from _keys(item, (*here, i))
        else:
            yield here, key


def _tools(rule: CompiledRule) -> list[str]:
    return sorted(rule.tools.exact) if rule.tools is not None else []


def _named(tools: list[str]) -> str:
    return ", ".join(f"`{t}`" for t in tools)


def _near_miss(field: str, known: frozenset[str]) -> str | None:
    """The known input ``tool_input.<field…>`` was probably meant to name, if it names none."""
    name = field[len(_PREFIX):].split(".", 1)[0].split("[", 1)[0]
    if name in known or "*" in name or not name:
        return None
    return did_you_mean(name, known)  # None when no near miss: perhaps an input newer than the table


def _takes(tools: list[str], known: frozenset[str]) -> str:
    return f"{_named(tools)} {'takes' if len(tools) == 1 else 'take'}: " + ", ".join(sorted(known))


def _condition_problem(key: str, known: frozenset[str], tools: list[str]) -> tuple[str, str] | None:
    """(message, help) when the condition key ``key`` reads an input none of ``tools`` take."""
    reads = _SHORTHAND_FIELDS.get(key)
    if reads is not None:
        if not known.isdisjoint(reads):
            return None
        fields = [f"`{_PREFIX}{f}`" for f in reads]
        said = fields[0] if len(fields) == 1 else ", ".join(fields[:-1]) + " or " + fields[-1]
        shell = " (for the files a command touches: `command: {writes: …}` or `reads`)" if "command" in known else ""
        verb = "does" if len(tools) == 1 else "do"
        return (f"`{key}` reads {said}, which {_named(tools)} {verb} not take: it never holds",
                f"select the tools that take it{shell}")
    if not key.startswith(_PREFIX):
        return None
    hint = _near_miss(key, known)
    if hint is None:
        return None
    return (f"`{key}` is not an input of {_named(tools)}: it never holds; did you mean `{_PREFIX}{hint}`?",
            _takes(tools, known))


def _modify_problem(field: str, verb: str, known: frozenset[str], tools: list[str]) -> tuple[str, str] | None:
    """(message, help) when a rewrite names an input none of ``tools`` take (the tool never reads it)."""
    if not field.startswith(_PREFIX):
        return None
    hint = _near_miss(field, known)
    if hint is None:
        return None
    effect = "the tool never reads it" if verb == "sets" else f"it is never there, so nothing is {_DONE[verb]}"
    return (f"`modify` {verb} `{field}`, which is not an input of {_named(tools)}: {effect}; "
            f"did you mean `{_PREFIX}{hint}`?", _takes(tools, known))


_DONE = {"removes": "removed", "rewrites": "rewritten", "redacts": "redacted"}


def _prompt_problem(field: str, known: frozenset[str], tools: list[str]) -> tuple[str, str] | None:
    """(message, help) when the prompt placeholder ``{field}`` names an input none of ``tools`` take."""
    hint = _near_miss(field, known)
    if hint is None:
        return None
    return (f"the prompt's `{{{field}}}` is not an input of {_named(tools)}: it shows `<missing>`; "
            f"did you mean `{{{_PREFIX}{hint}}}`?", _takes(tools, known))
