"""A front end whose sessions are short (Alexa closes one while the couple talks): each request may
start a new session, and the engine finds the step, its clock and a pause in the saved progress."""

from skill.engine import apply_effects, load_engine, new_memory

T0 = 1_800_000_000.0


class Household:
    """The engine with a memory that keeps every effect, as a store would."""

    def __init__(self):
        self.engine, self.memory = load_engine(), new_memory()

    def step(self, state, now, **event):
        event.setdefault("type", "intent")
        state, out = self.engine.step(state, {"now": now, "seed": 7, **event}, self.memory)
        self.memory = apply_effects(self.memory, out["effects"])
        return state, out

    def new_session(self, now, intent, **event):
        """A request in a new session: no state, only the memory."""
        return self.step(None, now, intent=intent, **event)


def timed_turn(home):
    state, out = home.step(None, T0, intent="StartExerciseIntent", slots={"exercise": "listening exercise"})
    while not out["timer"]:
        state, out = home.step(state, T0, intent="DoneIntent")
    return out


def test_time_left_pause_and_resume_across_sessions():
    home = Household()
    timed_turn(home)
    _, left = home.new_session(T0 + 60, "TimeLeftIntent")
    assert "two minutes" in left["say"] and left["timer_actions"] == []
    _, paused = home.new_session(T0 + 70, "AMAZON.PauseIntent")
    assert paused["mode"] == "paused" and [a["op"] for a in paused["timer_actions"]] == ["pause"]
    _, still = home.new_session(T0 + 900, "TimeLeftIntent")  # a long break: the held clock has not run
    assert still["mode"] == "paused" and "two minutes" in still["say"]
    _, resumed = home.new_session(T0 + 905, "AMAZON.ResumeIntent")
    assert [a["op"] for a in resumed["timer_actions"]] == ["resume"]
    assert resumed["timer_actions"][0]["seconds"] == 110 and resumed["mode"] == "running"


def test_switching_who_goes_first_in_a_new_session_keeps_the_clock():
    home = Household()
    timed_turn(home)
    _, out = home.new_session(T0 + 30, "SwitchFirstIntent")
    assert out["timer_actions"] == []


def test_the_end_of_turn_timer_brings_them_to_the_next_step():
    home = Household()
    first = timed_turn(home)
    _, back = home.step(None, T0 + 200, type="launch", task="resume")
    assert back["say"] != first["say"] and "what you heard" in back["say"]
    assert back["timer"] is None and back["mode"] == "running"


def test_a_paused_question_stays_paused_in_the_next_session():
    home = Household()
    state, _ = home.step(None, T0, intent="StartCheckInIntent")
    home.step(state, T0 + 5, intent="AMAZON.PauseIntent")
    _, slower = home.new_session(T0 + 60, "SlowerIntent")
    assert slower["mode"] == "paused"
    _, resumed = home.new_session(T0 + 90, "AMAZON.ResumeIntent")
    assert resumed["mode"] == "running" and resumed["prompt"]
    _, later = home.new_session(T0 + 120, "AMAZON.RepeatIntent")
    assert later["mode"] == "running"  # resumed for good, not held again


def test_picking_up_days_later_starts_a_timed_turn_afresh():
    home = Household()
    timed_turn(home)
    state, launch = home.step(None, T0 + 3 * 86400, type="launch")
    assert launch["mode"] == "confirm"
    _, picked = home.step(state, T0 + 3 * 86400 + 5, intent="AMAZON.YesIntent")
    assert [(a["op"], a["seconds"]) for a in picked["timer_actions"]] == [("start", 180)]


def test_next_in_the_second_partners_turn_moves_on_with_thanks_not_a_skip():
    home = Household()
    phrases = home.engine.content.phrases["en-US"]
    state, first = home.step(None, T0, intent="StartCheckInIntent")
    state, handover = home.step(state, T0 + 60, intent="DoneIntent")
    _, moved = home.new_session(T0 + 120, "AMAZON.NextIntent")  # "Alexa, next" over the bed
    assert moved["prompt"] and moved["prompt"] != first["prompt"]
    assert any(moved["say"].startswith(p) for p in phrases["thanks"]), moved["say"]
    assert not any(p in moved["say"] for p in phrases["skip"])
