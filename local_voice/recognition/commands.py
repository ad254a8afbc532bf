"""The command set: the phrasings a recognizer may hear, per intent, with slot values.

Built from the intent catalog (skill/intents.yaml); exercise names come from the content
(prompts/, read through `skill.content`). Also the `Result` every backend hands back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

RATE = 16000
NAMES_PATH = Path(__file__).resolve().parent.parent / "names.txt"
FIRST_NAME = "AMAZON.FirstName"
SLOT = re.compile(r"\{(\w+)\}")
# A slot type with more values than this (spoken times: 435) stays out of the phrase grammar: the
# grammar compiler copies a slot rule at every use, and the menu's reminder phrases alone took
# ~120 MB and 15 s to build. The language model hears those phrasings by itself.
GRAMMAR_SLOT_LIMIT = 200
INTENT_WEIGHT = 20.0  # an intent's share of the command language model's training text
_EXPAND_LIMIT = 400  # expand a slot phrase into plain phrases only up to this many


class RecognizerError(Exception):
    """A recognizer that cannot start (missing model, unusable grammar), with a clear message."""


@dataclass
class Result:
    """What one utterance meant. `text` is the recognized command phrase, never free speech."""

    text: str | None
    intent: str | None
    slots: dict = field(default_factory=dict)
    confidence: float = 0.0

    def as_dict(self) -> dict:
        return {"text": self.text, "intent": self.intent, "slots": dict(self.slots), "confidence": round(float(self.confidence), 3)}


NO_COMMAND = Result(None, None, {}, 0.0)


def load_first_names(path: Path = NAMES_PATH) -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#") and line not in names:
            names.append(line)
    return names



@dataclass(frozen=True)
class Phrase:
    """One phrasing of an intent; `words` may hold {slot} markers."""

    intent: str
    words: tuple[str, ...]
    slots: dict  # slot name -> value type
    weight: float = 1.0  # its share of the command language model's training text

    @property
    def slot_names(self) -> list[str]:
        return [m.group(1) for w in self.words for m in [SLOT.fullmatch(w)] if m]


@dataclass(frozen=True)
class Templates:
    """The catalog's templates as a grammar compiler needs them (skill/templates.py syntax)."""

    by_intent: dict  # intent -> tuple of templates
    rules: dict      # rule name -> template
    skip_words: tuple
    slot_types: dict  # intent -> {slot name: slot type}

    def with_intent(self, intent: str, templates, slot_types: dict | None = None) -> Templates:
        return Templates({**self.by_intent, intent: tuple(templates)}, self.rules, self.skip_words,
                         {**self.slot_types, intent: dict(slot_types or {})})


class CommandSet:
    """The phrasings a recognizer may hear, per intent, with slot values; built from the catalog.

    - `phrases`: short plain lists per intent (the catalog's simplest forms): the JSGF grammar
      and Vosk's phrase list.
    - `lm_phrases`: sentences that cover every word pair the templates allow (see `covering`):
      the training text of the command language model, which hears people's own phrasings.
    - `templates`: the catalog's templates; `lookup` matches with its template matcher (skip
      words allowed), so anything the language model hears is read exactly as the text matcher
      reads it.
    - `compact`: compile the JSGF grammar from the templates whole (`template_grammar`) instead of
      the phrase lists (off by default: decoding it was about ten times slower)."""

    def __init__(self, phrases: dict[str, list[Phrase]], values: dict[str, list[str]], always: list[str] | None = None,
                 not_over_talk: list[str] | None = None, templates: Templates | None = None, known=None,
                 lm_phrases: dict[str, list[Phrase]] | None = None, compact: bool = False):
        self.phrases = phrases
        self.values = values
        self.always = list(always or [])
        self.not_over_talk = list(not_over_talk or [])  # left out while the partners talk (catalog over_talk: false)
        self.templates = templates
        self.known = known  # word -> bool: words the model can say (None: all)
        self.lm_phrases = dict(lm_phrases or {})
        self.compact = compact
        self._matchers: dict[str, object] = {}  # intent -> its template matcher

    @classmethod
    def from_catalog(cls, catalog, first_names: list[str] | None = None, templates: bool | None = None) -> CommandSet:
        """The catalog's phrasings: short phrase lists for the grammar, covering sentences of its
        templates for the language model, the templates for matching. With `templates` (or
        CLOSER_TEMPLATE_GRAMMAR=1) the grammar is compiled from the templates whole: measured on
        this loaded machine it decoded about ten times slower (bench/voice_latency.py median 4.0 s
        against 0.4 s) and peaked at 264 MB, so it is not the default."""
        import os

        compact = os.environ.get("CLOSER_TEMPLATE_GRAMMAR") == "1" if templates is None else bool(templates)
        values = {k: list(v) for k, v in catalog.slot_values.items()}
        values[FIRST_NAME] = list(first_names if first_names is not None else load_first_names())
        phrases = {i.name: [Phrase(i.name, tuple(p.split()), dict(i.slots)) for p in i.phrases]
                   for i in catalog.intents if i.phrases}
        if not hasattr(catalog, "templates_for"):  # a catalog of plain phrase lists
            return cls(phrases, values, catalog.always_live, catalog.not_over_talk)
        by_intent, types = {}, {}
        for name in catalog.grammar_intents():
            spec = catalog.templates_for(name)
            by_intent[name], types[name] = tuple(spec.templates), dict(spec.slot_types)
        grammar = Templates(by_intent, dict(catalog.rules), tuple(catalog.skip_words), types)
        covering = {name: _covering(name, items, grammar.rules, types[name]) for name, items in by_intent.items()}
        return cls(covering if compact else phrases, values, catalog.always_live, catalog.not_over_talk, grammar,
                   lm_phrases=covering, compact=compact)

    def derive(self, phrases: dict[str, list[Phrase]] | None = None, always: list[str] | None = None,
               templates: Templates | None = None) -> CommandSet:
        """A copy with other phrases, always-live intents or templates (slot values and the rest kept)."""
        return CommandSet(self.phrases if phrases is None else phrases, self.values,
                          self.always if always is None else always, self.not_over_talk,
                          self.templates if templates is None else templates, self.known, self.lm_phrases, self.compact)

    def grammar_items(self, name: str) -> list[Phrase]:
        """The phrases of an intent the phrase grammar holds (none with a slot of too many values)."""
        return [p for p in self.phrases.get(name, [])
                if all(len(self.slot_values(p, s)) <= GRAMMAR_SLOT_LIMIT for s in p.slot_names)]

    def lm_items(self, name: str) -> list[Phrase]:
        """The language model's training phrases of an intent (its phrase list when it has no covering sentences)."""
        return self.lm_phrases.get(name) or self.phrases.get(name, [])

    def vocabulary(self) -> set[str]:
        """Every word of every phrasing (templates, rules and skip words included), slot values aside."""
        words = {w for items in self.phrases.values() for p in items for w in p.words if not SLOT.fullmatch(w)}
        if self.templates is not None:
            from skill import templates as tpl

            words |= {w for items in self.templates.by_intent.values() for t in items
                      for w in tpl.words(t, self.templates.rules)}
            words |= {w for s in self.templates.skip_words for w in s.split()}
        return words

    @classmethod
    def from_mapping(cls, mapping: dict[str, list[str]], always: list[str] | None = None) -> CommandSet:
        """Plain phrases per intent (any language, no slots): for tests and other models."""
        return cls({name: [Phrase(name, tuple(p.split()), {}) for p in items] for name, items in mapping.items()}, {}, always)

    @property
    def intents(self) -> list[str]:
        return list(self.phrases)

    def live(self, expect: list[str] | None) -> list[str]:
        if expect is None:
            return self.intents
        unknown = [name for name in expect if name not in self.phrases and name != "AMAZON.FallbackIntent"]
        if unknown:
            raise RecognizerError(f"unknown intent(s): {', '.join(unknown)}")
        names = [n for n in expect if n in self.phrases]
        return names + [n for n in self.always if n not in names and n in self.phrases]

    def restrict(self, keep_word) -> CommandSet:
        """A copy without the phrases and slot values the model cannot say (keep_word(word) is False)."""
        values = {k: [v for v in vals if all(keep_word(w) for w in v.split())] for k, vals in self.values.items()}
        def sayable(table: dict) -> dict:
            kept = {name: [p for p in items if all(SLOT.fullmatch(w) or keep_word(w) for w in p.words)]
                    for name, items in table.items()}
            return {name: items for name, items in kept.items() if items}

        return CommandSet(sayable(self.phrases), values, self.always, self.not_over_talk, self.templates, keep_word,
                          sayable(self.lm_phrases), self.compact)

    def slot_values(self, phrase: Phrase, slot: str) -> list[str]:
        return self.values.get(phrase.slots.get(slot, ""), [])

    def expansions(self, phrase: Phrase) -> list[tuple[str, dict]] | None:
        """Every concrete text of a phrase with its slots, or None when there would be too many."""
        names = phrase.slot_names
        if not names:
            return [(" ".join(phrase.words), {})]
        choices = [self.slot_values(phrase, s) for s in names]
        total = 1
        for c in choices:
            total *= len(c)
        if total == 0 or total > _EXPAND_LIMIT:
            return None if total else []
        out = []
        for combo in product(*choices):
            filled = dict(zip(names, combo))
            text = " ".join(filled.get(m.group(1), w) if (m := SLOT.fullmatch(w)) else w for w in phrase.words)
            out.append((text, filled))
        return out

    def lookup(self, text: str, live: list[str]) -> tuple[str, dict] | None:
        """The intent and slots of a recognized sentence, if it is a live command (templates and
        skip words when there are templates, else the exact phrase lists)."""
        said = " ".join(text.split())
        if self.templates is not None:
            found = self._template_match(said, live)
            return (found.intent, dict(found.slots)) if found else None
        return self.phrase_lookup(said, live)

    def phrase_lookup(self, text: str, live: list[str], grammar_only: bool = False) -> tuple[str, dict] | None:
        """The intent and slots of a sentence that is exactly one of the live phrase lists' phrases
        (with `grammar_only`, one the phrase grammar holds)."""
        said = " ".join(text.split())
        for name in live:
            for phrase in self.grammar_items(name) if grammar_only else self.phrases.get(name, []):
                found = self._match(phrase, said)
                if found is not None:
                    return name, found
        return None

    def _template_match(self, said: str, live: list[str]):
        """The first live intent whose templates cover the sentence: exact phrasings of every live
        intent first, then with skip words, in live order (as one matcher over the live set decides).

        One matcher per intent, shared by every step: a matcher per live set held the same compiled
        patterns once per mode (bench/recognition_memory.py: about 12 MB over the nine usual steps)."""
        matchers = [m for m in (self._matcher(name) for name in live) if m is not None]
        for exact_only in (True, False):
            for matcher in matchers:
                found = matcher.match(said, exact_only=exact_only)
                if found:
                    return found
        return None

    def _matcher(self, name: str):
        """The catalog's template matcher for one intent (skip words allowed), or None without templates."""
        if name not in self._matchers:
            from skill import templates as tpl

            grammar = self.templates
            entries = [(name, t) for t in grammar.by_intent.get(name, ())]
            slots = {slot: self.values.get(kind, []) for slot, kind in grammar.slot_types.get(name, {}).items()}
            self._matchers[name] = tpl.Matcher(entries, grammar.rules, slots, grammar.skip_words) if entries else None
        return self._matchers[name]

    def _match(self, phrase: Phrase, said: str) -> dict | None:
        names = phrase.slot_names
        if not names:
            return {} if said == " ".join(phrase.words) else None
        parts = []
        for w in phrase.words:
            m = SLOT.fullmatch(w)
            parts.append(f"(?P<{m.group(1)}>.+?)" if m else re.escape(w))
        found = re.fullmatch(r"\s".join(parts), said)
        if not found:
            return None
        slots = {k: v.strip() for k, v in found.groupdict().items()}
        for slot, value in slots.items():
            if value not in self.slot_values(phrase, slot):
                return None
        return slots



def _covering(intent: str, templates: tuple, rules: dict, slot_types: dict) -> list[Phrase]:
    """An intent's covering sentences (every word pair its templates allow). Every intent weighs
    the same in the command language model (INTENT_WEIGHT, shared by its sentences), so an intent
    with thousands of forms does not drown the one-word commands."""
    from .covering import covering_sentences

    seen: set = set()
    sentences = [words for t in templates for words in covering_sentences(t, rules, seen)]
    weight = INTENT_WEIGHT / max(1, len(sentences))
    return [Phrase(intent, words, slot_types, weight) for words in sentences]


def exercise_names(root: Path | None = None) -> list[str]:
    """Every spoken name of an exercise, ritual or ladder in the content, read through skill.content."""
    from skill.content import load_content

    return sorted(load_content(root).activity_names())


def build_commands(names: list[str] | None = None) -> CommandSet:
    """The catalog's command set, with exercise names from content."""
    from skill.catalog import load_catalog

    return CommandSet.from_catalog(load_catalog(names if names is not None else exercise_names()))
