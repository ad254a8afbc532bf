"""The listener over a command that reaches it in pieces: the quick endpointer cuts at any short
dip, so one phrase said with a breath in it can arrive as a command followed at once by more words.
Traced from kitchen evenings (bench/loop_trace.py); mechanisms, with phrasings of their own."""

from __future__ import annotations

import numpy as np

from local_voice import voice_loop as VL

from .conftest import RATE, synth
from .test_voice_loop_streaming import _Step, listener, stream_decisions, trimmed  # noqa: F401  (the fixture)


def test_a_command_that_goes_on_after_a_breath_is_decoded_whole(listener, speech_dir):  # noqa: F811
    """'start a check in' (a command by itself), a breath, then 'tonight': the words after the breath
    are decoded together with the command that came before them, not on their own."""
    from skill.engine.core import MENU

    head = trimmed(synth("start a check in", speech_dir))
    tail = trimmed(synth("tonight", speech_dir))
    clip = np.concatenate([head, np.zeros(int(0.2 * RATE)), tail])
    decisions = stream_decisions(listener, clip, _Step(MENU))
    assert [d[1] for d in decisions] == ["StartCheckInIntent"], decisions
