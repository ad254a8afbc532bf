"""Menu: nothing is under way. Start a check-in or an exercise, hear the list, set names and preferences."""

from __future__ import annotations

from .. import flow, listening, starts
from . import choose, remind, shared


def yes(turn, slots: dict) -> None:
    """"Shall we start the check in?" "Yes"."""
    starts.start_checkin(turn)


def no(turn, slots: dict) -> None:
    """"No" to the offer: said once, then quiet. No reprompt asks again a couple who just said no
    (on a kitchen Pi it would talk over them half a minute later)."""
    turn.say("menu_no")
    turn.reply.reprompt = ""


def repeat(turn, slots: dict) -> None:
    """The last thing said again: the offer, or the page of exercise names (then "next" still turns the page)."""
    last = turn.state.get("last")
    if not last:
        return flow.offer(turn)
    replay(turn, last)
    if turn.list_at:
        turn.state["list_at"] = turn.list_at


def replay(turn, last: dict) -> None:
    """Say a remembered reply again, exactly."""
    turn.say("repeat_lead")
    for segment in last["segments"]:
        if segment["type"] == "text":
            turn.reply.text(segment["text"])
        elif segment["type"] == "pause":
            turn.reply.pause(segment["seconds"])
    turn.reply.reprompt = last.get("reprompt")
    turn.reply.remember = False


def resume(turn, slots: dict) -> None:
    """Pick up a saved activity, if there is one."""
    if not flow.pick_up(turn):
        turn.say("nothing_to_resume")  # "we're ready" at the menu: then what can start, not a dead end
        turn.reply.text(listening.reprompt_for(turn))


def next_(turn, slots: dict) -> None:
    """Right after a page of names: the next page. After a finished check-in, "another one": a new one.

    At the first offer of a session Next is mostly "let's skip this one" or "pass": it turns the
    offer down rather than start what was just skipped."""
    if turn.list_at:
        return shared.list_page(turn, turn.list_at)
    if turn.state.get("offered") != "after_finish":
        return no(turn, slots)
    if not flow.pick_up(turn):
        starts.start_checkin(turn)


def nothing_running(turn, slots: dict) -> None:
    """"I'm done" with no turn running (often the second partner, just after the last turn)."""
    turn.say("done_nothing_running")
    turn.reply.text(listening.reprompt_for(turn))
    turn.reply.remember = False


def nothing_under_way(turn, slots: dict) -> None:
    """"Pause", "go back" or "how much time is left" before anything has started: say so, and what can start."""
    turn.say("nothing_under_way")
    turn.reply.text(listening.reprompt_for(turn))
    turn.reply.remember = False


def start_over(turn, slots: dict) -> None:
    flow.offer(turn)


TABLE = {
    "StartCheckInIntent": shared.start_checkin,
    "StartExerciseIntent": shared.start_exercise,
    "ListExercisesIntent": shared.list_exercises,
    "AMAZON.YesIntent": yes,
    "AMAZON.NoIntent": no,
    "SetNamesIntent": shared.set_names,
    "ProgressIntent": shared.progress,
    "DeeperIntent": shared.deeper,
    "LighterIntent": shared.lighter,
    "SlowerIntent": shared.slower,
    "FasterIntent": shared.faster,
    "SwitchFirstIntent": shared.switch_first,
    "ForgetDataIntent": shared.forget,
    "OnCallIntent": shared.on_call,
    "AMAZON.RepeatIntent": repeat,
    "AMAZON.ResumeIntent": resume,
    "AMAZON.NextIntent": next_,
    "DoneIntent": nothing_running,
    "BothDoneIntent": nothing_running,
    "AMAZON.StartOverIntent": start_over,
    "AMAZON.PauseIntent": nothing_under_way,
    "AMAZON.PreviousIntent": nothing_under_way,
    "TimeLeftIntent": nothing_under_way,
    **choose.TABLE,
    **remind.TABLE,
    "AMAZON.FallbackIntent": shared.fallback,
}
