"""One turn of the adapter: an Alexa request in, the engine stepped, an Alexa response out.

Kept free of Flask; handlers.py calls these from ask-sdk handlers.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard, SimpleCard

from . import envelope as env
from . import ssml
from .timers import Timers

log = logging.getLogger("closer.alexa")


def line(deps: "Deps", key: str, locale: str = "en-US") -> str:
    """An Alexa-only line (how to come back once the microphone is closed) from prompts/system."""
    phrases = getattr(getattr(deps.engine, "content", None), "phrases", None)
    if not phrases:  # an engine stand-in without content: the lines still come from prompts/
        from skill.content import load_content
        phrases = load_content().phrases
    table = phrases.get(locale) or phrases["en-US"]
    return table[key][0]


@dataclass
class Deps:
    """What every turn needs: the engine, the household storage, a clock, the catalog, switches."""

    engine: Any
    persistence: Any
    clock: Callable[[], float]
    catalog: Any = None
    timers: bool = True
    extra: dict = field(default_factory=dict)


def raw_of(handler_input) -> dict:
    """The raw envelope dict the app passed as the invocation context."""
    return handler_input.context["raw"]


def session_attrs(handler_input) -> dict:
    """Session attributes, or a throwaway dict for out-of-session requests."""
    if handler_input.request_envelope.session is None:
        return {}
    return handler_input.attributes_manager.session_attributes


def event_for(raw: dict, kind: str, now: float, **extra) -> dict:
    """The engine event for this request."""
    event = {"type": kind, "now": now, "locale": env.locale(raw)}
    event.update(extra)
    return event


def step(deps: Deps, handler_input, event: dict) -> dict:
    """Step the engine with this request's state and the household's memory; persist the effects."""
    raw = raw_of(handler_input)
    attrs = session_attrs(handler_input)
    memory = deps.persistence.get_attributes(raw)
    state, out = deps.engine.step(decode_state(attrs.get("engine")), event, memory, owned=True)
    for name in out.get("events") or []:
        log.warning("event: %s", name)  # an event type only, never words
    if out.get("effects"):
        deps.persistence.apply(raw, out["effects"])
    attrs["engine"] = encode_state(state)
    return out


def encode_state(state: dict) -> str:
    """Session attributes carry the engine state as one JSON string: ask-sdk deep-copies the
    attributes on every request, and copying one string costs nothing."""
    return json.dumps(state, separators=(",", ":"))


def decode_state(value) -> dict | None:
    """The engine state from session attributes (a JSON string, or a dict from older sessions)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)  # freshly parsed: the engine may own it
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
    return json.loads(json.dumps(value)) if isinstance(value, dict) else None  # a copy the engine may own


def run(deps: Deps, handler_input, event: dict):
    """Step the engine and build the Alexa response."""
    out = step(deps, handler_input, event)
    return respond(deps, handler_input, out, event)


def respond(deps: Deps, handler_input, out: dict, event: dict, granted: bool | None = None, delay: float = 0.0):
    """Engine output to an ask-sdk Response: SSML, reprompt, card, session end, timers."""
    raw = raw_of(handler_input)
    attrs = session_attrs(handler_input)
    alexa = attrs.setdefault("alexa", {}) if handler_input.request_envelope.session is not None else {}
    rb = handler_input.response_builder
    actions = [a for a in out.get("timer_actions") or [] if isinstance(a, dict)]
    starting = next((a for a in actions if a.get("op") in ("start", "resume") and a.get("cues")), None)
    timer = {"seconds": starting.get("seconds"), "cues": starting["cues"]} if starting else None
    cues = (timer or {}).get("cues") or []
    can_api = deps.timers and env.can_call_apis(raw) and handler_input.service_client_factory is not None
    granted = env.timers_granted(raw) if granted is None else granted
    timers = Timers(handler_input.service_client_factory) if can_api and granted else None
    silence = False
    consent_card = False
    if cues:
        if timers is not None:
            # A held clock goes on where it was; anything else (or a failed resume) sets fresh timers.
            resumed = starting.get("op") == "resume" and timers.resume_all()
            silence = not resumed and not timers.create_cues(timer, env.locale(raw), _skill_id(raw), delay)
        elif can_api and not granted and not alexa.get("asked") and handler_input.request_envelope.session is not None:
            alexa["asked"] = True
            alexa["pending"] = {"out": _slim(out), "now": event.get("now")}
            return _ask_timers(rb, line(deps, "alexa_ask_timers", env.locale(raw)))
        else:
            silence = True
            consent_card = can_api and not granted
    elif timers is not None:
        _apply_timer_actions(timers, actions)
    lines = {key: line(deps, key, env.locale(raw)) for key in ("alexa_hint_done", "alexa_hint_next", "alexa_carry_on")}
    return _build(rb, out, silence, cues, consent_card, lines)


def _apply_timer_actions(timers: Timers, actions: list[dict]) -> None:
    """Pause or cancel the device's timers exactly as the engine says (a start or resume sets new ones above)."""
    for action in actions:
        if action.get("op") == "pause":
            timers.pause_all()
        elif action.get("op") == "cancel":
            timers.delete_all()


def _build(rb, out: dict, silence: bool, cues: list, consent_card: bool, lines: dict):
    segments = out.get("segments")
    if not isinstance(segments, list) or not segments:
        segments = [{"type": "text", "text": out.get("say") or ""}]
    end = bool(out.get("end"))
    conversation = out.get("listen") == "conversation"
    timed = any(isinstance(s, dict) and s.get("type") == "wait" for s in segments) and bool(cues)
    keep_open = not end and (not conversation or (silence and timed))
    segments = list(segments)
    if not end and not keep_open:
        expect = out.get("expect") or []
        segments.append({"type": "text", "text": lines["alexa_hint_done" if "DoneIntent" in expect else "alexa_hint_next"]})
    speech = ssml.fit(ssml.render(segments, silence_for_waits=silence, cues=cues, pace=out.get("pace_settings")))
    rb.speak(speech[len("<speak>"):-len("</speak>")])
    if keep_open:
        reprompt = out.get("reprompt") or (lines["alexa_carry_on"] if silence and timed else None)
        if reprompt:
            rb.ask(ssml.escape_text(reprompt))
    card = out.get("card") if isinstance(out.get("card"), dict) else None
    if consent_card:
        rb.set_card(AskForPermissionsConsentCard(permissions=[env.TIMERS_SCOPE]))
    elif card and (card.get("title") or card.get("text")):
        rb.set_card(SimpleCard(title=str(card.get("title") or "")[:200], content=str(card.get("text") or "")[:6000]))
    rb.set_should_end_session(not keep_open)
    return rb.response


def _ask_timers(rb, ask: str):
    rb.speak(ssml.escape_text(ask))
    rb.add_directive(SendRequestDirective(
        name="AskFor",
        payload={"@type": "AskForPermissionsConsentRequest", "@version": "1", "permissionScope": env.TIMERS_SCOPE},
        token="timers",
    ))
    return rb.response


def _slim(out: dict) -> dict:
    keep = ("segments", "say", "reprompt", "end", "card", "prompt", "expect", "listen", "timer", "timer_actions",
            "pace_settings")
    return {k: out.get(k) for k in keep}


def _skill_id(raw: dict) -> str | None:
    app = env.system(raw).get("application")
    return app.get("applicationId") if isinstance(app, dict) else None


def permission_answer(deps: Deps, handler_input):
    """Connections.Response to our AskFor: render what was pending, with timers or with the fallback."""
    raw = raw_of(handler_input)
    payload = (raw.get("request") or {}).get("payload") or {}
    accepted = isinstance(payload, dict) and payload.get("status") == "ACCEPTED"
    alexa = session_attrs(handler_input).setdefault("alexa", {})
    pending = alexa.pop("pending", None)
    now = deps.clock()
    event = event_for(raw, "intent", now, intent="AMAZON.RepeatIntent", slots={})
    if isinstance(pending, dict) and isinstance(pending.get("out"), dict):
        delay = max(0.0, now - float(pending.get("now") or now))
        return respond(deps, handler_input, pending["out"], event, granted=accepted, delay=delay)
    out = step(deps, handler_input, event)
    return respond(deps, handler_input, out, event, granted=accepted)
