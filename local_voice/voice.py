"""Engine output to sound: speech for text, silence for pauses, soft tones for chimes.

A reply is rendered piece by piece (`Voice.stream`): one sentence at a time, so a player
can start on the first sentence while the rest is still being rendered. Sentences are
cached on disk as 16 kHz samples, keyed by voice, speaking rate and text (never when they
hold the couple's names); `prerender` fills that cache with the system phrases at start,
and warms the speech engine up, so the usual first sentence of a reply ("Okay, moving
on.") is read from disk instead of synthesized.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from .tts import DEFAULT_RATE_WPM, Speaker, SpeechError, default_cache_dir

RATE = 16000
PACE_STEP = 0.12  # each "slower"/"faster" changes the speaking rate by about an eighth
CHIMES = ("soft", "warn", "end")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=\S)")
_PLACEHOLDER = re.compile(r"\{\w+\}")
_WORD = re.compile(r"[\w']+")

__all__ = ["RATE", "PACE_STEP", "Voice", "SpeechError", "sentences", "silence", "tone", "system_phrases"]


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


def sentences(text: str) -> list[str]:
    """Split text into sentences (the unit that is rendered, cached and played first)."""
    parts = [p.strip() for p in _SENTENCE_END.split(text or "")]
    return [p for p in parts if p]


def system_phrases(root: Path | None = None) -> list[str]:
    """Every sentence of the fixed system phrases (prompts/system), placeholders left out."""
    import yaml

    root = root or Path(__file__).resolve().parent.parent / "prompts" / "system"
    out: list[str] = []
    for path in sorted(root.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for variants in (data.get("phrases") or {}).values():
            for text in variants if isinstance(variants, list) else [variants]:
                for sentence in sentences(str(text)):
                    if not _PLACEHOLDER.search(sentence) and sentence not in out:
                        out.append(sentence)
    return out


class Voice:
    """Renders outputs with one speech engine; rendered sentences are cached unless they hold the couple's names."""

    def __init__(self, voice: str | None = None, base_rate: int = DEFAULT_RATE_WPM, cache: bool = True,
                 cache_dir: str | Path | None = None):
        self.voice = voice
        self.base_rate = base_rate
        root = Path(cache_dir) if cache_dir else (default_cache_dir() if cache else None)
        self.cache_dir = root / "pcm16k" if root is not None else None
        self.private_words: set[str] = set()
        self.chimes = {name: tone(name) for name in CHIMES}
        self.stats = {"rendered": 0, "cached": 0}

    def rate_for(self, pace: int) -> int:
        return int(round(self.base_rate * (1 + PACE_STEP * int(pace or 0))))

    # -- one sentence
    def _cache_path(self, text: str, rate: int) -> Path | None:
        if self.cache_dir is None:
            return None
        words = {w.lower() for w in _WORD.findall(text)}
        if words & self.private_words:
            return None  # names stay out of the cache
        key = hashlib.sha256(f"{self.voice or ''}\x00{rate}\x00{text}".encode("utf-8")).hexdigest()[:32]
        return self.cache_dir / f"{key}.s16"

    def render_text(self, text: str, pace: int = 0) -> np.ndarray:
        """One piece of text as 16 kHz mono int16 (from the cache when it was rendered before)."""
        rate = self.rate_for(pace)
        path = self._cache_path(text, rate)
        if path is not None:
            try:
                samples = np.fromfile(path, dtype="<i2")
                if len(samples):
                    self.stats["cached"] += 1
                    return samples.astype(np.int16, copy=False)
            except (OSError, ValueError):
                pass
        samples = Speaker(self.voice, rate, None).render(text, rate_hz=RATE, cache=False).samples
        self.stats["rendered"] += 1
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
                np.asarray(samples, dtype="<i2").tofile(part)
                os.replace(part, path)
            except OSError:
                pass  # a read-only cache only costs time
        return samples

    # -- whole replies
    def pieces(self, out: dict) -> Iterator[tuple[str, object]]:
        """The reply as (kind, value) pieces in order: ('text', sentence) | ('pause', s) | ('chime', name)."""
        for segment in out.get("segments") or []:
            kind = segment.get("type")
            if kind == "text":
                for sentence in sentences(segment.get("text", "")):
                    yield "text", sentence
            elif kind == "pause":
                yield "pause", float(segment.get("seconds") or 0)
            elif kind == "chime":
                yield "chime", segment.get("name", "soft")
            # "wait" segments are not audio: the loop keeps time

    def stream(self, out: dict) -> Iterator[np.ndarray]:
        """The reply as 16 kHz mono int16 chunks, each rendered only when asked for."""
        pace = out.get("pace") or 0
        for kind, value in self.pieces(out):
            if kind == "text":
                yield self.render_text(value, pace)
            elif kind == "pause":
                yield silence(value)
            elif kind == "chime":
                yield self.chimes.get(value) if value in self.chimes else tone(value)

    def render(self, out: dict) -> np.ndarray:
        """The whole reply as 16 kHz mono int16 (timed waits are not audio: the loop keeps time)."""
        chunks = [c for c in self.stream(out) if len(c)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    # -- start-up
    def prerender(self, texts: Iterable[str], paces: Iterable[int] = (0,), stop: threading.Event | None = None) -> int:
        """Fill the cache with these sentences (warming the engine up); returns how many were rendered now."""
        before = self.stats["rendered"]
        for pace in paces:
            for text in texts:
                if stop is not None and stop.is_set():
                    return self.stats["rendered"] - before
                try:
                    self.render_text(text, pace)
                except SpeechError:
                    continue
        return self.stats["rendered"] - before

    def warm_up(self) -> None:
        """Start the speech engine now (its first start costs far more than a sentence)."""
        Speaker(self.voice, self.rate_for(0), None)._get_engine()
