"""The intent catalog (skill/intents.yaml): what people can say, in one place.

Everything that needs phrasings derives them from here: the Alexa interaction model,
the local recognition grammar, the text-mode matcher and the spoken help.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).resolve().parent / "intents.yaml"

_SLOT = re.compile(r"\{(\w+)\}")
_NON_WORD = re.compile(r"[^a-z0-9' ]+")


def normalize(text: str) -> str:
    """Lowercase, straighten quotes, drop punctuation and extra spaces."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())


def _normalize_phrase(phrase: str) -> str:
    """Normalize a catalog phrase, keeping its {slot} markers as written."""
    parts = re.split(r"(\{\w+\})", str(phrase))
    return " ".join(p if _SLOT.fullmatch(p) else normalize(p) for p in parts if p.strip())


_LEADING_FILLERS = ("okay", "ok", "so", "um", "uh", "erm", "well", "alright", "all right", "right", "hey",
                    "closer together", "closer", "alexa", "and", "oh", "please", "can you", "could you",
                    "would you", "can we", "could we", "let's just", "just", "i think", "yeah", "yes")
_TRAILING_FILLERS = ("please", "thanks", "thank you", "now", "then", "okay", "ok", "closer", "for us")


def strip_fillers(said: str) -> str:
    """Drop words people put around a command ("okay closer, next one please")."""
    changed = True
    while changed and said:
        changed = False
        for word in _LEADING_FILLERS:
            if said.startswith(word + " "):
                said, changed = said[len(word) + 1:], True
        for word in _TRAILING_FILLERS:
            if said.endswith(" " + word):
                said, changed = said[: -len(word) - 1], True
    return said


@dataclass(frozen=True)
class Intent:
    name: str
    phrases: tuple[str, ...]
    help: str = ""
    slots: dict = field(default_factory=dict)
    always: bool = False
    contains: tuple[str, ...] = ()
    over_talk: bool = True  # heard by the local recognizer while the partners talk

    @property
    def builtin(self) -> bool:
        return self.name.startswith("AMAZON.")


@dataclass(frozen=True)
class Match:
    intent: str
    slots: dict
    score: float
    phrase: str


BARE_WORDS = {"the", "please"}  # a phrasing of only these and slots is "bare"
_NAME_LEAD = ("the ", "a ", "our ")
_NAME_TAIL = (" exercise", " one")


def name_forms(said: str) -> list[str]:
    """A spoken name as said, without its lead word, and without its tail word too:
    "the memory lane exercise" -> ["the memory lane exercise", "memory lane exercise", "memory lane"]."""
    forms = [said]
    for lead in _NAME_LEAD:
        if said.startswith(lead):
            said = said[len(lead):]
            forms.append(said)
            break
    for tail in _NAME_TAIL:
        if said.endswith(tail):
            forms.append(said[: -len(tail)])
            break
    return forms


def _same_words(said: str, phrase: str, word_cutoff: float = 0.7) -> bool:
    """A close match by characters must also be one by words: at most one word added or dropped, and
    every changed word a near spelling of its counterpart ("nex" for "next"), never another word
    ("i am not sure" is not "i am not safe")."""
    a, b = said.split(), phrase.split()
    changed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            if any(difflib.SequenceMatcher(None, x, y).ratio() < word_cutoff for x, y in zip(a[i1:i2], b[j1:j2])):
                return False
            continue
        changed += max(i2 - i1, j2 - j1)
    return changed <= 1


class Catalog:
    """The loaded catalog, with the text matcher and grammar helpers."""

    def __init__(self, data: dict, slot_values: dict[str, list[str]] | None = None):
        self.types: dict = data.get("types") or {}
        self.intents: list[Intent] = [
            Intent(
                name=item["name"],
                phrases=tuple(_normalize_phrase(p) for p in item.get("phrases") or []),
                help=item.get("help", ""),
                slots=dict(item.get("slots") or {}),
                always=bool(item.get("always", False)),
                contains=tuple(normalize(p) for p in item.get("contains") or []),
                over_talk=bool(item.get("over_talk", True)),
            )
            for item in data["intents"]
        ]
        self.by_name = {i.name: i for i in self.intents}
        self.slot_values: dict[str, list[str]] = {
            name: [normalize(v) for v in spec.get("values", [])] for name, spec in self.types.items()
        }
        for name, values in (slot_values or {}).items():
            self.slot_values[name] = [normalize(v) for v in values]
        self._exact: dict[str, str] = {}
        self._patterns: list[tuple[re.Pattern, Intent, str]] = []
        self._bare: set[str] = set()
        for intent in self.intents:
            for phrase in intent.phrases:
                if "{" in phrase:
                    regex = "^" + _SLOT.sub(lambda m: f"(?P<{m.group(1)}>[a-z' ]+?)", re.escape(phrase).replace(r"\{", "{").replace(r"\}", "}")) + "$"
                    self._patterns.append((re.compile(regex), intent, phrase))
                    if set(_SLOT.sub(" ", phrase).split()) <= BARE_WORDS:
                        self._bare.add(phrase)  # "{exercise}", "the {exercise}": the value must be a known one
                else:
                    self._exact.setdefault(phrase, intent.name)

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.intents]

    @property
    def always_live(self) -> list[str]:
        return [i.name for i in self.intents if i.always]

    @property
    def not_over_talk(self) -> list[str]:
        """Intents the local recognizer leaves out while the partners talk."""
        return [i.name for i in self.intents if not i.over_talk]

    def expand(self, intent_name: str, slot_samples: dict[str, list[str]] | None = None) -> list[str]:
        """Every concrete phrase for an intent, slots filled with known values (or samples)."""
        intent = self.by_name[intent_name]
        out: list[str] = []
        for phrase in intent.phrases:
            if "{" not in phrase:
                out.append(phrase)
                continue
            variants = [phrase]
            for slot, slot_type in intent.slots.items():
                values = (slot_samples or {}).get(slot) or self.slot_values.get(slot_type) or []
                variants = [v.replace("{" + slot + "}", value) for v in variants for value in values]
            out.extend(v for v in variants if "{" not in v)
        return out

    def match(self, text: str, allowed: list[str] | None = None, cutoff: float = 0.84) -> Match | None:
        """Match typed or recognized text to an intent: exact phrasings first, then slot patterns, then
        close variants; then the same again without filler words ("okay, next please")."""
        said = normalize(text)
        if not said:
            return None
        found = self._match(said, allowed, cutoff)
        if found is None:
            bare = strip_fillers(said)
            if bare and bare != said:
                found = self._match(bare, allowed, cutoff)
        return found

    def _match(self, said: str, allowed: list[str] | None, cutoff: float) -> Match | None:
        live = set(allowed) | set(self.always_live) if allowed is not None else None

        def ok(name: str) -> bool:
            return live is None or name in live

        name = self._exact.get(said)
        if name and ok(name):
            return Match(name, {}, 1.0, said)
        padded = f" {said} "
        for intent in self.intents:
            for key in intent.contains:
                if f" {key} " in padded and ok(intent.name):
                    return Match(intent.name, {}, 1.0, key)
        for regex, intent, phrase in self._patterns:
            if not ok(intent.name):
                continue
            found = regex.match(said)
            if found:
                slots = {k: v.strip() for k, v in found.groupdict().items()}
                if phrase in self._bare and not self._known_values(intent, slots):
                    continue  # a bare slot phrasing would take any words at all
                return Match(intent.name, slots, 1.0, phrase)
        candidates = {p: n for p, n in self._exact.items() if ok(n)}
        for intent in self.intents:  # slot phrases expanded with known values
            if ok(intent.name) and intent.slots and all(t in self.slot_values for t in intent.slots.values()):
                for phrase in self.expand(intent.name):
                    candidates.setdefault(phrase, intent.name)
        best = [p for p in difflib.get_close_matches(said, list(candidates), n=3, cutoff=cutoff) if _same_words(said, p)]
        if best:
            phrase = best[0]
            score = difflib.SequenceMatcher(None, said, phrase).ratio()
            slots = {}
            intent = self.by_name[candidates[phrase]]
            if intent.slots:
                slots = self._slots_from_expanded(intent, phrase)
            return Match(intent.name, slots, round(score, 3), phrase)
        return None

    def _known_values(self, intent: Intent, slots: dict) -> bool:
        """Every slot value is close to a known value of its type (a type without values knows none)."""
        for slot, value in slots.items():
            known = self.slot_values.get(intent.slots.get(slot, ""))
            if not known:
                return False
            if not any(difflib.get_close_matches(form, known, n=1, cutoff=0.8) for form in name_forms(value)):
                return False
        return True

    def _slots_from_expanded(self, intent: Intent, phrase: str) -> dict:
        for regex, pattern_intent, _ in self._patterns:
            if pattern_intent is intent:
                found = regex.match(phrase)
                if found:
                    return {k: v.strip() for k, v in found.groupdict().items()}
        return {}

    def help_lines(self, allowed: list[str]) -> list[str]:
        """Short spoken help lines for the intents live now, without repeats."""
        seen: list[str] = []
        for name in allowed:
            intent = self.by_name.get(name)
            if intent and intent.help and intent.help not in seen:
                seen.append(intent.help)
        return seen


@functools.lru_cache(maxsize=4)
def _load_raw(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_catalog(exercise_names: list[str] | None = None, path: Path | None = None) -> Catalog:
    """Load the catalog; exercise names (from content) become the EXERCISE_NAME slot values."""
    raw = _load_raw(str(path or CATALOG_PATH))
    values = {"EXERCISE_NAME": list(exercise_names or [])}
    return Catalog(raw, values)
