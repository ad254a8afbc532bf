"""Starting a check-in, an exercise, a ritual or the closeness ladder."""

from __future__ import annotations

from . import activity as act
from . import flow, recap, safety, themes
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
    theme = themes.preferred(turn)
    ids, effects = draw(turn.content, turn.mem, turn.rng, turn.settings.checkin_length, depth,
                        turn.state.get("context"), theme, on_call=apart(turn))
    apply_draw_effects(turn, effects)
    items = [{"q": qid} for qid in ids]
    flow.begin(turn, act.new_run("checkin", "checkin", items, turn.pref("first"), turn.now))
    turn.say("checkin_start", count=turn.words.number(len(items)))
    if theme:
        turn.say("checkin_theme", theme=themes.spoken(turn, theme))
    if not turn.names:
        turn.beat()
        turn.say("names_hint")
    turn.reply.pause(turn.settings.after_intro)
    flow.present(turn)


def start_activity(turn, activity_id: str) -> None:
    if blocked_by_safety(turn):
        return
    activity = turn.content.activities()[activity_id]
    if tuple(getattr(activity, "contexts", ())) == ("call",):
        turn.state["on_call"] = True  # an exercise made for a call: they are on one, for this session
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
        if getattr(activity, "cadence", None) == "weekly":
            recap.tell_the_week(turn)  # a weekly ritual opens with the week they had
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


def redraw_rest(turn) -> None:
    """The questions still to come in a check-in (or dinner's current one), drawn again at the
    couple's depth and theme as they stand now, starting with the one being asked."""
    run = turn.run
    remaining = max(1, len(run["items"]) - run["i"])
    asked = {item["q"] for item in run["items"][: run["i"]] if "q" in item}
    context = "dinner" if run["kind"] == "dinner" else turn.state.get("context")
    ids, effects = draw(turn.content, turn.mem, turn.rng, remaining, turn.pref("depth", 1) or 1, context,
                        themes.preferred(turn), exclude=asked, on_call=apart(turn))
    apply_draw_effects(turn, effects)
    run["items"][run["i"]:] = [{"q": qid} for qid in ids]
    run["turn"], run["timer"] = 0, None
    turn.reply.pause(turn.settings.after_ack)
    flow.present(turn)
