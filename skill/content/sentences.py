"""Split spoken text into sentences and words, the way the style rules count them."""

from __future__ import annotations

import re

_END = re.compile(r"[.!?]+(?=\s|$)")
_WORD = re.compile(r"[A-Za-z0-9{}]")


def sentences(text: str) -> list[str]:
    """The sentences of text, split after . ! or ?; empty pieces dropped."""
    return [s.strip() for s in _END.split(text) if words(s)]


def words(sentence: str) -> list[str]:
    """The words of a sentence: whitespace-separated tokens holding a letter, digit or placeholder."""
    return [w for w in sentence.split() if _WORD.search(w)]
