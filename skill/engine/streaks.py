"""How a couple is doing: sessions this week, all told, and days in a row, by their local calendar.

A day counts toward a streak when a session finished that day with someone answering; a
check-in whose every question was skipped does not count.
"""

from __future__ import annotations

import datetime as dt

from . import clock

WEEK = 7 * 86400


def entry_day(entry: dict, tz: str | None) -> str:
    return entry.get("day") or clock.day_of(float(entry.get("at") or 0), tz)


def counted(entry: dict) -> bool:
    return entry.get("answered", True) is not False  # older entries, kept before answers were tracked, count


def streak(history: list[dict], today: dt.date, tz: str | None) -> int:
    """Local days in a row, ending today or yesterday, with an answered session."""
    days = {dt.date.fromisoformat(entry_day(h, tz)) for h in history if counted(h)}
    day = today if today in days else today - dt.timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= dt.timedelta(days=1)
    return count


def summary(history: list[dict], now: float, tz: str | None) -> dict:
    answered = [h for h in history if counted(h)]
    week = sum(1 for h in answered if float(h.get("at") or 0) >= now - WEEK)
    return {"week": week, "total": len(answered), "streak": streak(history, clock.local(now, tz).date(), tz)}
