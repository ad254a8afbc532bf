"""Coming back after the sound device failed: say again what was cut off, and nothing the couple already heard.

A reply is played piece by piece (a sentence, a pause, a chime). `Playback` notes which
piece was being played when the speaker failed; once the device is back, `Recovery` plays
the reply again from that sentence on, and only then tells the engine it was heard (so a
timed turn starts after the question, not before). When the microphone failed while the
loop was listening, nothing was cut off: a question still waiting for an answer is asked
again (the engine's repeat), and partners in the middle of a timed turn are left alone.
"""

from __future__ import annotations

import numpy as np

from .idle import is_idle


class Playback:
    """One reply on its way to the speaker, piece by piece."""

    def __init__(self, voice, out: dict):
        self.voice = voice
        self.out = out
        self.pieces = list(voice.pieces(out))
        self._order: list[int] = []  # the piece behind each non-empty chunk, in the order rendered (a sentence may be several)
        self.written = 0             # chunks wholly written to the speaker
        self.samples = 0             # and their samples

    def chunks(self):
        for index, chunk in self.voice.stream_pieces(self.out):
            if len(chunk):
                self._order.append(index)
                yield chunk

    def wrote(self, samples: np.ndarray) -> None:
        self.written += 1
        self.samples += len(samples)

    def rest(self) -> dict | None:
        """The reply from the piece that was cut off to its end (None when all of it was played)."""
        if self.written >= len(self._order):
            return None
        pieces = self.pieces[self._order[self.written]:]
        segments = []
        for kind, value in pieces:
            if kind == "text":
                segments.append({"type": "text", "text": value})
            elif kind == "pause":
                segments.append({"type": "pause", "seconds": value})
            else:
                segments.append({"type": "chime", "name": value})
        say = " ".join(value for kind, value in pieces if kind == "text")
        return {**self.out, "segments": segments, "say": say}


class Recovery:
    """Remembers a reply the speaker cut off and decides what to say once the devices are back."""

    def __init__(self):
        self.cut_off: dict | None = None

    def interrupted(self, playback: Playback) -> None:
        self.cut_off = playback.rest()

    def after_outage(self, companion) -> tuple[dict | None, str]:
        """(what to say now, why): the rest of a cut-off reply, a repeated question, or nothing."""
        cut_off, self.cut_off = self.cut_off, None
        if cut_off is not None:
            return cut_off, "repeat"
        last = companion.last or {}
        if is_idle(companion) or companion.state is None or last.get("listen") == "conversation":
            return None, ""
        return companion.intent("AMAZON.RepeatIntent"), "repeat"
