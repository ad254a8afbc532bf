"""A calm pace for the ear: breaths that last, a beat after instructions, no cue talked over, and
slower/faster changing both the speaking rate and the pauses."""

from __future__ import annotations

from skill.engine import apply_effects, load_engine, new_memory

T0 = 1_750_708_800.0


def _words(segments) -> int:
    return sum(len(s["text"].split()) for s in segments if s["type"] == "text")


def _pauses(segments) -> float:
    return sum(s["seconds"] for s in segments if s["type"] == "pause")


def effective_wpm(out) -> float:
    """Words a minute of the reply as heard: speaking at the engine's rate, plus its pauses."""
    words = _words(out["segments"])
    seconds = words / out["pace_settings"]["wpm"] * 60 + _pauses(out["segments"])
    return words / seconds * 60


def _start_listening(memory=None):
    engine = load_engine()
    memory = memory or new_memory()
    state, out = engine.step(None, {"type": "launch", "now": T0}, memory)
    state, out = engine.step(state, {"type": "intent", "intent": "StartExerciseIntent", "now": T0 + 5,
                                     "slots": {"exercise": "listening exercise"}}, memory)
    return engine, state, out


def _pause_after(segments, phrase):
    for i, seg in enumerate(segments):
        if seg["type"] == "text" and phrase in seg["text"]:
            nxt = segments[i + 1] if i + 1 < len(segments) else None
            return nxt["seconds"] if nxt and nxt["type"] == "pause" else 0.0
    raise AssertionError(f"{phrase!r} is not said")


def test_the_listening_intro_is_unhurried_and_breathes():
    _, _, out = _start_listening()
    assert out["pace_settings"]["wpm"] <= 150
    assert effective_wpm(out) <= 140, effective_wpm(out)
    assert _pause_after(out["segments"], "one slow breath together") >= 3.0


def test_a_beat_follows_every_instruction():
    _, _, out = _start_listening()
    segments = out["segments"]
    texts = [i for i, s in enumerate(segments) if s["type"] == "text"]
    for i in texts[:-1]:
        assert segments[i + 1]["type"] == "pause" and segments[i + 1]["seconds"] >= 0.5, segments[i]["text"]


def test_after_thats_time_the_next_instruction_waits_for_a_breath():
    engine, state, out = _start_listening()
    memory = new_memory()
    _, cue = engine.step(state, {"type": "tick", "now": T0 + 5 + out["timer"]["seconds"] + 1}, memory)
    segments = cue["segments"]
    first_text = next(s["text"] for s in segments if s["type"] == "text")
    assert first_text.startswith("That's time")
    assert _pause_after(segments, "That's time") >= 2.0
    assert _words(segments) > len(first_text.split())  # the next instruction follows, after the breath


def test_slower_and_faster_change_the_rate_and_the_pauses():
    engine = load_engine()
    memory = new_memory()
    state, out = engine.step(None, {"type": "launch", "now": T0}, memory)
    base = out["pace_settings"]
    paces = {}
    for intent in ("SlowerIntent", "SlowerIntent", "FasterIntent", "FasterIntent", "FasterIntent"):
        state, out = engine.step(state, {"type": "intent", "intent": intent, "now": T0}, memory)
        memory = apply_effects(memory, out["effects"])
        paces[out["pace"]] = out["pace_settings"]
    assert paces[-2]["wpm"] < paces[-1]["wpm"] < base["wpm"] < paces[1]["wpm"]
    assert paces[-2]["pause_scale"] > paces[-1]["pause_scale"] > base["pause_scale"] > paces[1]["pause_scale"]
    slow = _start_listening({**new_memory(), "prefs": {"pace": -2, "depth": 1, "first": 0}})
    normal = _start_listening()
    assert _pause_after(slow[2]["segments"], "one slow breath") > _pause_after(normal[2]["segments"], "one slow breath")
