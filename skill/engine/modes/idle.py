"""Idle: the session has ended ("stop", "good night") and a local companion keeps listening quietly.

Only a start phrase, the answer to an invitation, and a disclosure of not being safe are live.
Anything else is left alone: the couple is talking to each other, not to the companion.
"""

from __future__ import annotations

from .. import flow
from .. import safety as safety_replies
from . import shared

ONLY_WHEN_INVITED = ("AMAZON.YesIntent", "AMAZON.NoIntent")


def wake(turn, slots: dict) -> None:
    """"Closer Together": greet again, as at launch."""
    flow.greet(turn)


def start_checkin(turn, slots: dict) -> None:
    turn.state["mode"] = "menu"
    shared.start_checkin(turn, slots)


def start_exercise(turn, slots: dict) -> None:
    turn.state["mode"] = "menu"
    shared.start_exercise(turn, slots)


def accept(turn, slots: dict) -> None:
    """Yes to an invitation ("Would you like a check in?")."""
    if not turn.state.pop("invitation", None):
        return ignore(turn, slots)
    start_checkin(turn, slots)


def decline(turn, slots: dict) -> None:
    if not turn.state.pop("invitation", None):
        return ignore(turn, slots)
    turn.say("invitation_declined")


def disclosure(turn, slots: dict) -> None:
    safety_replies.disclosure(turn)


def ignore(turn, slots: dict) -> None:
    """Not for the companion: say nothing, keep waiting."""
    turn.reply.remember = False


TABLE = {
    "StartCheckInIntent": start_checkin,
    "StartExerciseIntent": start_exercise,
    "WakeIntent": wake,
    "AMAZON.YesIntent": accept,
    "AMAZON.NoIntent": decline,
    "SafetyIntent": disclosure,
    "AMAZON.FallbackIntent": ignore,
}
