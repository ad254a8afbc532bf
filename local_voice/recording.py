"""A long recording read as a microphone would hear it: 16 kHz mono int16, a block at a time.

Hours of audio never sit in memory: a 16 kHz mono 16-bit WAV is read straight from disk
at the position asked for; any other WAV (another rate, stereo, 8/24/32-bit) is first
converted to that, a minute at a time, into a temporary file that is deleted on close.
"""

from __future__ import annotations

import os
import tempfile
import wave
from pathlib import Path

import numpy as np

from .wavio import WavError, _decode, read_wav, resample, to_int16, write_wav

RATE = 16000
_CHUNK_SECONDS = 60.0
_CONTEXT = 256  # samples either side of a converted chunk, so the resampler's filter sees its neighbours


class Recording:
    """Random access to a recording by time: `read(seconds, samples) -> bytes` of 16 kHz mono int16."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._temp: Path | None = None
        try:
            self._wav = self._open_pcm16k(self.path)
        except (wave.Error, EOFError, OSError) as exc:
            raise WavError(f"{self.path}: cannot read the recording ({exc})") from None
        self.frames = self._wav.getnframes()
        self.seconds = self.frames / RATE

    def _open_pcm16k(self, path: Path) -> wave.Wave_read:
        try:
            wav = wave.open(str(path), "rb")
        except wave.Error:
            # Not plain PCM (a float WAV, say): read it whole, converted, then stream the copy.
            audio = read_wav(path, RATE)
            return self._open_temp(lambda out: write_wav(out, audio.samples, RATE))
        if wav.getframerate() == RATE and wav.getnchannels() == 1 and wav.getsampwidth() == 2:
            return wav
        wav.close()
        return self._open_temp(lambda out: _convert(path, out))

    def _open_temp(self, write) -> wave.Wave_read:
        fd, name = tempfile.mkstemp(prefix="closer-mic-", suffix=".wav")
        os.close(fd)
        self._temp = Path(name)
        write(self._temp)
        return wave.open(name, "rb")

    def read(self, at: float, samples: int) -> bytes:
        """`samples` samples from `at` seconds in (shorter at the end of the recording)."""
        start = int(round(at * RATE))
        if start >= self.frames or samples <= 0:
            return b""
        self._wav.setpos(max(0, start))
        return self._wav.readframes(samples)

    def close(self) -> None:
        self._wav.close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _convert(source: Path, target: Path) -> None:
    """Any PCM WAV to 16 kHz mono int16, a minute at a time (resampled with a little context either side)."""
    with wave.open(str(source), "rb") as src, wave.open(str(target), "wb") as dst:
        rate, channels, width = src.getframerate(), src.getnchannels(), src.getsampwidth()
        if rate <= 0 or channels <= 0:
            raise WavError(f"{source}: no sample rate or no channels in the WAV header")
        dst.setnchannels(1)
        dst.setsampwidth(2)
        dst.setframerate(RATE)
        chunk = int(_CHUNK_SECONDS * rate)
        previous = np.zeros(0, np.float32)
        pending = _mono(src.readframes(chunk), width, channels)
        written = 0
        total = int(round(src.getnframes() * RATE / rate))
        while len(pending):
            following = _mono(src.readframes(chunk), width, channels)
            head, tail = previous[-_CONTEXT:], following[:_CONTEXT]
            converted = resample(np.concatenate([head, pending, tail]), rate, RATE)
            skip = int(round(len(head) * RATE / rate))
            keep = int(round((len(head) + len(pending)) * RATE / rate)) - skip
            piece = to_int16(converted[skip: skip + keep])[: max(0, total - written)]
            dst.writeframes(piece.astype("<i2").tobytes())
            written += len(piece)
            previous, pending = pending, following


def _mono(raw: bytes, width: int, channels: int) -> np.ndarray:
    if not raw:
        return np.zeros(0, np.float32)
    x = _decode(raw[: len(raw) - len(raw) % (width * channels)], width, None)
    return x.reshape(-1, channels).mean(axis=1).astype(np.float32) if channels > 1 else x.astype(np.float32)
