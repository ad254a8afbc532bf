"""A few minutes of a kitchen evening through the live loop: `closer local --mic-file --speed 0 --jsonl`.

Talk, quiet, dishes and a running tap around six commands, two of them said right after a
short reply while the turn goes on; each command must be heard as meant and answered with
the right words, and nothing else (table talk, noise) may get a reply. The longer runs, with
figures, are bench/soak.py and bench/kitchen_evening.py."""

from __future__ import annotations

import json

import pytest

from .conftest import run_closer
from .kitchen import KitchenRecording, Speech
from .kitchen_evening import score

CLOCK = "2026-12-01T18:30"


def build(r: KitchenRecording, voice: str) -> None:
    r.room(4)
    r.talk("how was your day at work", "en+f3:150")
    r.room(2)
    r.dishes(6)
    r.room(3)
    r.talk("my boss was in a strange mood today", "en-us:165")  # the greeting plays over these:
    r.room(3)                                                   # the microphone is closed, none is heard
    r.talk("the kids were so loud at the park", "en+m3:175")
    r.room(45 - r.now)
    r.command("start a check in", "StartCheckInIntent", voice)
    r.room(36)
    r.talk("did you remember to call the plumber", "en-us:165")  # partner one answers
    r.room(2)
    r.talk("i ran into an old friend at the supermarket", "en+f3:150")
    r.room(4)
    done = r.command("i'm done", "DoneIntent", "en-us:165")
    r.room(done.end + 6.0 - r.now)  # right after "Thank you. Now partner two", while the turn goes on
    r.command("i'm done", "DoneIntent", "en+f3:150")
    r.room(22)
    r.tap(6)
    r.room(3)
    r.command("pause", "AMAZON.PauseIntent", "en-us:165")
    r.room(7)  # right after the short reply
    r.command("resume", "AMAZON.ResumeIntent", voice)
    r.room(26)
    r.talk("this pasta is really good", "en+m3:175")
    r.room(4)
    r.command("stop", "AMAZON.StopIntent", "en-us:165")
    r.room(10)
    r.talk("do you want some more wine", "en-us:165")  # the session is over: nobody is answered
    r.room(3)
    r.dishes(5)
    r.room(8)


@pytest.fixture(scope="module")
def evening(speech_dir, closer_env, tmp_path_factory):
    work = tmp_path_factory.mktemp("evening")
    speech = Speech(speech_dir / "kitchen")
    voice = "piper" if speech.have_piper() else "en-us:165"
    recording = KitchenRecording(work / "evening.wav", speech, seed=11)
    build(recording, voice)
    recording.close()
    code, stdout, stderr, peak = run_closer(
        ["local", "--db", str(work / "closer.db"), "--stt", "pocketsphinx", "--mic-file", str(recording.path),
         "--speed", "0", "--jsonl", "--mic-clock", CLOCK], closer_env, timeout=600)
    lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
    return recording, code, lines, stderr


@pytest.mark.xfail(strict=False, reason="issue 20, open: Piper's 'start a check in' at 45 s is not heard in some runs (its speech is synthesized afresh each session, recognition), and the menu's 12 s reprompt after the calm greeting begins at about 44 s, just before it; a missed start loses the whole session")
def test_every_command_is_heard_as_meant_and_answered(evening):
    recording, code, lines, stderr = evening
    assert code == 0, stderr[-2000:]
    assert lines[0]["kind"] == "launch" and lines[0]["at"] == 0.0 and lines[0]["say"], lines[0]
    result = score(recording.commands, lines)
    assert not result["missed"], [(c.text, round(c.start, 1), heard) for c, heard in result["missed"]]
    replies = [line for line in lines if line["kind"] == "reply"]
    said = [c for c in recording.commands]
    for reply, command in zip(replies, said):
        assert reply["heard"] == command.intent
        assert command.end - 0.3 <= reply["at"] <= command.end + 1.5, (reply["at"], command)
        assert reply["seconds"] > 0.5, "every reply is spoken"
    start, done_one, done_two, paused, resumed, stop = replies
    assert "?" in start["say"] and start["listen"] == "conversation", start["say"]
    assert "partner two" in done_one["say"].lower(), done_one["say"]
    assert "?" in done_two["say"] and done_two["say"] != start["say"], "the next question is read"
    assert "paus" in paused["say"].lower() and paused["listen"] == "command", paused
    assert resumed["mode"] == "running" and resumed["listen"] == "conversation", resumed
    assert stop["end"] is True, stop


def test_no_reply_to_table_talk_or_noise(evening):
    recording, _, lines, _ = evening
    result = score(recording.commands, lines)
    assert result["stray"] == [], f"answered talk or noise: {result['stray']}"
    after_stop = [line for line in lines if line["at"] > recording.commands[-1].end + 2]
    assert after_stop == [], "nothing is said after the session ended"
