"""The endpointer over hours. pocketsphinx keeps about 28 kB of every Endpointer dropped (2,800
of them grew a process by 78 MB), and the loop makes a new one at every utterance's quick end and
every listen: the soak's growth of about 10 MB per simulated hour. Handing finished ones on
(stream ended, history emptied with a window of silence) stopped the growth but changed where a
later utterance was found to start (a handed-on detector has adapted to what it heard), so it was
not kept; the growth stays an open goal (issue 20), this test its measure."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from .conftest import RATE, REPO, read_samples, synth


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


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="pocketsphinx keeps ~28 kB of each dropped Endpointer (issue 20: soak growth)")
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
    assert grew < 4.0, f"{grew:.1f} MB more after 600 listens"  # 34 MB here: two endpointers a listen
