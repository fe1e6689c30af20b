"""Where every value and mapping key of a document is written, stored compactly.

A policy set of 10,000 rules has some 150,000 YAML nodes; a path tuple and a
``Location`` object for each (or even a small object per mapping) cost more
memory than the compiled plan. A document's positions are therefore a
:class:`FlatTree`: a few arrays indexed by node, in document order (8 bytes
for each location, 4 for the key name and the subtree's end). ``Location``
objects are built only when a diagnostic asks for one, and ``rebased``
returns a view that shares the tree.

Positions built by path (small maps, e.g. for inline sources) use
:class:`_Node` trees instead; the two can be nested (``nested``).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from typing import Any

from hookgate.diagnostics import Location

__all__ = ["FlatTree", "PathKey", "PositionMap", "pack"]

PathKey = tuple[str | int, ...]
_SHIFT = 32
_MASK = (1 << _SHIFT) - 1
#: a tree packs a location as ``(line << 12) | column`` in 32 bits while every line is below 2**20 and every
#: column below 4096 (any file a person writes), else as :func:`pack` does in 64 bits
NARROW = 12
NARROW_COLUMNS = (1 << NARROW) - 1
NARROW_LINES = 1 << (32 - NARROW)
_INDEXED = 8  # a list with more items than this gets an item index on its first lookup past it


def pack(line: int, column: int) -> int:
    """A 1-based (line, column) as one int (a Location is built only when needed)."""
    return (line << _SHIFT) | column


class FlatTree:
    """One document's positions: node ``i`` (in document order) starts at ``locs[i]``.

    The key naming node ``i`` in its mapping is ``key_name(names[i])``, written
    at ``key_locs[i]`` (``names[i]`` is 0 for list items and the root); node
    ``i``'s subtree is nodes ``i .. ends[i] - 1``, so its first child is
    ``i + 1`` and each next sibling starts at the previous one's end.

    Locations take 4 bytes while they fit (``shift`` is :data:`NARROW`), 8
    once one does not (``widen``); read them through :meth:`loc` and
    :meth:`key_loc`, which answer as :func:`pack` does.
    """

    __slots__ = ("_items", "_key_names", "ends", "key_ids", "key_locs", "locs", "names", "shift")

    def __init__(self) -> None:
        self.locs = array("I")
        self.key_locs = array("I")
        self.ends = array("I")
        self.names = array("H")  # "I" once a document has 65,536 distinct keys (``name_id``)
        self.key_ids: dict[str, int] = {}
        self._items: dict[int, array[int]] = {}
        self._key_names: list[str] | None = None
        self.shift = NARROW

    def loc(self, i: int) -> int:
        """Where node ``i`` starts, as :func:`pack` makes it."""
        v = self.locs[i]
        return v if self.shift == _SHIFT else ((v >> NARROW) << _SHIFT) | (v & NARROW_COLUMNS)

    def key_loc(self, i: int) -> int:
        """Where the key naming node ``i`` starts, as :func:`pack` makes it (0: not a mapping value)."""
        v = self.key_locs[i]
        return v if self.shift == _SHIFT else ((v >> NARROW) << _SHIFT) | (v & NARROW_COLUMNS)

    def widen(self) -> None:
        """Switch to 64-bit locations (a line or column past the 32-bit form)."""
        if self.shift == _SHIFT:
            return
        self.locs = array("Q", [((v >> NARROW) << _SHIFT) | (v & NARROW_COLUMNS) for v in self.locs])
        self.key_locs = array("Q", [((v >> NARROW) << _SHIFT) | (v & NARROW_COLUMNS) for v in self.key_locs])
        self.shift = _SHIFT

    def name_id(self, key: str) -> int:
        """The number ``names`` stores for mapping key ``key`` (a new one for a key not seen yet)."""
        found = self.key_ids.get(key)
        if found is None:
            found = self.key_ids[key] = len(self.key_ids) + 1
            if found > 0xFFFF and self.names.typecode == "H":
                self.names = array("I", self.names)
        return found

    def compact(self) -> None:
        """Once built: exact-size arrays (a loaded policy's positions live as long as its rules)."""
        self.locs = array(self.locs.typecode, self.locs)
        self.key_locs = array(self.key_locs.typecode, self.key_locs)
        self.ends = array("I", self.ends)
        self.names = array(self.names.typecode, self.names)

    def child(self, i: int, part: Any) -> int:
        """Index of child ``part`` (a key, or an item index) of node ``i``, or -1."""
        end = self.ends[i]
        c = i + 1
        if c >= end:
            return -1
        if self.names[c] == 0:  # a list
            return self._item(i, part) if isinstance(part, int) and part >= 0 else -1
        name = self.key_ids.get(part) if isinstance(part, str) else None
        if name is None:
            return -1
        names, ends = self.names, self.ends
        while c < end:
            if names[c] == name:
                return c
            c = ends[c]
        return -1

    def children(self, i: int) -> Iterator[int]:
        """Indexes of node ``i``'s children, in order."""
        end, ends = self.ends[i], self.ends
        c = i + 1
        while c < end:
            yield c
            c = ends[c]

    def is_mapping(self, i: int) -> bool:
        c = i + 1
        return c < self.ends[i] and self.names[c] != 0

    def key_name(self, c: int) -> str:
        if self._key_names is None:
            self._key_names = [""] * (len(self.key_ids) + 1)
            for key, n in self.key_ids.items():
                self._key_names[n] = key
        return self._key_names[self.names[c]]

    def _item(self, i: int, n: int) -> int:
        if n < _INDEXED:
            end, ends = self.ends[i], self.ends
            c = i + 1
            for _ in range(n):
                c = ends[c]
                if c >= end:
                    return -1
            return c if c < end else -1
        items = self._items.get(i)
        if items is None:
            items = self._items[i] = array("I", self.children(i))
        return items[n] if n < len(items) else -1


class _Ref:
    """Node ``at`` of a :class:`FlatTree`, as an entry of a position tree."""

    __slots__ = ("at", "tree")

    def __init__(self, tree: FlatTree, at: int) -> None:
        self.tree = tree
        self.at = at


class _Node:
    """A mapping (``keys`` set) or a list (``keys`` None): its own location and its children's.

    ``children[i]`` is a ``_Node``, a ``_Ref`` or a packed scalar location;
    ``key_locs[i]`` is where mapping key ``keys[i]`` is written. ``loc`` may
    be None for an intermediate node created by an explicit ``set_value``.
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
    if isinstance(entry, _Ref):
        return entry.tree.loc(entry.at)
    return entry.loc if isinstance(entry, _Node) else entry


def _child(entry: Any, part: Any) -> Any:
    """The entry for child ``part`` of ``entry`` (None if there is none)."""
    if isinstance(entry, _Ref):
        c = entry.tree.child(entry.at, part)
        return _Ref(entry.tree, c) if c >= 0 else None
    return entry.child(part) if isinstance(entry, _Node) else None


def _key_loc(entry: Any, part: Any) -> Any:
    """Where the key ``part`` of mapping ``entry`` is written (None if unknown or not a mapping)."""
    if isinstance(entry, _Ref):
        tree = entry.tree
        if not tree.is_mapping(entry.at):
            return None
        c = tree.child(entry.at, part)
        return tree.key_loc(c) if c >= 0 else None
    if isinstance(entry, _Node) and entry.keys is not None:
        i = entry.index(part)
        return entry.key_locs[i] if i >= 0 else None
    return None


def _items(entry: Any) -> Iterator[tuple[Any, Any, Any]]:
    """``(part, child entry, key location)`` of each child of ``entry``."""
    if isinstance(entry, _Ref):
        tree = entry.tree
        mapping = tree.is_mapping(entry.at)
        for n, c in enumerate(tree.children(entry.at)):
            yield (tree.key_name(c), _Ref(tree, c), tree.key_loc(c)) if mapping else (n, _Ref(tree, c), None)
    elif isinstance(entry, _Node):
        for n, child in enumerate(entry.children):
            yield (entry.keys[n], child, entry.key_locs[n]) if entry.keys is not None else (n, child, None)


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
        self._root: Any = _Ref(root, 0) if isinstance(root, FlatTree) else root
        for path, loc in (values or {}).items():
            self._set(path, loc, key=False)
        for path, loc in (keys or {}).items():
            self._set(path, loc, key=True)

    # -- lookups
    def value(self, path: PathKey) -> Location:
        """Where the value at ``path`` starts (nearest known ancestor if unknown)."""
        entry = self._root
        if entry.__class__ is _Ref:  # the common case, without a _Ref per step
            tree, at = entry.tree, entry.at
            for part in path:
                c = tree.child(at, part)
                if c < 0:
                    break
                at = c
            return self._location(tree.loc(at))
        best = _loc_of(entry)
        for part in path:
            entry = _child(entry, part)
            if entry is None:
                break
            loc = _loc_of(entry)
            if loc is not None:
                best = loc
        return self._location(best)

    def key(self, path: PathKey) -> Location:
        """Where the key naming ``path`` starts (falls back to the value)."""
        if path:
            loc = _key_loc(self._node(path[:-1]), path[-1])
            if loc is not None:
                return self._location(loc)
        return self.value(path)

    def item_values(self, prefix: PathKey, key: str | int) -> list[Location]:
        """``value((*prefix, i, key))`` for each item ``i`` of the list (or mapping) at ``prefix``, in one pass."""
        entry = self._node(prefix)
        if entry.__class__ is not _Ref:
            return [self.value((*prefix, part, key)) for part, _, _ in _items(entry)]
        tree, out = entry.tree, []
        for c in tree.children(entry.at):
            found = tree.child(c, key)
            out.append(self._location(tree.loc(found if found >= 0 else c)))
        return out

    def rebased(self, prefix: PathKey) -> PositionMap:
        """The positions of everything under ``prefix``, with paths relative to it (a view: no copy)."""
        entry = self._node(prefix)
        if entry is not None and not isinstance(entry, _Node | _Ref):
            entry = _Node(entry)
        return PositionMap(self.file, root=entry)

    def nested(self, key: str | int) -> PositionMap:
        """These positions as the value of ``key`` in a new root (an inline rule list as ``rules:``)."""
        root = _Node(_loc_of(self._root), (key,), (self._root,), (None,))
        return PositionMap(self.file, root=root)

    def _node(self, path: PathKey) -> Any:
        entry = self._root
        for part in path:
            entry = _child(entry, part)
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
        for part, child, kloc in _items(entry):
            yield from self._walk(child, (*path, part), kloc)

    # -- building by path (small maps; the YAML loader builds a FlatTree directly)
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
            child = _Node(_loc_of(child), ())
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
