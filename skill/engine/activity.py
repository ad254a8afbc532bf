"""Running an activity: a check-in, an exercise, a ritual or the ladder, item by item.

An activity in progress is a small JSON dict (`run`) kept in the session state and, at
every step, in household memory so it can be resumed anywhere:

    {"kind": "checkin" | "exercise" | "ritual" | "ladder", "id": ..., "items": [...],
     "i": index of the current item, "turn": 0 or 1, "first": 0 or 1,
     "timer": None or {"end": epoch, "warn": epoch or None, "warned": bool, "left": seconds when paused},
     "started": epoch, "answered": someone finished a turn (not everything skipped),
     "saved_at": epoch (in memory only: when the place was saved)}

Each item is {"q": question id} (both partners answer in turn), {"s": step id} (an
exercise step) or {"s": step id, "q": question id} (a step that draws a question).
"""

from __future__ import annotations


TURN_WAITS = ("turn", "timed")


def new_run(kind: str, activity_id: str, items: list[dict], first: int, now: float) -> dict:
    return {"kind": kind, "id": activity_id, "items": items, "i": 0, "turn": 0,
            "first": int(first) % 2, "timer": None, "started": now}


def activity_of(content, run: dict):
    if run["kind"] in ("exercise", "ritual"):
        return content.exercises.get(run["id"]) or content.rituals.get(run["id"])
    if run["kind"] == "ladder":
        return content.ladder
    return None


def step_of(content, run: dict, index: int | None = None):
    """The exercise step of the current item (None for a plain question)."""
    item = run["items"][run["i"] if index is None else index]
    if "s" not in item:
        return None
    activity = activity_of(content, run)
    for step in activity.steps:
        if step.id == item["s"]:
            return step
    raise KeyError(f"step {item['s']!r} is not in {run['id']!r}")


def is_two_turn(content, run: dict) -> bool:
    """Whether the current item gives each partner a turn: questions, and steps for both that wait."""
    item = run["items"][run["i"]]
    if "q" in item:
        return True
    step = step_of(content, run)
    return step is not None and step.speaker == "both" and step.wait == "turn"


def second_speaker(content, run: dict, who: dict[str, str]) -> str:
    """The partner invited after the first "I'm done": the other one from whoever the step has start."""
    step = step_of(content, run)
    return who["a"] if step is not None and step.starts == "b" else who["b"]


def wait_kind(content, run: dict) -> str:
    step = step_of(content, run)
    if step is None:
        return "turn"
    return step.wait


def roles(run: dict, names: list | None, words) -> dict[str, str]:
    """{a}/{b} for the current item: questions alternate who goes first."""
    first = run["first"]
    if run["kind"] != "exercise" and run["kind"] != "ritual":
        first = (first + run["i"]) % 2
    return words.partners(names, first)


def current_prompt(run: dict) -> str | None:
    item = run["items"][run["i"]] if run and 0 <= run["i"] < len(run["items"]) else None
    return item.get("q") if item else None


def upgraded(content, run: dict) -> dict:
    """A run saved by an older version, brought up to date: a ladder run then held only the questions
    from the couple's place on, so its question numbers and "go back" were off."""
    items = run.get("items") or []
    if run.get("kind") == "ladder" and items and items[0].get("l", 0) != 0 and content.ladder is not None:
        offset = int(items[0]["l"])
        run = dict(run, items=[{"q": q.id, "l": n} for n, q in enumerate(content.ladder.questions)],
                   i=offset + int(run.get("i", 0)))
    return run


def progress_snapshot(run: dict | None, now: float) -> dict | None:
    """What memory keeps to resume: the run without live timer deadlines, and when it was saved."""
    if run is None:
        return None
    snap = dict(run, saved_at=now)
    timer = run.get("timer")
    if timer:
        snap["timer"] = None  # a resumed timed step starts its time again
    return snap
