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
from local_voice.voice import SENTENCE_PAUSE, Voice, pace_settings, sentences, tone

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


def sentence_spans(out: dict) -> list[tuple[float, float, str]]:
    """(start, end, sentence) for each sentence of a reply, in seconds into its sound: each sentence
    rendered by the loop's voice into the speech cache the loop reads (so the loop then plays these
    very samples, whole sentences, and Piper's random timing cannot differ), followed by the pause
    the loop puts after it (see `Voice.stream`)."""
    voice = Voice(None)
    settings = pace_settings(out, voice.wpm)
    pieces = list(voice.pieces(out))
    spans, at = [], 0.0
    for i, (kind, value) in enumerate(pieces):
        if kind == "text":
            length = len(voice.render_text(value, settings)) / voice.rate
            if i + 1 < len(pieces) and pieces[i + 1][0] == "text":
                length += SENTENCE_PAUSE * settings["pause_scale"]
            spans.append((at, at + length, value))
        elif kind == "pause":
            length = value
        else:
            length = len(voice.chimes.get(value, tone(value, voice.rate))) / voice.rate
        at += length
    return spans


def test_speaker_failing_mid_sentence_and_unplugged_mid_reply(loop, tmp_path):
    def build(r: KitchenRecording) -> None:
        r.room(90)
        r.command("start a check in", "StartCheckInIntent", COMMAND_VOICE)
        r.room(80)
        r.command("i'm done", "DoneIntent", COMMAND_VOICE)
        r.room(30)

    greeting = Companion.open(str(tmp_path / "fresh.db"), seed=_seed()).launch(mic_file.parse_when(CLOCK))
    spans = sentence_spans(greeting)

    # The greeting fails 5 s in; the check-in's reply loses its device 4 s in, for 20 s.
    start = 90.0 + 1.2  # a little after "start a check in" ends: while its reply plays
    code, lines, log = loop(build, f"speaker-error@5,unplug@{start + 4}+20,underflow@{start + 60}")
    assert code == 0
    kinds = [(line["kind"], line["heard"]) for line in lines]
    assert kinds[:2] == [("launch", None), ("repeat", None)], f"the cut-off greeting is said again first: {kinds}"
    assert lines[0]["interrupted"] and not lines[1].get("interrupted"), lines[:2]

    # The speaker fails on the first write from 5 s on: what had been played before it ends at or after
    # 5 s, and the sentence under that point is the one said again, whatever the pace and the voice.
    launch = lines[0]
    played = launch["seconds"]
    assert launch["at"] + played >= 5.0 and launch["at"] < 5.0, launch
    assert greeting["say"] == launch["say"], "the same greeting as the loop's"
    # Whole sentences from the cache: the failed write began a sentence, the first one starting from 5 s on.
    cut = next(text for begin, end, text in spans if begin <= played + 0.01 < end)
    begin = next(b for b, _, text in spans if text == cut)
    assert abs(played - begin) <= 0.02 and launch["at"] + begin >= 5.0, (played, spans)
    repeat = lines[1]
    assert repeat["say"].startswith(cut), (cut, played, repeat["say"][:120])
    assert greeting["say"].endswith(repeat["say"]), "from the cut-off sentence to the end, nothing else"
    assert cut != sentences(greeting["say"])[0] and not repeat["say"].startswith(greeting["say"][:20]), \
        "not from the very beginning"

    replies = [line for line in lines if line["kind"] == "reply"]
    assert [r["heard"] for r in replies] == ["StartCheckInIntent", "DoneIntent"], kinds
    checkin = replies[0]
    assert checkin.get("interrupted"), "the check-in's reply was cut off by the unplug"
    after_unplug = lines[lines.index(checkin) + 1]
    assert after_unplug["kind"] == "repeat", kinds
    assert after_unplug["at"] >= start + 4 + 20 - 0.5, "said again only once the device is back"
    assert checkin["say"].endswith(after_unplug["say"]) and after_unplug["say"] != checkin["say"]
    # The state was kept: "I'm done" after the outage hands the turn to partner two.
    assert replies[1]["mode"] == "running" and "partner two" in replies[1]["say"].lower(), replies[1]

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



def test_a_sentence_played_in_pieces_is_said_again_whole_and_none_is_skipped():
    """Piper renders a reply's first sentence (and long ones) in several chunks: whichever chunk the
    speaker fails on, what is said again starts at that chunk's own sentence, never a later one."""
    from local_voice.recovery import Playback

    voice = Voice(None, cache=False)
    text = "Hello, and welcome to Closer Together. Take your time, and say i'm done when you finish. Shall we start?"
    out = {"say": text, "segments": [{"type": "text", "text": text}]}
    said = sentences(text)
    rendered = list(voice.stream_pieces(out))  # once: Piper is slow here; each cut replays it

    class Replay:
        pieces, stream_pieces = voice.pieces, staticmethod(lambda out: iter(rendered))

    starts = []
    for cut_at in range(len(rendered)):
        playback = Playback(Replay(), out)
        chunks = list(playback.chunks())
        for chunk in chunks[:cut_at]:
            playback.wrote(chunk)
        rest = playback.rest()
        starts.append(next(i for i, s in enumerate(said) if rest["say"].startswith(s)))
        assert text.endswith(rest["say"])
    if len(starts) == len(said):
        pytest.skip(f"the voice here ({voice.info.engine}) renders each sentence whole: nothing to check")
    assert starts == sorted(starts) and set(starts) == set(range(len(said))), starts
    assert starts[:2] == [0, 0], "the opening's second chunk is still the first sentence"
