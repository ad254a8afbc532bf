"""Idle: the session has ended ("stop", "good night") and a local companion keeps listening quietly.

Only a start phrase, the answer to an invitation, and a disclosure of not being safe are live.
Anything else is left alone: the couple is talking to each other, not to the companion.
"""

from __future__ import annotations

from .. import flow, starts
from .. import safety as safety_replies
from . import choose, shared

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
    invitation = turn.state.pop("invitation", None)
    if not invitation:
        return ignore(turn, slots)
    activity = invitation.get("activity") if isinstance(invitation, dict) else None
    if activity in turn.content.activities():  # a reminder's ritual
        turn.state["mode"] = "menu"
        return starts.start_activity(turn, activity)
    start_checkin(turn, slots)


def decline(turn, slots: dict) -> None:
    invitation = turn.state.pop("invitation", None)
    if not invitation:
        return ignore(turn, slots)
    reminded = isinstance(invitation, dict) and invitation.get("reminder")
    turn.say("reminder_let_go" if reminded else "invitation_declined")  # "not tonight": quietly, until next time


def disclosure(turn, slots: dict) -> None:
    safety_replies.disclosure(turn)


def ignore(turn, slots: dict) -> None:
    """Not for the companion: say nothing, keep waiting."""
    turn.reply.remember = False


TABLE = {
    "StartCheckInIntent": start_checkin,
    "StartExerciseIntent": start_exercise,
    "WakeIntent": wake,
    "ThemeIntent": choose.theme,
    "MoodIntent": choose.mood,
    "DinnerIntent": choose.start_dinner,
    "AMAZON.YesIntent": accept,
    "AMAZON.NoIntent": decline,
    "SafetyIntent": disclosure,
    "AMAZON.FallbackIntent": ignore,
}
