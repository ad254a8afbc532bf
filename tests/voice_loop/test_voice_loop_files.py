"""`closer local --audio-in` beyond the basic session: timed turns on the virtual clock, pause
holding timers, bad files, and the front ends' messages when there is no audio hardware."""

from __future__ import annotations

import numpy as np
import pytest

from local_voice.voice import tone

from .conftest import read_samples, rms_dbfs, run_closer, silent_wav, synth

# Phrasings the bundled recognizer hears reliably in this voice; the timers are what is tested here.
START = "start the listening exercise"
PAUSE = "let's pause"  # a phrasing in the catalog's short list (the list-based grammar has no skip words)
RESUME = "we're back"


def heard(line: dict) -> str | None:
    return (line.get("heard") or {}).get("intent")


def starts_with_chime(path: str, name: str) -> bool:
    samples, chime = read_samples(path), tone(name)
    return len(samples) > len(chime) and np.array_equal(samples[: len(chime)], chime)


def test_silence_runs_the_timed_turn_to_its_warning_and_end(speech_dir, audio_session, tmp_path):
    quiet = silent_wav(tmp_path / "quiet.wav", 20.0)
    files = [synth(START, speech_dir)] + [quiet] * 10  # 200 s of nobody speaking, 20 s a file
    run = audio_session(files, tmp_path / "out", tmp_path / "closer.db")
    assert run.code == 0, run.stderr[-2000:]
    start = run.lines[1]
    assert heard(start) == "StartExerciseIntent", start
    assert start["timer"], "the listening exercise's turn is timed"
    cued = [(n, line) for n, line in enumerate(run.lines[2:]) if line.get("ticked")]
    assert all(heard(line) is None for line in run.lines[2:]), "silence is never heard as a command"
    # the gentle warning 30 s before the end, then the end, on the virtual clock
    assert len(cued) == 2 and all(len(line["ticked"]) == 1 for _, line in cued), [c[1].get("ticked") for c in cued]
    (n_warn, warn), (n_end, end) = cued
    assert n_end - n_warn in (1, 2), "the warning comes 30 s before the end"
    assert "left" in warn["ticked"][0].lower(), warn["ticked"]
    assert "time" in end["ticked"][0].lower(), end["ticked"]
    for line, chime in ((warn, "warn"), (end, "end")):
        (path,) = line["ticked_audio"]
        assert starts_with_chime(path, chime), f"{path} does not begin with the {chime} chime"
        speech = read_samples(path)[len(tone(chime)):]
        assert rms_dbfs(speech) > -40, f"{path}: no speech after the chime"
    assert not end["timer"] and start["timer"]


def test_pause_holds_the_timer(speech_dir, audio_session, tmp_path):
    # 240 s of quiet: a running 180 s turn would have warned at 150 s and ended at 180 s within it
    # (each second of quiet still costs the loop's endpointing, so no longer than that proof needs).
    files = [synth(START, speech_dir), synth(PAUSE, speech_dir), silent_wav(tmp_path / "quiet.wav", 240.0),
             synth(RESUME, speech_dir)]
    run = audio_session(files, tmp_path / "out", tmp_path / "closer.db")
    assert run.code == 0, run.stderr[-2000:]
    start, paused, quiet, resumed = run.lines[1:5]
    assert [heard(start), heard(paused), heard(resumed)] == \
        ["StartExerciseIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent"]
    assert not quiet.get("ticked"), f"a paused timer fired: {quiet.get('ticked')}"
    assert resumed["timer"], "the timer runs again after resume"
    assert "left" in resumed["say"].lower(), resumed["say"]
    assert "minute" in resumed["say"].lower() or "seconds" in resumed["say"].lower()


def test_a_corrupt_wav_gives_an_error_line_and_status_2(speech_dir, audio_session, tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt garbage")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    files = [bad, synth(START, speech_dir), empty, tmp_path / "missing.wav"]
    run = audio_session(files, tmp_path / "out", tmp_path / "closer.db")
    assert run.code == 2, (run.code, run.stderr[-2000:])
    assert "Traceback" not in run.stderr
    errors = [line for line in run.lines if "error" in line]
    assert [e["file"] for e in errors] == [str(bad), str(empty), str(tmp_path / "missing.wav")]
    assert all(set(e) == {"file", "error"} and e["error"] for e in errors)
    assert heard(run.lines[2]) == "StartExerciseIntent", "a good file after a bad one is still heard"


def test_no_microphone_falls_back_to_the_text_console(closer_env, tmp_path):
    from local_voice import audio

    try:
        audio.pick_device(None, "input")
        pytest.skip("this machine has a microphone")
    except audio.AudioError:
        pass
    code, out, err, _ = run_closer(["local", "--db", str(tmp_path / "closer.db")], closer_env, stdin="stop\n", timeout=120)
    assert code == 0, err
    assert "Traceback" not in err
    assert "No microphone and speaker to use" in err and "text console" in err, err
    assert "Closer" in out


def test_list_devices_works_without_devices(closer_env):
    code, out, err, _ = run_closer(["local", "--list-devices"], closer_env, timeout=60)
    assert "Traceback" not in err
    if code == 0:
        assert out.strip(), "it prints the devices, or that there are none"
    else:
        assert code == 1 and "closer local:" in err and ("PortAudio" in err or "sounddevice" in err), err
