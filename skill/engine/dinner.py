"""Dinner mode: questions for a meal, one at a time, for as long as the meal lasts.

A dinner run is open-ended: "next" (or both partners done) draws another dinner question, so
it never runs out and never finishes by itself. The couple talks and eats at their own pace:
no reprompt is ever set while a dinner question is out (listening.py), so "are you still
there?" never interrupts a meal. "Stop" keeps their place, and the next launch offers it back.
"""

from __future__ import annotations

from . import themes
from .select import draw

KIND = "dinner"
CONTEXT = "dinner"


def is_dinner(run: dict | None) -> bool:
    return bool(run) and run.get("kind") == KIND


def draw_next(turn, run: dict | None = None) -> str | None:
    """One fresh dinner question (at the couple's depth and theme), not one already asked tonight."""
    asked = {item["q"] for item in (run or {}).get("items") or [] if "q" in item}
    apart = bool(turn.state.get("on_call") or turn.pref("apart"))
    ids, effects = draw(turn.content, turn.mem, turn.rng, 1, turn.pref("depth", 1) or 1, CONTEXT,
                        themes.preferred(turn), exclude=asked, on_call=apart)
    for eff in effects:
        turn.effect(eff["op"], **{k: v for k, v in eff.items() if k != "op"})
    return ids[0] if ids else None


def extend(turn) -> None:
    """Past the last question drawn: draw the next one, so the meal goes on."""
    run = turn.run
    if is_dinner(run) and run["i"] >= len(run["items"]):
        qid = draw_next(turn, run)
        if qid:
            run["items"].append({"q": qid})
