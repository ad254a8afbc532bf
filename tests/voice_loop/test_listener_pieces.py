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


def _decide_from_open(listener, samples: np.ndarray, step) -> list[str | None]:  # noqa: F811
    """Feed as the loop does from the moment the microphone opens (no lead of room before `samples`)."""
    from .test_voice_loop_streaming import blocks, mix

    listener.prepare(step)
    audio = mix(samples.astype(np.float64), np.zeros(int(2.5 * RATE)))
    return [r.intent for r in (listener.feed(pcm) for pcm in blocks(audio)) if r is not None]


def test_a_command_said_just_as_the_microphone_opens_is_heard(listener, speech_dir):  # noqa: F811
    """A couple answering the moment the reply ends starts a few tens of milliseconds after the
    microphone opens: all of the command is there, so it is not taken for speech cut in on."""
    from skill.engine.core import RUN

    done = trimmed(synth("i'm done", speech_dir))
    room_first = np.concatenate([np.zeros(int(0.06 * RATE)), done])
    assert _decide_from_open(listener, room_first, _Step(RUN, listen="conversation")) == ["DoneIntent"]


def test_speech_going_on_as_the_microphone_opens_is_not_answered(listener, speech_dir):  # noqa: F811
    """Half-duplex: words already being said when the microphone opened began under the reply, so
    only their end is heard; that end is never answered as a command."""
    from skill.engine.core import RUN

    said = trimmed(synth("okay i'm done", speech_dir))
    energy = np.convolve(said.astype(np.float64) ** 2, np.ones(480) / 480, mode="valid")
    loud = int(np.argmax(energy[: int(0.25 * RATE)]))  # opens inside the first word, at its loudest
    step = _Step(RUN, listen="conversation")
    assert not [i for i in _decide_from_open(listener, said[loud:], step) if i], "only the end of it was heard"
