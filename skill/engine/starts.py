"""Starting a check-in, an exercise, a ritual or the closeness ladder."""

from __future__ import annotations

from . import activity as act
from . import flow, safety
from .select import draw
from .words import fill


def apart(turn) -> bool:
    """Whether the partners talk from two places: they said so, or the front end says they are on a call."""
    return bool(turn.state.get("on_call") or turn.pref("apart"))


def blocked_by_safety(turn) -> bool:
    """After a disclosure, no exercise starts for the rest of the session."""
    if turn.state.get("safe_only"):
        safety.hold(turn)
        return True
    return False


def apply_draw_effects(turn, effects: list[dict]) -> None:
    for eff in effects:
        turn.effect(eff["op"], **{k: v for k, v in eff.items() if k != "op"})


def start_checkin(turn) -> None:
    if blocked_by_safety(turn):
        return
    depth = turn.pref("depth", 1) or 1
    ids, effects = draw(turn.content, turn.mem, turn.rng, turn.settings.checkin_length, depth,
                        turn.state.get("context"), on_call=apart(turn))
    apply_draw_effects(turn, effects)
    items = [{"q": qid} for qid in ids]
    flow.begin(turn, act.new_run("checkin", "checkin", items, turn.pref("first"), turn.now))
    turn.say("checkin_start", count=turn.words.number(len(items)))
    if not turn.names:
        turn.beat()
        turn.say("names_hint")
    turn.reply.pause(turn.settings.after_intro)
    flow.present(turn)


def start_activity(turn, activity_id: str) -> None:
    if blocked_by_safety(turn):
        return
    activity = turn.content.activities()[activity_id]
    first = turn.pref("first")
    if activity is turn.content.ladder:
        start_ladder(turn, activity, first)
    else:
        items, drawn = [], set()
        for step in activity.steps:
            item = {"s": step.id}
            if step.draw:
                ids, _ = draw(turn.content, turn.mem, turn.rng, 1, int(step.draw.get("depth", 1)),
                              turn.state.get("context"), step.draw.get("theme"), exclude=drawn,
                              on_call=apart(turn))
                if ids:
                    item["q"] = ids[0]
                    drawn.add(ids[0])
            items.append(item)
        flow.begin(turn, act.new_run(activity.kind, activity.id, items, first, turn.now))
        turn.reply.text(fill(activity.intro, act.roles(turn.run, turn.names, turn.words)))
        if not turn.names:
            turn.beat()
            turn.say("names_hint_exercise")
    turn.reply.pause(turn.settings.after_intro)
    flow.present(turn)


def start_ladder(turn, ladder, first: int) -> None:
    """The ladder keeps every question in the run and starts at the couple's place, so "go back" reaches
    the questions before it and "the fifteenth question" means the ladder's fifteenth."""
    pos = int(turn.mem.get("ladder") or 0)
    questions = [q for s in ladder.sets for q in s.questions]
    if pos >= len(questions):
        pos = 0
        turn.effect("ladder", pos=0)
    items = [{"q": q.id, "l": n} for n, q in enumerate(questions)]
    run = act.new_run("ladder", ladder.id, items, first, turn.now)
    run["i"] = pos
    flow.begin(turn, run)
    nth = turn.words.ordinal(pos + 1)
    if pos == 0:
        turn.reply.text(ladder.intro)
    elif nth:
        turn.say("ladder_back", nth=nth)
    else:
        turn.say("ladder_back_number", n=turn.words.number(pos + 1))
