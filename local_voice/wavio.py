"""WAV files in and out, as the recognizers want them: 16 kHz, mono, 16-bit signed.

Every failure is a `WavError` whose message says what is wrong with the file, so
callers can print it instead of a traceback.
"""

from __future__ import annotations

import io
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RATE = 16000


class WavError(Exception):
    """A file that cannot be used as audio, with a message fit to show a person."""


@dataclass(frozen=True)
class Audio:
    """Mono 16-bit samples at `rate` Hz."""

    samples: np.ndarray  # int16, one dimension
    rate: int = RATE

    @property
    def seconds(self) -> float:
        return len(self.samples) / float(self.rate)

    def pcm(self) -> bytes:
        return self.samples.astype("<i2").tobytes()


_FORMATS = {1: "PCM", 3: "IEEE float", 6: "A-law", 7: "mu-law", 0xFFFE: "extensible"}


def _riff_format(head: bytes) -> int | None:
    """The WAVE format tag from the header, or None when it is not in the first bytes."""
    pos = 12
    while pos + 8 <= len(head):
        chunk, size = head[pos : pos + 4], struct.unpack("<I", head[pos + 4 : pos + 8])[0]
        if chunk == b"fmt " and pos + 10 <= len(head):
            tag = struct.unpack("<H", head[pos + 8 : pos + 10])[0]
            if tag == 0xFFFE and pos + 8 + 26 <= len(head):  # extensible: the subformat GUID starts with the real tag
                tag = struct.unpack("<H", head[pos + 8 + 24 : pos + 8 + 26])[0]
            return tag
        pos += 8 + size + (size & 1)
    return None


def _decode(raw: bytes, width: int, tag: int | None) -> np.ndarray:
    """Frames to float32 in [-1, 1]."""
    if tag == 3:
        if width == 4:
            return np.frombuffer(raw, "<f4").astype(np.float32)
        if width == 8:
            return np.frombuffer(raw, "<f8").astype(np.float32)
    if width == 1:
        return (np.frombuffer(raw, np.uint8).astype(np.float32) - 128.0) / 128.0
    if width == 2:
        return np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    if width == 3:
        b = np.frombuffer(raw, np.uint8).reshape(-1, 3).astype(np.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = np.where(v >= 1 << 23, v - (1 << 24), v)
        return v.astype(np.float32) / float(1 << 23)
    if width == 4:
        return np.frombuffer(raw, "<i4").astype(np.float32) / float(1 << 31)
    raise WavError(f"unsupported sample width of {width * 8} bits")


def _read_float_wav(data: bytes) -> tuple[np.ndarray, int, int]:
    """Parse a float WAV by hand (the wave module reads only integer PCM)."""
    pos, fmt, frames = 12, None, None
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        body = data[pos + 8 : pos + 8 + size]
        if chunk == b"fmt ":
            if len(body) < 16:
                raise WavError("corrupt WAV header (fmt chunk too short)")
            _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            fmt = (channels, rate, bits // 8)
        elif chunk == b"data":
            frames = body
        pos += 8 + size + (size & 1)
    if fmt is None or frames is None:
        raise WavError("corrupt WAV header (no fmt or data chunk)")
    channels, rate, width = fmt
    if channels < 1 or rate < 1:
        raise WavError("corrupt WAV header (no channels or no sample rate)")
    usable = len(frames) - len(frames) % (width * channels)
    return _decode(frames[:usable], width, 3), channels, rate


def resample(x: np.ndarray, src: int, dst: int) -> np.ndarray:
    """Band-limited resampling of float samples (windowed-sinc low-pass, then interpolation)."""
    if src == dst or len(x) == 0:
        return x
    if dst < src:  # low-pass below the new Nyquist frequency first
        cutoff = 0.5 * dst / src * 0.95
        half = 32
        n = np.arange(-half, half + 1)
        taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(len(n))
        taps /= taps.sum()
        x = np.convolve(x, taps, mode="same")
    count = int(round(len(x) * dst / src))
    positions = np.arange(count) * (src / dst)
    return np.interp(positions, np.arange(len(x)), x).astype(np.float32)


def to_int16(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x * 32768.0), -32768, 32767).astype(np.int16)


def read_wav(source: str | Path | bytes, rate: int = RATE) -> Audio:
    """Read a WAV file (path or bytes) as mono int16 at `rate`, converting as needed."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        path = Path(source)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise WavError("no such file") from None
        except IsADirectoryError:
            raise WavError("is a directory, not a WAV file") from None
        except OSError as exc:
            raise WavError(f"cannot read the file ({exc.strerror or exc})") from None
    if not data:
        raise WavError("the file is empty")
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError("not a WAV file (no RIFF/WAVE header)")
    try:
        return _parse(data, rate)
    except WavError:
        raise
    except Exception as exc:  # the wave module raises more than its own errors on a damaged file
        raise WavError(f"corrupt WAV file ({type(exc).__name__})") from None


def _parse(data: bytes, rate: int) -> Audio:
    tag = _riff_format(data[:4096])
    if tag in (6, 7) or (tag is not None and tag not in (1, 3)):
        raise WavError(f"unsupported WAV encoding ({_FORMATS.get(tag, f'format {tag}')}); use PCM or float")
    if tag == 3:
        floats, channels, src_rate = _read_float_wav(data)
    else:
        try:
            with wave.open(io.BytesIO(data), "rb") as w:
                channels, width, src_rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
                raw = w.readframes(w.getnframes())
        except (wave.Error, EOFError, struct.error) as exc:
            raise WavError(f"corrupt WAV header ({exc})") from None
        if channels < 1 or src_rate < 1 or width < 1:
            raise WavError("corrupt WAV header (no channels, sample width or sample rate)")
        usable = len(raw) - len(raw) % (width * channels)
        floats = _decode(raw[:usable], width, 1)
    if floats.size == 0:
        raise WavError("the WAV file holds no audio")
    if channels > 1:
        floats = floats.reshape(-1, channels).mean(axis=1)
    return Audio(to_int16(resample(floats, src_rate, rate)), rate)


def write_wav(path: str | Path, samples: np.ndarray, rate: int = RATE) -> None:
    """Write mono int16 samples as a PCM WAV file."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())
