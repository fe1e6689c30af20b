"""Text and literal operators, and the per-field index that makes them cheap.

Operators here answer only YES or NO (text is never "not understood"). A
text operator applied to a list or mapping applies to every string leaf
inside it (any leaf), so ``messages[*].content`` works whether a message's
content is a string or a list of content blocks.

:class:`TextIndex` groups the literal operators of many rules on one field:
``equals``/``in`` become hash lookups, ``prefix`` a character trie, and every
regex-like operator (``regex``, ``glob``, ``suffix``, ``contains``) one
combined RE2 set, so a decision costs one pass over the value, not one pass
per rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import re2
from re2 import _re2

from hookgate.policy.match.base import NO, EvalEnv, MatchResult, Outcome, SpecError
from hookgate.policy.match.re2sets import set_is_safe_for

__all__ = [
    "YES",
    "Contains",
    "Equals",
    "Glob",
    "In",
    "Prefix",
    "Regex",
    "Suffix",
    "TextIndex",
    "TextOp",
    "check_re2",
    "compile_re2",
    "glob_to_regex",
    "iter_leaves",
    "search_program",
    "searches",
    "string_leaves",
    "utf8",
]

YES = MatchResult(Outcome.YES)
#: a structured value whose walk the bounds cut (too deep, or too many leaves): what was read did not
#: match, but what was not read might, so the answer is not understood (deny and ask rules count it)
TOO_BIG = MatchResult(Outcome.UNKNOWN, "value too large or too deeply nested to read in full")
_MAX_LEAVES = 10_000
_MAX_DEPTH = 32
_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.log_errors = False
_SET_OPTIONS.max_mem = 64 << 20  # a combined set needs room; RE2 allocates its DFA cache lazily
_MATCH_OPTIONS = re2.Options()  # yes/no matching only: no capture groups to fill in
_MATCH_OPTIONS.log_errors = False
_MATCH_OPTIONS.never_capture = True
_UNANCHORED = _re2.RE2.Anchor.UNANCHORED
MEMO_SIZE = 4096  # strings remembered per index by ``match_str`` (a full memo starts over)
MEMO_CHARS = 128  # only strings up to this long

_LAZY: Any = object()  # RE2 set not built yet
_ALL: Any = object()  # RE2 set could not be built: every pattern is a candidate


def utf8(text: str) -> bytes:
    """``text`` as RE2 sees it; lone surrogates (valid in JSON) pass through instead of raising."""
    try:
        return text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


_PROGRAMS: dict[str, Any] = {}  # identical patterns of many rules share one program
_MAX_PROGRAMS = 8192


def search_program(pattern: str) -> Any:
    """A capture-free RE2 program for yes/no searches, called without the wrapper's per-call
    overhead (``program.Match(anchor, bytes, 0, n)``). Raises :class:`re2.error` if it cannot be built,
    so a lazily built program fails closed (the engine turns the error into a deny)."""
    program = _PROGRAMS.get(pattern)
    if program is not None:
        return program
    program = _re2.RE2(utf8(pattern), _MATCH_OPTIONS)
    if not program.ok():
        raise re2.error(program.error())
    if len(_PROGRAMS) < _MAX_PROGRAMS:
        _PROGRAMS[pattern] = program
    return program


def searches(program: Any, text: str) -> bool:
    """Does ``program`` (from :func:`search_program`) match somewhere in ``text``?"""
    data = utf8(text)
    return bool(program.Match(_UNANCHORED, data, 0, len(data))[0][0] >= 0)


def compile_re2(pattern: str, *, loc: tuple[str | int, ...] = ()) -> Any:
    """Compile an RE2 pattern, turning its error into a positioned :class:`SpecError`."""
    try:
        return re2.compile(pattern, options=_OPTIONS)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise SpecError(f"invalid regex `{pattern}`: {detail}", loc, code="compile.bad_regex",
                        help="patterns use RE2 syntax: no lookaround or backreferences") from None


def check_re2(pattern: str, *, loc: tuple[str | int, ...] = ()) -> None:
    """Raise a positioned :class:`SpecError` if RE2 cannot parse ``pattern`` (parsing only: cheap)."""
    try:
        re2.Set.SearchSet(_OPTIONS).Add(pattern)
    except re2.error:
        compile_re2(pattern, loc=loc)  # for RE2's own explanation
        raise SpecError(f"invalid regex `{pattern}`", loc, code="compile.bad_regex") from None


def glob_to_regex(glob: str) -> str:
    """Anchored RE2 for a glob: ``**`` any run, ``*`` any run without ``/``, ``?`` one non-``/``."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        else:
            out.append(re2.escape(c))
        i += 1
    return "(?s)^" + "".join(out) + r"\z"


def iter_leaves(value: Any, depth: int = 0) -> Iterator[Any]:
    """Every scalar leaf of a JSON-like value, the keys of its mappings included (a key can carry a
    secret as well as a value can); bounded, so hostile input stays cheap."""
    if isinstance(value, dict):
        if depth < _MAX_DEPTH:
            for k, v in value.items():
                if type(k) is str:
                    yield k
                yield from iter_leaves(v, depth + 1)
    elif isinstance(value, list | tuple):
        if depth < _MAX_DEPTH:
            for v in value:
                yield from iter_leaves(v, depth + 1)
    else:
        yield value


def _leaves(value: Any, *, scalars: bool) -> tuple[list[str], list[Any], bool]:
    """:func:`string_leaves` and (when asked) the other scalar leaves of :func:`iter_leaves`, in one
    walk without a generator per level: a tool input's lists and objects are walked on every event.
    The third item is True when the bounds cut the walk (see :data:`TOO_BIG`)."""
    strings: list[str] = []
    others: list[Any] = []
    seen = [0, 0]
    _collect(value, 0, strings, others if scalars else None, seen)
    return strings, others, bool(seen[1])


def _collect(item: Any, depth: int, strings: list[str], others: list[Any] | None, seen: list[int]) -> None:
    """Depth-first, in order; ``seen[0]`` counts leaves, as :func:`string_leaves` does for its cut-off
    (past it, only equality literals still look, as :func:`iter_leaves` does: hostile input stays cheap);
    ``seen[1]`` is set when a string or a container is left unread."""
    if seen[0] >= _MAX_LEAVES:  # cut alike whether or not scalars are collected: index and operator agree
        seen[1] = 1
        if others is None:
            return
    if isinstance(item, str):
        if seen[0] < _MAX_LEAVES:  # (past the bound the walk is already marked cut, above)
            strings.append(item)
        seen[0] += 1
    elif isinstance(item, dict):
        if depth < _MAX_DEPTH:
            for k, v in item.items():
                if type(k) is str:  # keys are read like string leaves (see iter_leaves)
                    if seen[0] < _MAX_LEAVES:
                        strings.append(k)
                    else:
                        seen[1] = 1
                    seen[0] += 1
                _collect(v, depth + 1, strings, others, seen)
        elif item:
            seen[1] = 1
    elif isinstance(item, (list, tuple)):  # a tuple of types: faster than `list | tuple` here
        if depth < _MAX_DEPTH:
            for v in item:
                _collect(v, depth + 1, strings, others, seen)
        elif item:
            seen[1] = 1
    else:
        if others is not None:
            others.append(item)
        seen[0] += 1


_SCALAR_ENV = EvalEnv()
#: the JSON scalars other than strings: no string leaves, so only equality literals can match them
SCALARS = (int, float, bool, type(None))


def string_leaves(value: Any) -> Iterator[str]:
    """The string leaves of ``value`` (the value itself when it is a string)."""
    if isinstance(value, str):
        yield value
        return
    for n, leaf in enumerate(iter_leaves(value)):
        if n >= _MAX_LEAVES:
            return
        if isinstance(leaf, str):
            yield leaf


def _same(a: Any, b: Any) -> bool:
    """Equality that does not confuse ``True`` with ``1``."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)


@dataclass(frozen=True, slots=True)
class TextOp:
    """Base of the literal/text operators; subclasses implement ``hit(str)``."""

    case_insensitive: bool

    def hit(self, text: str) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        ci = self.case_insensitive
        if type(value) is str:  # the common case, without the walk
            return YES if self.hit(value.casefold() if ci else value) else NO
        strings, _, cut = _leaves(value, scalars=False)
        for s in strings:
            if self.hit(s.casefold() if ci else s):
                return YES
        return TOO_BIG if cut else NO


@dataclass(frozen=True, slots=True)
class Equals(TextOp):
    value: Any

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        want = self.value
        if not isinstance(want, str):
            _, others, cut = _leaves(value, scalars=True)
            if any(_same(leaf, want) for leaf in others):
                return YES
            return TOO_BIG if cut else NO
        return TextOp.match(self, value, env)

    def hit(self, text: str) -> bool:
        return bool(text == self.value)


@dataclass(frozen=True, slots=True)
class In(TextOp):
    values: frozenset[Any]
    others: tuple[Any, ...]  # non-string members, compared type-strictly

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        if not self.others or type(value) is str:
            return TextOp.match(self, value, env)
        strings, others, cut = _leaves(value, scalars=True)
        if any(_same(leaf, o) for leaf in others for o in self.others):
            return YES
        ci = self.case_insensitive
        if any(self.hit(s.casefold() if ci else s) for s in strings):
            return YES
        return TOO_BIG if cut else NO

    def hit(self, text: str) -> bool:
        return text in self.values


@dataclass(frozen=True, slots=True)
class Prefix(TextOp):
    prefixes: tuple[str, ...]

    def hit(self, text: str) -> bool:
        return text.startswith(self.prefixes)


@dataclass(frozen=True, slots=True)
class Suffix(TextOp):
    suffixes: tuple[str, ...]

    def hit(self, text: str) -> bool:
        return text.endswith(self.suffixes)


@dataclass(frozen=True, slots=True)
class Contains(TextOp):
    needles: tuple[str, ...]

    def hit(self, text: str) -> bool:
        return any(n in text for n in self.needles)


class Regex:
    """An RE2 search (``glob`` compiles to an anchored one); ``pattern`` is the RE2 source.

    The pattern's syntax is checked at compile time, but the program is only
    built on first use: a 10,000-rule policy must not pay for thousands of
    regexes its index will rarely let through.
    """

    __slots__ = ("_compiled", "_program", "case_insensitive", "pattern")

    def __init__(self, case_insensitive: bool, pattern: str, *, loc: tuple[str | int, ...] = ()) -> None:
        check_re2(pattern, loc=loc)
        self.case_insensitive = case_insensitive
        self.pattern = pattern
        self._compiled: Any = None
        self._program: Any = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.pattern!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Regex) and type(other) is type(self) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash(self.pattern)

    @property
    def compiled(self) -> Any:
        if self._compiled is None:
            self._compiled = compile_re2(self.pattern)
        return self._compiled

    def match(self, value: object, env: EvalEnv) -> MatchResult:
        program = self._program
        if program is None:
            program = self._program = search_program(self.pattern)
        if type(value) is str:
            return YES if searches(program, value) else NO
        strings, _, cut = _leaves(value, scalars=False)
        for s in strings:
            if searches(program, s):
                return YES
        return TOO_BIG if cut else NO


class Glob(Regex):
    """Marker subclass: a glob, compiled to an anchored regex."""

    __slots__ = ()


class _Trie:
    """Character trie of prefixes: walking a value visits only its own prefixes."""

    __slots__ = ("root",)

    def __init__(self) -> None:
        self.root: dict[str, Any] = {}

    def add(self, prefix: str, key: int) -> None:
        node = self.root
        for ch in prefix:
            node = node.setdefault(ch, {})
        node.setdefault("", []).append(key)

    def walk(self, text: str, out: list[int]) -> None:
        node = self.root
        hits = node.get("")
        if hits:
            out.extend(hits)
        for ch in text:
            node = node.get(ch)  # type: ignore[assignment]
            if node is None:
                return
            hits = node.get("")
            if hits:
                out.extend(hits)


class _PatternSet:
    """Patterns searched as one RE2 set, built on first use; its keys, in the order added."""

    __slots__ = ("keys", "patterns", "set")

    def __init__(self) -> None:
        self.patterns: list[tuple[str, int]] = []
        self.keys: tuple[int, ...] = ()
        self.set: Any = None

    def freeze(self, *, eager: bool = False) -> None:
        self.keys = tuple(k for _, k in self.patterns)
        self.set = _LAZY if self.patterns else None
        if eager:
            self._build()

    def _build(self) -> None:
        if self.set is not _LAZY:
            return
        rset = re2.Set.SearchSet(_SET_OPTIONS)
        for pattern, _ in self.patterns:
            rset.Add(pattern)
        try:
            rset.Compile()
        except re2.error:  # too big for RE2's memory budget: no filtering, every pattern's key stays a candidate
            self.set = _ALL
            return
        self.set = rset._set.Match  # the bound C++ call, without the wrapper's per-call overhead

    def search(self, s: str, out: list[int]) -> None:
        """Add the keys of the patterns found in ``s`` (all of them when the set could not be built)."""
        rset = self.set
        if rset is _LAZY:
            self._build()
            rset = self.set
        if rset is _ALL:
            out.extend(self.keys)
            return
        data = utf8(s)
        if not set_is_safe_for(data):
            out.extend(k for pattern, k in self.patterns if searches(search_program(pattern), s))
            return
        found: Sequence[int] = rset(data)
        if found:
            keys = self.keys
            out.extend(keys[i] for i in found)


class TextIndex:
    """Candidates for the literal operators of many rules on one field.

    ``candidates`` returns a superset of the keys whose operator matches a
    string leaf of the value; the engine then checks each candidate fully.
    """

    __slots__ = ("_ci_used", "_exact", "_exact_ci", "_folded", "_keys", "_memo", "_raw", "_trie", "_trie_ci")

    def __init__(self) -> None:
        self._exact: dict[Any, list[int]] = {}
        self._exact_ci: dict[str, list[int]] = {}
        self._trie = _Trie()
        self._trie_ci = _Trie()
        self._raw = _PatternSet()  # regexes (and case-sensitive suffix/contains) on the value as it is
        #: case-insensitive suffix/contains on the casefolded value, as the operators compare: RE2's `(?i)`
        #: folds one character to one (`ß` never meets `ss`), Python's casefold does not
        self._folded = _PatternSet()
        self._ci_used = False
        self._memo: dict[str, tuple[int, ...]] = {}
        self._keys: list[int] = []  # every key added (the candidates of a value read only in part)

    def add(self, op: TextOp | Regex, key: int) -> None:
        self._keys.append(key)
        if isinstance(op, Equals | In):
            members: Iterable[Any] = (op.value,) if isinstance(op, Equals) else (*op.values, *op.others)
            for m in members:  # only strings are folded: other members are always looked up exactly
                ci = op.case_insensitive and isinstance(m, str)
                (self._exact_ci if ci else self._exact).setdefault(m, []).append(key)
                self._ci_used |= ci
        elif isinstance(op, Prefix):
            trie = self._trie_ci if op.case_insensitive else self._trie
            self._ci_used |= op.case_insensitive
            for p in op.prefixes:
                trie.add(p, key)
        elif isinstance(op, Regex):
            self._raw.patterns.append((op.pattern, key))
        elif isinstance(op, Suffix | Contains):
            needles = op.suffixes if isinstance(op, Suffix) else op.needles
            tail = r"\z" if isinstance(op, Suffix) else ""
            into = self._folded if op.case_insensitive else self._raw
            self._ci_used |= op.case_insensitive
            for n in needles:  # (a case-insensitive operator keeps its needles casefolded)
                into.patterns.append((re2.escape(n) + tail, key))
        else:  # pragma: no cover - the compiler only indexes what `compiler.bucket._rank` ranks as text
            raise TypeError(f"not indexable: {op!r}")
        self._raw.set = self._folded.set = None
        self._memo.clear()

    @staticmethod
    def exact_for(op: object) -> bool:
        """Does a key returned for ``op`` prove the operator holds (no re-check needed)?

        True for every operator the index answers exactly; not for non-string
        ``equals``/``in`` members (``1 == True`` in a hash lookup).
        """
        if isinstance(op, Equals):
            return isinstance(op.value, str)
        if isinstance(op, In):
            return not op.others
        return isinstance(op, Prefix | Suffix | Contains | Regex)

    @property
    def approximate(self) -> bool:
        """True when a combined RE2 set could not be built, so pattern keys are only candidates."""
        return self._raw.set is _ALL or self._folded.set is _ALL

    def freeze(self, *, eager: bool = False) -> None:
        """Prepare the combined RE2 sets; each is built on first use unless ``eager``."""
        self._raw.freeze(eager=eager)
        self._folded.freeze(eager=eager)
        self._memo.clear()

    def match_str(self, text: str) -> tuple[int, ...]:
        """``candidates`` of one string (a plain ``str``), remembered for short strings: tool inputs
        repeat (a channel, a path, a query), and one RE2 set call costs more than the lookup."""
        found = self._memo.get(text)
        if found is not None:
            return found
        out: list[int] = []
        self._one(text, out)
        found = tuple(out)
        if len(text) <= MEMO_CHARS:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[text] = found
        return found

    def match_scalar(self, value: object) -> Sequence[int]:
        """``candidates`` of a number, boolean or null: only equality literals can hold for one."""
        return self.candidates(value, _SCALAR_ENV) if self._exact else ()

    def candidates(self, value: object, env: EvalEnv) -> list[int]:
        """A superset of the keys whose operator may hold (every key when the walk was cut)."""
        keys, cut = self.read(value)
        return list(self._keys) if cut else keys

    def read(self, value: object) -> tuple[list[int], bool]:
        """The keys whose operator holds on ``value`` (exactly, unless :attr:`approximate`), and
        whether the bounds cut the walk of a structured value (then any key may hold past the cut)."""
        out: list[int] = []
        if type(value) is str:
            self._one(value, out)
            return out, False
        strings, scalars, cut = _leaves(value, scalars=bool(self._exact))
        match_str = self.match_str
        for s in strings:
            if type(s) is str:
                out.extend(match_str(s))
            else:  # a str subclass may define its own equality: never answered from the memo
                self._one(s, out)
        for leaf in scalars:
            if leaf.__hash__ is not None:
                out.extend(self._exact.get(leaf, ()))
        return out, cut

    def _one(self, s: str, out: list[int]) -> None:
        hit = self._exact.get(s)
        if hit:
            out.extend(hit)
        if self._trie.root:
            self._trie.walk(s, out)
        folded = None
        if self._ci_used:
            folded = s.casefold()
            hit = self._exact_ci.get(folded)
            if hit:
                out.extend(hit)
            if self._trie_ci.root:
                self._trie_ci.walk(folded, out)
        if self._raw.set is not None:
            self._raw.search(s, out)
        if self._folded.set is not None:
            self._folded.search(folded if folded is not None else s.casefold(), out)
