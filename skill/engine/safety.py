"""What is said when someone is not safe, and while the exercises are set aside afterwards.

The safety mode table (modes/safety.py) and the always layer call these; the words are in
prompts/safety/<locale>.yaml. Discretion first: the person disclosing may be sitting next to the
person hurting them, so the words are few and calm, nothing is ever put on a card, the session
offers to end quietly, "stop" ends at once, and only the event type "safety" is logged (never the
words, never the family).

The family of the disclosure (self_harm, violence, threats, sexual, fear, control, danger: the
`family` slot the text and voice front ends fill from skill/disclosures.yaml; Alexa leaves it out)
decides which resource is named first, and is kept in the state so "the number again" reads that
resource's number, a group at a time.
"""

from __future__ import annotations

from .flow import save_progress

NUMBER_GAP = 0.6  # seconds between the groups of a number said again ("one eight hundred" ... "seven nine nine")


def family(turn) -> str | None:
    return turn.state.get("safety_family")


def resources(turn):
    """The resources in the order this disclosure calls for."""
    return turn.safety.ordered(family(turn))


def resources_short(turn) -> str:
    return " ".join(r.how for r in resources(turn))


def enter(turn) -> None:
    """Into safety mode: the rest of the session offers no exercise, and nothing goes on a card."""
    turn.state["mode"] = "safety"
    turn.state["safe_only"] = True
    turn.reply.no_card = True
    turn.reply.reprompt = turn.safety.closing


def disclosure(turn) -> None:
    """Someone is not safe: stop everything, name the resources (the one for what was said first)."""
    turn.reply.events.append("safety")
    said = (turn.event.get("slots") or {}).get("family")
    if said or "safety_family" not in turn.state:
        turn.state["safety_family"] = said or None
    if turn.run is not None:
        save_progress(turn)
    turn.state["run"] = None
    turn.reply.text(turn.safety.reply)
    turn.reply.pause(0.6)
    for resource in resources(turn):
        turn.reply.text(resource.how)
        turn.reply.pause(0.5)
    turn.reply.text(turn.safety.closing)
    enter(turn)


def number_again(turn) -> None:
    """"Say the number again": just the first resource's number, a group at a time, slowly."""
    first = resources(turn)[0]
    if turn.safety.number_again:
        turn.reply.text(turn.safety.number_again)
        turn.reply.pause(0.4)
    groups = [g.strip() for g in first.spoken.split(",") if g.strip()]
    for k, group in enumerate(groups):
        if k:
            turn.reply.pause(NUMBER_GAP)
        turn.reply.text(group[0].upper() + group[1:] + ".")
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
    """"Yes" to ending quietly, or "stop": a few words and the session ends."""
    turn.say("quiet_end")
    turn.reply.no_card = True
    turn.reply.end = True
