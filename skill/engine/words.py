"""Spoken phrases and words from prompts/system: variants, placeholders, numbers, names, lists.

No English is written here: number words, ordinals, weekdays, partner labels and the
connectors of lists and pairs are all entries of the locale's phrases file.
"""

from __future__ import annotations

import random
import re

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


def fill(template: str, values: dict[str, str], sentence: bool = True) -> str:
    """Replace {placeholders}; a missing value leaves the word out rather than a brace.

    A sentence gets capitals where its sentences start; a fragment ("thirty seconds") does not."""
    if "{" not in template:
        return template  # nothing to fill (the common case for system phrases)
    text = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)
    text = " ".join(text.split())
    if not sentence:
        return text
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


class Phrases:
    """Looks up system phrases for a locale and picks a variant deterministically."""

    def __init__(self, table: dict[str, tuple[str, ...]]):
        self.table = table

    def has(self, key: str) -> bool:
        return key in self.table

    def get(self, key: str, rng: random.Random | None = None, **values) -> str:
        variants = self.table.get(key)
        if not variants:
            raise KeyError(f"no phrase {key!r} in prompts/system")
        choice = variants[0] if rng is None or len(variants) == 1 else rng.choice(list(variants))
        return fill(choice, values)

    def fragment(self, key: str, **values) -> str:
        """A piece that sits inside a sentence: the first variant, filled, no capitals added."""
        variants = self.table.get(key)
        if not variants:
            raise KeyError(f"no phrase {key!r} in prompts/system")
        return fill(variants[0], values, sentence=False)

    def words(self, key: str) -> list[str]:
        """A space-separated word list (number_words, weekday_words, ...)."""
        return self.get(key).split()


class Words:
    """Numbers, ordinals, durations, names and lists in the locale's words."""

    def __init__(self, phrases: Phrases):
        self.phrases = phrases
        self.numbers = phrases.words("number_words")      # zero .. twenty
        self.tens = phrases.words("tens_words")           # twenty .. ninety
        self.ordinals = phrases.words("ordinal_words")    # first .. twentieth
        self.weekdays = phrases.words("weekday_words")    # Monday .. Sunday

    def number(self, n: int) -> str:
        """A whole number below a thousand in words, for the ear."""
        n = int(n)
        if n < 0:
            return self.phrases.fragment("number_minus", n=self.number(-n))
        if n < len(self.numbers):
            return self.numbers[n]
        if n < 100:
            tens, unit = divmod(n, 10)
            word = self.tens[tens - 2]
            return word if unit == 0 else self.phrases.fragment("number_tens_unit", tens=word, unit=self.numbers[unit])
        if n < 1000:
            hundreds, rest = divmod(n, 100)
            word = self.phrases.fragment("number_hundreds", n=self.numbers[hundreds])
            return word if rest == 0 else self.phrases.fragment("number_and", big=word, small=self.number(rest))
        return str(n)

    def ordinal(self, n: int) -> str | None:
        """1 -> first, as far as the locale lists ordinals; None beyond."""
        return self.ordinals[n - 1] if 1 <= n <= len(self.ordinals) else None

    def duration(self, seconds: float) -> str:
        """Seconds as a spoken duration, rounded the way people say it."""
        seconds = max(0, int(round(seconds)))
        get = self.phrases.fragment
        if seconds < 60:
            value = max(5, int(round(seconds / 5.0)) * 5) if seconds >= 5 else seconds
            return get("duration_second" if value == 1 else "duration_seconds", n=self.number(value))
        minutes, rest = divmod(seconds, 60)
        if rest >= 45:
            minutes, rest = minutes + 1, 0
        if 15 <= rest < 45:
            return get("duration_minute_half") if minutes == 1 else get("duration_minutes_half", n=self.number(minutes))
        return get("duration_minute" if minutes == 1 else "duration_minutes", n=self.number(minutes))

    def weekday(self, index: int) -> str:
        return self.weekdays[index % 7]

    def partners(self, names: list[str] | None, first: int) -> dict[str, str]:
        """The {a} and {b} placeholders for an activity: names when known, else the partner labels."""
        if names and len(names) == 2 and all(names):
            a, b = names[first % 2], names[1 - first % 2]
            return {"a": a.title(), "b": b.title()}
        one, two = self.phrases.fragment("partner_one"), self.phrases.fragment("partner_two")
        return {"a": one, "b": two} if first % 2 == 0 else {"a": two, "b": one}

    def pair(self, names: list[str] | None) -> str:
        return self.phrases.fragment("pair", a=names[0].title(), b=names[1].title()) if names else ""

    def spoken_list(self, items: list[str]) -> str:
        if len(items) < 2:
            return "".join(items)
        return self.phrases.fragment("list_last", rest=", ".join(items[:-1]), last=items[-1])
