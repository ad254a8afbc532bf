"""What the engine says: an output builder that keeps segments, reprompt and metadata together."""

from __future__ import annotations


class Reply:
    """Collects the segments of one response and renders the output dict."""

    def __init__(self) -> None:
        self.segments: list[dict] = []
        self.reprompt: str | None = None
        self.end = False
        self.card_title = "Closer Together"
        self.prompt: str | None = None
        self.expect: list[str] = []
        self.listen = "command"
        self.timer: dict | None = None
        self.effects: list[dict] = []
        self.events: list[str] = []
        self.remember = True
        self.core = 0
        self.replay: list[dict] | None = None

    def mark(self) -> "Reply":
        """Mark where the part worth repeating begins (the question or step itself)."""
        self.core = len(self.segments)
        return self

    def text(self, text: str) -> "Reply":
        text = " ".join(str(text).split())
        if text:
            self.segments.append({"type": "text", "text": text})
        return self

    def pause(self, seconds: float) -> "Reply":
        self.segments.append({"type": "pause", "seconds": round(float(seconds), 2)})
        return self

    def chime(self, name: str = "soft") -> "Reply":
        self.segments.append({"type": "chime", "name": name})
        return self

    def wait(self, seconds: float, label: str) -> "Reply":
        self.segments.append({"type": "wait", "seconds": int(seconds), "label": label})
        return self

    def effect(self, op: str, **fields) -> "Reply":
        self.effects.append({"op": op, **fields})
        return self

    @property
    def say(self) -> str:
        return " ".join(s["text"] for s in self.segments if s["type"] == "text")

    def render(self, pace: int) -> dict:
        say = self.say
        return {
            "segments": self.segments,
            "say": say,
            "reprompt": None if self.end else (self.reprompt or None),
            "end": self.end,
            "card": {"title": self.card_title, "text": say},
            "prompt": self.prompt,
            "expect": list(dict.fromkeys(self.expect)),
            "listen": "none" if self.end else self.listen,
            "timer": self.timer,
            "pace": pace,
            "effects": self.effects,
            "events": self.events,
        }
