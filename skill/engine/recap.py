"""The weekly ritual tells the week: its opening speaks from the household's history.

How many sessions they had this week, the themes their questions came from, a question they
saved to come back to, and their streak (streaks.py: local days with an answered session).
Only ids and times are kept in memory, never what anyone said, so this is all it can know.
"""

from __future__ import annotations

from collections import Counter

from . import streaks, themes

THEMES_NAMED = 3  # the most visited themes heard, so the sentence stays short


def themes_this_week(turn) -> list[str]:
    since = turn.now - streaks.WEEK
    seen = Counter()
    for prompt_id, at in (turn.mem.get("used") or {}).items():
        question = turn.content.questions.get(prompt_id)
        if question is not None and question.source != "ladder" and at is not None and float(at) >= since:
            seen[question.theme] += 1
    return [themes.spoken(turn, theme) for theme, _ in seen.most_common(THEMES_NAMED)]


def saved_question(turn) -> str | None:
    """The question they saved most recently that still exists."""
    for prompt_id in reversed(turn.mem.get("saved") or []):
        question = turn.content.questions.get(prompt_id)
        if question is not None:
            return question.text
    return None


def tell_the_week(turn) -> None:
    found = streaks.summary(turn.mem.get("history") or [], turn.now, turn.tz)
    number = turn.words.number
    visited = themes_this_week(turn)
    if found["week"]:
        turn.say("recap_sessions", count=number(found["week"]), s="" if found["week"] == 1 else "s")
    if visited:
        turn.say("recap_themes", themes=turn.words.spoken_list(visited))
    if not found["week"] and not visited:
        turn.say("recap_first_this_week")
    saved = saved_question(turn)
    if saved:
        turn.say("recap_saved")
        turn.reply.text(saved)
    if found["streak"] >= 2:
        turn.say("recap_streak", days=number(found["streak"]))
    turn.beat()
