"""Conversation transcripts (tests/conversations) replayed through the voice loop: every user
line is spoken by espeak-ng (two voices, turn about), recognized, answered and rendered.

Only transcripts whose lines are all commands: the voice loop leaves the partners' own talk
alone by design, where the text front ends answer it."""

from __future__ import annotations

import pytest

from local_voice import voice_loop as VL
from local_voice.voice import Voice

from .voice_driver import VoiceDriver, replay

TRANSCRIPTS = ["01-scripted-session", "06-timed-wait-clock", "07-timed-wait-paused"]


@pytest.fixture(scope="module")
def listener():
    return VL.Listener("pocketsphinx", None, None)


@pytest.fixture(scope="module")
def voice(tmp_path_factory):
    return Voice("espeak", cache_dir=tmp_path_factory.mktemp("speech-cache"))  # quick; Piper has its own tests


@pytest.mark.xfail(reason="issue 6 accuracy goal not met yet: pocketsphinx rejects or mishears short commands in espeak-ng voices (78% of held-out commands heard as meant, goal 97%); this test is the acceptance check for it", strict=False)
@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_transcript_through_the_voice_loop(name, listener, voice, speech_dir, tmp_path):
    transcript = replay.load_transcript(replay.HERE / f"{name}.yaml")
    driver = VoiceDriver(tmp_path / "closer.db", listener, voice, speech_dir)
    outs = replay.replay(transcript, driver)
    assert len(outs) == len(transcript["turns"])
    assert driver.spoken_seconds > 5
