"""Safe YAML (and JSON) loading that remembers where every value came from.

Why not ``yaml.safe_load``: it forgets positions, silently keeps the last of
two duplicate keys, expands aliases without bound and turns ``2024-01-01``
into a ``date``. A security team's policy must not mean something other than
what it says, so this loader:

* resolves plain scalars by the YAML 1.2 core schema: only ``true``/``false``
  are booleans, so ``on:`` stays the key ``on``, ``deny: no`` stays a string,
  ``0777`` is 777 and ``1:30`` is a string (YAML 1.1 would give True, False,
  511 and 5400);
* builds only plain data (dict, list, str, int, float, bool, None); any
  explicit tag other than the core scalar/collection tags is an error;
* rejects duplicate keys and ``<<`` merge keys;
* bounds file size and the number of nodes built (alias bombs);
* records the location of every value and every mapping key by its path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from hookgate.diagnostics import Diagnostic, DiagnosticError, Location, display_path
from hookgate.load.positions import NARROW, NARROW_COLUMNS, NARROW_LINES, FlatTree, PathKey, PositionMap

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_NODES",
    "LoadedDocument",
    "PathKey",
    "PositionMap",
    "load_yaml_file",
    "load_yaml_text",
    "plain_scalar",
]

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_NODES = 200_000


_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    _STR,
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreSchemaLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """Composes nodes with YAML 1.2 core-schema implicit tags (see module doc)."""

    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:merge", r"^<<$", "<"),  # resolved only to be refused with a clear message
):
    _CoreSchemaLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))

_FIRST_CHAR = _CoreSchemaLoader.yaml_implicit_resolvers


def _resolve(self: Any, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
    """PyYAML's resolver, minus path resolvers: a plain scalar is tried against the
    core-schema patterns for its first character, anything else gets its kind's tag."""
    if kind is ScalarNode:
        if implicit[0]:
            for tag, pattern in _FIRST_CHAR.get(value[:1], ()):
                if pattern.match(value):
                    return tag
        return _STR
    return "tag:yaml.org,2002:seq" if kind is SequenceNode else "tag:yaml.org,2002:map"


_CoreSchemaLoader.resolve = _resolve
_Loader = _CoreSchemaLoader


def _core_scalar(tag: str, value: str) -> Any:
    """Build a core-schema scalar; ``ValueError`` if the text does not fit the tag."""
    if tag == "tag:yaml.org,2002:null":
        if value in ("", "~", "null", "Null", "NULL"):
            return None
        raise ValueError(value)
    if tag == "tag:yaml.org,2002:bool":
        lowered = value.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise ValueError(value)
    if tag == "tag:yaml.org,2002:int":
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)
    special = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}
    return special[value.lower()] if value.lower() in special else float(value)


def plain_scalar(text: str) -> Any:
    """``text`` read as a plain (unquoted) YAML 1.2 core-schema scalar, exactly as the loader reads one:
    ``7`` → 7, ``0x1f`` → 31, ``1.5`` → 1.5, ``true`` → True, ``~`` → None; anything else stays the string."""
    for tag, pattern in _FIRST_CHAR.get(text[:1], ()):
        if pattern.fullmatch(text):  # not `match`: its `$` would also accept a trailing newline
            try:
                return _core_scalar(tag, text)
            except ValueError:
                return text
    return text


@dataclass(frozen=True, slots=True)
class LoadedDocument:
    """Plain data plus the position of each of its parts."""

    data: Any
    positions: PositionMap

    @property
    def file(self) -> str:
        return self.positions.file


def _loc(file: str, node: Node) -> Location:
    mark = node.start_mark
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Plain data from composed nodes, and the document's positions (a :class:`FlatTree`) beside it.

    Equal strings are stored once (through ``strings``): 10,000 rules repeat
    the same keys, event and tool names many thousand times.
    """

    def __init__(self, file: str, max_nodes: int, strings: dict[str, str] | None = None) -> None:
        self.file = file
        self.max_nodes = max_nodes
        self.count = 0
        self.tree = FlatTree()
        self.strings: dict[str, str] = {} if strings is None else strings

    def fail(self, code: str, message: str, node: Node, help: str | None = None) -> DiagnosticError:
        return DiagnosticError([Diagnostic(code, message, _loc(self.file, node), help=help)])

    def build(self, node: Node, key_line: int = 0, key_column: int = 0, name: int = 0) -> Any:
        """The data of ``node``; its position (and its key's) are appended to the tree."""
        self.count += 1
        if self.count > self.max_nodes:
            raise self.fail(
                "load.too_many_nodes",
                f"document expands to more than {self.max_nodes} nodes (alias expansion limit)",
                node,
            )
        mark = node.start_mark
        tree = self.tree
        at = len(tree.locs)
        line, column = mark.line + 1, mark.column + 1
        if tree.shift == NARROW and (column > NARROW_COLUMNS or key_column > NARROW_COLUMNS
                                     or line >= NARROW_LINES or key_line >= NARROW_LINES):
            tree.widen()  # (the key too: an alias's value starts where its anchor is, maybe lines before)
        shift = tree.shift
        tree.locs.append((line << shift) | column)  # FlatTree's packing, inlined
        tree.key_locs.append((key_line << shift) | key_column)
        tree.names.append(name)
        tree.ends.append(at + 1)
        kind = node.__class__
        if kind is ScalarNode:
            value = node.value if node.tag == _STR else self._scalar(cast(ScalarNode, node))
            return self.strings.setdefault(value, value) if value.__class__ is str else value
        items: list[Any] | dict[str, Any]
        if kind is SequenceNode:
            self._check_tag(node, _COLLECTION_TAGS)
            items = [self.build(child) for child in node.value]
        elif kind is MappingNode:
            items = self._mapping(cast(MappingNode, node))
        else:
            raise self.fail("load.unsupported_node", "unsupported yaml node", node)  # pragma: no cover
        tree.ends[at] = len(tree.locs)
        return items

    def _check_tag(self, node: Node, allowed: set[str]) -> None:
        if node.tag not in allowed:
            raise self.fail(
                "load.unsupported_tag",
                f"tag `{node.tag.replace('tag:yaml.org,2002:', '!!')}` is not allowed; "
                "only plain strings, numbers, booleans, "
                "null, lists and mappings are",
                node,
            )

    def _scalar(self, node: ScalarNode) -> Any:
        self._check_tag(node, _PLAIN_TAGS)
        if node.tag == _STR:
            return node.value
        try:
            return _core_scalar(node.tag, node.value)
        except ValueError:
            raise self.fail(
                "load.bad_scalar",
                f"`{node.value}` is not a valid {node.tag.rsplit(':', 1)[-1]}",
                node,
            ) from None

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        self._check_tag(node, _COLLECTION_TAGS)
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        key_ids = self.tree.key_ids
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(
                    "load.merge_key",
                    "merge keys (`<<`) are not supported",
                    key_node,
                    help="repeat the keys, or use named lists / include for reuse",
                )
            if key_node.__class__ is not ScalarNode:
                raise self.fail("load.complex_key", "mapping keys must be plain scalars", key_node)
            key = key_node.value if key_node.tag == _STR else self._scalar(key_node)
            if not isinstance(key, str):
                key = str(key).lower() if isinstance(key, bool) else str(key)
            key = self.strings.setdefault(key, key)
            if key in out:
                raise self.fail(
                    "load.duplicate_key",
                    f"duplicate key `{key}` (first defined at line {first_line[key]})",
                    key_node,
                )
            mark = key_node.start_mark
            first_line[key] = mark.line + 1
            name = key_ids.get(key) or self.tree.name_id(key)
            out[key] = self.build(value_node, mark.line + 1, mark.column + 1, name)
        return out


def load_yaml_text(
    text: str,
    file: str = "<string>",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_nodes: int = DEFAULT_MAX_NODES,
    allow_empty: bool = False,
    strings: dict[str, str] | None = None,
) -> LoadedDocument:
    """Parse one YAML (or JSON) document; raise :class:`DiagnosticError` on any problem.

    ``strings`` is a table of strings already seen, shared by the documents of
    one load so that equal strings across files are stored once.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise DiagnosticError(
            [Diagnostic("load.too_large", f"file is {size} bytes; the limit is {max_bytes}", Location(file))]
        )
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = exc.problem or exc.context or "invalid yaml"
        raise DiagnosticError([Diagnostic("load.yaml_syntax", f"invalid yaml: {problem}", where)]) from None
    except yaml.YAMLError as exc:
        raise DiagnosticError([Diagnostic("load.yaml_syntax", f"invalid yaml: {exc}", Location(file))]) from None
    except RecursionError:
        raise DiagnosticError([_too_deep(file)]) from None
    if len(nodes) > 1:
        second = nodes[1]
        raise DiagnosticError(
            [Diagnostic("load.multiple_documents", "expected one yaml document, found several",
                        _loc(file, second))]
        )
    if not nodes:
        if allow_empty:
            return LoadedDocument(None, PositionMap(file, {(): Location(file)}))
        raise DiagnosticError([Diagnostic("load.empty", "file is empty", Location(file))])
    builder = _Builder(file, max_nodes, strings)
    try:
        data = builder.build(nodes[0])
    except RecursionError:
        raise DiagnosticError([_too_deep(file)]) from None
    builder.tree.compact()
    return LoadedDocument(data, PositionMap(file, root=builder.tree))


def _too_deep(file: str) -> Diagnostic:
    return Diagnostic("load.too_deep", "nested too deeply to read (hundreds of levels); no policy, plan or "
                      "grants file needs that", Location(file, 1, 1))


def load_yaml_file(
    path: str | os.PathLike[str],
    *,
    display_name: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_nodes: int = DEFAULT_MAX_NODES,
    strings: dict[str, str] | None = None,
) -> LoadedDocument:
    """Read and parse a file; I/O and decoding problems become diagnostics too."""
    name = display_name or str(path)
    shown = display_path(name)
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise DiagnosticError(
                [Diagnostic("load.too_large", f"file is {size} bytes; the limit is {max_bytes}", Location(name))]
            )
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DiagnosticError([Diagnostic("load.not_found", f"no such file `{shown}`", None)]) from None
    except IsADirectoryError:
        raise DiagnosticError([Diagnostic("load.io_error", f"`{shown}` is a directory", None)]) from None
    except OSError as exc:
        raise DiagnosticError([Diagnostic("load.io_error", f"cannot read `{shown}`: {exc.strerror}", None)]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DiagnosticError(
            [Diagnostic("load.encoding", f"file is not valid utf-8 (byte {exc.start})", Location(name))]
        ) from None
    return load_yaml_text(text, name, max_bytes=max_bytes, max_nodes=max_nodes, strings=strings)
