"""Audio in and out through sounddevice (PortAudio): play, record, list and pick devices.

Every failure is an `AudioError` with a message fit to print (no PortAudio library,
no such device, no microphone), never a traceback.
"""

from __future__ import annotations

import logging
import time

import numpy as np

RATE = 16000
log = logging.getLogger("closer.audio")
_backend = None  # a stand-in for the sounddevice module (a recording, a faulty device), see use_backend


class AudioError(Exception):
    """Audio hardware or library trouble, with a message fit to show a person."""


class InputEnded(BaseException):
    """The input has no more audio (the end of a recording used as the microphone): stop as on Ctrl-C.

    A BaseException so that no `except Exception` on the way mistakes it for a broken device."""


def use_backend(module) -> None:
    """Play and record through `module` (the sounddevice API) instead of PortAudio; None: back to PortAudio."""
    global _backend
    _backend = module


def _sd():
    if _backend is not None:
        return _backend
    try:
        import sounddevice
    except OSError:
        raise AudioError("PortAudio is missing: install it (Debian: apt-get install libportaudio2)") from None
    except ImportError:
        raise AudioError("sounddevice is not installed (pip install sounddevice)") from None
    return sounddevice


def _query():
    sd = _sd()
    try:
        return sd, list(sd.query_devices())
    except Exception as exc:  # PortAudioError and friends
        raise AudioError(f"cannot list audio devices ({exc})") from None


def list_devices() -> list[dict]:
    """Every device: index, name, input and output channel counts, default flags."""
    sd, devices = _query()
    try:
        default_in, default_out = sd.default.device
    except Exception:
        default_in = default_out = -1
    out = []
    for i, d in enumerate(devices):
        out.append({
            "index": i,
            "name": d.get("name", "?"),
            "inputs": int(d.get("max_input_channels", 0)),
            "outputs": int(d.get("max_output_channels", 0)),
            "default_input": i == default_in,
            "default_output": i == default_out,
        })
    return out


def format_devices(devices: list[dict]) -> str:
    if not devices:
        return "No audio devices found."
    lines = []
    for d in devices:
        marks = ("<in " if d["default_input"] else "") + ("<out" if d["default_output"] else "")
        lines.append(f"{d['index']:3d}  {d['name']}  (in {d['inputs']}, out {d['outputs']}) {marks}".rstrip())
    return "\n".join(lines)


def pick_device(spec: str | int | None, kind: str) -> int | None:
    """A device index from an index or part of a name; None means the system default. kind: 'input'|'output'."""
    key = "inputs" if kind == "input" else "outputs"
    devices = [d for d in list_devices() if d[key] > 0]
    if spec is None or spec == "":
        if not devices:
            raise AudioError(f"no audio {kind} device found (is a {'microphone' if kind == 'input' else 'speaker'} connected?)")
        return None
    text = str(spec).strip()
    if text.isdigit():
        idx = int(text)
        if any(d["index"] == idx for d in devices):
            return idx
        raise AudioError(f"no {kind} device with index {idx}; `closer local --list-devices` shows them")
    matches = [d for d in devices if text.lower() in d["name"].lower()]
    if not matches:
        raise AudioError(f"no {kind} device named like {text!r}; `closer local --list-devices` shows them")
    return matches[0]["index"]


def play(samples: np.ndarray, rate: int, device: int | None = None) -> None:
    """Play mono int16 samples and return when they have finished."""
    sd = _sd()
    try:
        sd.play(np.asarray(samples, dtype=np.int16), samplerate=rate, device=device, blocking=True)
    except Exception as exc:
        raise AudioError(f"cannot play audio ({exc})") from None


def record(seconds: float, rate: int = RATE, device: int | None = None) -> np.ndarray:
    """Record mono int16 samples for a fixed time."""
    sd = _sd()
    try:
        data = sd.rec(int(seconds * rate), samplerate=rate, channels=1, dtype="int16", device=device, blocking=True)
    except Exception as exc:
        raise AudioError(f"cannot record audio ({exc})") from None
    return data.reshape(-1)


class Microphone:
    """A running input stream delivering 16 kHz mono int16 blocks: `for pcm in mic.blocks(): ...`."""

    def __init__(self, device: int | None = None, rate: int = RATE, block_seconds: float = 0.03):
        self.device, self.rate = device, rate
        self.blocksize = int(rate * block_seconds)
        self._stream = None

    def __enter__(self):
        sd = _sd()
        try:
            self._stream = sd.RawInputStream(samplerate=self.rate, blocksize=self.blocksize, device=self.device, channels=1, dtype="int16")
            self._stream.start()
        except Exception as exc:
            raise AudioError(f"cannot open the microphone ({exc})") from None
        return self

    def read(self) -> bytes:
        try:
            data, overflowed = self._stream.read(self.blocksize)
        except Exception as exc:
            raise AudioError(f"the microphone stopped ({exc})") from None
        if overflowed:
            _note_dropped("input overflow: the microphone dropped audio (the computer was busy)")
        return bytes(data)

    def __exit__(self, *exc):
        close_stream(self._stream)
        self._stream = None
        return False


def close_stream(stream) -> None:
    """Stop and close a sounddevice stream, ignoring a device that has already gone."""
    if stream is None:
        return
    try:
        stream.stop()
        stream.close()
    except Exception:  # an unplugged device fails here too; there is nothing left to release
        pass


_last_note: dict[str, float] = {}


def _note_dropped(message: str, every: float = 60.0) -> None:
    """A line in the log when audio is dropped, at most once a minute for each kind (never any audio content)."""
    now = time.monotonic()
    if now - _last_note.get(message, -every) >= every:
        _last_note[message] = now
        log.warning(message)
