"""An Echo as the skill sees it, for tests: sessions that close, AudioPlayer routing, a clock.

Utterances become intents through the project's own catalog (the same phrases the interaction
model is generated from). Like a real device:
- while a session is open, an utterance goes into it;
- once the session has closed, the built-in intents Amazon routes to the skill that is playing, or
  most recently played, AudioPlayer audio ("Alexa, next", "Alexa, pause", ...) arrive in a new
  session without the invocation name, with context.AudioPlayer naming our token;
- anything else needs the name ("Alexa, ask Closer Together to ..."): a new session too;
- AudioPlayer directives in a response change what the device plays (Play, Stop, ClearQueue).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.alexa import ssml

from .conftest import SKILL_ID, USER_ID, envelope

ROUTED_BY_AUDIO = {"AMAZON.NextIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.PreviousIntent",
                   "AMAZON.RepeatIntent", "AMAZON.StartOverIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"}


@dataclass
class Reply:
    status: int
    body: dict
    route: str = "session"  # session | bed (no invocation name) | named (a new session with the name)
    intent: str | None = None

    @property
    def response(self) -> dict:
        return self.body.get("response") or {}

    @property
    def speech(self) -> str:
        return ssml.plain((self.response.get("outputSpeech") or {}).get("ssml") or "")

    @property
    def ssml(self) -> str:
        return (self.response.get("outputSpeech") or {}).get("ssml") or ""

    @property
    def mic_open(self) -> bool:
        return self.response.get("shouldEndSession") is False

    @property
    def directives(self) -> list[dict]:
        return self.response.get("directives") or []

    def directive(self, kind: str) -> dict | None:
        return next((d for d in self.directives if d.get("type") == kind), None)

    @property
    def card(self) -> dict | None:
        return self.response.get("card")


@dataclass
class Echo:
    client: object
    post: object
    catalog: object
    now: float
    audio: bool = True  # AudioPlayer in supportedInterfaces
    api: str | None = None  # apiEndpoint (a local stand-in)
    granted: bool = False  # the timers permission
    user: str = USER_ID
    attrs: dict | None = None  # the open session's attributes
    token: str | None = None  # what the device last played
    activity: str = "IDLE"
    log: list = field(default_factory=list)

    def _envelope(self, kind: str, session: bool = True, **fields) -> dict:
        env = envelope(kind, attrs=self.attrs, new=self.attrs is None, ts=self.now, user=self.user,
                       api_endpoint=self.api, granted=self.granted, session=session, **fields)
        if self.audio:
            env["context"]["System"]["device"]["supportedInterfaces"] = {"AudioPlayer": {}}
            if self.token:
                env["context"]["AudioPlayer"] = {"token": self.token, "offsetInMilliseconds": 4000,
                                                 "playerActivity": self.activity}
        return env

    def _send(self, env: dict, route: str = "session", intent: str | None = None) -> Reply:
        reply = self.post(self.client, env)
        body = reply.get_json() if reply.status_code == 200 else {}
        result = Reply(reply.status_code, body or {}, route, intent)
        self.log.append(result)
        if reply.status_code != 200:
            return result
        for directive in result.directives:
            kind = directive.get("type")
            if kind == "AudioPlayer.Play":
                stream = directive["audioItem"]["stream"]
                if directive.get("playBehavior") == "REPLACE_ALL" or not self.token:
                    self.token, self.activity = stream["token"], "PLAYING"
            elif kind == "AudioPlayer.Stop":
                self.activity = "STOPPED"
            elif kind == "AudioPlayer.ClearQueue" and directive.get("clearBehavior") == "CLEAR_ALL":
                self.activity = "STOPPED"
        if "session" in env:
            # shouldEndSession omitted (an AskFor): the session stays for the Connections.Response
            ended = result.response.get("shouldEndSession", True) is not False and "shouldEndSession" in result.response
            self.attrs = None if ended else (body.get("sessionAttributes") or {})
        return result

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def launch(self) -> Reply:
        self.attrs = None
        return self._send(self._envelope("LaunchRequest"), "named")

    def timer_return(self) -> Reply:
        """The LAUNCH_TASK timer rang and someone said yes: a launch with our task."""
        self.attrs = None
        task = {"name": f"{SKILL_ID}.ResumeSession", "version": "1", "input": {}}
        return self._send(self._envelope("LaunchRequest", extra_request={"task": task}), "named")

    def say(self, text: str) -> Reply:
        match = self.catalog.match(text)
        name, slots = (match.intent, match.slots) if match else ("AMAZON.FallbackIntent", {})
        return self.intent(name, slots)

    def intent(self, name: str, slots: dict | None = None) -> Reply:
        if self.attrs is not None:
            route = "session"
        elif self.audio and self.token and name in ROUTED_BY_AUDIO:
            route = "bed"
        else:
            route = "named"
        if self.activity == "PLAYING":
            self.activity = "PAUSED"  # the device ducks its audio while someone talks to Alexa
        return self._send(self._envelope("IntentRequest", intent=name, slots=slots or {}), route, name)

    def silence(self) -> Reply:
        """Nobody answers the reprompt either: Alexa ends the session."""
        reply = self._send(self._envelope("SessionEndedRequest", extra_request={"reason": "EXCEEDED_MAX_REPROMPTS"}))
        self.attrs = None
        return reply

    def playback(self, kind: str, **request) -> Reply:
        """An AudioPlayer request about what is playing (no session)."""
        request = {"token": self.token, "offsetInMilliseconds": 4000, **request}
        return self._send(self._envelope(f"AudioPlayer.{kind}", session=False, extra_request=request))

    def button(self, kind: str) -> Reply:
        """A PlaybackController request (a button on the device or a remote; no session)."""
        return self._send(self._envelope(f"PlaybackController.{kind}", session=False))
