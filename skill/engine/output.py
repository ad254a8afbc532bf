"""What the engine says: an output builder that keeps segments, reprompt and metadata together.

The rendered output (every key is always present):
    segments       [{"type": "text", "text"} | {"type": "pause", "seconds"} | {"type": "chime", "name"}
                    | {"type": "wait", "seconds", "label"}]; pause lengths already include the pace
    say            the text segments joined
    reprompt       what to say if nobody answers (None when the session ends)
    end            the session ends here (a local front end goes idle, Alexa closes)
    mode           the dialogue mode after this step (menu, running, paused, confirm, safety, idle)
    card           None, or {"title", "text"}: at most the question being discussed
    prompt         the content question id asked or discussed now, or None
    expect         intents that are live next (derived from the mode's table)
    listen         "conversation" (partners talk; listen for commands only) | "command" | "none"
    timer          {"seconds", "cues": [{"after", "kind", "text"}]} when a timed wait starts or restarts
    timer_actions  [{"op": "start"|"pause"|"resume"|"cancel", "seconds": s, "cues": [...]}]: apply exactly these
    pace           the pace level (-2..+2); pace_settings {"wpm", "pause_scale"}
    effects        memory changes for the front end's store; events: ["safety", ...] (types only)
"""

from __future__ import annotations


class Reply:
    """Collects the segments of one response and renders the output dict."""

    def __init__(self) -> None:
        self.segments: list[dict] = []
        self.reprompt: str | None = None
        self.end = False
        self.prompt: str | None = None
        self.card_prompt: str | None = None  # question text for the card; None: no card
        self.card_title = ""
        self.no_card = False
        self.expect: list[str] = []
        self.listen = "command"
        self.timer: dict | None = None
        self.timer_actions: list[dict] = []
        self.effects: list[dict] = []
        self.events: list[str] = []
        self.remember = True

    def text(self, text: str) -> "Reply":
        text = " ".join(str(text).split())
        if text:
            self.segments.append({"type": "text", "text": text})
        return self

    def pause(self, seconds: float) -> "Reply":
        """A quiet moment (at the default pace; scaled when rendered)."""
        if self.segments and self.segments[-1]["type"] == "pause":
            self.segments[-1]["seconds"] = max(self.segments[-1]["seconds"], float(seconds))
        else:
            self.segments.append({"type": "pause", "seconds": float(seconds)})
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

    def render(self, pace: int, wpm: int, pause_scale: float, mode: str) -> dict:
        segments = [dict(s, seconds=round(s["seconds"] * pause_scale, 2)) if s["type"] == "pause" else s
                    for s in self.segments]
        while segments and segments[-1]["type"] == "pause":
            segments.pop()  # nothing follows: the listening itself is the quiet
        say = self.say
        card = None
        if self.card_prompt and not self.no_card:
            card = {"title": self.card_title, "text": self.card_prompt}
        return {
            "segments": segments,
            "say": say,
            "reprompt": None if self.end else (self.reprompt or None),
            "end": self.end,
            "mode": mode,
            "card": card,
            "prompt": self.prompt,
            "expect": list(dict.fromkeys(self.expect)),
            "listen": "none" if self.end else self.listen,
            "timer": self.timer,
            "timer_actions": self.timer_actions,
            "pace": pace,
            "pace_settings": {"wpm": wpm, "pause_scale": pause_scale},
            "effects": self.effects,
            "events": self.events,
        }
