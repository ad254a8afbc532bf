"""Audio faults on purpose: the live loop (`run_live`, through `closer local --mic-file`'s virtual
device) survives a speaker failing mid-sentence, a device unplugged mid-reply and while listening,
a microphone read that raises, and overflow and underflow: no crash, the session's state kept,
the cut-off sentence said again once the device is back, and a clear line in the log that
never holds what was said."""

from __future__ import annotations

import argparse
import json
import logging

import pytest

from local_voice import mic_file
from local_voice import voice_loop as VL
from local_voice.companion import Companion
from local_voice.voice import Voice

from .kitchen import KitchenRecording, Speech

CLOCK = "2026-12-01T18:30"
COMMAND_VOICE = "en-us:165"


@pytest.fixture(scope="module")
def shared_listener():
    """One recognizer for every run here: building its searches is the slow part of a start."""
    return VL.Listener("pocketsphinx", None, None)


@pytest.fixture
def loop(shared_listener, speech_dir, tmp_path, monkeypatch, capsys, caplog):
    """Run the live loop on a recording with a fault plan; returns (exit code, JSON lines, log text)."""
    monkeypatch.setattr(VL, "Listener", lambda *a, **k: shared_listener)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.parent / "speech-cache"))
    speech = Speech(speech_dir / "kitchen")

    def run(build, faults: str) -> tuple[int, list[dict], str]:
        path = tmp_path / "kitchen.wav"
        recording = KitchenRecording(path, speech, seed=5)
        build(recording)
        recording.close()
        args = argparse.Namespace(mic_file=str(path), speed=0.0, mic_from=None, mic_clock=CLOCK, audio_faults=faults,
                                  audio_out=None, jsonl=True, stt="pocketsphinx", model=None, wake_word=None,
                                  voice=None, input_device=None, output_device=None)
        companion = Companion.open(str(tmp_path / "closer.db"))
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            code = mic_file.run(args, companion)
        lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
        return code, lines, caplog.text

    return run


def sentence_cut_at(out: dict, seconds: float) -> str:
    """The first sentence of a reply that starts playing at or after `seconds` into it (same voice as
    the loop): the speaker fails on the first write from then on, halfway through it."""
    voice = Voice(None)
    at = 0.0
    for (kind, value), chunk in zip(voice.pieces(out), voice.stream(out)):
        if kind == "text" and at >= seconds:
            return value
        at += len(chunk) / 16000
    raise AssertionError("the reply ended before that time")


@pytest.mark.xfail(strict=False, reason="issue 20, open: written before the calm pace merged; the fault now lands in a later sentence of the greeting than the test computes, so which sentence is said again needs re-deriving from the spoken timings")
def test_speaker_failing_mid_sentence_and_unplugged_mid_reply(loop, tmp_path):
    def build(r: KitchenRecording) -> None:
        r.room(90)
        r.command("start a check in", "StartCheckInIntent", COMMAND_VOICE)
        r.room(80)
        r.command("i'm done", "DoneIntent", COMMAND_VOICE)
        r.room(30)

    # The greeting fails 5 s in; the check-in's reply loses its device 4 s in, for 20 s.
    start = 90.0 + 1.2  # a little after "start a check in" ends: while its reply plays
    code, lines, log = loop(build, f"speaker-error@5,unplug@{start + 4}+20,underflow@{start + 60}")
    assert code == 0
    kinds = [(line["kind"], line["heard"]) for line in lines]
    assert kinds[:2] == [("launch", None), ("repeat", None)], f"the cut-off greeting is said again first: {kinds}"
    assert lines[0]["interrupted"] and not lines[1].get("interrupted"), lines[:2]
    lines = lines[1:]

    greeting = Companion.open(str(tmp_path / "fresh.db"), seed=_seed()).launch(mic_file.parse_when(CLOCK))
    cut = sentence_cut_at(greeting, 5.0)
    assert lines[0]["say"].startswith(cut), (cut, lines[0]["say"][:120])
    assert greeting["say"].endswith(lines[0]["say"]), "from the cut-off sentence to the end, nothing else"
    assert not lines[0]["say"].startswith(greeting["say"][:20]), "not from the very beginning"

    replies = [line for line in lines if line["kind"] == "reply"]
    assert [r["heard"] for r in replies] == ["StartCheckInIntent", "DoneIntent"], kinds
    checkin = replies[0]
    assert checkin.get("interrupted"), "the check-in's reply was cut off by the unplug"
    after_unplug = lines[lines.index(checkin) + 1]
    assert after_unplug["kind"] == "repeat", kinds
    assert after_unplug["at"] >= start + 4 + 20 - 0.5, "said again only once the device is back"
    assert checkin["say"].endswith(after_unplug["say"]) and after_unplug["say"] != checkin["say"]
    # The state was kept: "I'm done" after the outage hands the turn to partner two.
    assert replies[1]["mode"] == "run" and "partner two" in replies[1]["say"].lower(), replies[1]

    assert "Audio trouble: cannot play audio" in log, log
    assert "Waiting for the device to come back" in log and "Audio is back" in log, log
    assert "check in" not in log.lower() and "done" not in log.lower(), "the log never holds what was said"


def _seed() -> int:
    return int(mic_file.parse_when(CLOCK) * 1000) % 1_000_000_007


def test_microphone_raising_unplugged_while_listening_and_overflowing(loop):
    def build(r: KitchenRecording) -> None:
        r.room(160)
        r.command("start a check in", "StartCheckInIntent", COMMAND_VOICE)
        r.room(70)
        r.command("i'm done", "DoneIntent", COMMAND_VOICE)
        r.room(20)

    # After the greeting and its reprompt, while the menu waits for an answer: the microphone
    # raises, then overflows, then the device is gone for 10 s. During partner one's turn
    # (the check-in's reply is over long before 205 s): the microphone raises again.
    code, lines, log = loop(build, "mic-error@70,overflow@75,unplug@100+10,mic-error@205")
    assert code == 0
    kinds = [(line["kind"], line["heard"]) for line in lines]
    assert kinds[:2] == [("launch", None), ("reprompt", None)], kinds
    # Back after an outage while a question waited for its answer: it is asked again, once the device is back.
    repeats = [line for line in lines if line["kind"] == "repeat"]
    assert repeats and repeats[0]["at"] >= 70.0 and any(r["at"] >= 110.0 - 0.5 for r in repeats), lines
    replies = [line for line in lines if line["kind"] == "reply"]
    assert [r["heard"] for r in replies] == ["StartCheckInIntent", "DoneIntent"], kinds
    # The raise during the partners' turn interrupts nobody: nothing between the two replies.
    assert lines.index(replies[1]) == lines.index(replies[0]) + 1, kinds
    assert "partner two" in replies[1]["say"].lower(), "the turn order survived the fault"
    assert log.count("Audio trouble: the microphone stopped (Unanticipated host error: input stream read failed)") == 2, log
    assert "Audio is back; listening again." in log, log
    assert "input overflow" in log, log
    assert "device was removed" in log, log
    assert "check in" not in log.lower() and "done" not in log.lower(), "the log never holds what was said"
