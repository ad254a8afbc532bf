"""Spoken phrases from prompts/system: variant choice, placeholders and names."""

from __future__ import annotations

import random
import re

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                "nineteen", "twenty"]
TENS = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty", 6: "sixty", 7: "seventy", 8: "eighty", 9: "ninety"}
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth"]


def number(n: int) -> str:
    """A whole number below a thousand in words, for the ear."""
    n = int(n)
    if n < 0:
        return "minus " + number(-n)
    if n <= 20:
        return NUMBER_WORDS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return TENS[tens] + ("" if unit == 0 else " " + NUMBER_WORDS[unit])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return NUMBER_WORDS[hundreds] + " hundred" + ("" if rest == 0 else " and " + number(rest))
    return str(n)


def ordinal(n: int) -> str:
    """1 -> first, up to twelfth, then "number N"."""
    return ORDINALS[n - 1] if 1 <= n <= len(ORDINALS) else "number " + number(n)


def duration(seconds: float) -> str:
    """Seconds as a spoken duration, rounded the way people say it."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        value = max(5, int(round(seconds / 5.0)) * 5) if seconds >= 5 else seconds
        return f"{number(value)} second" + ("" if value == 1 else "s")
    minutes, rest = divmod(seconds, 60)
    if rest >= 45:
        minutes, rest = minutes + 1, 0
    text = f"{number(minutes)} minute" + ("" if minutes == 1 else "s")
    if 15 <= rest < 45:
        text = ("a minute and a half" if minutes == 1 else f"{number(minutes)} and a half minutes")
    return text


def partner_names(names: list[str] | None, first: int) -> dict[str, str]:
    """The {a} and {b} placeholders for an activity: names when known."""
    if names and len(names) == 2 and all(names):
        a, b = names[first % 2], names[1 - first % 2]
        return {"a": a.title(), "b": b.title()}
    return {"a": "partner one", "b": "partner two"} if first % 2 == 0 else {"a": "partner two", "b": "partner one"}


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {placeholders}; a missing value leaves the word out rather than a brace."""
    if "{" not in template:
        return template  # nothing to fill (the common case for system phrases)
    text = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)
    text = " ".join(text.split())
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
