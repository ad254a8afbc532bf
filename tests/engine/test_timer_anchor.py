"""A timed turn starts when its instructions have been heard, not when they were produced."""

from skill.engine import load_engine, new_memory
from skill.engine.core import wake_at

T0 = 1_800_000_000.0


def start_listening(engine, memory):
    state, _ = engine.step(None, {"type": "launch", "now": T0}, memory)
    state, out = engine.step(state, {"type": "intent", "intent": "StartExerciseIntent",
                                     "slots": {"exercise": "listening exercise"}, "now": T0 + 5}, memory)
    while not out["timer"]:  # walk to the first timed step
        state, out = engine.step(state, {"type": "intent", "intent": "DoneIntent", "now": T0 + 6}, memory)
    return state, out


def test_played_moves_the_end_of_the_turn_to_after_the_speech():
    engine, memory = load_engine(), new_memory()
    state, out = start_listening(engine, memory)
    seconds = out["timer"]["seconds"]
    produced_end = wake_at(state)
    state, _ = engine.step(state, {"type": "played", "now": T0 + 40}, memory)
    assert state["run"]["timer"]["end"] == T0 + 40 + seconds
    assert wake_at(state) > produced_end
    # A later "played" (say, after a side answer) does not push the end again.
    state, _ = engine.step(state, {"type": "played", "now": T0 + 60}, memory)
    assert state["run"]["timer"]["end"] == T0 + 40 + seconds
    # Nothing ends before the anchored end; the end comes after it.
    state, early = engine.step(state, {"type": "tick", "now": T0 + 40 + seconds - 1}, memory)
    assert "chime" not in [s["type"] for s in early["segments"]] or early["timer"] is None
    state, late = engine.step(state, {"type": "tick", "now": T0 + 41 + seconds}, memory)
    assert any(s["type"] == "chime" for s in late["segments"])


def test_without_played_the_timer_runs_from_the_reply():
    engine, memory = load_engine(), new_memory()
    state, out = start_listening(engine, memory)
    assert state["run"]["timer"]["end"] == T0 + 5 + out["timer"]["seconds"]  # the reply that started it
