"""Disclosure language: how people say they are not safe, loaded from skill/disclosures.yaml.

One grammar, three front ends:
- text (typed, or a recognizer's words): `detect(text)` finds a disclosure's core anywhere in a
  sentence ("so um he hit me again last night and i don't know") unless table talk covers it ("she
  beat me at chess"), or a said-alone disclosure as the whole utterance ("i need help"). It answers
  the family (self_harm, violence, threats, sexual, fear, control, danger), which decides the
  order the resources are named in.
- Alexa: `alexa_samples()`, a spread of whole sentences from every family, within Alexa's limits.
- local voice: `catalog_item()` gives the catalog the SafetyIntent templates (each core wrapped in
  the words people put around it) and their rules, prefixed so they cannot clash with the
  catalog's own; the recognizer compiles them like any other intent.

Only the template API of skill/templates.py is used (parse, expand, count, spread, Matcher); the
span search here tries the Matcher on the parts of a sentence that can start and end a core.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import templates as tpl
from .templates import Alt, Matcher, RuleRef, Seq, Slot, Word, normalize

DATA_PATH = Path(__file__).resolve().parent / "disclosures.yaml"
INTENT = "SafetyIntent"
NUMBER_INTENT = "RepeatNumberIntent"
# When a sentence holds cores of several families, the most urgent decides the order of resources.
FAMILIES = ("danger", "self_harm", "threats", "sexual", "violence", "control", "fear")
RULE_PREFIX = "safety_"
_RULE_REF = re.compile(r"<([\w\- ]+)>")
ALEXA_MAX_CHARS = 200  # Alexa refuses longer sample utterances
# The catalog's own templates for SafetyIntent: plain, so expanding them (collision checks) is cheap;
# the detector and the grammar carry the real language.
ALONE_TEMPLATES = ("i need help", "i'm in danger", "i don't feel safe", "i need a crisis line", "i want to die",
                   "my partner hurts me", "he hits me", "i'm scared of my partner")
ALEXA_MAX_SAMPLES = 1000  # a generous share of the model, well inside Alexa's limits


class SafetyLanguageError(ValueError):
    """The disclosure data is malformed (says which family or template)."""


@dataclass(frozen=True)
class Found:
    family: str
    start: int  # word offsets in the normalized sentence
    end: int
    template: str


class SafetyLanguage:
    """The loaded grammar and its matchers."""

    def __init__(self, data: dict):
        if not isinstance(data, dict) or not isinstance(data.get("families"), dict):
            raise SafetyLanguageError("disclosures: a mapping with `rules`, `families`, `everyday` and `voice`")
        self.rules: dict[str, str] = {str(k): str(v) for k, v in (data.get("rules") or {}).items()}
        self.anywhere: dict[str, list[str]] = {}
        self.said_alone: dict[str, list[str]] = {}
        self.near: dict[str, list[str]] = {}
        self.sentences: dict[str, list[str]] = {}
        self.sample_counts: dict[str, int] = {}
        for family, spec in data["families"].items():
            if family not in FAMILIES:
                raise SafetyLanguageError(f"disclosures: unknown family {family!r} (use {', '.join(FAMILIES)})")
            self.anywhere[family] = [str(t) for t in spec.get("anywhere") or []]
            self.said_alone[family] = [str(t) for t in spec.get("said_alone") or []]
            self.near[family] = [str(t) for t in spec.get("near_someone") or []]
            self.sentences[family] = [str(t) for t in spec.get("sentences") or []]
            self.sample_counts[family] = int(spec.get("samples", 100))
        self.everyday = [str(t) for t in data.get("everyday") or []]
        self.spelled = {str(k): str(v) for k, v in (data.get("spelled") or {}).items()}
        self.number_again = dict(data.get("number_again") or {})
        voice = data.get("voice") or {}
        for part in ("lead", "head", "tail", "grammar_lead", "grammar_tail"):  # rules <voice_lead> ...
            if voice.get(part):
                self.rules[f"voice_{part}"] = str(voice[part])
        self.lead, self.tail = str(voice.get("lead", "")), str(voice.get("tail", ""))
        for family, items in {**self.anywhere, "everyday": self.everyday,
                              **{f"{f} near_someone": t for f, t in self.near.items()}}.items():
            for template in items:
                self._check(family, template)
        tree = _Tree(self.rules)
        self._cores = _Index([(f, t) for f, items in self.anywhere.items() for t in items], self.rules, tree)
        # near_someone cores ("abusing me") count when a person is named a few words before them, with
        # anything between: "my boyfriend might be abusing me", "he's drunk and now he's starting on me"
        near = data.get("near_someone") or {}
        self.window = int(near.get("within", 6))
        self.people = {tuple(p.split()) for p in tpl.expand(str(near.get("person", "(he|she|they)")), self.rules)}
        self._near = _Index([(f, t) for f, items in self.near.items() for t in items], self.rules, tree)
        self._alone = Matcher([(f, t) for f, items in self.said_alone.items() for t in items], self.rules)
        self._table_talk = _Index([("everyday", t) for t in self.everyday], self.rules, tree)

    def _check(self, family: str, template: str) -> None:
        try:
            tpl.count(template, self.rules)
        except tpl.TemplateError as err:
            raise SafetyLanguageError(f"disclosures ({family}): {err}") from None

    # ---- text ----------------------------------------------------------------------------------

    def detect(self, text: str) -> str | None:
        """The family of the disclosure in a sentence, or None for table talk."""
        found = self.find(text)
        return found.family if found else None

    def find(self, text: str) -> Found | None:
        words = [w for word in normalize(text).split() for w in self.spelled.get(word, word).split()]
        if not words:
            return None
        alone = self._alone.match(" ".join(_without_fillers(words)))
        if alone:
            return Found(alone.intent, 0, len(words), alone.template)
        cores = self._cores.spans(words) + [c for c in self._near.spans(words) if self._named_before(words, c.start)]
        if not cores:
            return None
        talk = self._table_talk.spans(words)
        # A core stands unless table talk overlaps it and reaches at least as far: "she beat me" inside
        # "she beat me at chess" falls, "i don't feel safe in this house" outlasts "feel safe in this".
        kept = [c for c in cores if not any(t.start < c.end and c.start < t.end and t.end >= c.end for t in talk)]
        if not kept:
            return None
        return min(kept, key=lambda c: (FAMILIES.index(c.family), c.start))

    def _named_before(self, words: list[str], start: int) -> bool:
        before = words[max(0, start - self.window):start]
        return any(tuple(before[i:i + len(p)]) == p for p in self.people for i in range(len(before)))

    # ---- Alexa and the local grammar ---------------------------------------------------------

    def grammar_templates(self) -> list[str]:
        """The local recognizer's SafetyIntent: each family's whole `sentences` with the words people
        put before and after them, and the said-alone ones. Compact on purpose: it is live at every
        step, and the full wrapped grammar (`voice_templates`) made the recognizer take minutes to build."""
        lead, tail = "[<voice_grammar_lead>] ", " [<voice_grammar_tail>]"
        out = [f"{lead}({t}){tail}" for family in FAMILIES for t in self.sentences.get(family, [])]
        # said-alone calls for help only: "i hurt myself again" was heard in "i hurt myself at the gym"
        return out + list(self.said_alone.get("danger", []))

    def voice_templates(self) -> list[str]:
        """Whole-utterance templates: every core with the words around it, and the said-alone ones
        (the most a whole-utterance grammar can cover; too big for a recognizer live at every step)."""
        lead = "".join(f"[<voice_{part}>] " for part in ("lead", "head") if f"voice_{part}" in self.rules)
        tail = " [<voice_tail>] [<voice_tail>]" if "voice_tail" in self.rules else ""
        out = [f"{lead}({t}){tail}" for family in FAMILIES for t in self.anywhere.get(family, [])]
        out += [t for family in FAMILIES for t in self.said_alone.get(family, [])]
        out += [f"{lead}({t})" for family in FAMILIES for t in self.sentences.get(family, [])]
        return out

    def samples(self, family: str, n: int) -> list[str]:
        """About n whole sentences of one family, spread over its templates (cores alone first)."""
        templates = self.anywhere.get(family, []) + self.said_alone.get(family, [])
        sizes = [tpl.count(t, self.rules) for t in templates]
        weight = sum(size ** 0.5 for size in sizes) or 1.0
        out: dict[str, None] = {}
        for template, size in zip(templates, sizes):
            share = min(size, max(2, round(n * size ** 0.5 / weight)))  # big templates get more, not all
            out.update(dict.fromkeys(_pick(template, self.rules, share)))
        return list(out)

    def alexa_samples(self, taken: set[str] = frozenset()) -> list[str]:
        """SafetyIntent sample utterances for the Alexa model: each family's share of sentences, some
        with the words people put around them, taken in turn from every family up to ALEXA_MAX_SAMPLES,
        none longer than Alexa accepts, none in `taken` (another intent's)."""
        lead = tpl.expand(self.lead) if self.lead else []
        tail = tpl.expand(self.tail) if self.tail else []
        per_family = []
        for family in FAMILIES:
            # whole sentences first, taken in turn from each of the family's `sentences`
            sentences = [x for x in _interleave([tpl.expand(t, self.rules) for t in self.sentences.get(family, [])])
                         if x not in taken]
            for k, sentence in enumerate(self.samples(family, self.sample_counts.get(family, 100))):
                if k % 5 == 1 and lead:
                    sentence = f"{lead[k % len(lead)]} {sentence}"
                elif k % 5 == 3 and tail:
                    sentence = f"{sentence} {tail[k % len(tail)]}"
                if len(sentence) <= ALEXA_MAX_CHARS and sentence not in taken:
                    sentences.append(sentence)
            per_family.append(sentences)
        out: dict[str, None] = {}
        for k in range(max(map(len, per_family), default=0)):
            for sentences in per_family:
                if k < len(sentences) and len(out) < ALEXA_MAX_SAMPLES:
                    out.setdefault(sentences[k])
        return list(out)

    def catalog_items(self) -> list[dict]:
        """For the catalog (skill/catalog.py `_extra_items`), rule names prefixed (`<safety_person>`):
        SafetyIntent with its detector (text), its grammar (the local recognizer), its samples (Alexa,
        drawn when first asked for) and a few plain templates (what the help line quotes); and
        RepeatNumberIntent ("the number again")."""
        rename = lambda text: _RULE_REF.sub(lambda m: f"<{RULE_PREFIX}{m.group(1)}>", text)  # noqa: E731
        rules = {RULE_PREFIX + name: rename(body) for name, body in self.rules.items()}
        safety = {"name": INTENT, "templates": list(ALONE_TEMPLATES), "samples": self.alexa_samples, "rules": rules,
                  "grammar": [rename(t) for t in self.grammar_templates()], "detect": self.slots_for}
        ask = self.number_again
        number = {"name": NUMBER_INTENT, "help": str(ask.get("help", "")),
                  "templates": [rename(t) for t in ask.get("templates") or []],
                  "rules": {RULE_PREFIX + k: rename(str(v)) for k, v in (ask.get("rules") or {}).items()}}
        return [safety, number] if number["templates"] else [safety]

    def slots_for(self, text: str) -> dict | None:
        """The catalog's detector: {"family": ...} for a disclosure, None otherwise."""
        family = self.detect(text)
        return {"family": family} if family else None


# Fillers around a said-alone disclosure ("um, i need help"), dropped from both ends before the
# whole-utterance check (cheaper than a skip-word matcher, and the cores need none).
FILLERS = {"um", "uh", "erm", "okay", "ok", "so", "please", "now", "just", "hey", "oh", "well", "like",
           "alexa", "closer", "together", "honestly", "actually", "really", "yeah", "and", "but", "look"}


def _without_fillers(words: list[str]) -> list[str]:
    start, end = 0, len(words)
    while start < end and words[start] in FILLERS:
        start += 1
    while end > start and words[end - 1] in FILLERS:
        if words[end - 1] == "now" and end - 2 >= start and words[end - 2] == "right":
            break  # "right now" is a time word the templates carry, not a filler ("he's outside the door right now")
        end -= 1
    return words[start:end] or words


def _interleave(lists: list[list[str]]) -> list[str]:
    """The first of every list, then the second of every list, ...: each list gets its turn."""
    out: dict[str, None] = {}
    for k in range(max(map(len, lists), default=0)):
        for items in lists:
            if k < len(items):
                out.setdefault(items[k])
    return list(out)


def _pick(template: str, rules: dict, n: int, seed: int = 11) -> list[str]:
    """n sentences of a template: random paths through its tree (stable for a seed), the simplest first.
    A template can stand for millions of sentences, so they are drawn, never all expanded."""
    import random

    rng = random.Random(f"{seed}|{template}")
    tree = _Tree(rules)
    node = tpl.parse(template)
    out: dict[str, None] = {" ".join(tree.walk(node, None)): None}
    for k in range(n * 4):  # every other one a common phrasing, the rest anywhere in the grammar
        if len(out) >= n:
            break
        out.setdefault(" ".join(tree.walk(node, rng, common=k % 2 == 0)))
    return list(out)[:n]


class _Index:
    """Templates found anywhere in a sentence. Each template is indexed by the words it can start and
    end with, and compiled (one Matcher each) only when a sentence first has a part that could be it:
    the whole grammar compiles in seconds, and most utterances ("next", "start a check in") need
    none of it."""

    def __init__(self, entries: list[tuple[str, str]], rules: dict, tree: "_Tree"):
        self.entries, self.rules = entries, rules
        self.by_first: dict[str, list[int]] = {}
        self.lasts: list[frozenset] = []
        self.longest: list[int] = []
        for k, (_, template) in enumerate(entries):
            node = tpl.parse(template)
            for word in tree.ends(node, first=True):
                self.by_first.setdefault(word, []).append(k)
            self.lasts.append(tree.ends(node, first=False))
            self.longest.append(tree.longest(node))
        self._compiled: dict[int, Matcher] = {}

    def _matcher(self, k: int) -> Matcher:
        if k not in self._compiled:
            self._compiled[k] = Matcher([self.entries[k]], self.rules)
        return self._compiled[k]

    def spans(self, words: list[str]) -> list[Found]:
        """Every part of the sentence (start, end) that a template covers whole."""
        found = []
        for i, word in enumerate(words):
            for k in self.by_first.get(word, ()):
                for j in range(i + 1, min(len(words), i + self.longest[k]) + 1):
                    if words[j - 1] in self.lasts[k]:
                        hit = self._matcher(k).match(" ".join(words[i:j]))
                        if hit:
                            found.append(Found(hit.intent, i, j, hit.template))
        return found


class _Tree:
    """Small walks over a parsed template (first and last words, longest path), rules inlined."""

    def __init__(self, rules: dict):
        self.rules = rules

    def _rule(self, name: str):
        if name not in self.rules:
            raise SafetyLanguageError(f"disclosures: unknown rule <{name}>")
        return tpl.parse(self.rules[name])

    @functools.lru_cache(maxsize=None)
    def ends(self, node, first: bool) -> frozenset:
        """Words that can stand first (or last) in node's sentences."""
        if isinstance(node, Word):
            return frozenset([node.text])
        if isinstance(node, Slot):
            return frozenset()
        if isinstance(node, RuleRef):
            return self.ends(self._rule(node.name), first)
        if isinstance(node, Alt):
            return frozenset().union(*(self.ends(o, first) for o in node.options))
        out: set = set()
        for item in (node.items if first else reversed(node.items)):
            out |= self.ends(item, first)
            if not self.optional(item):
                break
        return frozenset(out)

    @functools.lru_cache(maxsize=None)
    def optional(self, node) -> bool:
        if isinstance(node, (Word, Slot)):
            return False
        if isinstance(node, RuleRef):
            return self.optional(self._rule(node.name))
        if isinstance(node, Alt):
            return node.optional or any(self.optional(o) for o in node.options)
        return all(self.optional(i) for i in node.items)

    @functools.lru_cache(maxsize=None)
    def longest(self, node) -> int:
        if isinstance(node, (Word, Slot)):
            return 1
        if isinstance(node, RuleRef):
            return self.longest(self._rule(node.name))
        if isinstance(node, Alt):
            return max(self.longest(o) for o in node.options)
        return sum(self.longest(i) for i in node.items)

    def walk(self, node, rng, common: bool = False) -> list[str]:
        """One sentence of node: a random path (rng), or the shortest one (rng None). `common` favours
        the first alternatives, which the grammar lists first because people say them most."""
        if isinstance(node, Word):
            return [node.text]
        if isinstance(node, Slot):
            return ["{" + node.name + "}"]
        if isinstance(node, RuleRef):
            return self.walk(self._rule(node.name), rng, common)
        if isinstance(node, Alt):
            if node.optional and (rng is None or rng.random() < (0.85 if common else 0.7)):  # plainer sentences
                return []
            if rng is None:
                option = min(node.options, key=self.shortest)
            elif common:
                option = node.options[min(int(rng.expovariate(0.6)), len(node.options) - 1)]
            else:
                option = rng.choice(node.options)
            return self.walk(option, rng, common)
        return [w for item in node.items for w in self.walk(item, rng, common)]

    @functools.lru_cache(maxsize=None)
    def shortest(self, node) -> int:
        if isinstance(node, (Word, Slot)):
            return 1
        if isinstance(node, RuleRef):
            return self.shortest(self._rule(node.name))
        if isinstance(node, Alt):
            return 0 if node.optional else min(self.shortest(o) for o in node.options)
        return sum(self.shortest(i) for i in node.items)

    def __hash__(self) -> int:  # lru_cache on methods keys on self too
        return id(self)


@functools.lru_cache(maxsize=2)
def load(path: str | None = None) -> SafetyLanguage:
    """The disclosure grammar (cached: compiling it takes a moment)."""
    with open(path or DATA_PATH, encoding="utf-8") as handle:
        return SafetyLanguage(yaml.safe_load(handle))


def catalog_items() -> list[dict]:
    return load().catalog_items()


def detect(text: str) -> str | None:
    """The family of the disclosure in `text`, or None."""
    return load().detect(text)
