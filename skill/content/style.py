"""Style rules for the ear, applied to every string in prompts/ whatever its schema."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .findings import ERROR, WARNING, Finding
from .scalars import Scalar, all_strings
from .sentences import sentences, words

MAX_WORDS = 25
TARGET_AVERAGE = 15
AVERAGE_WARN = 18  # a file or the whole library averaging above this gets a warning

# Values under these keys are identifiers, not speech: only checked for plain ASCII.
IDENT_KEYS = {"kind", "id", "theme", "contexts", "speaker", "wait", "cadence", "locale"}
# Labels are spoken but are not sentences: left out of sentence-length statistics.
LABEL_KEYS = {"title", "names", "name", "spoken"}
DIGITS_OK_KEYS = {"number"}
SKIP_STOP_KINDS = {"exercise", "ritual", "ladder"}
# Question text is spoken by the device to both partners, so "I" or "me" sounds like the device itself.
QUESTION_KINDS = {"deck", "ladder"}
QUESTION_KEY = "text"

_PLACEHOLDER = re.compile(r"\{[ab]\}")
_ENGINE_SLOT = re.compile(r"\{[a-z][a-z0-9_]*\}")  # phrases files: slots the engine fills
_SYMBOLS = re.compile(r"[()/\\&%#@*+=<>~^|_\[\]{}]")
_ASCII_DASH = re.compile(r"(?:^|\s)-+(?=\s|$)|--")
_DIGIT = re.compile(r"\d")
_URL = re.compile(r"https?:|www\.|\b[a-z0-9-]+\.(?:com|org|net|gov|edu|io|us|app)\b", re.I)
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|mr|mrs|ms|dr|jr|sr|approx|[ap]\.m)\b\.?", re.I)
_GENDERED = re.compile(
    r"\b(?:he|she|him|her|his|hers|himself|herself|husbands?|wife|wives|boyfriends?|girlfriends?)\b", re.I)
_PUSHY = re.compile(r"\b(?:must|should|have to|has to)\b", re.I)
_NEGATED = re.compile(r"(?:n't|\bnot|\bnever|\bno one|\bnobody|\bnothing)\s+$", re.I)
_ASKING = re.compile(r"\s+(?:we|i)\b", re.I)  # "should we", "should I": a question, not a push
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|mine|myself|we|us|our|ours|ourselves)\b", re.I)  # "we" = the device and the couple
# Quoted patterns a partner is invited to use: "a sentence that begins with I feel", "I statements".
_FIRST_PERSON_OK = re.compile(r"\bI (?:feel|need|statements?)\b")
_SKIP = re.compile(r"\b(?:skip|next)\b", re.I)
_STOP = re.compile(r"\bstop\b", re.I)


@dataclass
class Stats:
    """Sentence statistics over prose strings."""

    sentences: int = 0
    words: int = 0
    longest: int = 0
    by_file: dict = field(default_factory=dict)  # path -> [sentences, words]

    def add(self, path: str, count: int) -> None:
        """Count one sentence of `count` words."""
        self.sentences += 1
        self.words += count
        self.longest = max(self.longest, count)
        entry = self.by_file.setdefault(path, [0, 0])
        entry[0] += 1
        entry[1] += count

    @property
    def average(self) -> float:
        """Average words per sentence."""
        return round(self.words / self.sentences, 1) if self.sentences else 0.0

    def as_dict(self) -> dict:
        """JSON-ready form."""
        return {
            "sentences": self.sentences,
            "words": self.words,
            "average_sentence_length": self.average,
            "longest_sentence": self.longest,
            "max_sentence_length": MAX_WORDS,
            "target_average": TARGET_AVERAGE,
            "average_by_file": {p: round(w / s, 1) for p, (s, w) in sorted(self.by_file.items())},
        }


def check_style(root: Path) -> tuple[list[Finding], Stats]:
    """Apply every style rule to every string under root."""
    findings: list[Finding] = []
    stats = Stats()
    for scalar in all_strings(root):
        findings.extend(check_string(scalar, stats))
    findings.extend(_average_findings(stats))
    return findings, stats


def check_string(s: Scalar, stats: Stats | None = None) -> list[Finding]:
    """Every finding for one string; counts its sentences into stats."""
    found: list[Finding] = []

    def report(severity: str, rule: str, message: str) -> None:
        """Record one finding for this string."""
        found.append(Finding(severity, s.path, s.line, rule, f"{s.key or 'text'}: {message}"))

    _check_characters(s, report)
    if s.key in IDENT_KEYS:
        return found
    _check_words(s, report)
    if s.kind in QUESTION_KINDS and s.key == QUESTION_KEY:
        _check_first_person(s, report)
    for sentence in sentences(s.text):
        count = len(words(sentence))
        if count > MAX_WORDS:
            report(ERROR, "sentence-length", f"{count} words, at most {MAX_WORDS}: {_clip(sentence)}")
        if stats is not None and s.key not in LABEL_KEYS:
            stats.add(s.path, count)
    if s.top and s.key == "intro" and s.kind in SKIP_STOP_KINDS:
        if not _SKIP.search(s.text):
            report(ERROR, "skip-stop", "the intro must say how to skip, with the word skip or next")
        if not _STOP.search(s.text):
            report(ERROR, "skip-stop", "the intro must say how to stop, with the word stop")
    return found


def _check_characters(s: Scalar, report) -> None:
    """Non-ASCII characters, symbols, dashes and digits."""
    for char in dict.fromkeys(c for c in s.text if ord(c) > 127):
        report(ERROR, "non-ascii", f"{_describe(char)} {unicodedata.name(char, hex(ord(char)))!s}")
    text = _PLACEHOLDER.sub("", s.text)
    if s.kind == "phrases":
        text = _ENGINE_SLOT.sub("", text)
    for char in dict.fromkeys(_SYMBOLS.findall(text)):
        report(ERROR, "symbol", f"symbol {char!r} is not spoken well")
    if _ASCII_DASH.search(text):
        report(ERROR, "dash", "a dash; use a comma or a full stop")
    if s.key not in DIGITS_OK_KEYS and _DIGIT.search(text) and s.key not in IDENT_KEYS:
        report(ERROR, "digits", "digits; write numbers as words")


def _check_words(s: Scalar, report) -> None:
    """URLs, abbreviations, gendered words and pushy words."""
    if _URL.search(s.text):
        report(ERROR, "url", "a web address is not spoken well")
    for match in dict.fromkeys(m.group(0) for m in _ABBREVIATION.finditer(s.text)):
        report(ERROR, "abbreviation", f"abbreviation {match!r}; write it out")
    for word in dict.fromkeys(m.group(0) for m in _GENDERED.finditer(s.text)):
        report(ERROR, "gendered", f"gendered word {word!r}; use your partner, they or them")
    for m in _PUSHY.finditer(s.text):
        if not _NEGATED.search(s.text[: m.start()]) and not _ASKING.match(s.text, m.end()):
            report(WARNING, "pushy", f"{m.group(0)!r} sounds pushy; try if you like or when you are ready")


def _check_first_person(s: Scalar, report) -> None:
    """First-person words in a question: the device speaks it, so "I" sounds like the device and "we"
    counts the device in with the couple."""
    text = _FIRST_PERSON_OK.sub(" ", s.text)
    for word in dict.fromkeys(m.group(0) for m in _FIRST_PERSON.finditer(text)):
        report(ERROR, "first-person", f"first-person word {word!r}; the device asks this, "
                                      "so use your partner, each other or the two of you")


def _average_findings(stats: Stats) -> list[Finding]:
    """Warnings for files, and the whole library, averaging long sentences."""
    found = []
    for path, (count, total) in sorted(stats.by_file.items()):
        if count and total / count > AVERAGE_WARN:
            found.append(Finding(WARNING, path, 0, "average-length",
                                 f"sentences average {total / count:.1f} words; aim for about {TARGET_AVERAGE}"))
    if stats.sentences and stats.average > AVERAGE_WARN:
        found.append(Finding(WARNING, "prompts", 0, "average-length",
                             f"all sentences average {stats.average} words; aim for about {TARGET_AVERAGE}"))
    return found


def _describe(char: str) -> str:
    """What kind of non-ASCII character this is, for the message."""
    if char in "\u2018\u2019\u201c\u201d":
        return "curly quote"
    if unicodedata.category(char) == "Pd":
        return "dash"
    if unicodedata.category(char) == "So" or ord(char) >= 0x1F000:
        return "emoji or symbol"
    return "non-ASCII character"


def _clip(sentence: str, limit: int = 60) -> str:
    """A sentence shortened for a message."""
    return sentence if len(sentence) <= limit else sentence[: limit - 3].rstrip() + "..."
