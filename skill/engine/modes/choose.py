"""Choosing by voice what the questions are about and how deep they go, and dinner mode.

"Can we do some trust questions", "let's talk about the future": a theme; "something light
tonight", "a deep one": a mood (depth); "mix it up": every theme again. The choice is kept as
the household's preference until changed. Outside an activity it starts a check-in at once;
inside a check-in (or at dinner) the questions still to come are drawn again; inside an
exercise it waits for the next check-in.
"""

from __future__ import annotations

from .. import activity as act
from .. import dinner, flow, starts, themes


def theme(turn, slots: dict) -> None:
    said = slots.get("theme")
    if not said:  # "mix it up", "any theme"
        turn.effect("prefs", set={"theme": None})
        turn.say("theme_cleared")
        return after_choice(turn)
    theme_id = themes.resolve(turn, said)
    if theme_id is None:
        turn.say("theme_unknown")
        return list_themes(turn, slots)
    turn.effect("prefs", set={"theme": theme_id})
    turn.say("theme_set", theme=themes.spoken(turn, theme_id))
    after_choice(turn)


def mood(turn, slots: dict) -> None:
    depth = themes.depth_of(turn, slots.get("mood"))
    if depth is None:
        turn.say("mood_unknown")
        return
    turn.effect("prefs", set={"depth": depth})
    turn.say("mood_set_" + {1: "light", 2: "medium", 3: "deep"}[depth])
    after_choice(turn)


def after_choice(turn) -> None:
    """Where the new choice takes effect: now, or from the next check-in."""
    run = turn.run if turn.mode in ("running", "paused") else None
    if run is not None and run["kind"] in ("checkin", "dinner"):
        turn.state["mode"] = "running"
        return starts.redraw_rest(turn)
    if run is not None:
        turn.say("choice_next_time")
        turn.reply.remember = False
        return
    turn.state["mode"] = "menu"  # from idle too: a choice said aloud is a start phrase
    turn.reply.pause(turn.settings.after_ack)
    starts.start_checkin(turn)


def list_themes(turn, slots: dict) -> None:
    """Name every theme there is, then how to choose one."""
    turn.say("theme_list", options=turn.words.spoken_list(themes.all_spoken(turn)))
    turn.reply.remember = turn.mode != "running"


def start_dinner(turn, slots: dict) -> None:
    """"We're having dinner": dinner questions one at a time, with no reprompt during the meal."""
    if starts.blocked_by_safety(turn):
        return
    qid = dinner.draw_next(turn)
    if qid is None:
        return turn.say("nothing_to_resume")
    flow.begin(turn, act.new_run(dinner.KIND, dinner.KIND, [{"q": qid}], turn.pref("first"), turn.now))
    turn.say("dinner_start")
    turn.reply.pause(turn.settings.after_intro)
    flow.present(turn)


TABLE = {
    "ThemeIntent": theme,
    "MoodIntent": mood,
    "ListThemesIntent": list_themes,
    "DinnerIntent": start_dinner,
}
