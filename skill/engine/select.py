"""Choosing questions: by depth and context, never repeating until a pool is used up.

Questions meant for a call (their only context is `call`, or they come from the long-distance
deck, which assumes the partners are apart) are asked only when the couple is on a call: the
event's context is "call", or they asked for them by theme (the long-distance exercise).
Questions only for dinner or bedtime are not asked in the morning or afternoon.
"""

from __future__ import annotations

import random

CHECKIN_LENGTH = 4  # kept for callers that size a check-in without the settings
CALL_THEMES = ("long-distance",)
TIME_BOUND = ("dinner", "bedtime")  # contexts tied to an hour of the evening


def assumes_call(question) -> bool:
    return tuple(question.contexts) == ("call",) or question.theme in CALL_THEMES


def _pool(content, depth: int, context: str | None, theme: str | None = None, on_call: bool = False,
          fit_least: int = CHECKIN_LENGTH) -> list:
    questions = [q for q in content.questions.values() if q.source != "ladder"]
    if theme:
        questions = [q for q in questions if q.theme == theme]
    elif not on_call and context != "call":
        questions = [q for q in questions if not assumes_call(q)]
    exact = [q for q in questions if q.depth == depth]
    if context and context != "any":
        fitting = [q for q in exact if context in q.contexts or "any" in q.contexts]
    else:  # the morning or afternoon: not questions only meant for dinner or bedtime ("... rest well tonight?")
        fitting = [q for q in exact if not set(q.contexts) <= set(TIME_BOUND)]
    if len(fitting) >= fit_least:
        exact = fitting
    return sorted(exact, key=lambda q: q.id) or sorted(questions, key=lambda q: q.id)


def draw(content, memory: dict, rng: random.Random, count: int, depth: int,
         context: str | None = None, theme: str | None = None, exclude: set[str] | None = None,
         on_call: bool = False) -> tuple[list[str], list[dict]]:
    """Pick `count` unused question ids; returns (ids, effects) where effects reset a used-up pool."""
    exclude = set(exclude or ())
    pool = _pool(content, depth, context, theme, on_call)
    used = memory.get("used") or {}
    fresh = [q for q in pool if q.id not in used and q.id not in exclude]
    effects: list[dict] = []
    if len(fresh) < count:
        # The pool is used up: start it again, oldest first, but never inside one activity.
        effects.append({"op": "reset_used", "prompts": [q.id for q in pool]})
        rest = [q for q in pool if q.id not in exclude and q not in fresh]
        rest.sort(key=lambda q: (used.get(q.id) or 0, q.id))
        chosen = list(fresh)
        rng.shuffle(chosen)
        return [q.id for q in chosen + rest[: count - len(chosen)]], effects
    # Spread the draw over themes so a check-in does not stay on one subject.
    rng.shuffle(fresh)
    chosen, themes = [], set()
    for q in fresh:
        if q.theme not in themes:
            chosen.append(q)
            themes.add(q.theme)
        if len(chosen) == count:
            break
    for q in fresh:
        if len(chosen) == count:
            break
        if q not in chosen:
            chosen.append(q)
    return [q.id for q in chosen], effects
