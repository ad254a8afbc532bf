"""Local time from an event: the couple's hour and calendar day, not the server's.

An event may carry "tz" (an IANA name such as "America/New_York") with "now" (epoch seconds);
without a known tz the clock is UTC.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .settings import Settings


@functools.lru_cache(maxsize=32)
def _zone(name: str | None):
    if not name:
        return dt.timezone.utc
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def local(now: float, tz: str | None) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(now or 0.0), _zone(tz))


def day_of(now: float, tz: str | None) -> str:
    """The local calendar date, "YYYY-MM-DD"."""
    return local(now, tz).date().isoformat()


def evening_of(moment: dt.datetime, settings: Settings) -> dt.date:
    """The day a moment belongs to as people speak of it: 00:30 is still "tonight", part of the evening before."""
    return (moment - dt.timedelta(hours=settings.morning_from)).date()


def part_of_day(hour: int, settings: Settings) -> str:
    """morning | afternoon | evening | night, from the local hour."""
    if settings.morning_from <= hour < settings.afternoon_from:
        return "morning"
    if settings.afternoon_from <= hour < settings.evening_from:
        return "afternoon"
    if settings.evening_from <= hour < settings.night_from:
        return "evening"
    return "night"


def _within(hour: int, span: tuple[int, int]) -> bool:
    start, end = span
    return start <= hour < end if start < end else (hour >= start or hour < end)


def context_for_hour(hour: int, settings: Settings) -> str:
    """Which questions suit the hour: dinner in the early evening, bedtime late."""
    if _within(hour, settings.dinner_hours):
        return "dinner"
    if _within(hour, settings.bedtime_hours):
        return "bedtime"
    return "any"
