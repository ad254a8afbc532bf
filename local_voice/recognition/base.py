"""The recognizer interface every backend shares: streaming in, one `Result` per utterance out.

`accept(pcm)` feeds 16 kHz mono int16 audio, the endpointer finds where an utterance
starts and ends, and `result()` hands back the last utterance's `Result` (or None).
`set_expect(intents)` switches the grammar between utterances without reloading the model.
A backend provides the decoder: `_compile` (make a grammar live), `_begin`, `_feed`, `_end`.

Privacy: free speech is never transcribed. The recognizers only ever produce catalog
phrasings (or garbage tokens, which are dropped at once); `Result.text` is None whenever
no command was recognized. Nothing here logs what was said. The safety pass (safety_pass.py)
decodes free words in memory only and hands back just SafetyIntent and its family (text None).
"""

from __future__ import annotations

import zlib

from collections import deque

import numpy as np

from .commands import NO_COMMAND, RATE, CommandSet, Result
from .endpoint import Quiet, Segmenter, rms, speech_span


class Recognizer:
    """Streaming command recognizer. Subclasses provide the decoder (`_compile`, `_begin`, `_feed`, `_end`)."""

    backend = "none"
    # The safety pass (safety_pass.py), when attached: every utterance is also checked for a
    # disclosure in a person's own words while SafetyIntent is live; its words never leave it.
    safety = None
    _safety_heard: dict | None = None

    def __init__(self, commands: CommandSet, expect: list[str] | None = None, window: float = 0.45, dither: float = 6.0):
        self.commands = commands
        self.window = window
        self._dither = dither
        self.quick_end: float | None = None  # seconds of quiet that end an utterance at once (see end_quickly)
        self._segmenter = self._new_segmenter()
        self._results: deque[Result] = deque()
        self._in_utt = False
        self.live: list[str] = []
        self.set_expect(expect)

    # -- public API
    def end_quickly(self, quiet: float | None) -> None:
        """End an utterance after `quiet` seconds clearly below the speech (None: the detector's own end only)."""
        self.quick_end = quiet or None
        self._segmenter = self._new_segmenter()

    @property
    def quiet(self) -> Quiet | None:
        """The quick end detector of the stream now listened to (its level history, its loud blocks)."""
        return self._segmenter.quick

    def _new_segmenter(self) -> Segmenter:
        return Segmenter(window=self.window, quick=Quiet(self.quick_end) if self.quick_end else None)

    def set_expect(self, intents: list[str] | None) -> None:
        """Listen for these intents (plus the always-live ones) from the next utterance on."""
        live = self.commands.live(intents)
        if live != self.live or not hasattr(self, "_grammar_key"):
            self._grammar_key = self._compile(live)
            self.live = live

    def accept(self, pcm: bytes) -> bool:
        """Feed audio; True when an utterance ended during it (then call `result()`)."""
        ended = False
        for kind, data in self._segmenter.feed(pcm):
            ended |= self._on(kind, data)
        return ended

    def flush(self) -> bool:
        """End of input: finish an utterance still open. True if one ended."""
        ended = False
        for kind, data in self._segmenter.flush():
            ended |= self._on(kind, data)
        return ended

    def result(self) -> Result | None:
        """The oldest finished utterance's result not yet taken, or None."""
        return self._results.popleft() if self._results else None

    @property
    def in_speech(self) -> bool:
        return self._in_utt

    def reset(self) -> None:
        """Forget any partial utterance and queued results (e.g. after the companion spoke)."""
        if self._in_utt:
            self._end()
        self._safety_heard = None  # a disclosure in a forgotten utterance is not handed on later
        self._in_utt = False
        self._results.clear()
        self._segmenter = self._new_segmenter()

    def recognize(self, pcm: bytes) -> Result:
        """One clip, one utterance: decode from the first speech to the last (pauses included)."""
        # Silence either side first: the endpointer needs some before speech to see it
        # start (a clip that begins with speech would otherwise lose its first word).
        pad = b"\0" * (int(0.5 * RATE) * 2)
        pcm = pad + pcm[: len(pcm) - len(pcm) % 2] + pad
        span = speech_span(pcm, window=self.window)
        if span is None:
            # Too short for the endpointer's window (a quick "yes"): decode the clip if it
            # has any sound in it at all.
            if rms(pcm) < 10.0:
                return NO_COMMAND
            span = (len(pad), len(pcm) - len(pad))
        margin = int(0.25 * RATE) * 2
        clip = pcm[max(0, span[0] - margin) : span[1] + margin]
        self._begin()
        self._feed(self._dithered(clip))
        return self._finish()

    # -- internals
    def _on(self, kind: str, data: bytes) -> bool:
        if kind == "start":
            self._begin()
            self._in_utt = True
        if not self._in_utt:
            return False
        if data:
            self._feed(self._dithered(data))
        if kind == "end":
            self._in_utt = False
            self._results.append(self._finish())
            return True
        return False

    def _dithered(self, pcm: bytes) -> bytes:
        """Add faint noise: digital silence (all zeros) upsets the decoders' normalisation."""
        if not self._dither or not pcm:
            return pcm
        x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
        # Seeded by the audio itself: the same sound is always heard the same way, whatever was
        # decoded before it (a shared stream of noise made results depend on test order).
        rng = np.random.default_rng(zlib.crc32(pcm))
        x += rng.normal(0.0, self._dither, x.shape).astype(np.float32)
        return np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes()

    def _hear_safety(self, pcm: bytes) -> None:
        """For backends: run the safety pass on an utterance's audio (before `_end` returns)."""
        live = self.safety is not None and "SafetyIntent" in self.live
        self._safety_heard = self.safety.hear(pcm) if live else None

    def _finish(self) -> Result:
        text, confidence = self._end()
        heard, self._safety_heard = self._safety_heard, None
        if heard is not None:  # a disclosure outranks any command; no text: nothing said is handed on
            return Result(None, "SafetyIntent", heard, 1.0)
        if not text:
            return NO_COMMAND
        found = self.commands.lookup(text, self.live)
        if found is None:
            return NO_COMMAND
        intent, slots = found
        return Result(" ".join(text.split()), intent, slots, confidence)

    def _compile(self, live: list[str]):
        raise NotImplementedError

    def _begin(self) -> None:
        raise NotImplementedError

    def _feed(self, pcm: bytes) -> None:
        raise NotImplementedError

    def _end(self) -> tuple[str | None, float]:
        """Close the utterance: (recognized command text or None, confidence 0..1)."""
        raise NotImplementedError
