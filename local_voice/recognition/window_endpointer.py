"""Speech start and end from a window of voice-activity decisions, over pocketsphinx's `Vad`.

It decides exactly as pocketsphinx 5.1's `Endpointer` does (ps_endpointer.c: a queue of
`window` seconds of frames; speech starts when more than `ratio` of the queue is voiced and
ends when fewer than `1 - ratio` are), frame for frame and byte for byte; a test replays
recordings through both. It exists because pocketsphinx's Python `Endpointer` has no
destructor: every one dropped keeps about 28 kB for the life of the process, and the live loop
starts a fresh one at every quick end and every listen, which grew a companion left running
by about 10 MB an hour. `Vad` frees itself, so this endpointer costs nothing once dropped.
"""

from __future__ import annotations

from collections import deque


class WindowEndpointer:
    def __init__(self, window: float = 0.3, ratio: float = 0.9, vad_mode: int = 1, sample_rate: int = 16000,
                 frame_length: float = 0.03):
        from pocketsphinx import Vad

        self._vad = Vad(vad_mode, sample_rate, frame_length)
        self.frame_length = self._vad.frame_length
        self.frame_bytes = self._vad.frame_bytes
        self.sample_rate = self._vad.sample_rate
        # The same arithmetic as the C code, so rounding agrees (0.1 * 15 + 0.5 is just under 2).
        self._maxlen = int(window / self.frame_length + 0.5)
        self._start_frames = int(ratio * self._maxlen)
        self._end_frames = int((1.0 - ratio) * self._maxlen + 0.5)
        if not 0 < self._start_frames < self._maxlen or not 0 < self._end_frames < self._maxlen:
            raise ValueError(f"ratio {ratio} cannot start and end speech in a window of {self._maxlen} frames")
        self._queue: deque[tuple[bytes, bool]] = deque()
        self._voiced = 0  # voiced frames in the queue
        self._queue_start = 0.0  # stream time of the queue's oldest frame
        self.in_speech = False
        self.speech_start = 0.0
        self.speech_end = 0.0

    def _push(self, frame: bytes, voiced: bool) -> None:
        if len(self._queue) == self._maxlen:
            _, old = self._queue.popleft()
            self._voiced -= old
            self._queue_start += self.frame_length
        self._queue.append((frame, voiced))
        self._voiced += voiced

    def _pop(self) -> tuple[bytes, bool]:
        frame, voiced = self._queue.popleft()
        self._voiced -= voiced
        self._queue_start += self.frame_length
        return frame, voiced

    def process(self, frame: bytes) -> bytes | None:
        """One frame in; a frame of speech out (delayed by the window) while in speech, else None."""
        if len(frame) != self.frame_bytes:
            raise IndexError(f"Frame size must be {self.frame_bytes} bytes")
        self._push(bytes(frame), bool(self._vad.is_speech(frame)))
        if self.in_speech:
            if self._voiced < self._end_frames:
                out, _ = self._pop()  # the first frame only, as pocketsphinx does
                self.speech_end = self._queue_start
                self.in_speech = False
                return out
        elif self._voiced > self._start_frames:
            self.speech_start = self._queue_start
            self.speech_end = 0.0
            self.in_speech = True
        return self._pop()[0] if self.in_speech else None

    def end_stream(self, frame: bytes) -> bytes | None:
        """The stream ends (with a last, possibly partial, frame): the speech still queued, or None."""
        if len(frame) > self.frame_bytes:
            raise IndexError(f"Frame size must be {self.frame_bytes} bytes or less")
        if not self.in_speech:
            return None
        self.in_speech = False
        self.speech_end = self._queue_start
        out = []
        while self._queue:
            data, voiced = self._pop()
            if not voiced:
                break
            out.append(data)
            self.speech_end = self._queue_start
        if not self._queue and self.speech_end == self._queue_start:
            out.append(bytes(frame))  # all of the queue was speech: the last words run to the end
            self.speech_end = self._queue_start + len(frame) // 2 / self.sample_rate
        self._queue.clear()
        self._voiced = 0
        return b"".join(out)
