"""After a handler: how the front end should listen, and what it says if nobody answers.

Derived from the mode the step ends in, so every handler leaves the couple with the right
reprompt, listen mode, card and expect list without setting them itself.
"""

from __future__ import annotations

from . import activity as act


def reprompt_for(turn) -> str:
    mode = turn.mode
    if mode == "running":
        return turn.p("timed_reprompt" if (turn.run or {}).get("timer") else "turn_reprompt")
    if mode == "paused":
        return turn.p("paused_reprompt")
    if mode == "confirm":
        return turn.p("resume_reprompt" if turn.state.get("confirm") == "resume" else "yes_no_reprompt")
    if mode == "safety":
        return turn.safety.closing
    if mode == "idle":
        return ""
    return turn.p("offer_reprompt")


def settle(turn, expect: list[str]) -> None:
    reply = turn.reply
    reply.expect = expect
    if turn.mode == "running":
        reply.listen = "conversation"
        if reply.prompt is None:
            reply.prompt = act.current_prompt(turn.run)
    else:
        reply.listen = "command"
    if reply.reprompt is None:
        reply.reprompt = reprompt_for(turn) or None
    if turn.mode == "safety" or turn.state.get("safe_only"):
        reply.no_card = True
    elif reply.prompt and reply.prompt in turn.content.questions:
        reply.card_prompt = turn.content.questions[reply.prompt].text
        reply.card_title = turn.p("card_title")
