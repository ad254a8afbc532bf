"""Running: a check-in question or an exercise step is under way, and the partners may be talking.

"I'm done" hands a turn for both to the other partner, by name, and moves on only when both
have spoken (or someone says "we're both done"). Questions alternate who goes first.
"""

from __future__ import annotations

from .. import activity as act
from .. import flow, timing
from . import shared


def done(turn, slots: dict) -> None:
    """A partner finished their turn: hand over to the other, or move on."""
    run = turn.run
    run["answered"] = True
    if run.get("timer"):
        turn.reply.chime("soft")
        return flow.advance(turn, "thanks")
    if act.is_two_turn(turn.content, run) and run.get("turn", 0) == 0:
        run["turn"] = 1
        who = act.roles(run, turn.names, turn.words)
        turn.say("turn_second", b=act.second_speaker(turn.content, run, who))
        turn.reply.prompt = act.current_prompt(run)
        return flow.save_progress(turn)
    flow.advance(turn, "thanks")


def both_done(turn, slots: dict) -> None:
    """"We're both done": the step is finished for both partners at once."""
    run = turn.run
    run["answered"] = True
    if run.get("timer"):
        turn.reply.chime("soft")
    flow.advance(turn, "thanks")


def next_(turn, slots: dict) -> None:
    """Skip to the next question or step at once."""
    if turn.run.get("timer"):
        turn.reply.chime("soft")
    flow.advance(turn, "skip")


def previous(turn, slots: dict) -> None:
    """Go back to the previous question or step (past steps that only talk)."""
    run = turn.run
    target = run["i"] - 1
    while target > 0 and "q" not in run["items"][target] and act.step_of(turn.content, run, target).wait == "none":
        target -= 1
    if target < 0:
        turn.say("at_first")
        turn.beat(0.5)
        run["turn"], run["timer"] = 0, None
        return flow.present(turn, again=True)
    run["i"], run["turn"], run["timer"] = target, 0, None
    turn.say("going_back")
    turn.beat(0.5)
    flow.present(turn, again=True)


def repeat(turn, slots: dict) -> None:
    """The current step again, as it stands: the question and whose turn it is; a running clock keeps running."""
    flow.restate(turn)
    turn.reply.remember = False


def pause(turn, slots: dict) -> None:
    """Hold everything, the clock included."""
    timing.pause(turn)
    turn.state["mode"] = "paused"
    turn.say("paused")
    flow.save_progress(turn)


def carry_on(turn, slots: dict) -> None:
    """"Resume" when nothing is paused: the current step again."""
    turn.say("carry_on")
    turn.beat(0.5)
    flow.restate(turn)


def start_over(turn, slots: dict) -> None:
    """Begin the current activity again from its first step."""
    turn.run.update({"i": 0, "turn": 0, "timer": None})
    turn.say("starting_over")
    turn.beat(0.5)
    flow.present(turn, again=True)


def go_ahead(turn, slots: dict) -> None:
    """A yes to "would you like to start?": the partner whose turn it is goes ahead."""
    run = turn.run
    item = run["items"][run["i"]] if run["i"] < len(run["items"]) else {}
    if "q" in item:
        who = act.roles(run, turn.names, turn.words)
        turn.say("go_ahead", who=who["a"] if run.get("turn", 0) == 0 else who["b"])
    else:
        turn.say("go_on")


def no(turn, slots: dict) -> None:
    """"Would you like to start?" "No": the other partner starts. Otherwise, carry on talking."""
    run = turn.run
    item = run["items"][run["i"]] if run["i"] < len(run["items"]) else {}
    if "q" in item and run.get("turn", 0) == 0 and turn.asked_first:
        return shared.switch_first(turn, slots)
    go_ahead(turn, slots)


TABLE = {
    "DoneIntent": done,
    "BothDoneIntent": both_done,
    "AMAZON.NextIntent": next_,
    "AMAZON.PreviousIntent": previous,
    "AMAZON.RepeatIntent": repeat,
    "AMAZON.PauseIntent": pause,
    "AMAZON.ResumeIntent": carry_on,
    "AMAZON.StartOverIntent": start_over,
    "AMAZON.YesIntent": go_ahead,
    "AMAZON.NoIntent": no,
    "TimeLeftIntent": shared.time_left,
    "DeeperIntent": shared.deeper,
    "LighterIntent": shared.lighter,
    "SlowerIntent": shared.slower,
    "FasterIntent": shared.faster,
    "SwitchFirstIntent": shared.switch_first,
    "SaveQuestionIntent": shared.save_question,
    "SetNamesIntent": shared.set_names,
    "ProgressIntent": shared.progress,
    "ForgetDataIntent": shared.forget,
    "OnCallIntent": shared.on_call,
    "StartCheckInIntent": shared.start_checkin,
    "StartExerciseIntent": shared.start_exercise,
    "AMAZON.FallbackIntent": shared.fallback,
}
