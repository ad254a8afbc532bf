"""Front ends apply exactly the timer actions the engine emits; they come from the step's clock, not intent names."""

from __future__ import annotations

from skill.engine import apply_effects, load_engine, new_memory

T0 = 1_750_708_800.0


class Session:
    def __init__(self):
        self.engine = load_engine()
        self.memory = new_memory()
        self.state = None
        self.now = T0

    def step(self, kind="intent", intent=None, fresh=False, **slots):
        self.now += 5
        event = {"type": kind, "now": self.now, "seed": 5}
        if intent:
            event.update(intent=intent, slots=slots)
        self.state, out = self.engine.step(None if fresh else self.state, event, self.memory)
        self.memory = apply_effects(self.memory, out["effects"])
        return out

    def ops(self, *args, **kwargs):
        return [a["op"] for a in self.step(*args, **kwargs)["timer_actions"]]


def test_start_pause_resume_and_cancel_follow_the_clock():
    s = Session()
    s.step("launch")
    out = s.step(intent="StartExerciseIntent", exercise="listening exercise")
    (start,) = out["timer_actions"]
    assert start["op"] == "start" and start["seconds"] == 180
    assert [c["kind"] for c in start["cues"]] == ["warn", "end"] and start["cues"][-1]["after"] == 180
    pause = s.step(intent="AMAZON.PauseIntent")["timer_actions"]
    assert [a["op"] for a in pause] == ["pause"] and 170 <= pause[0]["seconds"] <= 180
    assert s.ops(intent="AMAZON.RepeatIntent") == []  # repeating a paused step leaves the clock alone
    resume = s.step(intent="AMAZON.ResumeIntent")["timer_actions"]
    assert [a["op"] for a in resume] == ["resume"] and resume[0]["seconds"] == pause[0]["seconds"]
    assert s.ops(intent="TimeLeftIntent") == []
    assert s.ops(intent="AMAZON.NextIntent") == ["cancel"]  # moved on to a step without a clock
    assert s.ops(intent="AMAZON.PreviousIntent") == ["start"]  # back to the timed step: its clock again
    assert s.ops(intent="AMAZON.StopIntent") == ["cancel"]


def test_questions_have_no_timer_actions_even_when_paused():
    s = Session()
    s.step("launch")
    assert s.ops(intent="StartCheckInIntent") == []
    assert s.ops(intent="AMAZON.PauseIntent") == []
    assert s.ops(intent="AMAZON.ResumeIntent") == []


def test_a_new_session_on_a_timed_step_cancels_the_device_timers_when_it_moves_on():
    """Alexa: the timed step's reply closed the session; "I'm done" arrives in a new one, whose state has no clock."""
    s = Session()
    s.step("launch")
    s.step(intent="StartExerciseIntent", exercise="listening exercise")
    out = s.step(intent="DoneIntent", fresh=True)
    assert [a["op"] for a in out["timer_actions"]] == ["cancel"]


def test_a_safety_disclosure_cancels_a_running_clock():
    s = Session()
    s.step("launch")
    s.step(intent="StartExerciseIntent", exercise="listening exercise")
    assert s.ops(intent="SafetyIntent") == ["cancel"]
