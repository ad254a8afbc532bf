"""Safety: after someone said they are not safe. The resources stay at hand and no exercise starts
for the rest of the session; the replies themselves are built in skill/engine/safety.py."""

from __future__ import annotations

from .. import safety as replies
from . import shared


def yes(turn, slots: dict) -> None:
    """"We can end here quietly. Just say stop." "Yes"."""
    replies.quiet_end(turn)


def no(turn, slots: dict) -> None:
    replies.stay(turn)


def repeat(turn, slots: dict) -> None:
    """The resources again."""
    replies.disclosure(turn)
    turn.reply.events.clear()  # said again, not a new disclosure


def number_again(turn, slots: dict) -> None:
    """"Say the number again": just the number, slowly."""
    replies.number_again(turn)


def stop(turn, slots: dict) -> None:
    """"Stop" after a disclosure: a few quiet words and the session ends at once."""
    replies.quiet_end(turn)


def hold(turn, slots: dict) -> None:
    """Anything else: the exercises stay set aside."""
    replies.hold(turn)


def keep_safety(handler):
    def run(turn, slots: dict) -> None:
        handler(turn, slots)
        if turn.mode == "safety":
            replies.enter(turn)
    run.__doc__ = handler.__doc__
    return run


TABLE = {
    "AMAZON.YesIntent": yes,
    "AMAZON.NoIntent": no,
    "AMAZON.RepeatIntent": repeat,
    "RepeatNumberIntent": number_again,
    "AMAZON.StopIntent": stop,
    "AMAZON.CancelIntent": stop,
    "SlowerIntent": keep_safety(shared.slower),
    "FasterIntent": keep_safety(shared.faster),
    "ForgetDataIntent": shared.forget,
    # "Just say stop": the quiet ending the resources offered, not "take care of each other".
    "AMAZON.StopIntent": yes,
    "AMAZON.CancelIntent": yes,
    "AMAZON.FallbackIntent": hold,
}
