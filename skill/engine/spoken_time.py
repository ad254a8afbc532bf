"""A time of day as people say it ("seven thirty in the evening") or as Alexa resolves it ("19:30"),
and back into words for the ear. The words themselves come from prompts/system.
"""

from __future__ import annotations

import re

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def _number_table(words) -> dict[str, int]:
    table = {w.lower(): n for n, w in enumerate(words.numbers)}
    for i, tens in enumerate(words.tens):
        table[tens.lower()] = 20 + 10 * i
    return table


def weekday_index(words, said: str | None) -> int | None:
    """"sunday" -> 6 (Monday is 0, as Python counts), or None."""
    names = [w.lower() for w in words.weekdays]
    said = (said or "").strip().lower()
    return names.index(said) if said in names else None


def parse(said: str | None, words, phrases, part: str | None = None,
          assume_evening: bool = True) -> tuple[int, int] | None:
    """(hour 0-23, minute) or None. Without "morning" or "pm" a bare hour is taken as the evening
    (rituals are evening things), unless `part` (the slot "every morning at seven") says otherwise."""
    text = (said or "").strip().lower()
    found = _CLOCK.match(text)
    if found:
        hour, minute = int(found.group(1)), int(found.group(2))
        return (hour, minute) if hour < 24 and minute < 60 else None
    tokens = text.replace("'", " ").split()
    if set(tokens) & set(phrases.words("clock_noon_words")):
        return 12, 0
    if set(tokens) & set(phrases.words("clock_midnight_words")):
        return 0, 0
    numbers = _number_table(words)
    values = [numbers[t] for t in tokens if t in numbers]
    if not values or not 1 <= values[0] <= 12:
        return None
    hour, minute = values[0], sum(values[1:])
    if set(tokens) & set(phrases.words("clock_half_words")):
        minute = 30
    if minute >= 60:
        return None
    morning = set(tokens) & set(phrases.words("clock_before_noon_words")) or part in phrases.words("clock_before_noon_words")
    later = set(tokens) & set(phrases.words("clock_after_noon_words"))
    if hour == 12:
        hour = 0 if morning and not later else 12
    elif later or (not morning and assume_evening):
        hour += 12
    return hour, minute


def say(hour: int, minute: int, words, phrases) -> str:
    """"seven in the evening", "eight thirty at night", "noon"."""
    if (hour, minute) == (12, 0):
        return phrases.fragment("clock_noon")
    if (hour, minute) == (0, 0):
        return phrases.fragment("clock_midnight")
    twelve = hour % 12 or 12
    time = words.number(twelve)
    if minute:
        time += " " + (phrases.fragment("clock_oh", n=words.number(minute)) if minute < 10 else words.number(minute))
    part = "morning" if hour < 12 else "afternoon" if hour < 17 else "evening" if hour < 21 else "night"
    return phrases.fragment("clock_" + part, time=time)
