"""Live in every mode but idle: help, stop, cancel, and a disclosure of not being safe."""

from __future__ import annotations

from .. import flow
from .. import safety as safety_replies


def help_(turn, slots: dict) -> None:
    """Say what can be said right now (the current mode's intents)."""
    expect = [n for n in turn.engine.expect(turn.state) if n != "AMAZON.HelpIntent"]
    first = [n for n in ("TimeLeftIntent",) if n in expect and turn.run and turn.run.get("timer")]
    last = [n for n in ("AMAZON.StopIntent", "SafetyIntent") if n in expect]
    middle = [n for n in expect if n not in first + last + ["AMAZON.CancelIntent", "TimeLeftIntent"]]
    catalog = turn.engine.catalog
    lines = catalog.help_lines(first + middle)[: 6 - len(first)] + catalog.help_lines(last)
    turn.say("help_lead")
    turn.reply.text(". ".join(line[0].upper() + line[1:] for line in lines) + ".")
    turn.reply.text(turn.safety.not_therapy)
    turn.reply.remember = False
    if turn.mode == "safety":
        safety_replies.enter(turn)


def stop(turn, slots: dict) -> None:
    """End at once with one short sentence; progress stays saved."""
    if turn.run is not None and turn.mode in ("running", "paused"):
        flow.save_progress(turn)
        turn.say("goodbye_saved")
    else:
        turn.say("goodbye")
    turn.reply.end = True


def disclosure(turn, slots: dict) -> None:
    """Someone is not safe: stop everything, give the crisis resources."""
    safety_replies.disclosure(turn)


TABLE = {
    "AMAZON.HelpIntent": help_,
    "AMAZON.StopIntent": stop,
    "AMAZON.CancelIntent": stop,
    "SafetyIntent": disclosure,
}
