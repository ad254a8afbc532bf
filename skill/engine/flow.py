"""The flow of a session: greet, offer, begin, present, advance, finish (and saying a step again).

Every function takes the Turn being handled. Which of them an intent calls is decided by
the mode tables in modes/; starting a check-in or an exercise is in starts.py, the clock in timing.py.
"""

from __future__ import annotations

from . import activity as act
from . import clock, dinner, timing
from .state import json_copy
from .words import fill


# -- the menu ------------------------------------------------------------------------------------
def offer(turn, key: str = "offer") -> None:
    """Back to the menu, offering what to do next (a check-in, or another one)."""
    turn.state["mode"] = "menu"
    turn.state["offered"] = key  # what "next" answers: a first offer it turns down, another round it takes
    turn.say(key)
    turn.reply.reprompt = turn.p("offer_reprompt")


def greet(turn) -> None:
    launches = int(turn.mem.get("launches") or 0)
    turn.effect("launch", at=turn.now)
    if launches == 0:
        turn.say("greeting_new")
        turn.reply.text(turn.safety.not_therapy)
    elif turn.names:
        turn.say("greeting_back_named", names=turn.pair())
    else:
        turn.say("greeting_back")
    turn.beat(0.5)
    progress = turn.mem.get("progress")
    if progress and resumable(turn, progress):
        turn.state["mode"], turn.state["confirm"] = "confirm", "resume"
        turn.reply.text(resume_offer(turn, act.upgraded(turn.content, progress)))
        turn.reply.reprompt = turn.p("resume_reprompt")
        return
    offer(turn)


def resume_offer(turn, progress: dict) -> str:
    """Where they stopped, with the day when it was not today: "We left off on Sunday, partway through ..."."""
    saved = clock.local(float(progress.get("saved_at") or progress.get("started") or turn.now), turn.tz)
    days = (clock.evening_of(turn.local, turn.settings) - clock.evening_of(saved, turn.settings)).days
    where_text = where(turn, progress, same_day=days == 0)
    if days <= 0:
        return turn.p("resume_offer", where=where_text)
    if days == 1:
        return turn.p("resume_offer_yesterday", where=where_text)
    if days < 7:
        return turn.p("resume_offer_other_day", where=where_text, day=turn.words.weekday(saved.weekday()))
    return turn.p("resume_offer_long_ago", where=where_text)


def resumable(turn, progress: dict | None) -> bool:
    if not progress:
        return False
    try:
        if progress["kind"] in ("exercise", "ritual", "ladder") and act.activity_of(turn.content, progress) is None:
            return False
        return 0 <= progress["i"] < len(progress["items"])
    except (KeyError, TypeError):
        return False


def title_of(turn, run: dict, same_day: bool = True) -> str:
    if dinner.is_dinner(run):
        return turn.p("dinner_name")
    if run["kind"] == "checkin":
        if not same_day:
            return turn.p("checkin_name_other_day")
        if not turn.tz:
            return turn.p("checkin_name_unknown")
        started = clock.local(float(run.get("started") or turn.now), turn.tz)
        return turn.p("checkin_name_" + clock.part_of_day(started.hour, turn.settings))
    activity = act.activity_of(turn.content, run)
    return activity.title if activity else run["id"]


def where(turn, run: dict, same_day: bool = True) -> str:
    """Where an activity stopped, as a phrase that sits inside a sentence."""
    title = title_of(turn, run, same_day)
    title = title[:1].lower() + title[1:]
    questions = [i for i, item in enumerate(run["items"]) if "q" in item and "s" not in item]
    if questions and run["i"] in questions:
        n = questions.index(run["i"]) + 1
        nth = turn.words.ordinal(n)
        text = (turn.p("where_question", title=title, nth=nth) if nth
                else turn.p("where_question_number", title=title, n=turn.words.number(n)))
    else:
        nth = turn.words.ordinal(run["i"] + 1)
        text = (turn.p("where_step", title=title, nth=nth) if nth
                else turn.p("where_step_number", title=title, n=turn.words.number(run["i"] + 1)))
    return text[:1].lower() + text[1:]


# -- an activity ---------------------------------------------------------------------------------
# A run picked up within this long of its start is the same sitting (it counts for the day it began).
SAME_SITTING_SECONDS = 12 * 3600


def begin(turn, run: dict) -> None:
    # The day a session counts for is the evening it began: a check-in at 23:50 that ends after
    # midnight belongs to that evening's streak day, and a place picked up days later to today's.
    # A front end with short sessions (Alexa) restores the run at every request: that keeps its start.
    began = run.get("began")
    if not isinstance(began, (int, float)) or not 0 <= turn.now - began <= SAME_SITTING_SECONDS:
        run["began"] = turn.now
    turn.state["run"] = run
    turn.state["mode"] = "running"


def save_progress(turn) -> None:
    snapshot = act.progress_snapshot(turn.run, turn.now)
    if snapshot is not None and turn.mode == "paused":
        snapshot["held"] = True  # a front end with short sessions (Alexa) finds the step still paused
    turn.effect("progress", progress=snapshot)


def pick_up(turn) -> bool:
    """Restore the saved activity and say its current step again; False when nothing is saved."""
    progress = turn.mem.get("progress")
    if not resumable(turn, progress):
        return False
    begin(turn, act.upgraded(turn.content, json_copy(progress)))
    turn.run.pop("saved_at", None)
    turn.run.pop("held", None)
    turn.say("picking_up")
    turn.beat(0.6)
    present(turn, again=True)
    return True


def restore(turn) -> bool:
    """A request that opens a session mid-activity ("tell Closer Together I'm done") lands where they were."""
    progress = turn.mem.get("progress")
    if not resumable(turn, progress):
        return False
    begin(turn, act.upgraded(turn.content, json_copy(progress)))
    turn.run.pop("saved_at", None)
    step = act.step_of(turn.content, turn.run)
    timed = step is not None and step.wait == "timed"
    turn.timer_was_live = timed  # the device may still be counting
    timer = turn.run.get("timer")
    held = bool(turn.run.pop("held", False))
    if not timed:
        turn.run["timer"] = None
    if held or (timed and timer and timer.get("left") is not None):
        turn.state["mode"] = "paused"  # held when the last session ended: "resume" goes on from here
    return True


def on_timed_step(turn, progress: dict | None) -> bool:
    """Whether saved progress stands on a timed step (its clock may be running on the device)."""
    if not resumable(turn, progress) or "q" in progress["items"][progress["i"]]:
        return False
    step = act.step_of(turn.content, progress)
    return step is not None and step.wait == "timed"


def time_up_return(turn) -> None:
    """A device timer's "time's up" brought the couple back: that turn is over, so on to the next step."""
    restore(turn)
    turn.state["mode"] = "running"
    turn.run["answered"] = True
    turn.run["timer"] = None
    advance(turn, "thanks")


def present(turn, again: bool = False) -> None:
    """Say the current item; carry straight on through steps that do not wait."""
    settings = turn.settings
    while True:
        run = turn.run
        if run["i"] >= len(run["items"]):
            return finish(turn)
        item = run["items"][run["i"]]
        step = act.step_of(turn.content, run)
        who = act.roles(run, turn.names, turn.words)
        if run["kind"] == "ladder":
            if not again:
                ladder_set_intro(turn, item)
            if "l" in item and int(turn.mem.get("ladder") or 0) != item["l"]:
                turn.effect("ladder", pos=item["l"])  # the ladder's place is the question they are on
        if step is not None and step.say:
            turn.reply.text(fill(step.say, who))
            turn.reply.pause(step.breath if step.breath else settings.beat)
        if "q" in item:
            ask_question(turn, item, who, again)
            break
        if step.wait == "none":
            run["i"] += 1
            run["turn"] = 0
            continue
        if step.wait == "timed":
            timing.start(turn, step)
            break
        if run.get("turn") == 1 and act.is_two_turn(turn.content, run):
            turn.say("turn_resume_second", b=act.second_speaker(turn.content, run, who))
        break
    save_progress(turn)


def ask_question(turn, item: dict, who: dict, again: bool) -> None:
    run = turn.run
    turn.reply.pause(turn.settings.before_question)
    turn.reply.text(turn.content.questions[item["q"]].text)
    turn.reply.prompt = item["q"]
    if not again and run["kind"] != "ladder":
        turn.effect("used", prompt=item["q"], at=turn.now)
    turn.reply.pause(turn.settings.after_question)
    if run.get("turn") == 1:  # resumed in the second partner's turn
        turn.say("turn_resume_second", b=who["b"])
    else:
        turn.say("turn_first", a=who["a"])
        turn.state["asked_first"] = True


def restate(turn) -> None:
    """Say the current step again as it stands, changing nothing: no timer restarts, nothing is marked used."""
    run = turn.run
    item = run["items"][run["i"]]
    step = act.step_of(turn.content, run)
    who = act.roles(run, turn.names, turn.words)
    if step is not None and step.say:
        turn.reply.text(fill(step.say, who))
        turn.beat()
    if "q" in item:
        turn.reply.text(turn.content.questions[item["q"]].text)
        turn.reply.prompt = item["q"]
        turn.reply.pause(turn.settings.after_question)
        key = "turn_resume_second" if run.get("turn") == 1 else "turn_first"
        # Said again, in its plain form: "would you like to start?" is asked once, when the question is new.
        turn.reply.text(turn.phrases.get(key, a=who["a"], b=who["b"]))
        if key == "turn_first":
            turn.state["asked_first"] = True
    elif run.get("turn") == 1 and act.is_two_turn(turn.content, run):
        turn.say("turn_resume_second", b=act.second_speaker(turn.content, run, who))
    elif run.get("timer"):
        turn.say("time_left", left=turn.words.duration(timing.left(turn)))


def ladder_set_intro(turn, item: dict) -> None:
    position = item.get("l", 0)
    size = turn.settings.ladder_set_size
    if position % size == 0:
        ladder_set = turn.content.ladder.sets[position // size]
        if ladder_set.intro:
            turn.reply.text(ladder_set.intro)
            turn.beat()


def advance(turn, ack: str | None = None) -> None:
    run = turn.run
    item = run["items"][run["i"]]
    if run["kind"] == "ladder" and "l" in item:
        turn.effect("ladder", pos=item["l"] + 1)
    run["i"] += 1
    run["turn"] = 0
    run["timer"] = None
    dinner.extend(turn)
    if ack and run["i"] < len(run["items"]):
        if "q" not in item and turn.phrases.has(ack + "_step"):
            ack = ack + "_step"
        turn.say(ack)
        turn.reply.pause(turn.settings.after_ack)
    present(turn)


def finish(turn) -> None:
    run = turn.run
    activity = act.activity_of(turn.content, run)
    if activity is not None and getattr(activity, "outro", None):
        turn.reply.text(fill(activity.outro, act.roles(run, turn.names, turn.words)))
    else:
        turn.say("checkin_done")
    turn.effect("finished", activity=run["id"], kind=run["kind"], at=turn.now,
                seconds=int(max(0, turn.now - float(run.get("started") or turn.now))),
                day=clock.day_of(float(run.get("began") or turn.now), turn.tz), answered=bool(run.get("answered")))
    turn.effect("prefs", set={"first": 1 - int(run.get("first", 0))})
    turn.state["run"] = None
    turn.effect("progress", progress=None)
    turn.beat()
    offer(turn, "after_finish")
