"""Where every value and mapping key of a document is written, stored as a compact tree.

A policy set of 10,000 rules has some 300,000 nodes; keeping a path tuple
and a ``Location`` object for each (and a copy per rule) cost more memory
than everything else the engine holds. Positions are instead a tree that
mirrors the document: a mapping or list is a :class:`_Node` holding its
children in tuples, a scalar is just its packed ``line, column``.
``Location`` objects are built only when a diagnostic asks for one, and
``rebased`` returns a view that shares the tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hookgate.diagnostics import Location

__all__ = ["PathKey", "PositionMap", "pack"]

PathKey = tuple[str | int, ...]
_SHIFT = 32
_MASK = (1 << _SHIFT) - 1


def pack(line: int, column: int) -> int:
    """A 1-based (line, column) as one int (a Location is built only when needed)."""
    return (line << _SHIFT) | column


class _Node:
    """A mapping (``keys`` set) or a list (``keys`` None): its own location and its children's.

    ``children[i]`` is a ``_Node`` or a packed scalar location; ``key_locs[i]``
    is where mapping key ``keys[i]`` is written. ``loc`` may be None for an
    intermediate node created by an explicit ``set_value``.
    """

    __slots__ = ("children", "key_locs", "keys", "loc")

    def __init__(self, loc: Any, keys: tuple[Any, ...] | None = None, children: tuple[Any, ...] = (),
                 key_locs: tuple[Any, ...] = ()) -> None:
        self.loc = loc
        self.keys = keys
        self.children = children
        self.key_locs = key_locs

    def index(self, part: Any) -> int:
        """Position of child ``part`` in ``children``, or -1."""
        keys = self.keys
        if keys is None:
            ok = isinstance(part, int) and 0 <= part < len(self.children)
            return int(part) if ok else -1
        return keys.index(part) if part in keys else -1

    def child(self, part: Any) -> Any:
        i = self.index(part)
        return self.children[i] if i >= 0 else None


def _loc_of(entry: Any) -> Any:
    return entry.loc if isinstance(entry, _Node) else entry


class PositionMap:
    """Locations of values (and of mapping keys) by their path in the document.

    ``value(path)`` falls back to the nearest known ancestor; ``key(path)``
    to the value. ``values`` and ``keys`` give the whole map as dicts (built
    on demand, for the rare caller that scans it).
    """

    __slots__ = ("_root", "file")

    def __init__(self, file: str, values: Mapping[PathKey, Location] | None = None,
                 keys: Mapping[PathKey, Location] | None = None, *, root: Any = None) -> None:
        self.file = file
        self._root: Any = root
        for path, loc in (values or {}).items():
            self._set(path, loc, key=False)
        for path, loc in (keys or {}).items():
            self._set(path, loc, key=True)

    # -- lookups
    def value(self, path: PathKey) -> Location:
        """Where the value at ``path`` starts (nearest known ancestor if unknown)."""
        entry = self._root
        best = _loc_of(entry)
        for part in path:
            if not isinstance(entry, _Node):
                break
            entry = entry.child(part)
            if entry is None:
                break
            loc = _loc_of(entry)
            if loc is not None:
                best = loc
        return self._location(best)

    def key(self, path: PathKey) -> Location:
        """Where the key naming ``path`` starts (falls back to the value)."""
        if path:
            parent = self._node(path[:-1])
            if isinstance(parent, _Node) and parent.keys is not None:
                i = parent.index(path[-1])
                if i >= 0 and parent.key_locs[i] is not None:
                    return self._location(parent.key_locs[i])
        return self.value(path)

    def rebased(self, prefix: PathKey) -> PositionMap:
        """The positions of everything under ``prefix``, with paths relative to it (a view: no copy)."""
        entry = self._node(prefix)
        if entry is not None and not isinstance(entry, _Node):
            entry = _Node(entry)
        return PositionMap(self.file, root=entry)

    def nested(self, key: str | int) -> PositionMap:
        """These positions as the value of ``key`` in a new root (an inline rule list as ``rules:``)."""
        root = _Node(_loc_of(self._root), (key,), (self._root,), (None,))
        return PositionMap(self.file, root=root)

    def _node(self, path: PathKey) -> Any:
        entry = self._root
        for part in path:
            if not isinstance(entry, _Node):
                return None
            entry = entry.child(part)
            if entry is None:
                return None
        return entry

    def _location(self, loc: Any) -> Location:
        if loc is None:
            return Location(self.file, 1, 1)
        if isinstance(loc, Location):
            return loc
        return Location(self.file, loc >> _SHIFT, loc & _MASK)

    # -- whole-map views (rare: a scan for a location, tests)
    @property
    def values(self) -> dict[PathKey, Location]:
        return {path: self._location(loc) for path, loc, _ in self._walk(self._root, ()) if loc is not None}

    @property
    def keys(self) -> dict[PathKey, Location]:
        return {path: self._location(kloc) for path, _, kloc in self._walk(self._root, ()) if kloc is not None}

    def _walk(self, entry: Any, path: PathKey, key_loc: Any = None) -> Iterator[tuple[PathKey, Any, Any]]:
        if entry is None:
            return
        yield path, _loc_of(entry), key_loc
        if isinstance(entry, _Node):
            for i, child in enumerate(entry.children):
                part = entry.keys[i] if entry.keys is not None else i
                yield from self._walk(child, (*path, part), entry.key_locs[i] if entry.keys is not None else None)

    # -- building by path (small maps; the YAML loader builds the tree directly)
    def _set(self, path: PathKey, loc: Location, *, key: bool) -> None:
        packed: Any = pack(loc.line, loc.column) if loc.file == self.file else loc
        if not path:
            if key:
                return
            if isinstance(self._root, _Node):
                self._root.loc = packed
            else:
                self._root = _Node(packed)  # a root value with no children yet
            return
        if not isinstance(self._root, _Node):
            self._root = _Node(_loc_of(self._root), ())
        node = self._root
        for part in path[:-1]:
            node = self._descend(node, part)
        last = path[-1]
        i = node.index(last)
        if i < 0:
            i = self._append(node, last, None)
        if key:
            node.key_locs = (*node.key_locs[:i], packed, *node.key_locs[i + 1:])
        elif isinstance(node.children[i], _Node):
            node.children[i].loc = packed
        else:
            node.children = (*node.children[:i], packed, *node.children[i + 1:])

    def _descend(self, node: _Node, part: Any) -> _Node:
        i = node.index(part)
        if i < 0:
            i = self._append(node, part, _Node(None, ()))
        child = node.children[i]
        if not isinstance(child, _Node):
            child = _Node(child, ())
            node.children = (*node.children[:i], child, *node.children[i + 1:])
        return child

    @staticmethod
    def _append(node: _Node, part: Any, child: Any) -> int:
        if node.keys is None and not node.children:
            node.keys = ()
        if node.keys is None:  # a list grows only at its end; anything else makes it a mapping
            if isinstance(part, int) and part == len(node.children):
                node.children = (*node.children, child)
                return part
            node.keys = tuple(range(len(node.children)))
            node.key_locs = (None,) * len(node.children)
        node.keys = (*node.keys, part)
        node.children = (*node.children, child)
        node.key_locs = (*node.key_locs, None)
        return len(node.children) - 1


def build_node(loc: int, keys: tuple[str, ...] | None, children: list[Any], key_locs: list[int] | None) -> _Node:
    """A tree node for the YAML loader: a mapping (``keys``) or a list."""
    return _Node(loc, keys, tuple(children), tuple(key_locs) if key_locs is not None else ())
