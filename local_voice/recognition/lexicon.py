"""Pronunciations for the pocketsphinx dictionary: garbage phones for the check decode, words
missing from the dictionary, and British, Scottish and Caribbean variants of command words."""

from __future__ import annotations

import logging

from .commands import SLOT, CommandSet

log = logging.getLogger(__name__)

PHONES = (
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH"
).split()
VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
GARBAGE_PREFIX = "zzgarbage"
# Words whose AH is usually the unstressed schwa, not the STRUT vowel (see add_british_pronunciations).
_WEAK_WORDS = frozenset("a and does from of the us what what's".split())


def garbage_words() -> list[str]:
    return [f"{GARBAGE_PREFIX}{p.lower()}" for p in PHONES]


def add_garbage_words(decoder) -> None:
    """One word per phone: the check decode's loop for sounds that are no command word."""
    for i, phone in enumerate(PHONES):
        decoder.add_word(f"{GARBAGE_PREFIX}{phone.lower()}", phone, update=(i == len(PHONES) - 1))


def _command_words(commands: CommandSet) -> set[str]:
    return {w for items in commands.phrases.values() for p in items for w in p.words if not SLOT.fullmatch(w)}


def add_british_pronunciations(commands: CommandSet, decoder) -> None:
    """Second pronunciations for what British, Scottish and Caribbean English say unlike the
    model's American dictionary; slot values are left as they are.

    - LOT (AA, not before R): the rounded British one (AO), as in "stop" said st-o-p. A
      British "stop" was heard as "help" (espeak-ng's en+f3 voice).
    - R after a vowel, before a consonant or at the end, is not said ("start" as st-aa-t;
      a final ER as AH): "start a check in" was heard as "stop a check in".
    - STRUT (AH) in a one-syllable content word: the open one (AA). "I'm done" in British,
      Scottish and Caribbean voices was heard as "move on" or "hold on" (9 of 30 clips in
      15 espeak-ng voices missed; 2 of 30 with this)."""
    words = _command_words(commands)
    variants = {}
    for word in sorted(words):
        phones = (decoder.lookup_word(word) or "").split()
        # AA before R is the START vowel ("start", "partner"), long in British English too: left alone.
        lot = [i for i, ph in enumerate(phones) if ph == "AA" and (i + 1 == len(phones) or phones[i + 1] != "R")]
        strut = [ph for ph in phones if ph in VOWELS] == ["AH"] and word not in _WEAK_WORDS
        alternate = [("AO" if i in lot else "AA" if strut and ph == "AH" else ph) for i, ph in enumerate(phones)]
        alternate = non_rhotic(alternate)
        if alternate != phones:
            n = 2
            while decoder.lookup_word(f"{word}({n})") is not None:
                n += 1
            variants[f"{word}({n})"] = " ".join(alternate)
    for i, (word, pron) in enumerate(variants.items()):
        decoder.add_word(word, pron, update=(i == len(variants) - 1))


def make_pronounceable(commands: CommandSet, decoder):
    """Add words missing from the dictionary when they are plurals or compounds of known words."""
    words = _command_words(commands)
    words |= {w for vals in commands.values.values() for v in vals for w in v.split()}
    lookup = decoder.lookup_word
    missing = sorted(w for w in words if lookup(w) is None)
    prons: dict[str, str] = {}
    for word in missing:
        if word.endswith("s") and lookup(word[:-1]):
            prons[word] = lookup(word[:-1]) + " Z"
            continue
        for cut in range(2, len(word) - 1):
            a, b = lookup(word[:cut]), lookup(word[cut:])
            if a and b:
                prons[word] = f"{a} {b}"
                break
    added = list(prons)
    for i, word in enumerate(added):
        decoder.add_word(word, prons[word], update=(i == len(added) - 1))
    unknown = len(missing) - len(added)
    if unknown:
        log.info("pocketsphinx: %d catalog word(s) not pronounceable, their phrases are left out", unknown)
    return lambda w: lookup(w) is not None


def non_rhotic(phones: list[str]) -> list[str]:
    """British-style pronunciation: R after AA/AO before a consonant or at the end dropped, a final ER as AH."""
    out = []
    for i, ph in enumerate(phones):
        after = phones[i + 1] if i + 1 < len(phones) else None
        if ph == "R" and out and out[-1] in ("AA", "AO") and (after is None or after not in VOWELS):
            continue
        out.append("AH" if ph == "ER" and after is None and i > 0 else ph)
    return out
