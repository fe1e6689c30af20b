"""Values a command line gives its variables, for the words that may name files.

A program no table describes, a script, or a reader that only reads may open
what its words name (:mod:`~hookgate.policy.match.shell.operands`); a word
with no literal start (``"$F"``) is left out there, since it could be anything.
When the line itself gives the variable a value, it is not anything:
``F=~/.ssh/id_rsa; mytool "$F"`` hands ``mytool`` that path. And a program
may open a file its environment names (``K=~/.ssh/id_rsa python3 s.py``).

What gives a variable a value: a literal assignment ``NAME=value`` as a
statement (also ``NAME+=value``, ``NAME=(a b)``, ``NAME[i]=value``), in
``export``/``declare``/``typeset``/``local``/``readonly`` (``export "K=v"``
too), and ``for NAME in WORDS`` (each word, a wildcard as written). The
value is the word as the walk unquotes it; one with run-time parts keeps
them (``$(pick)``, ``$X``), and counts as such a word does: through its
literal folder (``~/.ssh/$K``), or not at all (``$(pick)``).

Every value a variable is given anywhere in the line counts, whichever
branch, loop, subshell or function holds the assignment and whether it
comes before or after the command: a loop or a function can run a command
written before the assignment after it, and a variable keeps no value
hookgate could prove. A variable may hold several values; each is judged.

* A word of such a command that refers to a variable with values (``$F``,
  ``"$F"``, ``${F}``, ``${F:-x}``, ``${A[@]}``, ``"$D/id_rsa"``) is judged
  once more with each value in place of the reference (references inside
  values too, a few levels deep): ``"$D/id_rsa"`` with ``D=~/.ssh`` may name
  ``~/.ssh/id_rsa``. Other forms (``${F%x}``, ``${F/a/b}``, ``${!F}``) and
  variables given no literal value are left out, as before.
* The values of statement assignments may reach every such command's
  environment: exported ones plainly, the others because a variable the
  agent's environment already exports is passed on with its new value, and
  hookgate cannot see which those are. A prefix assignment
  (``K=v cmd``, ``env K=v cmd``) reaches that command. Each value is judged as
  a word of the command (``PATH``-style lists piece by piece).

Known readers and writers (``cat "$F"``) are not changed: their run-time
words are targets built at run time already. A value that cannot name a file
a rule covers costs nothing: the rule's globs decide. A line giving its
variables more than :data:`MAX_VALUES` values, or giving such commands more
than :data:`MAX_GIVEN` in all, makes every rule UNKNOWN for them.

The walk notes each such command (``Context.untabled``) and each value
(``Context.values``); :func:`with_variables` runs once the line is walked,
and only when the line has an assignment. It adds records to the commands
the walk built; the answers :mod:`~hookgate.policy.match.shell.operands`
caches per command and word never see a variable's value, so their keys
still cover all they depend on.
"""

from __future__ import annotations

import posixpath
import re
from itertools import product
from typing import TYPE_CHECKING

from hookgate.policy.match.shell.model import Maybe, SimpleCommand, new_record
from hookgate.policy.match.shell.operands import ENV, MANY_VALUES, READER, candidates, maybe_how, runs_other
from hookgate.policy.match.shell.words import Word

if TYPE_CHECKING:
    from hookgate.policy.match.shell.context import Context

__all__ = ["MAX_VALUES", "assign", "expand", "with_variables"]

#: at most this many values are kept for the variables of one line; more make every `reads`/`writes`
#: rule UNKNOWN for the commands whose words may name files
MAX_VALUES = 4096
#: and at most this many values given to commands' environments (values times such commands); more, as above
MAX_GIVEN = 65536
#: a word referring to several variables is judged with every combination of their values up to this
#: many; beyond, with each variable's values in turn (the others as written)
_MAX_COMBINATIONS = 256
_ROUNDS = 4  # references inside values are replaced this many levels deep
#: `$NAME`, `${NAME}`, `${NAME[…]}`, `${NAME:-…}` (and `-`, `=`, `?`): the variable's value when it has one
_REF = re.compile(r"\$(?:([A-Za-z_]\w*)|\{([A-Za-z_]\w*)(?:\[[^\]}]*\])?(?::?[-=?][^}]*)?\})")
_WILDCARD = re.compile(r"[*?\[]")
_BLANKS = re.compile(r"\s+")

Values = dict[str, dict[str, None]]


def assign(values: Values, name: str, given: list[str], append: bool) -> None:
    """Add the values ``given`` to ``name`` (``append``: ``NAME+=value``, each earlier value extended too)."""
    known = values.get(name)
    if known is None:
        known = values[name] = {}
    if append and known:
        given = [*given, *(old + new for old in known for new in given)]
    room = MAX_VALUES + 1 - sum(map(len, values.values()))
    if room > 0:
        known.update(dict.fromkeys(given[:room]))


def expand(text: str, values: Values, own: str = "") -> list[str]:
    """The texts a word may stand for once the variables the line gives values replace its references
    (and theirs, a few levels deep); [] when it refers to none. A value never stands in for a reference
    inside itself (``PATH=/x:$PATH``: the ``$PATH`` before it, not known); ``own``: the variable whose value
    ``text`` is. (A reference inside a value is replaced with the values of every other variable.)"""
    name = text[2:-1] if text[:2] == "${" and text[-1:] == "}" else text[1:]
    if text[:1] == "$" and name.isidentifier() and name != own:  # `$F`, `${F}`: the values themselves
        known = values.get(name)
        if not known:
            return []
        if all(["$" not in value for value in known]):
            return list(known)
        found: list[tuple[str, tuple[str, ...]]] | None = [(value, (name,)) for value in known]
    else:
        found = _substitute(text, values, (own,))
    if found is None:
        return []
    out = dict.fromkeys([t for t, _ in found])
    frontier = [(t, used) for t, used in found if "$" in t]
    for _ in range(_ROUNDS - 1):
        if not frontier or len(out) > MAX_VALUES:
            break
        later: list[tuple[str, tuple[str, ...]]] = []
        for t, used in frontier:
            for more, now in _substitute(t, values, used) or ():
                if more not in out:
                    out[more] = None
                    if "$" in more:
                        later.append((more, now))
        frontier = later
    return list(out)


def _substitute(text: str, values: Values, skip: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]] | None:
    """``text`` with the values of the variables it refers to (not those in ``skip``), each with the
    variables it replaced; None if it refers to none with values."""
    parts: list[tuple[str, str, str, tuple[str, ...]]] = []  # (literal before, reference, name, its values)
    pos = 0
    for m in _REF.finditer(text):
        name = m.group(1) or m.group(2)
        known = values.get(name)
        if known and name not in skip:
            parts.append((text[pos : m.start()], m.group(0), name, tuple(known)))
            pos = m.end()
    if not parts:
        return None
    tail = text[pos:]
    if len(parts) == 1:  # the common case: one variable
        head, _, name, vals = parts[0]
        one = (name,)
        return [(head + value + tail, one) for value in vals]
    size = 1
    for part in parts:
        size *= len(part[3])
    if size <= _MAX_COMBINATIONS:
        heads = [head for head, _, _, _ in parts]
        used: tuple[str, ...] = tuple([name for _, _, name, _ in parts])
        return [("".join([h + v for h, v in zip(heads, combo, strict=True)]) + tail, used)
                for combo in product(*[vals for _, _, _, vals in parts])]
    out: list[tuple[str, tuple[str, ...]]] = []
    for k, (_, _, name, vals) in enumerate(parts):  # each variable's values in turn, the others as written
        used = (name,)
        for value in vals:
            out.append(("".join([h + (value if j == k else ref) for j, (h, ref, _, _) in enumerate(parts)]) + tail,
                        used))
    return out


def _word(text: str, source: str, pos: int) -> Word:
    """A word whose value is ``text``: exact, a wildcard, or with run-time parts left."""
    if "$" in text or "`" in text:
        return new_record(Word, (text, False, "", source, pos, None, False))
    wild = _WILDCARD.search(text)
    if wild is not None:
        return new_record(Word, (text, False, text[: wild.start()], source, pos, None, True))
    return new_record(Word, (text, True, text, source, pos, None, False))


def _value_words(name: str, value: str, values: Values) -> list[Word]:
    """The words a variable's value stands for in a program's environment: as given and expanded; a
    ``PATH``-style list piece by piece instead (a URL is a word, as an operand is); and where ``$K`` is
    unquoted, split at blanks. The word as written is the variable's name."""
    if "$" not in value and ":" not in value and _BLANKS.search(value) is None:  # most values
        return [_word(value, name, 0)]
    texts = dict.fromkeys([value, *expand(value, values, name)] if "$" in value else [value])
    for text in list(texts):
        if ":" in text and "://" not in text:
            del texts[text]
            texts.update(dict.fromkeys(p for p in text.split(":") if p))
    texts.update(dict.fromkeys(_fields(list(texts))))
    return [_word(text, name, 0) for text in texts]


def _fields(texts: list[str]) -> list[str]:
    """The fields of texts with blanks, as where ``$K`` is unquoted (``K="a b"; mytool $K``); not a text
    with a command substitution, whose blanks are its command's (``$(git describe)``)."""
    return [p for t in texts if _BLANKS.search(t) and "$(" not in t and "`" not in t
            for p in _BLANKS.split(t) if p]


def with_variables(ctx: Context) -> None:
    """Add to each command whose words may name files the words its variables stand for and the values
    its environment may hold (see the module docstring)."""
    values = ctx.values or {}
    untabled = ctx.untabled
    total = sum(map(len, values.values()))
    if total > MAX_VALUES or total * len(untabled) > MAX_GIVEN:
        for index, role, program, words, _, _ in untabled:
            if not runs_other(role, program, words):
                _record(ctx, index, [new_record(Maybe, ("", "", program, MANY_VALUES, True))], None)
        return
    # (path, variable) of every statement value: the same for every command
    environment = [(path, name) for name, given in values.items() for value in given
                   for path, _ in candidates(_value_words(name, value, values), options=False)]
    for index, role, program, words, prefix, cd in untabled:
        if runs_other(role, program, words):
            continue
        how, writes = maybe_how(role), role != READER
        found: list[Maybe] = []
        for word in words[1:]:
            if word.exact or word.glob or "$" not in word.text or (word.feed and word.feed.kind == "paths"):
                continue
            texts = expand(word.text, values)
            if texts:
                texts += _fields(texts)
                options = [_word(text, word.source or word.text, word.pos) for text in texts]
                found += [new_record(Maybe, (path, source, program, how, writes))
                          for path, source in candidates(options, options=True)]
        found += [new_record(Maybe, (path, name, program, ENV, writes)) for path, name in environment]
        for name, value in prefix:
            scope = values
            if "$" in value:
                scope = {**values}
                for other, given in prefix:
                    scope[other] = {**scope.get(other, {}), given: None}
            found += [new_record(Maybe, (path, name, program, ENV, writes))
                      for path, _ in candidates(_value_words(name, value, scope), options=False)]
        if found:
            _record(ctx, index, found, cd)


_MAYBE_FIELD = SimpleCommand._fields.index("maybe")


def _record(ctx: Context, index: int, found: list[Maybe], cd: tuple[str, bool] | None) -> None:
    """Add the records to the command (relative ones also below the folder an earlier `cd` moved to, as
    its operands are) and to the line."""
    records = dict.fromkeys(found)
    if cd is not None and cd[1]:
        base = cd[0]
        records.update(dict.fromkeys([m._replace(path=posixpath.join(base, m.path)) for m in found
                                      if m.path[:1] not in ("/", "~", "")]))
    cmd = ctx.commands[index]
    if cmd.maybe:
        for m in cmd.maybe:
            records.pop(m, None)
    if records:
        fields = list(cmd)
        fields[_MAYBE_FIELD] = (*cmd.maybe, *records)
        ctx.commands[index] = new_record(SimpleCommand, tuple(fields))
        ctx.maybe.update(records)
