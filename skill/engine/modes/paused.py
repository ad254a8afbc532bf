"""Paused: the step is held, its clock too. Everything that moves or repeats the step works from here.

What each command does while paused:
    resume       carry on exactly where things were (a clock goes on with the time it had left)
    repeat       the question or step again, and a reminder that we are paused; nothing restarts
    next, back, start over, I'm done   unpause and do it
    pause        we're still paused
"""

from __future__ import annotations

from .. import flow, timing
from . import running, shared


def resume(turn, slots: dict) -> None:
    """Carry on exactly where things were."""
    turn.state["mode"] = "running"
    if timing.resume(turn):
        return flow.save_progress(turn)
    turn.say("resumed")
    turn.beat(0.5)
    flow.restate(turn)


def repeat(turn, slots: dict) -> None:
    """The paused question or step again, then that we are still paused. The clock stays held."""
    flow.restate(turn)
    turn.beat(0.6)
    turn.say("still_paused_repeat")
    turn.reply.remember = False


def still_paused(turn, slots: dict) -> None:
    turn.say("still_paused")


def unpause_then(handler):
    """Run a running-mode handler as if the step had been resumed first (the held clock is let go)."""
    def run_unpaused(turn, slots: dict) -> None:
        turn.state["mode"] = "running"  # each of these handlers drops or restarts the held clock
        handler(turn, slots)
    run_unpaused.__doc__ = f"Unpause, then: {handler.__doc__}"
    return run_unpaused


TABLE = {
    "AMAZON.ResumeIntent": resume,
    "AMAZON.RepeatIntent": repeat,
    "AMAZON.PauseIntent": still_paused,
    "AMAZON.NextIntent": unpause_then(running.next_),
    "AMAZON.PreviousIntent": unpause_then(running.previous),
    "AMAZON.StartOverIntent": unpause_then(running.start_over),
    "DoneIntent": unpause_then(running.done),
    "BothDoneIntent": unpause_then(running.both_done),
    "TimeLeftIntent": shared.time_left,
    "SlowerIntent": shared.slower,
    "FasterIntent": shared.faster,
    "DeeperIntent": shared.deeper,
    "LighterIntent": shared.lighter,
    "SwitchFirstIntent": shared.switch_first,
    "SaveQuestionIntent": shared.save_question,
    "ProgressIntent": shared.progress,
    "ForgetDataIntent": shared.forget,
    "OnCallIntent": shared.on_call,
    "AMAZON.FallbackIntent": shared.fallback,
}
