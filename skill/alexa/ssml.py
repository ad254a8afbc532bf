"""Engine segments to Alexa SSML, within Alexa's limits.

Limits (Amazon's SSML reference and custom-skill JSON reference): a <break> is at most 10 s,
outputSpeech under 8,000 characters, all audio in one response at most 240 s. Amazon's first
description of the <audio> tag also allowed at most five audio clips in one response; the chimes
keep to that too, since a response over a limit is not played at all.
"""

from __future__ import annotations

import logging
import re
from xml.sax.saxutils import escape

log = logging.getLogger("closer.alexa.ssml")

MAX_BREAK_S = 10.0
MAX_SPEECH_CHARS = 8000
MAX_AUDIO_S = 240.0
MAX_AUDIO_TAGS = 5
CHIME_S = 2.0  # generous length of one sound-library chime
ALEXA_WPM = 155  # about how fast Alexa's voice speaks at rate 100%: the engine's wpm is rendered against it
MIN_RATE, MAX_RATE = 50, 150

CHIMES = {
    "soft": "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_01",
    "warn": "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_02",
    "end": "soundbank://soundlibrary/musical/amzn_sfx_bell_timer_01",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TAG = re.compile(r"<[^>]+>")


def escape_text(text: str) -> str:
    """Escape text for SSML: XML specials, control characters dropped, whitespace collapsed."""
    text = _CONTROL.sub("", str(text))
    return escape(" ".join(text.split()), {'"': "&quot;", "'": "&apos;"})


def breaks(seconds: float) -> list[str]:
    """<break> tags totalling `seconds`, none longer than 10 s."""
    out: list[str] = []
    remaining = max(0.0, float(seconds))
    while remaining > 0.0005:
        piece = min(MAX_BREAK_S, remaining)
        out.append(f'<break time="{int(round(piece * 1000))}ms"/>')
        remaining -= piece
    return out


class _Budget:
    """Seconds of audio (breaks, chimes) and audio clips still allowed in this response."""

    def __init__(self, seconds: float, clips: int = MAX_AUDIO_TAGS):
        self.left = seconds
        self.clips = clips

    def take(self, seconds: float) -> float:
        granted = max(0.0, min(seconds, self.left))
        self.left -= granted
        return granted

    def chime(self) -> bool:
        """Room for one more chime (a clip and its length)?"""
        if self.clips <= 0 or self.take(CHIME_S) <= 0:
            return False
        self.clips -= 1
        return True


def rate_percent(pace: dict | None) -> int | None:
    """The prosody rate for the engine's pace_settings {"wpm", ...}; None for Alexa's own rate."""
    try:
        wpm = float((pace or {}).get("wpm") or 0)
    except (TypeError, ValueError):
        return None
    if wpm <= 0:
        return None
    return int(max(MIN_RATE, min(MAX_RATE, round(wpm / ALEXA_WPM * 100))))


def speak(text: str, rate: int | None) -> str:
    """Escaped text, at the couple's pace when one is set."""
    text = escape_text(text)
    if not text or rate is None or rate == 100:
        return text
    return f'<prosody rate="{rate}%">{text}</prosody>'


def render(segments: list[dict], silence_for_waits: bool = False, cues: list[dict] | None = None,
           pace: dict | None = None) -> str:
    """SSML for the segments. With `silence_for_waits`, a timed wait becomes silence (at most 240 s
    of audio in all) with its cues spoken at their offsets: the fallback when no timers may be set.
    `pace` is the engine's pace_settings: words are spoken at its rate (the pauses come already
    lengthened or shortened by the engine)."""
    budget = _Budget(MAX_AUDIO_S)
    rate = rate_percent(pace)
    parts: list[str] = []
    for seg in segments or []:
        kind = seg.get("type") if isinstance(seg, dict) else None
        if kind == "text":
            text = speak(seg.get("text", ""), rate)
            if text:
                parts.append(text)
        elif kind == "pause":
            parts.extend(breaks(budget.take(_seconds(seg))))
        elif kind == "chime":
            if budget.chime():
                parts.append(f'<audio src="{CHIMES.get(seg.get("name"), CHIMES["soft"])}"/>')
        elif kind == "wait" and silence_for_waits:
            parts.extend(_silent_wait(_seconds(seg), cues or [], budget, rate))
    return "<speak>" + " ".join(parts) + "</speak>"


def _seconds(seg: dict) -> float:
    try:
        return max(0.0, float(seg.get("seconds") or 0))
    except (TypeError, ValueError):
        return 0.0


def _silent_wait(seconds: float, cues: list[dict], budget: _Budget, rate: int | None = None) -> list[str]:
    """Silence for a timed wait, cue text and chime at each cue's offset."""
    out: list[str] = []
    elapsed = 0.0
    for cue in sorted((c for c in cues if isinstance(c, dict)), key=lambda c: float(c.get("after") or 0)):
        at = min(seconds, float(cue.get("after") or 0))
        out.extend(breaks(budget.take(at - elapsed)))
        elapsed = max(elapsed, at)
        if budget.left <= 0:
            break
        chime = "end" if cue.get("kind") == "end" else "warn"
        if budget.chime():
            out.append(f'<audio src="{CHIMES[chime]}"/>')
        text = speak(cue.get("text", ""), rate)
        if text:
            out.append(text)
    out.extend(breaks(budget.take(seconds - elapsed)))
    return out


def plain(ssml: str) -> str:
    """The words of an SSML string, without tags (for cards, logs of lengths, comparisons)."""
    from xml.sax.saxutils import unescape

    return " ".join(unescape(_TAG.sub(" ", ssml), {"&quot;": '"', "&apos;": "'"}).split())


def fit(ssml: str, limit: int = MAX_SPEECH_CHARS) -> str:
    """Keep SSML under the outputSpeech limit: drop whole trailing parts, never cut inside a tag."""
    if len(ssml) < limit:
        return ssml
    log.warning("speech over %d characters, shortened", limit)
    body = ssml[len("<speak>"): -len("</speak>")]
    pieces = re.split(r"(<[^>]+>)", body)
    closing = "</prosody>"
    kept, size, open_tags = [], len("<speak></speak>") + len(closing), 0  # room to close a cut <prosody>
    for piece in pieces:
        if size + len(piece) >= limit - 1:
            if not piece.startswith("<"):
                room = limit - 1 - size
                cut = piece[:room].rsplit(" ", 1)[0]
                cut = cut[: cut.rfind("&")] if cut.rfind("&") > cut.rfind(";") else cut
                kept.append(cut)
            break
        kept.append(piece)
        size += len(piece)
        open_tags += 1 if piece.startswith("<prosody") else -1 if piece == closing else 0
    return "<speak>" + "".join(kept) + closing * max(0, open_tags) + "</speak>"
