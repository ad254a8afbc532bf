"""Always listening: "stop" ends a session but not the companion, which waits for a start phrase;
a restart after a crash mid-session picks up at the same step."""

from __future__ import annotations

from local_voice.companion import Companion
from local_voice.idle import SessionMarker, is_idle, launch
from skill.store import open_store

from .conftest import synth


def heard(line: dict) -> str | None:
    return (line.get("heard") or {}).get("intent")


def test_stop_then_start_a_check_in_gets_a_second_check_in(speech_dir, audio_session, tmp_path):
    said = ["start a check in", "stop", "did you remember to call the plumber", "start a check in"]
    run = audio_session([synth(text, speech_dir) for text in said], tmp_path / "out", tmp_path / "closer.db")
    assert run.code == 0, run.stderr[-2000:]
    first, stop, talk, again = run.lines[1:5]
    assert heard(first) == "StartCheckInIntent" and first["prompt"], first
    assert heard(stop) == "AMAZON.StopIntent" and stop["end"] is True, stop
    assert heard(talk) is None and talk["say"] == "", f"table talk while idle was answered: {talk}"
    assert heard(again) == "StartCheckInIntent", again
    assert again["say"] and again["prompt"] and not again["end"], f"no second check-in: {again}"
    assert again["audio"], "the second check-in is spoken"


def test_a_restart_after_a_crash_picks_up_at_the_same_step(tmp_path):
    db = str(tmp_path / "closer.db")
    marker = SessionMarker(tmp_path / "state" / "session-open")
    before = Companion(open_store(db), clock=lambda: 1_700_000_000.0, seed=3)
    launch(before, marker)
    started = before.intent("StartCheckInIntent")
    marker.update(before)
    assert marker.crashed(), "an open session is marked"
    # The process dies here: no session_end, no goodbye. The service starts a new one.
    after = Companion(open_store(db), clock=lambda: 1_700_000_060.0, seed=4)
    out = launch(after, marker)
    assert out["prompt"] == started["prompt"], f"resumed at {out['prompt']}, was at {started['prompt']}"
    after.intent("AMAZON.StopIntent")
    marker.update(after)
    assert is_idle(after) and not marker.crashed(), "an ended session leaves no marker"
