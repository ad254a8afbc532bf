"""The pocketsphinx pronouncing dictionary of the command words only: their pronunciations from
the full dictionary, words missing from it, British, Scottish and Caribbean variants, and one
garbage word per phone for the check decode."""

from __future__ import annotations

import logging
from pathlib import Path

from .commands import CommandSet

log = logging.getLogger(__name__)

PHONES = (
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH"
).split()
VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
GARBAGE_PREFIX = "zzgarbage"
# Words whose AH is usually the unstressed schwa, not the STRUT vowel (see british_variant).
_WEAK_WORDS = frozenset("a and does from of the us what what's".split())


def garbage_words() -> list[str]:
    return [f"{GARBAGE_PREFIX}{p.lower()}" for p in PHONES]


def _command_words(commands: CommandSet) -> set[str]:
    return commands.vocabulary()


def _read(path: str | Path, wanted: set[str]) -> dict[str, list[str]]:
    """The pronunciations of the wanted words in a CMU-style dictionary ("word(2) P H ..." for variants)."""
    found: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, _, pron = line.strip().partition(" ")
            base = word.split("(", 1)[0] if word.endswith(")") else word
            if base in wanted and pron.strip():
                found.setdefault(base, []).append(" ".join(pron.split()))
    return found


def command_dictionary(commands: CommandSet, full: str | Path, garbage: bool = True) -> tuple[str, set[str]]:
    """A small pronouncing dictionary of only the words the commands use, and those words.

    The decoder sizes its per-word search tables by its dictionary, so with the full one
    (134,000 words) every search cost about 18 MB and seconds to build; with only the command
    words a search is small and quick, and every step's can be built at start-up. Words
    missing from the full dictionary are added when they are plurals or compounds of known
    words; British variants are added for command words (see `british_variant`)."""
    words = _command_words(commands) | {w for vals in commands.values.values() for v in vals for w in v.split()}
    # One pass over the big dictionary: the words and every piece a missing word could be made of.
    parts = {w[:-1] for w in words} | {w[:cut] for w in words for cut in range(2, len(w) - 1)} \
        | {w[cut:] for w in words for cut in range(2, len(w) - 1)}
    everything = _read(full, words | parts)
    prons = {w: p for w, p in everything.items() if w in words}
    missing = sorted(words - set(prons))
    known_parts = everything
    first = lambda w: (known_parts.get(w) or [None])[0]  # noqa: E731
    for word in missing:
        if word.endswith("s") and first(word[:-1]):
            prons[word] = [first(word[:-1]) + " Z"]
            continue
        for cut in range(2, len(word) - 1):
            a, b = first(word[:cut]), first(word[cut:])
            if a and b:
                prons[word] = [f"{a} {b}"]
                break
    unknown = len(words) - len(prons)
    if unknown:
        log.info("pocketsphinx: %d catalog word(s) not pronounceable, their phrases are left out", unknown)
    for word in sorted(_command_words(commands) & set(prons)):
        variant = british_variant(word, prons[word][0].split())
        if variant is not None:
            prons[word].append(variant)
    lines = []
    for word in sorted(prons):
        for n, pron in enumerate(prons[word]):
            lines.append(f"{word} {pron}" if n == 0 else f"{word}({n + 1}) {pron}")
    if garbage:
        lines += [f"{GARBAGE_PREFIX}{p.lower()} {p}" for p in PHONES]
    return "\n".join(lines) + "\n", set(prons)


def british_variant(word: str, phones: list[str]) -> str | None:
    """A second pronunciation for what British, Scottish and Caribbean English say unlike the
    model's American dictionary (slot values are left as they are), or None.

    - LOT (AA, not before R): the rounded British one (AO), as in "stop" said st-o-p. A
      British "stop" was heard as "help" (espeak-ng's en+f3 voice).
    - R after a vowel, before a consonant or at the end, is not said ("start" as st-aa-t;
      a final ER as AH): "start a check in" was heard as "stop a check in".
    - STRUT (AH) in a one-syllable content word: the open one (AA). "I'm done" in British,
      Scottish and Caribbean voices was heard as "move on" or "hold on" (9 of 30 clips in
      15 espeak-ng voices missed; 2 of 30 with this)."""
    # AA before R is the START vowel ("start", "partner"), long in British English too: left alone.
    lot = [i for i, ph in enumerate(phones) if ph == "AA" and (i + 1 == len(phones) or phones[i + 1] != "R")]
    strut = [ph for ph in phones if ph in VOWELS] == ["AH"] and word not in _WEAK_WORDS
    alternate = [("AO" if i in lot else "AA" if strut and ph == "AH" else ph) for i, ph in enumerate(phones)]
    alternate = non_rhotic(alternate)
    return " ".join(alternate) if alternate != phones else None


def non_rhotic(phones: list[str]) -> list[str]:
    """British-style pronunciation: R after AA/AO before a consonant or at the end dropped, a final ER as AH."""
    out = []
    for i, ph in enumerate(phones):
        after = phones[i + 1] if i + 1 < len(phones) else None
        if ph == "R" and out and out[-1] in ("AA", "AO") and (after is None or after not in VOWELS):
            continue
        out.append("AH" if ph == "ER" and after is None and i > 0 else ph)
    return out
