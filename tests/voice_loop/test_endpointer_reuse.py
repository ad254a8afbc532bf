"""The endpointer over hours: pocketsphinx keeps about 28 kB of every Endpointer dropped, so the
loop hands finished ones on (cleared) instead of making one per utterance and per listen."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from local_voice.recognition.endpoint import Quiet, Segmenter

from .conftest import RATE, read_samples, synth


def _rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return float(row.split()[1]) / 1024.0
    return 0.0


def _events(segmenter: Segmenter, audio: bytes) -> list[tuple[str, int, int]]:
    out = []
    for at in range(0, len(audio), 960):
        out += [(kind, at, len(data)) for kind, data in segmenter.feed(audio[at: at + 960]) if kind != "speech"]
    return out


def _two_commands(speech_dir) -> bytes:
    said = read_samples(synth("start a check in", speech_dir)).astype(np.int16)
    quiet = np.random.default_rng(0).normal(0, 3, RATE).astype(np.int16)
    return np.concatenate([quiet, said, quiet, said, quiet]).tobytes()


def test_a_handed_on_endpointer_finds_the_same_utterances(speech_dir):
    """Left in the middle of speech and handed on, it does not start on what it heard last: the
    utterances are found where a new one finds them (its detector has adapted, so within a frame or two)."""
    audio = _two_commands(speech_dir)
    first = _events(Segmenter(quick=Quiet(), fresh=True), audio)
    assert [kind for kind, *_ in first] == ["start", "end", "start", "end"], first
    for _ in range(3):
        _events(Segmenter(quick=Quiet()), audio[: len(audio) // 3])
    again = _events(Segmenter(quick=Quiet()), audio)
    assert [kind for kind, *_ in again] == [kind for kind, *_ in first], again
    assert all(abs(a[1] - b[1]) <= 2 * 960 for a, b in zip(first, again)), (first, again)


def test_utterances_and_listens_for_hours_do_not_grow_memory(speech_dir):
    audio = _two_commands(speech_dir)[: 2 * RATE * 3]
    for _ in range(50):  # warm up
        _events(Segmenter(quick=Quiet()), audio)
    before = _rss_mb()
    for _ in range(600):  # a few hours of listens, each with a quick end (a fresh endpointer before)
        _events(Segmenter(quick=Quiet()), audio)
    grew = _rss_mb() - before
    assert grew < 4.0, f"{grew:.1f} MB more after 600 segmenters (about 17 MB when each leaked its endpointer)"
