"""The endpointer over hours. pocketsphinx's own Python `Endpointer` has no destructor, so each
one dropped kept about 28 kB (2,800 grew a process by 78 MB), and the loop makes a new one at
every utterance's quick end and every listen: the soak's growth of about 10 MB per simulated
hour. `WindowEndpointer` decides the same way over pocketsphinx's `Vad`, which frees itself.
These tests replay speech through both and check they agree exactly, then measure the growth."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from .conftest import RATE, REPO, read_samples, synth

pocketsphinx = pytest.importorskip("pocketsphinx", reason="pocketsphinx is not installed")


def _kitchen(speech_dir) -> bytes:
    """Speech with breaths, room noise, a clink and silence between: every kind of start and end."""
    rng = np.random.default_rng(7)
    pieces = []
    for text in ("start a check in", "i'm done", "okay", "can you say that again please", "stop"):
        said = read_samples(synth(text, speech_dir)).astype(np.float64)
        gap = rng.normal(0, rng.choice([2.0, 40.0, 300.0]), int(RATE * rng.uniform(0.2, 1.4)))
        pieces += [gap, said * rng.uniform(0.3, 1.0)]
    pieces.append(rng.normal(0, 3000, int(RATE * 0.05)))  # a clink
    pieces.append(np.zeros(int(RATE * 0.7)))
    return np.clip(np.concatenate(pieces), -32768, 32767).astype("<i2").tobytes()


def _trace(endpointer, audio: bytes, end_at: int | None = None) -> list:
    out = []
    n = endpointer.frame_bytes
    stop = len(audio) - len(audio) % n if end_at is None else end_at
    for at in range(0, stop, n):
        got = endpointer.process(audio[at: at + n])
        out.append((got, bool(endpointer.in_speech), round(endpointer.speech_start, 9), round(endpointer.speech_end, 9)))
    tail = audio[stop: stop + n // 3]
    out.append((endpointer.end_stream(tail), bool(endpointer.in_speech), round(endpointer.speech_end, 9)))
    return out


@pytest.mark.parametrize("window,ratio,mode", [(0.45, 0.9, 1), (0.3, 0.8, 2), (0.6, 0.9, 3)])
def test_the_window_endpointer_decides_exactly_as_pocketsphinx(speech_dir, window, ratio, mode):
    from local_voice.recognition.window_endpointer import WindowEndpointer

    audio = _kitchen(speech_dir)
    settings = dict(window=window, ratio=ratio, vad_mode=mode, sample_rate=RATE)
    theirs = _trace(pocketsphinx.Endpointer(**settings), audio)
    ours = _trace(WindowEndpointer(**settings), audio)
    assert sum(1 for row in theirs[:-1] if row[0] is not None) > 20, "the recording should hold speech"
    assert ours == theirs
    # ended mid-speech: end_stream hands back what is queued, and the times agree
    for cut in (int(RATE * 2 * 1.2) // 960 * 960, int(RATE * 2 * 2.31) // 960 * 960):
        assert _trace(WindowEndpointer(**settings), audio, cut) == _trace(pocketsphinx.Endpointer(**settings), audio, cut)


_MEASURE = """
import sys
from pathlib import Path
import numpy as np
from local_voice.recognition.endpoint import Quiet, Segmenter

def rss():
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return float(row.split()[1]) / 1024.0

audio = np.fromfile(sys.argv[1], "<i2").tobytes()
def listen():
    seg = Segmenter(quick=Quiet())
    for at in range(0, len(audio), 960):
        list(seg.feed(audio[at: at + 960]))
for _ in range(50):
    listen()
before = rss()
for _ in range(600):  # a few hours of listens, each with a quick end
    listen()
print(rss() - before)
"""


def test_utterances_and_listens_for_hours_do_not_grow_memory(speech_dir, tmp_path):
    """Measured in a process of its own: in a test process, memory freed by earlier tests hides the growth."""
    said = read_samples(synth("start a check in", speech_dir)).astype(np.int16)
    quiet = np.random.default_rng(0).normal(0, 3, RATE).astype(np.int16)
    raw = tmp_path / "listen.raw"
    np.concatenate([quiet, said, quiet]).astype("<i2").tofile(raw)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(raw)], capture_output=True, text=True, env=env,
                         timeout=300, check=True)
    grew = float(out.stdout.strip())
    assert grew < 4.0, f"{grew:.1f} MB more after 600 listens"  # 34 MB with pocketsphinx's Endpointer
