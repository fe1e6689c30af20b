"""Warnings for command and path conditions that cannot mean what they say.

* A program word with a blank: ``prefix: ["git push"]`` (one item) and
  ``program: "rm -rf"`` name a program called ``git push`` or ``rm -rf``; no
  command line has one, so the deny never fires, and nothing else says so. A
  list holds one word per item (``[git, push]``); the string form (``prefix:
  "git push"``) is split like a shell would. Only the program is checked: a
  later word may hold a blank on purpose (``[git, commit, -m, "wip fix"]``).
* A credential folder named alone: ``glob: "~/.ssh"`` matches the folder's own
  name, not the keys in it, so a deny on it lets ``~/.ssh/id_rsa`` through.
  ``~/.ssh/`` (or ``~/.ssh/**``) is the folder and everything in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from hookgate.diagnostics import Diagnostic, Location
from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.conditions.compile import COMBINATORS

__all__ = ["lint_specs"]

Path = tuple[str | int, ...]


def lint_specs(rules: list[CompiledRule], lists: Mapping[str, tuple[str, ...]] | None = None,
               list_location: Callable[[str], Location | None] | None = None) -> list[Diagnostic]:
    """``lists``: the named lists, whose items are checked as globs when a path condition names them
    (``in:``), reported at ``list_location(name)``."""
    walk = _Walk()
    for rule in rules:  # (10,000 rules: plain loops, no generator per rule)
        loaded = rule.source.rule
        if loaded.when is not None:
            walk.scan(rule, loaded.when, ("when",))
        if loaded.unless is not None:
            walk.scan(rule, loaded.unless, ("unless",))
    if lists:
        walk.lists(lists, list_location)
    return walk.out


class _Walk:
    """Every ``command`` and ``path`` operator's spec in the rules' conditions, checked as met."""

    __slots__ = ("out", "path_lists")

    def __init__(self) -> None:
        self.out: list[Diagnostic] = []
        #: named lists that a path condition matches (``in:``), with the first rule that does
        self.path_lists: dict[str, CompiledRule] = {}

    def scan(self, rule: CompiledRule, spec: Any, path: Path) -> None:
        if type(spec) is not dict:
            return
        for key, value in spec.items():
            if key == "command":
                if type(value) is dict:
                    self.command(rule, (*path, key), value)
            elif key == "path":
                self.path(rule, (*path, key), value)
            elif key == "not":
                self.scan(rule, value, (*path, key))
            elif key in COMBINATORS:
                for i, item in enumerate(value if type(value) is list else ()):
                    self.scan(rule, item, (*path, key, i))
            elif type(value) is dict:
                command = value.get("command")
                if type(command) is dict:
                    self.command(rule, (*path, key, "command"), command)
                if "path" in value:
                    self.path(rule, (*path, key, "path"), value["path"])

    def command(self, rule: CompiledRule, path: Path, command: dict[Any, Any]) -> None:
        prefix = command.get("prefix")
        program = command.get("program")
        if (type(prefix) is list and prefix and type(prefix[0]) is str and _BLANK(prefix[0])) or (
                program is not None and _BLANK(str(program))):
            self.out += _blank_programs(rule, path, command)
        for effect in ("writes", "reads"):
            if effect in command:
                self.path(rule, (*path, effect), command[effect])

    def path(self, rule: CompiledRule, path: Path, spec: Any) -> None:
        """A path spec: a glob, a list of them, or a mapping with ``glob`` and ``except`` (and ``in``)."""
        if type(spec) is dict:
            named = spec.get("in")
            for name in (named,) if type(named) is str else named if type(named) is list else ():
                if type(name) is str:
                    self.path_lists.setdefault(name, rule)
        for key in ("glob", "except") if type(spec) is dict else ((),):
            globs = spec.get(key) if key else spec
            here = (*path, key) if key else path
            if type(globs) is str:
                self.glob(rule, here, globs)
            elif type(globs) is list:
                for i, glob in enumerate(globs):
                    if type(glob) is str:
                        self.glob(rule, (*here, i), glob)

    def glob(self, rule: CompiledRule, path: Path, glob: str) -> None:
        folder = _credential_folder(glob)
        if folder is not None:
            self.out.append(_warning(
                rule, path, "folder_glob",
                f"glob `{glob}` matches the folder `{folder}` alone, not the files in it (`{glob}/…` does not match)",
                f"for the folder and everything in it write `{glob}/` (or `{glob}/**`)"))


    def lists(self, lists: Mapping[str, tuple[str, ...]], location: Callable[[str], Location | None] | None) -> None:
        """The items of the named lists a path condition matches, checked as its globs are."""
        for name, rule in sorted(self.path_lists.items()):
            for glob in lists.get(name, ()):
                folder = _credential_folder(glob)
                if folder is not None:
                    self.out.append(Diagnostic(
                        "compile.folder_glob",
                        f"list `{name}` holds `{glob}`, which rule `{rule.id}` matches as a path glob: it matches "
                        f"the folder `{folder}` alone, not the files in it",
                        location(name) if location is not None else None, severity="warning",
                        help=f"for the folder and everything in it write `{glob}/` (or `{glob}/**`)"))


#: folders of credentials, named alone by mistake for what is in them (``~/.ssh``, ``/root/.aws``)
_CREDENTIAL_FOLDERS = frozenset({".ssh", ".aws", ".gnupg", ".kube", ".docker", ".azure", ".password-store"})


def _credential_folder(glob: str) -> str | None:
    name = glob.rpartition("/")[2]
    return name if name in _CREDENTIAL_FOLDERS else None


def _blank_programs(rule: CompiledRule, path: Path, command: dict[Any, Any]) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    prefix = command.get("prefix")
    if isinstance(prefix, list) and prefix and isinstance(prefix[0], str) and _blank(prefix[0]):
        words = ", ".join([*prefix[0].split(), *(str(w) for w in prefix[1:])])
        out.append(_warning(rule, (*path, "prefix", 0), "program_with_blank",
                            f"the program of `prefix` is `{prefix[0]}`, one word with a blank: it never matches",
                            f"a list holds one word per item: `prefix: [{words}]`"))
    program = command.get("program")
    names = [program] if isinstance(program, str) else program if isinstance(program, list) else []
    for i, name in enumerate(names):
        if isinstance(name, str) and _blank(name):
            where = (*path, "program") if isinstance(program, str) else (*path, "program", i)
            split = name.split()
            out.append(_warning(rule, where, "program_with_blank",
                                f"`program` `{name}` holds a blank: no program is called that, so it never matches",
                                f"name the program alone (`{split[0]}`); its other words go in `prefix` "
                                f"(`prefix: [{', '.join(split)}]`) or `flags`"))
    return out


#: a blank between two words (a program's name never has one; surrounding blanks are YAML's)
_BLANK = re.compile(r"\S\s+\S").search


def _blank(word: str) -> bool:
    return _BLANK(word) is not None


def _warning(rule: CompiledRule, path: Path, code: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(f"compile.{code}", f"rule `{rule.id}`: {message}",
                      rule.source.positions.value(path), severity="warning", help=hint)
