"""Confirm: a yes or no is awaited. state["confirm"] says what it answers:

    resume  "Last time you were partway through ... Would you like to pick up there?" ("go back" and
            "start over" answer yes, then go back or begin the activity again)
    forget  "This deletes everything I keep about you ... Are you sure?"
"""

from __future__ import annotations

from .. import activity as act
from .. import flow, safety
from ..state import json_copy
from . import choose, menu, remind, running, shared


def yes(turn, slots: dict) -> None:
    asked = turn.state.get("confirm")
    turn.state["confirm"] = None
    if asked == "forget":
        turn.effect("forget")
        turn.state["run"] = None
        turn.say("forgotten")
        turn.reply.end = True
        return
    if not flow.pick_up(turn):
        flow.offer(turn)


def no(turn, slots: dict) -> None:
    asked = turn.state.get("confirm")
    turn.state["confirm"] = None
    if asked == "forget":
        turn.say("not_forgotten")
        return back(turn)
    turn.effect("progress", progress=None)
    turn.say("fresh_start")
    flow.offer(turn)


def back(turn) -> None:
    """Return to where the couple was before "forget our data"."""
    mode = turn.state.get("back") or "menu"
    turn.state["back"] = None
    if mode in ("running", "paused") and turn.run is None:
        mode = "menu"
    if mode == "resume":  # asked while the offer to pick up was open: the offer stands, so ask it again
        progress = turn.mem.get("progress")
        if flow.resumable(turn, progress):
            turn.state["mode"], turn.state["confirm"] = "confirm", "resume"
            turn.beat(0.5)
            turn.reply.text(flow.resume_offer(turn, act.upgraded(turn.content, progress)))
            turn.reply.reprompt = turn.p("resume_reprompt")
            return
        mode = "menu"
    turn.state["mode"] = mode
    if mode == "safety":
        safety.enter(turn)
    elif mode == "menu":
        turn.beat(0.5)
        flow.offer(turn)  # not left hanging: what they can do next


def resume(turn, slots: dict) -> None:
    """"Carry on": yes to picking up; to deleting, it means keep everything."""
    return no(turn, slots) if turn.state.get("confirm") == "forget" else yes(turn, slots)


def repeat(turn, slots: dict) -> None:
    """The question again."""
    if turn.state.get("confirm") == "forget":
        turn.say("forget_confirm")
    else:
        progress = turn.mem.get("progress")
        if not flow.resumable(turn, progress):
            return flow.offer(turn)
        turn.reply.text(flow.resume_offer(turn, act.upgraded(turn.content, progress)))
    turn.reply.remember = False


def pick_up_then(handler):
    """At the resume offer, "go back" or "start over" say yes and then do it; to deleting, "go back" is a no."""
    def pick_up(turn, slots: dict) -> None:
        asked = turn.state.get("confirm")
        if asked == "forget":
            return no(turn, slots) if handler is running.previous else shared.fallback(turn, slots)
        turn.state["confirm"] = None
        progress = turn.mem.get("progress")
        if not flow.resumable(turn, progress):
            return flow.offer(turn)
        flow.begin(turn, act.upgraded(turn.content, json_copy(progress)))
        turn.run.pop("saved_at", None)
        handler(turn, slots)
    pick_up.__doc__ = f"Pick up, then: {handler.__doc__}"
    return pick_up


def start_instead(handler):
    """Starting something else answers the question: nothing is deleted, the saved place is kept."""
    def start(turn, slots: dict) -> None:
        turn.state["confirm"], turn.state["mode"] = None, "menu"
        handler(turn, slots)
    start.__doc__ = handler.__doc__
    return start


TABLE = {
    "AMAZON.YesIntent": yes,
    "AMAZON.NoIntent": no,
    "AMAZON.ResumeIntent": resume,
    "AMAZON.NextIntent": resume,
    "AMAZON.RepeatIntent": repeat,
    "AMAZON.PreviousIntent": pick_up_then(running.previous),
    "AMAZON.StartOverIntent": pick_up_then(running.start_over),
    "TimeLeftIntent": shared.time_left,
    "StartCheckInIntent": start_instead(shared.start_checkin),
    "StartExerciseIntent": start_instead(shared.start_exercise),
    "ListExercisesIntent": start_instead(shared.list_exercises),
    # While the question waits, preferences and names can still be set; the question stays open.
    **{name: handler for name, handler in menu.TABLE.items()
       if name in ("SetNamesIntent", "ProgressIntent", "DeeperIntent", "LighterIntent", "SlowerIntent",
                   "FasterIntent", "SwitchFirstIntent", "ForgetDataIntent", "OnCallIntent")},
    "ThemeIntent": start_instead(choose.theme),
    "MoodIntent": start_instead(choose.mood),
    "DinnerIntent": start_instead(choose.start_dinner),
    "ListThemesIntent": choose.list_themes,
    **remind.TABLE,
    "AMAZON.FallbackIntent": shared.fallback,
}
