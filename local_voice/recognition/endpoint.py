"""Endpointing: where an utterance starts and ends in a stream of 16 kHz mono int16 audio.

One endpointer for everything that listens (`Segmenter`): pocketsphinx's voice activity
detector finds where speech starts; the end is the sooner of that detector's end and a
quick level-based end (`Quiet`, when asked for), which ends an utterance after a short
stretch clearly below the speech. The detector alone needs most of its window (0.45 s)
of non-speech and takes steady room noise for speech; the quick end answers a finished
command soon after it ends (a thinking pause inside a phrase ends it too, which the voice
loop's hold takes care of).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from .commands import RATE
from .window_endpointer import WindowEndpointer

BLOCK = 0.03  # seconds per endpointer frame (pocketsphinx's Endpointer uses 30 ms), also the microphone block
QUIET = 0.12  # seconds clearly below the speech that end an utterance quickly


def rms(pcm: bytes) -> float:
    x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
    return float(np.sqrt(np.mean(x * x))) if len(x) else 0.0


def frame_energy(pcm: bytes) -> np.ndarray:
    """Energy in dB of each whole 10 ms frame of 16 kHz int16 audio (the decoders' frame rate)."""
    x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
    hop = RATE // 100
    n = len(x) // hop
    return 10 * np.log10(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1) + 1.0)


def _tenth_percentile(values) -> float:
    """np.percentile(values, 10) (linear interpolation) for a hundred values, without numpy's
    per-call overhead: this runs for every 30 ms block, and numpy's took most of the loop's time."""
    ordered = sorted(values)
    position = 0.1 * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (position - low) * (ordered[high] - ordered[low]))


class Quiet:
    """A quick end-of-speech detector over 30 ms blocks: level against the room's noise floor.

    Ends an utterance after `quiet` seconds clearly below the speech (`min_drop` dB under its
    peak, `margin` dB above the floor at most).
    """

    def __init__(self, quiet: float = QUIET, margin: float = 9.0, loud_margin: float = 14.0, min_drop: float = 30.0,
                 floor_seconds: float = 3.0):
        self.seconds = quiet
        self.quiet_blocks = max(1, int(round(quiet / BLOCK)))
        self.margin, self.loud_margin, self.min_drop = margin, loud_margin, min_drop
        self.levels: deque[float] = deque(maxlen=max(5, int(floor_seconds / BLOCK)))
        self.floor = -70.0
        self.reset()

    def forget_room(self) -> None:
        """A new listening phase: the floor is measured again."""
        self.levels.clear()
        self.floor = -70.0
        self.reset()

    def reset(self) -> None:
        self.peak = -120.0
        self.loud = 0        # loud blocks in the current stretch of speech
        self.run = 0         # quiet blocks since the last loud one
        self.loud_run = 0    # loud blocks in a row

    @staticmethod
    def level(pcm: bytes) -> float:
        x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
        if not len(x):
            return -120.0
        return float(10.0 * np.log10(np.mean(x * x) / (32768.0 * 32768.0) + 1e-12))

    def push(self, pcm: bytes) -> float:
        db = self.level(pcm)
        self.levels.append(db)
        # the floor from the first block on (the microphone opens on the room, not on speech)
        self.floor = _tenth_percentile(self.levels) if len(self.levels) >= 5 else min(self.levels)
        if db > max(self.floor + self.loud_margin, -65.0):
            self.loud += 1
            self.loud_run += 1
            self.run = 0
            self.peak = max(self.peak, db)
        else:
            self.loud_run = 0
            if db < max(self.floor + self.margin, self.peak - self.min_drop) or db < -65.0:
                self.run += 1
        return db

    @property
    def ended(self) -> bool:
        """Speech was heard and has been quiet long enough."""
        return self.loud >= 3 and self.run >= self.quiet_blocks

    @property
    def resumed(self) -> bool:
        return self.loud_run >= 3


class Segmenter:
    """Endpointing over a stream: emits ('start', pcm), ('speech', pcm), ('end', pcm).

    The pcm given with 'start' includes `preroll` seconds before speech began; the one with
    'end' holds `postroll` seconds after it ended, so decoders see some context either side.
    With `quick` (a `Quiet`), an utterance also ends as soon as that detector says so.
    """

    def __init__(self, window: float = 0.45, ratio: float = 0.9, vad_mode: int = 1, preroll: float = 0.25,
                 postroll: float = 0.2, quick: Quiet | None = None):
        self._settings = dict(window=window, ratio=ratio, vad_mode=vad_mode, sample_rate=RATE)
        self.ep = self._endpointer()
        # The endpointer reports speech as starting when its window has filled with enough
        # speech, about `window` seconds after the first voiced frame: measured on clips
        # that start with speech, anything less cut the first phones off ("next" lost its n).
        self.lag = window
        self.frame_bytes = self.ep.frame_bytes
        self.preroll = int(preroll * RATE) * 2
        self.postroll = int(postroll * RATE) * 2
        self.quick = quick
        self._pending = b""
        self._history: deque[bytes] = deque()
        self._history_bytes = 0
        self._consumed = 0  # bytes given to endpointers so far
        self._origin = 0    # bytes consumed before the current endpointer began (its time zero)
        self._keep = int(RATE * 2 * (window + preroll + postroll + 1.0))
        self.speech_end_time: float | None = None

    def _endpointer(self):
        # pocketsphinx's own Endpointer decides the same but is never freed (window_endpointer.py)
        return WindowEndpointer(**self._settings)

    @property
    def in_speech(self) -> bool:
        return bool(self.ep.in_speech)

    def _at(self, seconds: float) -> int:
        """Absolute byte offset of a time on the current endpointer's clock."""
        return self._origin + int(seconds * RATE) * 2

    def _remember(self, frame: bytes) -> None:
        self._history.append(frame)
        self._history_bytes += len(frame)
        while self._history_bytes - len(self._history[0]) >= self._keep:
            self._history_bytes -= len(self._history.popleft())

    def _slice(self, start: int, stop: int) -> bytes:
        """Raw bytes between absolute byte offsets, as far as the history still holds them."""
        base = self._consumed - self._history_bytes
        data = b"".join(self._history)
        lo, hi = max(0, start - base), max(0, min(len(data), stop - base))
        return data[lo:hi] if hi > lo else b""

    def feed(self, pcm: bytes):
        self._pending += pcm
        n = self.frame_bytes
        while len(self._pending) >= n:
            frame, self._pending = self._pending[:n], self._pending[n:]
            yield from self._frame(frame)

    def _frame(self, frame: bytes):
        was = self.ep.in_speech
        self._remember(frame)
        self._consumed += len(frame)
        speech = self.ep.process(frame)
        if self.quick is not None:
            self.quick.push(frame)
        if speech is not None:
            if not was:
                start = self._at(self.ep.speech_start)
                yield "start", self._slice(start - self.preroll - int(self.lag * RATE) * 2, start) + speech
            elif self.ep.in_speech:
                yield "speech", speech
            if not self.ep.in_speech:
                end = self._at(self.ep.speech_end)
                self.speech_end_time = self.ep.speech_end
                if self.quick is not None:
                    self.quick.reset()
                yield "end", (speech if was else b"") + self._slice(end, end + self.postroll)
                return
        if self.quick is not None and self.ep.in_speech and self.quick.ended:
            yield from self._end_now()

    def _end_now(self):
        """The quick end: close the utterance at once, and listen on with a fresh detector."""
        # end_stream needs a partial frame (it fails on a stream that ends on a whole one).
        rest = self.ep.end_stream(b"\0\0") or b""
        self.speech_end_time = self.ep.speech_end
        self.ep = self._endpointer()
        self._origin = self._consumed
        self.quick.reset()
        yield "end", rest + b"\0" * self.postroll

    def flush(self):
        """End of the stream: close an utterance still open."""
        tail, self._pending = self._pending, b""
        if self.ep.in_speech:
            rest = self.ep.end_stream(tail or b"\0\0") or b""
            self.speech_end_time = self.ep.speech_end
            yield "end", rest + b"\0" * self.postroll


def speech_span(pcm: bytes, **kwargs) -> tuple[int, int] | None:
    """Byte offsets of the first speech start and last speech end in a clip, or None if silent."""
    seg = Segmenter(**kwargs)
    first = last = None
    padded = pcm + b"\0" * (seg.frame_bytes * 40)
    for kind, _ in seg.feed(padded):
        if kind == "start" and first is None:
            first = max(0, int((seg.ep.speech_start - seg.lag) * RATE) * 2)
        if kind == "end":
            last = int(seg.ep.speech_end * RATE) * 2
    for kind, _ in seg.flush():
        last = int(seg.ep.speech_end * RATE) * 2
    if first is None:
        return None
    return first, max(last or len(pcm), first)
