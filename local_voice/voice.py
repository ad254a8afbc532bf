"""Engine output to sound: speech for text, silence for pauses, soft tones for chimes."""

from __future__ import annotations

import numpy as np

from .tts import DEFAULT_RATE_WPM, Speaker, SpeechError, default_cache_dir

RATE = 16000
PACE_STEP = 0.12  # each "slower"/"faster" changes the speaking rate by about an eighth


def tone(kind: str, rate: int = RATE) -> np.ndarray:
    """A soft chime: sine partials with a gentle attack and a long decay."""
    notes = {"soft": [(660.0, 0.0), (990.0, 0.18)], "warn": [(587.0, 0.0)],
             "end": [(880.0, 0.0), (660.0, 0.25), (523.0, 0.5)]}.get(kind, [(660.0, 0.0)])
    length = notes[-1][1] + 0.9
    t = np.arange(int(length * rate)) / rate
    out = np.zeros_like(t)
    for freq, start in notes:
        local = t - start
        envelope = np.where(local >= 0, np.minimum(local / 0.02, 1.0) * np.exp(-np.maximum(local, 0) * 4.0), 0.0)
        out += envelope * (np.sin(2 * np.pi * freq * local) + 0.3 * np.sin(4 * np.pi * freq * local))
    out *= 0.22 * 32767 / max(1e-9, np.abs(out).max())
    return out.astype(np.int16)


def silence(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(int(max(0.0, seconds) * rate), dtype=np.int16)


class Voice:
    """Renders outputs with one speech engine; rendered text is cached unless it holds the couple's names."""

    def __init__(self, voice: str | None = None, base_rate: int = DEFAULT_RATE_WPM, cache: bool = True):
        self.voice = voice
        self.base_rate = base_rate
        self.cache_dir = default_cache_dir() if cache else None
        self.private_words: set[str] = set()

    def rate_for(self, pace: int) -> int:
        return int(round(self.base_rate * (1 + PACE_STEP * int(pace or 0))))

    def render_text(self, text: str, pace: int = 0) -> np.ndarray:
        speaker = Speaker(self.voice, self.rate_for(pace), self.cache_dir)
        words = set(text.lower().replace(",", " ").replace(".", " ").split())
        cacheable = self.cache_dir is not None and not (words & self.private_words)
        return speaker.render(text, rate_hz=RATE, cache=cacheable).samples

    def render(self, out: dict) -> np.ndarray:
        """The whole reply as 16 kHz mono int16 (timed waits are not audio: the loop keeps time)."""
        pieces = []
        for segment in out.get("segments") or []:
            kind = segment["type"]
            if kind == "text":
                try:
                    pieces.append(self.render_text(segment["text"], out.get("pace") or 0))
                except SpeechError:
                    raise
            elif kind == "pause":
                pieces.append(silence(segment["seconds"]))
            elif kind == "chime":
                pieces.append(tone(segment.get("name", "soft")))
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
