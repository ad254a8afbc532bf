"""The project's conversation transcripts (tests/conversations) replayed through Alexa's eyes.

`AlexaDriver` has the replay driver interface (launch, say, tick, relaunch, close): every turn goes as
an Alexa envelope through the Flask app (the real engine, a SQLite store) from an Echo (echo.py) with
AudioPlayer. When a response ends the session (a turn to talk, with the bed playing), the next words
arrive as Alexa would send them: a built-in intent by way of the bed without the invocation name,
anything else in a new session with it; the engine then finds the couple's place in the store.

What is checked is what Alexa says (the response's speech); the fields a transcript asserts that an
Alexa response has no place for (mode, expect, listen, timer actions) come from the engine's output
for that request, recorded by a thin wrapper. Alexa's own rules are checked on every reply: a 200, a
valid response, no card on anything safety-related, never a question asked with the microphone closed.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from skill.alexa import bed

from .echo import Echo

FIELDS = ("say", "reprompt", "end", "mode", "prompt", "expect", "listen", "timer", "timer_actions", "pace_settings",
          "segments", "card")


class RecordingEngine:
    """The real engine; remembers the output of the last step (the transcript's view of the engine)."""

    def __init__(self, seed: int, tz: str | None):
        from skill.engine import load_engine

        self.engine = load_engine()
        self.content, self.catalog = self.engine.content, self.engine.catalog
        self.seed, self.tz = seed, tz
        self.last: dict | None = None

    def step(self, state, event, memory, owned=False):
        event = {"seed": self.seed, **event}
        if self.tz and not event.get("tz"):
            event["tz"] = self.tz
        state, out = self.engine.step(state, event, memory, owned=owned)
        if event.get("type") in ("launch", "intent"):
            self.last = out
        return state, out

    def expect(self, state):
        return self.engine.expect(state)


class AlexaDriver:
    name = "alexa"
    tz: str | None = None

    def __init__(self, db_path: Path, seed: int = 12345):
        self.db_path, self.seed = Path(db_path), seed
        self.echo: Echo | None = None
        self.problems: list[str] = []

    def _device(self, now: float) -> Echo:
        if self.echo is None:
            from skill.alexa.app import create_app
            from skill.store import Store

            self.engine = RecordingEngine(self.seed, self.tz or "UTC")
            holder = {}
            app = create_app({"engine": self.engine, "store": Store(self.db_path), "verify": False,
                              "time_zones": False, "clock": lambda: holder["echo"].now})
            self.echo = holder["echo"] = Echo(app.test_client(), _post, self.engine.catalog, now=now)
        self.echo.now = now
        return self.echo

    def _out(self, reply, intent: str | None) -> dict:
        out = dict(self.engine.last or {})
        self.engine.last = None
        record = {key: out.get(key) for key in FIELDS}
        record.update(say=reply.speech, intent=intent, ticked=[], expect=list(out.get("expect") or []),
                      route=reply.route)
        record["end"] = bool(out.get("end"))
        self._check(reply, out)
        return record

    def _check(self, reply, out: dict) -> None:
        where = f"{reply.route} {reply.intent or 'launch'}: {reply.speech[:120]!r}"
        if reply.status != 200 or not isinstance(reply.body.get("response"), dict):
            self.problems.append(f"{where}: status {reply.status}")
        if (out.get("mode") == "safety" or "safety" in (out.get("events") or [])) and reply.card is not None:
            self.problems.append(f"{where}: a card on a safety reply")
        if reply.speech.rstrip().endswith("?") and not reply.mic_open:
            self.problems.append(f"{where}: asks with the microphone closed")
        if reply.directive("AudioPlayer.Play") and reply.mic_open:
            self.problems.append(f"{where}: plays the bed with the microphone open")

    def launch(self, now: float) -> dict:
        return self._out(self._device(now).launch(), None)

    def say(self, text: str, now: float) -> dict:
        echo = self._device(now)
        match = echo.catalog.match(text)
        reply = echo.intent(match.intent if match else "AMAZON.FallbackIntent", match.slots if match else {})
        return self._out(reply, match.intent if match else None)

    def tick(self, now: float) -> dict:
        raise NotImplementedError("an Echo has no ticks: timer cues are the device's own timers")

    def relaunch(self, now: float) -> dict:
        echo = self._device(now)
        if echo.attrs is not None:
            echo.silence()
        return self.launch(now)

    def close(self) -> None:
        pass


def _post(client, env):
    return client.post("/alexa", data=json.dumps(env), headers={"Content-Type": "application/json"})


def bed_is_ours(echo: Echo) -> bool:
    return bed.ours(echo.token)
