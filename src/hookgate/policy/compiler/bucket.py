"""A bucket: the rules one (event, tool) pair can meet, with one index per indexed field.

Each rule is filed under a *cover* of its ``when``: atoms one of which holds
(or is not understood) whenever the ``when`` does. For a conjunction that is
its most selective indexable atom (``equals``/``in`` as hash lookups,
``prefix`` in a trie, regexes in one RE2 set, domain operators in their own
``*Index``); for a disjunction (``any:``, and the ``path:`` shorthand over the
three path fields) the covers of all its branches, so a rule is a candidate
when any branch's index lets it through. Rules without a cover (a ``not``, a
branch with nothing indexable) sit on an always-list. For one event a bucket reports, per rule that
may match, either ``None`` (evaluate it) or the answer of its ``when``
already known: a rule whose whole ``when`` is the indexed test is *decided*
by the index (a text index answers exactly; a command line is parsed once
and each candidate's matcher runs on that parse; a path is resolved once
for every candidate), so its value is never matched twice.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hookgate.policy.compiler.flood import Flood, FloodSet, flood_member
from hookgate.policy.compiler.rules import CompiledRule
from hookgate.policy.conditions.domain import domain_index_factory, domain_operator_of
from hookgate.policy.conditions.fields import MISSING
from hookgate.policy.conditions.nodes import AllOf, AnyOf, FieldCond
from hookgate.policy.match.base import EvalEnv, MatchResult, Outcome
from hookgate.policy.match.text import SCALARS, Contains, Equals, Glob, In, Prefix, Regex, Suffix, TextIndex

__all__ = ["EMPTY_BUCKET", "Bucket", "Found", "pick_all"]

_RANK_DOMAIN = {"command": 2, "path": 2, "url": 2, "secret": 5}
_NO, _YES, _UNKNOWN = Outcome.NO, Outcome.YES, Outcome.UNKNOWN
_BY_KEY = operator.attrgetter("key")

#: rule key -> its ``when`` answer when an index already knows it, else None (evaluate the rule)
Found = dict[int, MatchResult | None]
#: what one command line gives a command field: the answers, and the flood it starts (if any)
_Judged = tuple[tuple[tuple[int, MatchResult | None], ...], Flood | None]
MEMO_SIZE = 1024  # command lines remembered per field
MEMO_CHARS = 2048  # only lines up to this long


#: selectivity (lower is better) of the text operators, by exact type (every text operator class is
#: listed, subclasses included): one dict lookup per atom
_RANK_TEXT: dict[type, tuple[int, str]] = {
    Equals: (0, "text"), In: (0, "text"), Prefix: (1, "text"),
    Regex: (3, "text"), Glob: (3, "text"), Suffix: (3, "text"), Contains: (3, "text"),
}


def _rank(op: object) -> tuple[int, str] | None:
    """Selectivity of an atom's operator (lower is better) and its index kind; None if not indexable."""
    found = _RANK_TEXT.get(type(op))
    if found is not None:
        return found
    dom = domain_operator_of(op)
    if dom is not None and domain_index_factory(dom[0]) is not None:
        return _RANK_DOMAIN.get(dom[0], 4), dom[0]
    return None


#: one indexed atom: the field condition, the operator filed, and the index kind
Pick = tuple[FieldCond, object, str]


def _pick(rule: CompiledRule) -> list[Pick] | None:
    """The atoms the rule is filed under (None: the rule goes on the always-list)."""
    when = rule.when
    if when is None:
        return None
    cover = _cover(when)
    return None if cover is None else cover[1]


def _cover(cond: object) -> tuple[int, list[Pick]] | None:
    """Indexable atoms one of which holds or is UNKNOWN whenever ``cond`` does, with the worst
    selectivity among them; None when there are none. A conjunction needs one part covered (the
    most selective, the first on a tie); a disjunction needs every branch covered."""
    if type(cond) is FieldCond:
        if cond.exists is False:
            return None
        best: tuple[int, list[Pick]] | None = None
        for op in cond.ops:
            r = _rank(op)
            if r is not None and (best is None or r[0] < best[0]):
                best = (r[0], [(cond, op, r[1])])
        return best
    if isinstance(cond, AllOf):
        chosen: tuple[int, list[Pick]] | None = None
        for part in cond.parts:
            found = _cover(part)
            if found is not None and (chosen is None or (found[0], len(found[1])) < (chosen[0], len(chosen[1]))):
                chosen = found
        return chosen
    if isinstance(cond, AnyOf) and cond.parts:
        atoms: list[Pick] = []
        worst = 0
        for part in cond.parts:
            found = _cover(part)
            if found is None:
                return None
            worst = max(worst, found[0])
            atoms += found[1]
        return worst, atoms
    return None


def _new_domain_index(kind: str) -> Any:
    factory = domain_index_factory(kind)
    assert factory is not None  # _rank only offers kinds that have an index
    return factory()


def _merge(found: Found, key: int, r: MatchResult) -> None:
    """Record a decided rule's answer for one more value: YES beats UNKNOWN beats NO (and a rule
    already marked for full evaluation stays marked)."""
    if r.outcome is _NO:
        return
    old = found.get(key, _ABSENT)
    if old is _ABSENT or (old is not None and old.outcome is _UNKNOWN and r.outcome is _YES):
        found[key] = r


_ABSENT: Any = object()


class _Decided:
    """A rule whose whole ``when`` is its indexed atom with one operator: the index answers for it
    (as long as the rule still has that condition)."""

    __slots__ = ("atom", "matcher", "rule")

    def __init__(self, rule: CompiledRule, atom: FieldCond, matcher: Any) -> None:
        self.rule = rule
        self.atom = atom
        self.matcher = matcher

    @property
    def current(self) -> bool:
        return self.rule.when is self.atom


class _Group:
    """The rules filed under one (field path, index kind): their index and the decided ones.

    ``collect`` adds, for one event, every rule that may match to ``found``:
    decided rules with their answer, the others with None (evaluate them).
    Subclasses specialise it per index kind.
    """

    __slots__ = ("decided", "get", "index", "keys", "path", "single")

    def __init__(self, atom: FieldCond, index: Any) -> None:
        self.index = index
        self.path = atom.path.text
        self.get: Callable[[Mapping[str, Any]], list[Any]] = atom.get
        self.single = atom.path.single()
        self.keys: list[int] = []
        #: rule key -> the rule, its ``when`` and the operator's own matcher, for rules the index decides
        self.decided: dict[int, _Decided] = {}

    def decides(self, op: object) -> bool:
        return True

    def add(self, rule: CompiledRule, atom: FieldCond, op: Any) -> None:
        dom = domain_operator_of(op)
        inner = dom[1] if dom else op
        self.index.add(inner, rule.key)
        self.keys.append(rule.key)
        if rule.when is atom and len(atom.ops) == 1 and atom.exists is None and self.decides(op):
            self.decided[rule.key] = _Decided(rule, atom, inner)

    def freeze(self, rules: Mapping[int, CompiledRule], *, on_ask_deny: bool) -> None:
        self.keys = list(dict.fromkeys(self.keys))  # a rule filed under several atoms of this field
        freeze = getattr(self.index, "freeze", None)
        if freeze is not None:
            freeze()

    def collect(self, data: Mapping[str, Any], env: EvalEnv, found: Found, floods: list[Flood]) -> None:
        single = self.single
        if single is not None:
            value = single(data)
            if value is not MISSING:
                self.value(value, env, found, floods)
            return
        for value in self.get(data):
            self.value(value, env, found, floods)

    def value(self, value: Any, env: EvalEnv, found: Found, floods: list[Flood]) -> None:
        """Candidates only (an index that cannot answer for its rules)."""
        for key in self.index.candidates(value, env):
            found[key] = None


class _TextGroup(_Group):
    """Literal and regex operators: the index's answer is exact, so decided rules are YES outright."""

    __slots__ = ()

    def decides(self, op: object) -> bool:
        return TextIndex.exact_for(op)

    def collect(self, data: Mapping[str, Any], env: EvalEnv, found: Found, floods: list[Flood]) -> None:
        """The hot path of most events: one remembered lookup per string value, nothing allocated on a miss."""
        match_str = self.index.match_str
        single = self.single
        if single is not None:
            value = single(data)
            if value is MISSING:
                return
            if type(value) is str:
                keys = match_str(value)
                if keys:
                    self._found(keys, found)
            else:
                self._structured(value, found)
            return
        for value in self.get(data):
            kind = type(value)
            if kind is str or kind in SCALARS:
                keys = match_str(value) if kind is str else self.index.match_scalar(value)
                if keys:
                    self._found(keys, found)
            else:
                self._structured(value, found)

    def value(self, value: Any, env: EvalEnv, found: Found, floods: list[Flood]) -> None:
        if type(value) is str:
            keys = self.index.match_str(value)
            if keys:
                self._found(keys, found)
        else:
            self._structured(value, found)

    def _structured(self, value: Any, found: Found) -> None:
        """A list or object: its leaves' keys, or -- when the bounds cut the walk, so any rule may
        hold past the cut -- every rule, evaluated in full (its operator answers UNKNOWN there)."""
        keys, cut = self.index.read(value)
        if cut:
            for key in self.keys:
                found[key] = None
        elif keys:
            self._found(keys, found)

    def _found(self, keys: Iterable[int], found: Found) -> None:
        decided = self.decided if not self.index.approximate else {}
        for key in keys:
            d = decided.get(key)
            found[key] = d.atom.yes if d is not None and d.rule.when is d.atom else None


class _CommandGroup(_Group):
    """``command`` rules: the line is parsed once and each candidate's matcher judges that parse;
    a line not understood as a whole decides the flood set in one step."""

    __slots__ = ("env_free", "flood", "memo", "others", "parse")

    def __init__(self, atom: FieldCond, index: Any) -> None:
        from hookgate.policy.match.shell import parse_command  # only policies with command rules load the parser

        super().__init__(atom, index)
        self.parse = parse_command
        self.flood: FloodSet | None = None
        self.others: tuple[int, ...] = ()  # keys outside the flood set
        self.env_free = True  # no decided rule looks at paths (which depend on the cwd and the file system)
        #: command line -> the answers it gives, kept only while env_free: lines repeat, like the parse cache
        self.memo: dict[Any, _Judged] = {}

    def freeze(self, rules: Mapping[int, CompiledRule], *, on_ask_deny: bool) -> None:
        from hookgate.policy.match.command import warm_up

        super().freeze(rules, on_ask_deny=on_ask_deny)
        warm_up()  # the first decision should not pay the parser's start-up
        members = [rules[k] for k in self.decided if flood_member(rules[k])]
        self.flood = FloodSet(members, on_ask_deny=on_ask_deny) if members else None
        inside = {r.key for r in members}
        self.others = tuple(k for k in self.keys if k not in inside)
        self.env_free = all(getattr(d.matcher, "writes", None) is None and getattr(d.matcher, "reads", None) is None
                            for d in self.decided.values())

    def value(self, value: Any, env: EvalEnv, found: Found, floods: list[Flood]) -> None:
        if type(value) is not str:
            from hookgate.policy.match.command_match import command_line, runs_nothing  # loaded with the parser

            line = command_line(value)
            if line is None:  # not a line nor an argv: each rule's operator says (NO for null, else UNKNOWN)
                if not runs_nothing(value):
                    for key in self.keys:
                        found[key] = None
                return
            value = line  # an argv list, as the shell line that runs exactly it
        # Answers about written/read paths depend on the file system (a name can become a symlink to
        # a secret between two identical events), so only path-free answers are remembered.
        judged = self.memo.get(value) if self.env_free else None
        if judged is None:
            judged = self._judge(value, env)
            if self.env_free and len(value) <= MEMO_CHARS:
                if len(self.memo) >= MEMO_SIZE:
                    self.memo.clear()
                self.memo[value] = judged
        for key, r in judged[0]:
            if r is None:
                found[key] = None
            else:
                _merge(found, key, r)
        if judged[1] is not None:
            floods.append(judged[1])

    def _judge(self, value: str, env: EvalEnv) -> _Judged:
        """Parse once; run each decided candidate's matcher on that parse; the rest are evaluated."""
        parsed = self.parse(value)
        decided = self.decided
        out: Found = {}
        for key in self.index.known_candidates(parsed):
            d = decided.get(key)
            if d is None or d.rule.when is not d.atom:
                out[key] = None
            else:
                _merge(out, key, d.atom.value_result(d.matcher.match_parsed(parsed, env)))
        flood = self._unreadable(parsed.unknowns[0], out) if parsed.unknowns else None
        return tuple(out.items()), flood

    def _unreadable(self, why: str, found: Found) -> Flood | None:
        """Every rule of the field now answers UNKNOWN or better: the flood set's members in one step,
        the others (an ``unless``, more conditions, effects that need their answer) one by one."""
        shared = MatchResult(_UNKNOWN, f"`{self.path}`: not understood: {why}")
        decided = self.decided
        for key in self.others:
            d = decided.get(key)
            if d is None or d.rule.when is not d.atom:
                found[key] = None
            else:
                _merge(found, key, shared)
        return Flood(self.flood, shared) if self.flood is not None else None


class _EvaluatingGroup(_Group):
    """A domain index that answers for each candidate on one resolution of the value (paths)."""

    __slots__ = ()

    def value(self, value: Any, env: EvalEnv, found: Found, floods: list[Flood]) -> None:
        decided = self.decided
        for key, r in self.index.evaluate(value, env).items():
            d = decided.get(key)
            if d is None or d.rule.when is not d.atom:
                if r.outcome is not _NO:  # the atom failed on this value; another value may still hold
                    found[key] = None
            else:
                _merge(found, key, d.atom.value_result(r))


def _new_group(atom: FieldCond, kind: str) -> _Group:
    if kind == "text":
        return _TextGroup(atom, TextIndex())
    index = _new_domain_index(kind)
    if kind == "command":
        return _CommandGroup(atom, index)
    if kind == "path" and hasattr(index, "evaluate"):
        return _EvaluatingGroup(atom, index)
    return _Group(atom, index)


class Bucket:
    """The rules one (event, tool) pair can meet, with their field indexes."""

    __slots__ = ("always", "by_key", "dynamic", "groups", "rules", "static")

    def __init__(self, rules: Iterable[CompiledRule], *, on_ask_deny: bool = False,
                 picks: dict[int, list[Pick] | None] | None = None,
                 by_key: Mapping[int, CompiledRule] | None = None) -> None:
        """``picks``: each rule's indexed atom, when the caller already chose it (a rule of several
        tools sits in several buckets). ``by_key``: a mapping holding (at least) every rule of the
        bucket, shared by the buckets of one table instead of one dict each."""
        self.rules: tuple[CompiledRule, ...] = tuple(sorted(rules, key=_BY_KEY))
        static: list[CompiledRule] = []
        dynamic: list[CompiledRule] = []
        for r in self.rules:
            (static if r.when is None and r.unless is None else dynamic).append(r)
        #: rules without any condition always match: the engine takes them as given, unevaluated
        self.static = tuple(static)
        self.dynamic = tuple(dynamic)
        #: the rules by key (the conditional ones at least: the engine looks up those its indexes name)
        self.by_key: Mapping[int, CompiledRule] = by_key if by_key is not None else {r.key: r for r in dynamic}
        always: list[int] = []
        groups: dict[tuple[str, str], _Group] = {}
        for rule in dynamic:
            picked = picks[rule.key] if picks is not None else _pick(rule)
            if picked is None:
                always.append(rule.key)
                continue
            for atom, op, kind in picked:
                group = groups.get((atom.path.text, kind))
                if group is None:
                    group = groups[(atom.path.text, kind)] = _new_group(atom, kind)
                group.add(rule, atom, op)
        for group in groups.values():
            group.freeze(self.by_key, on_ask_deny=on_ask_deny)
        self.always = tuple(always)
        self.groups = tuple(groups.values())


def pick_all(rules: Iterable[CompiledRule]) -> dict[int, list[Pick] | None]:
    """Every rule's indexed atom (see :class:`Bucket`), chosen once."""
    return {rule.key: _pick(rule) for rule in rules}


EMPTY_BUCKET = Bucket(())
