"""Sentence templates: many natural phrasings written once, as data.

Syntax (words lowercase, no punctuation; apostrophes allowed):
    (a|b c)      alternatives, nestable; an empty alternative "(a|)" makes the group optional
    [x] / [a|b]  optional words / optional alternatives
    {slot}       a slot: an Alexa slot, filled locally from the slot's values
    <rule>       a named rule (itself a template) expanded inline
A template may also hold top-level alternatives: "yes|yeah".

    parse(text) -> Node          the syntax tree (Word, Slot, RuleRef, Seq, Alt); TemplateError on bad syntax
    expand(text_or_node, ...)    every sentence, deduplicated, in a stable order (absent optional words first)
    count(text_or_node, rules)   how many paths, without building them (slots count once)
    spread(text_or_node, n)      at most n sentences evenly spread over the paths, picked by index
    regex(text_or_node, ...)     a pattern to find the template inside longer text
    Matcher(entries, ...)        typed or recognized text -> Match(intent, slots, template)

The matcher compiles every intent's templates into ONE regular expression (never a loop over
expansions), so a grammar with millions of expansions matches in microseconds. Skip words ("um",
"okay", "for a moment") may stand anywhere between words; the whole utterance must be covered.
A grammar compiler can walk the tree from `parse` (Alt.optional marks "[...]") to build arcs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^a-z0-9' ]+")
_TOKEN = re.compile(r"\s+|[()\[\]|]|\{[^{}]*\}?|<[^<>]*>?|[^\s()\[\]|{}<>]+|[{}<>]")
_WORD = re.compile(r"[a-z0-9][a-z0-9']*")  # "i'd", never "'d" alone
_NAME = re.compile(r"\w[\w\- ]*")
_FREE_SLOT_WORDS = 4  # a slot without known values (a first name) takes one to four words


class TemplateError(ValueError):
    """A template (or its use) is wrong; the message quotes the offending text."""

    def __init__(self, message: str, text: str = ""):
        super().__init__(f"{message} in template {text!r}" if text else message)
        self.text = text


def normalize(text: str) -> str:
    """Lowercase, straighten quotes, drop punctuation and extra spaces."""
    text = str(text).lower().replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(_NON_WORD.sub(" ", text).split())


# ---- the syntax tree -------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Slot:
    name: str

    def __str__(self) -> str:
        return "{" + self.name + "}"


@dataclass(frozen=True)
class RuleRef:
    name: str

    def __str__(self) -> str:
        return "<" + self.name + ">"


@dataclass(frozen=True)
class Seq:
    items: tuple

    def __str__(self) -> str:
        return " ".join(str(item) for item in self.items)


@dataclass(frozen=True)
class Alt:
    options: tuple  # of Seq, none empty
    optional: bool = False

    def __str__(self) -> str:
        inner = "|".join(str(option) for option in self.options)
        return f"[{inner}]" if self.optional else f"({inner})"


Node = Word | Slot | RuleRef | Seq | Alt


# ---- parsing ---------------------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = [t for t in _TOKEN.findall(text) if not t.isspace()]
        self.pos = 0

    def fail(self, message: str) -> TemplateError:
        return TemplateError(message, self.text)

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node:
        node = self.alternatives(closer=None)
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()!r}")
        return node

    def alternatives(self, closer: str | None) -> Node:
        options = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.sequence())
        if closer is not None:
            if self.peek() != closer:
                raise self.fail(f"unclosed {'(' if closer == ')' else '['}")
            self.pos += 1
        full = tuple(o for o in options if o.items)
        if not full:
            raise self.fail("empty group" if closer else "empty template")
        optional = closer == "]" or len(full) < len(options)
        if closer is None and not optional and len(full) == 1:
            return full[0]
        if closer is None and optional:
            raise self.fail("empty alternative")
        return Alt(full, optional)

    def sequence(self) -> Seq:
        items: list = []
        while (token := self.peek()) is not None and token not in ("|", ")", "]"):
            self.pos += 1
            if token in ("(", "["):
                items.append(self.alternatives(")" if token == "(" else "]"))
            elif token[0] in "{<":
                items.append(self.reference(token))
            else:
                word = token.lower().replace("\u2019", "'")
                if not _WORD.fullmatch(word):
                    raise self.fail(f"{token!r} is not a word (lowercase letters and digits, apostrophes inside)")
                items.append(Word(word))
        return Seq(tuple(items))

    def reference(self, token: str) -> Node:
        closer = "}" if token[0] == "{" else ">"
        if not token.endswith(closer) or len(token) < 3:
            raise self.fail(f"unclosed or empty {token[0]!r}")
        name = token[1:-1].strip()
        if not _NAME.fullmatch(name):
            raise self.fail(f"bad name {token!r}")
        return Slot(name) if closer == "}" else RuleRef(name)


@functools.lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """The syntax tree of a template; TemplateError (quoting the template) on bad syntax."""
    if not isinstance(text, str):
        raise TemplateError(f"a template must be text, not {type(text).__name__}: {text!r}")
    return _Parser(text).parse()


def _tree(text_or_node) -> Node:
    return parse(text_or_node) if isinstance(text_or_node, str) else text_or_node


class _Rules:
    """Named rules, parsed once, with a guard against a rule that refers to itself."""

    def __init__(self, rules: dict[str, str] | None):
        self.texts = dict(rules or {})

    def get(self, name: str, stack: tuple) -> Node:
        if name not in self.texts:
            raise TemplateError(f"unknown rule <{name}>")
        if name in stack:
            raise TemplateError(f"rule <{name}> refers to itself", self.texts[name])
        return parse(self.texts[name])


# ---- expansion -------------------------------------------------------------------------------

def _paths(node: Node, rules: _Rules, slots, keep_slots: bool, stack: tuple = ()) -> Iterator[tuple]:
    if isinstance(node, Word):
        yield (node.text,)
    elif isinstance(node, Slot):
        if keep_slots:
            yield (str(node),)
            return
        if slots is None or node.name not in slots:
            raise TemplateError(f"no values for slot {{{node.name}}}")
        for value in slots[node.name]:
            words = tuple(normalize(value).split())
            if words:
                yield words
    elif isinstance(node, RuleRef):
        yield from _paths(rules.get(node.name, stack), rules, slots, keep_slots, stack + (node.name,))
    elif isinstance(node, Alt):
        if node.optional:
            yield ()
        for option in node.options:
            yield from _paths(option, rules, slots, keep_slots, stack)
    else:
        yield from _product(node.items, rules, slots, keep_slots, stack)


def _product(items: tuple, rules: _Rules, slots, keep_slots: bool, stack: tuple) -> Iterator[tuple]:
    if not items:
        yield ()
        return
    for head in _paths(items[0], rules, slots, keep_slots, stack):
        for tail in _product(items[1:], rules, slots, keep_slots, stack):
            yield head + tail


def expand(text_or_node, rules: dict[str, str] | None = None, slots: dict[str, list[str]] | None = None,
           keep_slots: bool = False, limit: int | None = None) -> list[str]:
    """Every sentence of a template, deduplicated, in a stable order (absent optional words first)."""
    found: dict[str, None] = {}
    for words in _paths(_tree(text_or_node), _Rules(rules), slots, keep_slots):
        if limit is not None and len(found) >= limit:
            break
        if words:
            found.setdefault(" ".join(words))
    return list(found)


def spread(text_or_node, n: int, rules: dict[str, str] | None = None) -> list[str]:
    """At most n distinct sentences ({slot} kept) evenly spread over all paths, picked by index
    without building the rest: a fair sample of a template too big to list (Alexa samples)."""
    node, known = _tree(text_or_node), _Rules(rules)
    total = _count(node, known, ())
    if total <= n:
        return expand(node, rules, keep_slots=True)
    found: dict[str, None] = {}
    for k in range(n):
        words = _nth(node, known, k * total // n, ())
        if words:
            found.setdefault(" ".join(words))
    return list(found)


def _nth(node: Node, rules: _Rules, index: int, stack: tuple) -> tuple:
    """The index-th path in `_paths` order (slots kept)."""
    if isinstance(node, (Word, Slot)):
        return (str(node),)
    if isinstance(node, RuleRef):
        return _nth(rules.get(node.name, stack), rules, index, stack + (node.name,))
    if isinstance(node, Alt):
        if node.optional:
            if index == 0:
                return ()
            index -= 1
        for option in node.options:
            size = _count(option, rules, stack)
            if index < size:
                return _nth(option, rules, index, stack)
            index -= size
        raise IndexError(index)
    sizes = [_count(item, rules, stack) for item in node.items]
    digits = []
    for size in reversed(sizes):  # the last item varies fastest, as in _product
        index, digit = divmod(index, size)
        digits.append(digit)
    out: tuple = ()
    for item, digit in zip(node.items, reversed(digits)):
        out += _nth(item, rules, digit, stack)
    return out


def count(text_or_node, rules: dict[str, str] | None = None) -> int:
    """How many paths a template has (a slot counts once), without building them."""
    return _count(_tree(text_or_node), _Rules(rules), ())


def _count(node: Node, rules: _Rules, stack: tuple) -> int:
    if isinstance(node, (Word, Slot)):
        return 1
    if isinstance(node, RuleRef):
        return _count(rules.get(node.name, stack), rules, stack + (node.name,))
    if isinstance(node, Alt):
        return sum(_count(o, rules, stack) for o in node.options) + (1 if node.optional else 0)
    total = 1
    for item in node.items:
        total *= _count(item, rules, stack)
    return total


def can_be_empty(text_or_node, rules: dict[str, str] | None = None) -> bool:
    """True when every word of a template is optional (it would match silence, or only skip words)."""
    return _empty(_tree(text_or_node), _Rules(rules), ())


def _empty(node: Node, rules: _Rules, stack: tuple) -> bool:
    if isinstance(node, (Word, Slot)):
        return False
    if isinstance(node, RuleRef):
        return _empty(rules.get(node.name, stack), rules, stack + (node.name,))
    if isinstance(node, Alt):
        return node.optional or any(_empty(o, rules, stack) for o in node.options)
    return all(_empty(item, rules, stack) for item in node.items)


def words(text_or_node, rules: dict[str, str] | None = None) -> set[str]:
    """Every literal word a template can produce (slot values not included)."""
    found: set[str] = set()
    _collect(_tree(text_or_node), _Rules(rules), (), found)
    return found


def _collect(node: Node, rules: _Rules, stack: tuple, found: set) -> None:
    if isinstance(node, Word):
        found.add(node.text)
    elif isinstance(node, RuleRef):
        _collect(rules.get(node.name, stack), rules, stack + (node.name,), found)
    elif isinstance(node, (Seq, Alt)):
        for child in node.items if isinstance(node, Seq) else node.options:
            _collect(child, rules, stack, found)


# ---- matching --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict
    template: str


_MARK = "~"  # appended to every input word that belongs to a skip phrase ("for~ a~ moment~")
_SKIP_RUN = f"(?:[a-z0-9']+{_MARK} )*"
_FREE_WORD = "[a-z0-9']+"  # a marked word never fits: a slot without values takes no skip words


class _Compiler:
    """Turns templates into regular expressions over marked text: every word ends in a space, and
    words that belong to a skip phrase carry a mark. A template word that is also a skip word
    accepts the mark; between words, a run of marked words is skipped (loose patterns only).
    The skip list thus costs one tiny pattern, not a large alternation after every word."""

    def __init__(self, rules: _Rules, slots, skip_vocabulary: set[str], loose: bool):
        self.rules, self.slots, self.vocabulary = rules, slots, skip_vocabulary
        self.skip = _SKIP_RUN if loose else ""
        self.groups: dict[str, str] = {}  # regex group -> slot name

    def word(self, text: str) -> str:
        return re.escape(text) + (re.escape(_MARK) + "?" if text in self.vocabulary else "")

    def pattern(self, node: Node, stack: tuple = ()) -> str:
        if isinstance(node, Word):
            return self.word(node.text) + " " + self.skip
        if isinstance(node, Slot):
            group = f"s{len(self.groups)}"
            self.groups[group] = node.name
            values = (self.slots or {}).get(node.name)
            if values is None:
                body = f"{_FREE_WORD}(?: {_FREE_WORD}){{0,{_FREE_SLOT_WORDS - 1}}}?"
            else:
                forms = sorted({normalize(v) for v in values if normalize(v)}, key=lambda v: (-len(v), v))
                body = "|".join(" ".join(self.word(w) for w in v.split()) for v in forms) or "(?!)"
            return f"(?P<{group}>{body}) " + self.skip
        if isinstance(node, RuleRef):
            return self.pattern(self.rules.get(node.name, stack), stack + (node.name,))
        if isinstance(node, Alt):
            inner = "|".join(self.pattern(o, stack) for o in node.options)
            return f"(?:{inner})" + ("?" if node.optional else "")
        return "".join(self.pattern(item, stack) for item in node.items)


def regex(text_or_node, rules: dict[str, str] | None = None, slots: dict[str, list[str]] | None = None) -> str:
    """A regular expression for the template over normalized text in which every word is followed
    by a space ("he hits me "); no skip words. For finding a template inside a longer sentence."""
    return _Compiler(_Rules(rules), slots, set(), loose=False).pattern(_tree(text_or_node))


class _IntentPattern:
    def __init__(self, intent: str, templates: list[str], rules: _Rules, slots, skip_vocabulary: set[str], loose: bool):
        self.intent = intent
        self.templates = templates
        compiler = _Compiler(rules, slots, skip_vocabulary, loose)
        parts = []
        for index, template in enumerate(templates):
            try:
                body = compiler.pattern(parse(template))
                if _empty(parse(template), rules, ()):
                    raise TemplateError("every word is optional", template)
            except TemplateError as err:
                if err.text:
                    raise
                raise TemplateError(str(err), template) from None
            parts.append(f"(?P<t{index}>{body})")
        self.groups = compiler.groups
        self._source = compiler.skip + "(?:" + "|".join(parts) + ")"
        self._regex: re.Pattern | None = None

    @property
    def regex(self) -> re.Pattern:
        """Compiled at its first match: compiling is most of building a catalog's matcher, and a
        session that only ever hears exact phrasings never needs the skip-word patterns."""
        if self._regex is None:
            self._regex = re.compile(self._source)
        return self._regex

    def match(self, marked: str) -> Match | None:
        found = self.regex.fullmatch(marked)
        if not found:
            return None
        template = next(t for i, t in enumerate(self.templates) if found.group(f"t{i}") is not None)
        slots = {self.groups[g]: v.replace(_MARK, "").strip()
                 for g, v in found.groupdict().items() if g in self.groups and v is not None}
        return Match(self.intent, slots, template)


class Matcher:
    """Text -> intent, from (intent, template) entries; entry order breaks ties.

    An utterance said exactly as a template wins over one that needs skip words, so "okay" is
    yes (a template) rather than nothing (a skip word). Slots without values take 1-4 words.
    """

    def __init__(self, entries: list[tuple[str, str]], rules: dict[str, str] | None = None,
                 slots: dict[str, list[str]] | None = None, skip_words: Iterable[str] = ()):
        by_intent: dict[str, list[str]] = {}
        for intent, template in entries:
            by_intent.setdefault(intent, []).append(template)
        known = _Rules(rules)
        for name, text in known.texts.items():
            parse(text)  # a broken rule is reported even if unused
        self.skip_words = tuple(dict.fromkeys(normalize(w) for w in skip_words if normalize(w)))
        self._skip_phrases = sorted({tuple(w.split()) for w in self.skip_words}, key=len, reverse=True)
        self._skip_by_first: dict[str, list[tuple[str, ...]]] = {}  # so marking looks only at phrases that can start here
        for phrase in self._skip_phrases:
            self._skip_by_first.setdefault(phrase[0], []).append(phrase)
        vocabulary = {w for phrase in self._skip_phrases for w in phrase}
        self._exact = [_IntentPattern(i, t, known, slots, vocabulary, False) for i, t in by_intent.items()]
        self._loose = [_IntentPattern(i, t, known, slots, vocabulary, True)
                       for i, t in by_intent.items()] if self.skip_words else []

    @property
    def intents(self) -> list[str]:
        return [p.intent for p in self._exact]

    def match(self, text: str, allowed: Iterable[str] | None = None, exact_only: bool = False) -> Match | None:
        """The first intent (exact before skip words) whose templates cover the whole utterance."""
        for found in self._matches(text, allowed, exact_only):
            return found
        return None

    def match_all(self, text: str, allowed: Iterable[str] | None = None) -> list[Match]:
        """Every intent that covers the utterance, one match each (for finding confusable templates)."""
        seen: dict[str, Match] = {}
        for found in self._matches(text, allowed):
            seen.setdefault(found.intent, found)
        return list(seen.values())

    def _matches(self, text: str, allowed: Iterable[str] | None, exact_only: bool = False) -> Iterator[Match]:
        said = normalize(text)
        if not said:
            return
        live = set(allowed) if allowed is not None else None
        marked = self._mark(said.split())
        for patterns in (self._exact,) if exact_only else (self._exact, self._loose):
            for pattern in patterns:
                if live is None or pattern.intent in live:
                    found = pattern.match(marked)
                    if found:
                        yield found

    def _mark(self, words: list[str]) -> str:
        """The words with a mark on each one that is part of a skip phrase, each followed by a space."""
        marked = [False] * len(words)
        for i, word in enumerate(words):
            for phrase in self._skip_by_first.get(word, ()):
                if tuple(words[i:i + len(phrase)]) == phrase:
                    marked[i:i + len(phrase)] = [True] * len(phrase)
        return "".join(w + (_MARK if m else "") + " " for w, m in zip(words, marked))
