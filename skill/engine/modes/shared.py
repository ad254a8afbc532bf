"""Handlers several modes list in their tables: starting things, preferences, names, progress.

A mode table names these directly; a handler that behaves differently in one mode lives in
that mode's own file instead.
"""

from __future__ import annotations

from .. import activity as act
from .. import flow, listening, starts, streaks, timing


def start_checkin(turn, slots: dict) -> None:
    """Start a check-in (tonight's, this morning's: the words follow the hour)."""
    starts.start_checkin(turn)


def start_exercise(turn, slots: dict) -> None:
    """Start a named exercise, ritual or the ladder; an unknown name gets the list."""
    activity_id = turn.engine.resolve_activity(slots.get("exercise"))
    if activity_id is None:
        if starts.blocked_by_safety(turn):
            return
        turn.say("which_exercise")
        return list_page(turn, 0)
    starts.start_activity(turn, activity_id)


def list_exercises(turn, slots: dict) -> None:
    """Name the exercises there are, a few at a time."""
    list_page(turn, 0)


def list_page(turn, start: int) -> None:
    """Say one page of exercise names; "next" (in the menu) goes on from where it stopped."""
    articles = set(turn.phrases.words("article_words"))  # "the listening exercise" is listed as "listening exercise"
    titles = []
    for title in (a.title.lower() for a in turn.content.activities().values()):
        first, _, rest = title.partition(" ")
        titles.append(rest if first in articles and rest else title)
    size = turn.settings.list_page
    page = turn.words.spoken_list(titles[start:start + size])
    if len(titles) <= size:
        turn.say("exercise_list", options=turn.words.spoken_list(titles))
    elif start == 0:
        turn.say("exercise_list_first", count=turn.words.number(len(titles)), options=page)
    elif start + size < len(titles):
        turn.say("exercise_list_more", options=page)
    else:
        turn.say("exercise_list_last", options=page)
    if start + size < len(titles) and turn.mode == "menu":
        turn.state["list_at"] = start + size


def deeper(turn, slots: dict) -> None:
    """Ask more searching questions from now on."""
    change_depth(turn, +1)


def lighter(turn, slots: dict) -> None:
    """Keep the questions light from now on."""
    change_depth(turn, -1)


def change_depth(turn, delta: int) -> None:
    depth = max(1, min(3, (turn.pref("depth", 1) or 1) + delta))
    turn.effect("prefs", set={"depth": depth})
    turn.say("deeper" if delta > 0 else "lighter")
    run = turn.run if turn.mode == "running" else None
    if run and run["kind"] in ("checkin", "dinner"):
        starts.redraw_rest(turn)  # the questions still to come, at the new depth, starting now


def slower(turn, slots: dict) -> None:
    """Speak more slowly, with longer pauses, and remember it."""
    change_pace(turn, -1)


def faster(turn, slots: dict) -> None:
    """Speak a little faster, with shorter pauses, and remember it."""
    change_pace(turn, +1)


def change_pace(turn, delta: int) -> None:
    before = turn.settings.clamp_pace(turn.pref("pace"))
    level = turn.settings.clamp_pace(before + delta)
    turn.effect("prefs", set={"pace": level})
    if level == before:  # already as slow (or fast) as it goes: say so rather than promise a change
        turn.say("slowest" if delta < 0 else "fastest")
    else:
        turn.say("slower" if delta < 0 else "faster")
    turn.reply.remember = False


def time_left(turn, slots: dict) -> None:
    """How long the timed turn has left."""
    timer = turn.run.get("timer") if turn.run and turn.mode in ("running", "paused") else None
    turn.reply.remember = False
    if not timer:
        return turn.say("no_timer")
    turn.say("time_left", left=turn.words.duration(timing.left(turn)))


def switch_first(turn, slots: dict) -> None:
    """Swap who goes first: now, saying the step again, while the first partner-specific step is on; else next time."""
    first = 1 - turn.pref("first")
    turn.effect("prefs", set={"first": first})
    run = turn.run if turn.mode in ("running", "paused") else None
    exercise = bool(run) and run["kind"] in ("exercise", "ritual")
    if (exercise and roles_started(turn, run)) or (run and (run.get("turn") == 1 or run.get("timer"))):
        # Roles are already under way, the first partner has had their turn, or a timed turn's clock
        # is running (its timers keep their time, on Alexa too): swapping now would mix up speaker
        # and listener, ask the one who just answered to answer again, or restart someone's turn.
        return turn.say("switched_next_time")
    if run:
        run["first"] = 1 - int(run.get("first", 0))
        run["turn"] = 0
        who = act.roles(run, turn.names, turn.words)
        step = act.step_of(turn.content, run) if exercise else None
        if step is not None and step.say and "{" in step.say:
            # The step names who speaks: say it again with the names swapped (a timed turn starts afresh).
            turn.say("switched_swap")
            turn.state["mode"] = "running"
            run["timer"] = None
            turn.beat(0.5)
            return flow.present(turn, again=True)
        turn.say("switched", a=who["a"])
        flow.save_progress(turn)
    else:
        turn.say("switched_later")


def roles_started(turn, run: dict) -> bool:
    """Whether a partner-specific step came before the current one (the current one can still be swapped)."""
    for index in range(run["i"]):
        step = act.step_of(turn.content, run, index)
        if step is not None and step.speaker in ("a", "b"):
            return True
    return False


def set_names(turn, slots: dict) -> None:
    """Learn the partners' names."""
    a, b = (slots.get("nameA") or "").strip(), (slots.get("nameB") or "").strip()
    if not a or not b or a.lower() == b.lower():
        return turn.say("names_unclear")
    turn.effect("names", names=[a.lower(), b.lower()])
    turn.say("names_set", names=turn.pair())


def save_question(turn, slots: dict) -> None:
    """Keep the current question for later."""
    prompt = act.current_prompt(turn.run) if turn.run and turn.mode in ("running", "paused") else None
    prompt = prompt or (turn.state.get("last") or {}).get("prompt")
    turn.reply.remember = False
    if not prompt:
        return turn.say("nothing_to_save")
    turn.effect("saved", prompt=prompt)
    turn.say("saved")


def progress(turn, slots: dict) -> None:
    """How are we doing: this week, all told, and days in a row (local days with an answered session)."""
    history = turn.mem.get("history") or []
    found = streaks.summary(history, turn.now, turn.tz)
    if not found["total"]:
        under_way = turn.mode in ("running", "paused") and turn.run is not None
        return turn.say("progress_first" if under_way else "progress_none")
    number = turn.words.number
    turn.say("progress", week=number(found["week"]), total=number(found["total"]),
             week_s="" if found["week"] == 1 else "s", total_s="" if found["total"] == 1 else "s")
    if found["streak"] >= 2:
        turn.say("progress_streak", days=number(found["streak"]))


def on_call(turn, slots: dict) -> None:
    """"We're on a call" / "we live apart": questions for partners in two places join the draw, from now on."""
    turn.state["on_call"] = True
    turn.effect("prefs", set={"apart": 1})
    turn.say("on_call")


def forget(turn, slots: dict) -> None:
    """Ask before deleting everything kept about the couple."""
    asked = turn.state.get("confirm") if turn.mode == "confirm" else None
    turn.state["back"] = turn.mode if turn.mode != "confirm" else ("resume" if asked == "resume" else "menu")
    turn.state["mode"], turn.state["confirm"] = "confirm", "forget"
    turn.say("forget_confirm")
    turn.reply.reprompt = turn.p("yes_no_reprompt")


def fallback(turn, slots: dict) -> None:
    """Anything not understood: a short reprompt for this step, never a dead end."""
    turn.say("fallback")
    turn.reply.text(listening.reprompt_for(turn))
    turn.reply.remember = False
