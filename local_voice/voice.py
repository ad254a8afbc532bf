"""Engine output to sound: speech for text, silence for pauses, soft tones for chimes.

A reply is rendered piece by piece (`Voice.stream`): one sentence at a time, so a player
can start on the first sentence while the rest is still being rendered. Piper renders a whole
utterance before its first sample, so a first sentence that was never rendered opens with its
first few words rendered alone (`opening`), which play while the rest renders. Sentences are cached on disk (owner-only) as samples at the
player's rate, keyed by voice, speaking rate and text (never when they hold the couple's
names); `prerender` fills that cache with every fixed line of prompts/ (`fixed_lines`), in
the background after start-up or with `closer voices warm`, so most replies start from disk.

Calm speech: the rate comes from the engine's `pace_settings` (words a minute, and a scale
for pauses; for a bare `pace` level, the engine's table), and sentences are separated by
real silence (`SENTENCE_PAUSE`), scaled the same.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from .phrasing import OPENING_WORDS, clauses, opening, piece_chars, text_has
from .tts import DEFAULT_WPM, SpeechError, default_cache_dir, open_speaker

RATE = 16000
SENTENCE_PAUSE = 0.5  # seconds of silence between sentences at pause scale 1
COMMA_PAUSE = 0.15    # between the pieces of a sentence rendered in pieces
JOIN_KEEP = 0.012     # seconds of Piper's own edge kept at a join inside a sentence (a word gap, not a pause)
SPOKEN_KEYS = ("text", "say", "intro", "summary", "outro", "closing", "reply", "how", "not_therapy")
CHIMES = ("soft", "warn", "end")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=\S)")
_PLACEHOLDER = re.compile(r"\{\w+\}")
_WORD = re.compile(r"[\w']+")
_WHOLE = re.compile(r"[.!?][\"')\]]*$")  # a sentence's end mark, closing quotes allowed

__all__ = ["RATE", "Voice", "SpeechError", "sentences", "silence", "tone", "system_phrases",
           "fixed_lines", "pace_settings"]


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


def _fixed_sentences(texts: Iterable[str], out: list[str], seen: set[str]) -> None:
    """Whole sentences only: one without an end mark ("tonight's check in", number words) is never said
    alone, and the 20 ordinal words were the longest render of all, setting Piper's peak memory."""
    for text in texts:
        for sentence in sentences(" ".join(str(text).split())):
            if _WHOLE.search(sentence) and not _PLACEHOLDER.search(sentence) and sentence not in seen:
                seen.add(sentence)
                out.append(sentence)


def _spoken_strings(data, phrases: bool = False) -> Iterator[str]:
    """The strings of a prompts/ file that are spoken: every phrase of a phrases file, else the spoken keys."""
    if isinstance(data, str):
        if phrases:
            yield data
    elif isinstance(data, list):
        for item in data:
            yield from _spoken_strings(item, phrases)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key == "phrases" or phrases:
                yield from _spoken_strings(value, True)
            elif key in SPOKEN_KEYS and isinstance(value, str):
                yield value
            elif isinstance(value, (list, dict)):
                yield from _spoken_strings(value)


def fixed_lines(root: Path | None = None) -> list[str]:
    """Every fixed sentence of prompts/ (no placeholder), system phrases first, then safety, then the rest."""
    import yaml

    root = root or Path(__file__).resolve().parent.parent / "prompts"
    order = {"system": 0, "safety": 1}
    files = sorted(root.rglob("*.yaml"), key=lambda p: (order.get(p.parent.name, 2), str(p)))
    out: list[str] = []
    seen: set[str] = set()
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        _fixed_sentences(_spoken_strings(data), out, seen)
    return out


def pace_settings(out: dict | None, base_wpm: float = DEFAULT_WPM) -> dict:
    """{"wpm", "pause_scale"} for a reply: the engine's `pace_settings`, else its integer `pace` level mapped the same way."""
    given = (out or {}).get("pace_settings")
    if isinstance(given, dict) and given.get("wpm"):
        return {"wpm": float(given["wpm"]), "pause_scale": float(given.get("pause_scale") or 1.0)}
    return level_settings(int((out or {}).get("pace") or 0), base_wpm)


def level_settings(level: int, base_wpm: float = DEFAULT_WPM) -> dict:
    """The engine's settings for a pace level (skill/engine/settings.py: one table for every front end),
    scaled when a caller asks for another base rate than the engine's level 0."""
    from skill.engine.settings import SETTINGS

    pace, normal = SETTINGS.pace(level), SETTINGS.pace(0)
    return {"wpm": round(pace.wpm * float(base_wpm) / normal.wpm, 1), "pause_scale": float(pace.pause_scale)}


def trim(samples: np.ndarray, rate: int, keep: float = 0.03, start: bool = True, end: bool = True) -> np.ndarray:
    """Drop the engine's own leading and trailing near-silence (pauses are ours to set), keeping `keep` s
    at the edges asked for (start, end)."""
    x = np.abs(np.asarray(samples, dtype=np.int32))
    if not len(x) or x.max() == 0 or not (start or end):
        return samples
    loud = np.flatnonzero(x > max(200, int(0.02 * x.max())))
    margin = int(keep * rate)
    first = max(0, loud[0] - margin) if start else 0
    return samples[first: min(len(samples), loud[-1] + margin + 1) if end else len(samples)]


def system_phrases(root: Path | None = None) -> list[str]:
    """Every fixed sentence of the system phrases (prompts/system), placeholders left out."""
    return fixed_lines(root or Path(__file__).resolve().parent.parent / "prompts" / "system")


class Voice:
    """Renders outputs with one speech engine; rendered sentences are cached unless they hold the couple's names.

    `voice`: a voice name (None: the active one, Piper when installed), `base_rate`: the calm
    default in words a minute, `rate`: the output sample rate (None: the voice's own), `live`:
    replies are played while they render (see below)."""

    def __init__(self, voice: str | None = None, base_rate: float | None = None, cache: bool = True,
                 cache_dir: str | Path | None = None, rate: int | None = RATE, live: bool = False):
        self.voice = voice
        # live: replies are heard as they render, so right after a pace change Piper's running process
        # stands in at the old pace while the new one loads; files and the cache always get the asked pace.
        self.live = live
        self.wpm = float(base_rate or DEFAULT_WPM)
        self._speakers: dict[float, object] = {}
        first = self.speaker(self.wpm)  # raises SpeechError for an unknown voice
        self.info = first.info
        self.rate = int(rate or first.native_rate)
        root = Path(cache_dir) if cache_dir else (default_cache_dir() if cache else None)
        self.cache_dir = root / f"pcm{self.rate // 1000}k" if root is not None else None
        self.private_words: set[str] = set()
        self.chimes = {name: tone(name, self.rate) for name in CHIMES}
        self.stats = {"rendered": 0, "cached": 0}
        self.current = level_settings(0, self.wpm)  # the pace of the last reply: prerendering follows it
        self._live = 0
        self._live_until = 0.0

    def speaker(self, wpm: float):
        wpm = round(float(wpm), 1)
        if wpm not in self._speakers:
            self._speakers[wpm] = open_speaker(self.voice, wpm)
        return self._speakers[wpm]

    def settings_for(self, pace) -> dict:
        if isinstance(pace, dict):
            return pace if "pause_scale" in pace and "segments" not in pace else pace_settings(pace, self.wpm)
        return level_settings(int(pace or 0), self.wpm)

    def rate_for(self, pace: int) -> float:
        """The speaking rate in words a minute for a pace level."""
        return self.settings_for(pace)["wpm"]

    # -- one sentence
    def _cache_path(self, text: str, wpm: float) -> Path | None:
        if self.cache_dir is None:
            return None
        words = {w.lower() for w in _WORD.findall(text)}
        if words & self.private_words:
            return None  # names stay out of the cache
        key = hashlib.sha256(f"{self.info.cache_id}\x00{float(wpm):.1f}\x00{text}".encode("utf-8")).hexdigest()[:32]
        return self.cache_dir / f"{key}.s16"

    def cached(self, text: str, pace=0) -> np.ndarray | None:
        path = self._cache_path(text, self.settings_for(pace)["wpm"])
        if path is None:
            return None
        try:
            samples = np.fromfile(path, dtype="<i2")
        except (OSError, ValueError):
            return None
        return samples.astype(np.int16, copy=False) if len(samples) else None

    def _render(self, text: str, wpm: float, live: bool, same_process: bool = False):
        speaker = self.speaker(wpm)
        if live and hasattr(speaker, "render_live"):
            return speaker.render_live(text, rate_hz=self.rate, same_process=same_process)
        return speaker.render(text, rate_hz=self.rate), True

    def _synthesize(self, text: str, wpm: float, live: bool = False, same_process: bool = False) -> tuple[np.ndarray, bool]:
        """(samples, exact): a live reply right after a pace change may come at the old pace (not exact)
        rather than wait for Piper to load at the new one."""
        try:
            audio, exact = self._render(text, wpm, live, same_process)
        except SpeechError as exc:
            if not self._fall_back(exc):
                raise
            audio, exact = self._render(text, wpm, live)
        self.stats["rendered"] += 1
        return trim(audio.samples, self.rate), exact

    def _fall_back(self, why: Exception) -> bool:
        """Piper chosen by default but unable to run here (no onnxruntime for this CPU, too little
        memory): say so once and speak with espeak-ng rather than not at all. An explicit voice stays."""
        if self.info.engine != "piper" or self.voice or os.environ.get("CLOSER_VOICE"):
            return False
        print(f"closer: the Piper voice could not speak ({why}); speaking with espeak-ng instead", file=sys.stderr)
        self.voice = "espeak"
        self._speakers.clear()
        self.info = self.speaker(self.wpm).info
        return True

    def _store(self, text: str, wpm: float, samples: np.ndarray) -> None:
        path = self._cache_path(text, wpm)
        if path is None:
            return
        try:
            from skill.private_files import private_dir, write_private

            private_dir(path.parent.parent)
            private_dir(path.parent)
            write_private(path, np.asarray(samples, dtype="<i2").tobytes())
        except OSError:
            pass  # a read-only cache only costs time

    def render_text(self, text: str, pace=0) -> np.ndarray:
        """One sentence as mono int16 at `self.rate` (from the cache when it was rendered before)."""
        chunks = list(self._sentence(text, self.settings_for(pace)))
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    def _pieces(self, text: str, first: bool, wpm: float | None = None) -> list[tuple[str, bool]]:
        """What the engine renders at once, each with whether it flows into the next with no pause:
        a whole sentence, or for Piper its pieces of about 5.5 s at most at this pace (`phrasing.clauses`;
        one cut between phrases flows on); a reply's first sentence also gives its opening words on their own
        (`opening`; after a name and a comma, the words after it too), to start sooner."""
        if self.info.engine != "piper":
            return [(text, False)]
        marked = [(part, part.endswith(",") and not text_has(text, part))
                  for part in clauses(text, max_chars=piece_chars(wpm or self.wpm))]
        if not first:
            return marked
        out: list[tuple[str, bool]] = []
        start = 0
        if len(marked) > 1 and not marked[0][1] and len(marked[0][0].split()) < OPENING_WORDS[0]:
            out, start = [marked[0]], 1  # a name and its comma, already a clause: the next one opens too
        rest, rest_flows = marked[start]
        while (head := opening(rest.rstrip(",") if rest_flows else rest)) is not None and len(out) < 2:
            words, rest = head
            if rest_flows:
                rest += ","
            flows = not words.endswith((",", ";", ":"))
            out.append((words + "," if flows else words, flows))  # Piper's going-on intonation
            if flows or len(words.split()) >= OPENING_WORDS[0]:
                break
        return out + [(rest, rest_flows)] + marked[start + 1:]

    def _sentence(self, text: str, settings: dict, first: bool = False,
                  after: np.ndarray | None = None, live: bool = False) -> Iterator[np.ndarray]:
        """One sentence as chunks: whole from the cache, else piece by piece as rendered (then cached
        whole when at the asked pace); `after` (a pause) is added to its last chunk. Pieces cut at a
        comma are joined by a short pause; an opening cut elsewhere is joined with only a word gap."""
        if not _WORD.search(text):  # punctuation alone: nothing to pronounce
            if after is not None:
                yield after
            return
        cached = self.cached(text, settings)
        if cached is not None:
            self.stats["cached"] += 1
            yield cached if after is None else np.concatenate([cached, after])
            return
        wpm = settings["wpm"]
        parts = self._pieces(text, first, wpm)
        rendered, exact, joined = [], True, False
        for i, (part, flows) in enumerate(parts):
            chunk, at_pace = self._synthesize(part, wpm, live, same_process=not exact)  # one pace a sentence
            exact = exact and at_pace
            last = i + 1 == len(parts)
            chunk = trim(chunk, self.rate, JOIN_KEEP, start=joined, end=flows)
            if not last and not flows:
                chunk = np.concatenate([chunk, silence(COMMA_PAUSE * settings["pause_scale"], self.rate)])
            joined = flows
            rendered.append(chunk)
            if last and exact:
                self._store(text, wpm, np.concatenate(rendered))
            yield np.concatenate([chunk, after]) if (last and after is not None) else chunk

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
        """The reply as mono int16 chunks at `self.rate`, each rendered only when asked for.

        A sentence followed by another carries the sentence pause at its end; the engine's
        pause segments are silence of exactly their length (the engine scales them itself)."""
        for _, chunk in self.stream_pieces(out):
            yield chunk

    def stream_pieces(self, out: dict) -> Iterator[tuple[int, np.ndarray]]:
        """`stream`, each chunk with the index of its piece in `pieces(out)`: a sentence may come in
        several chunks (Piper's clauses), so recovery needs this to say again the sentence cut off."""
        settings = pace_settings(out, self.wpm)
        self.current = settings
        pieces = list(self.pieces(out))
        gap = silence(SENTENCE_PAUSE * settings["pause_scale"], self.rate)
        first = True
        self._live += 1
        try:
            for i, (kind, value) in enumerate(pieces):
                if kind == "text":
                    followed = i + 1 < len(pieces) and pieces[i + 1][0] == "text"
                    for chunk in self._sentence(value, settings, first, gap if followed else None, live=self.live):
                        yield i, chunk
                    first = False
                elif kind == "pause":
                    yield i, silence(value, self.rate)
                elif kind == "chime":
                    yield i, self.chimes.get(value) if value in self.chimes else tone(value, self.rate)
        finally:
            self._live -= 1
            self._live_until = time.monotonic() + 0.5

    def render(self, out: dict) -> np.ndarray:
        """The whole reply as mono int16 at `self.rate` (timed waits are not audio: the loop keeps time)."""
        chunks = [c for c in self.stream(out) if len(c)]
        return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)

    # -- start-up
    def _wait_for_replies(self, stop: threading.Event | None) -> None:
        """Background work yields to a reply being rendered (and a moment after it)."""
        while (self._live > 0 or time.monotonic() < self._live_until) and not (stop is not None and stop.is_set()):
            time.sleep(0.05)

    def prerender(self, texts: Iterable[str], paces: Iterable[int] | None = (0,), stop: threading.Event | None = None,
                  progress: Callable[[int, int, int], None] | None = None) -> int:
        """Fill the cache with these sentences; returns how many were rendered now (the rest were cached).

        paces None: at the pace of the last reply, following it as it changes (one Piper process
        serves one pace, so rendering at another would restart it). progress(done, total, rendered)."""
        texts = list(texts)
        levels = [None] if paces is None else list(paces)
        total, done, rendered, failed = len(texts) * len(levels), 0, 0, 0
        for level in levels:
            for text in texts:
                if stop is not None and stop.is_set():
                    return rendered
                settings = self.current if level is None else self.settings_for(level)
                path = self._cache_path(text, settings["wpm"])
                if path is not None and not path.exists():
                    self._wait_for_replies(stop)
                    try:
                        self.render_text(text, settings)
                        rendered, failed = rendered + 1, 0
                    except SpeechError:
                        failed += 1
                        if failed >= 3:  # the engine is broken, not the sentence
                            raise
                done += 1
                if progress is not None:
                    progress(done, total, rendered)
        return rendered

    def warm_up(self) -> None:
        """Start the speech engine now (its first start costs far more than a sentence)."""
        try:
            self.speaker(self.wpm).warm_up()
        except SpeechError as exc:
            if not self._fall_back(exc):
                raise
            self.speaker(self.wpm).warm_up()
