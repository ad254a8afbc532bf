"""What is said when someone is not safe, and while the exercises are set aside afterwards.

The safety mode table (modes/safety.py) and the always layer call these; the words are
in prompts/safety/<locale>.yaml. A disclosure never leaves a card and is logged only as
the event type "safety".
"""

from __future__ import annotations

from .flow import save_progress


def resources_short(turn) -> str:
    return " ".join(r.how for r in turn.safety.resources)


def enter(turn) -> None:
    """Into safety mode: the rest of the session offers no exercise."""
    turn.state["mode"] = "safety"
    turn.state["safe_only"] = True
    turn.reply.no_card = True
    turn.reply.reprompt = turn.safety.closing


def disclosure(turn) -> None:
    """Someone is not safe: stop everything, give the crisis resources."""
    turn.reply.events.append("safety")
    if turn.run is not None:
        save_progress(turn)
    turn.state["run"] = None
    turn.reply.text(turn.safety.reply)
    turn.reply.pause(0.6)
    for resource in turn.safety.resources:
        turn.reply.text(resource.how)
        turn.reply.pause(0.4)
    turn.reply.text(turn.safety.closing)
    enter(turn)


def hold(turn) -> None:
    """After a disclosure, anything else: the exercises stay set aside; the resources again, briefly."""
    turn.say("safety_no_exercise")
    turn.reply.text(resources_short(turn))
    enter(turn)


def stay(turn) -> None:
    """"No" to ending quietly: still here, the resources again."""
    turn.say("safety_stay")
    turn.reply.text(resources_short(turn))
    enter(turn)


def quiet_end(turn) -> None:
    """"Yes" to ending quietly."""
    turn.say("quiet_end")
    turn.reply.no_card = True
    turn.reply.end = True
