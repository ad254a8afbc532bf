"""ask-sdk-core SkillBuilder with one thin handler per request type; the work is in turn.py."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model.canfulfill import (
    CanFulfillIntent,
    CanFulfillIntentValues,
    CanFulfillSlot,
    CanFulfillSlotValues,
    CanUnderstandSlotValues,
)

from . import bed
from . import envelope as env
from . import turn
from .timers import TimeoutApiClient

log = logging.getLogger("closer.alexa")

SORRY = "Sorry, something went wrong on my side. Please try that again."


class _Base(AbstractRequestHandler):
    request_type = ""

    def __init__(self, deps: turn.Deps):
        self.deps = deps

    def can_handle(self, handler_input):
        return is_request_type(self.request_type)(handler_input)


class LaunchHandler(_Base):
    """LaunchRequest (also a timer's LAUNCH_TASK): greet, or offer to resume."""

    request_type = "LaunchRequest"

    def handle(self, handler_input):
        raw = turn.raw_of(handler_input)
        extra = {}
        task = (raw.get("request") or {}).get("task")
        if isinstance(task, dict) and str(task.get("name", "")).endswith(".ResumeSession"):
            extra["task"] = "resume"
        return turn.run(self.deps, handler_input, turn.event_for(raw, "launch", self.deps.clock(), **extra))


class IntentHandler(_Base):
    """IntentRequest: every catalog intent, built-in or custom, goes to the engine."""

    request_type = "IntentRequest"

    def handle(self, handler_input):
        raw = turn.raw_of(handler_input)
        name = env.intent_name(raw) or "AMAZON.FallbackIntent"
        event = turn.event_for(raw, "intent", self.deps.clock(), intent=name, slots=env.slots(raw))
        return turn.run(self.deps, handler_input, event)


def _under_way(deps: turn.Deps, raw: dict) -> bool:
    """Whether the household has an activity under way in the store (requests from the bed carry no session)."""
    try:
        return bool(deps.persistence.get_attributes(raw).get("progress"))
    except Exception:  # no userId: nothing to look up
        return False


class AudioPlayerHandler(AbstractRequestHandler):
    """AudioPlayer.Playback* about our bed: re-queue it while an activity is under way; nothing else to say.

    These requests carry no session and their responses may hold no speech (Amazon's AudioPlayer
    Interface Reference), so the household's place comes from the store."""

    def __init__(self, deps: turn.Deps):
        self.deps = deps

    def can_handle(self, handler_input):
        return env.request_type(turn.raw_of(handler_input)).startswith("AudioPlayer.")

    def handle(self, handler_input):
        raw = turn.raw_of(handler_input)
        kind = env.request_type(raw)
        request = raw.get("request") or {}
        rb = handler_input.response_builder
        if kind == "AudioPlayer.PlaybackFailed":
            error = request.get("error") if isinstance(request.get("error"), dict) else {}
            log.warning("bed playback failed: %s", error.get("type"))
        elif kind == "AudioPlayer.PlaybackNearlyFinished":
            base = turn._bed_base(self.deps, handler_input)
            playing = request.get("token")
            if base and bed.ours(playing) and _under_way(self.deps, raw):
                directive = bed.requeue(base, playing, self.deps.clock())
                if directive is not None:
                    rb.add_directive(directive)
        return rb.response


class PlaybackControllerHandler(AbstractRequestHandler):
    """The device's play and pause buttons pause and resume the step (and the bed); next and
    previous do nothing, since the question they lead to could not be spoken (no speech is allowed)."""

    INTENTS = {"PlaybackController.PauseCommandIssued": "AMAZON.PauseIntent",
               "PlaybackController.PlayCommandIssued": "AMAZON.ResumeIntent"}

    def __init__(self, deps: turn.Deps):
        self.deps = deps

    def can_handle(self, handler_input):
        return env.request_type(turn.raw_of(handler_input)).startswith("PlaybackController.")

    def handle(self, handler_input):
        raw = turn.raw_of(handler_input)
        rb = handler_input.response_builder
        intent = self.INTENTS.get(env.request_type(raw))
        if intent is None or not _under_way(self.deps, raw):
            return rb.response
        out = turn.step(self.deps, handler_input, turn.event_for(raw, "intent", self.deps.clock(), intent=intent, slots={}))
        turn.apply_timer_actions(self.deps, handler_input, out)
        base = turn._bed_base(self.deps, handler_input)
        if base and out.get("listen") == "conversation" and not out.get("end"):
            rb.add_directive(bed.play(base, self.deps.clock()))
        elif base:
            rb.add_directive(bed.stop())
        return rb.response


class SessionEndedHandler(_Base):
    """SessionEndedRequest (with or without error): let the engine save where the couple was."""

    request_type = "SessionEndedRequest"

    def handle(self, handler_input):
        raw = turn.raw_of(handler_input)
        request = raw.get("request") or {}
        error = request.get("error") if isinstance(request.get("error"), dict) else {}
        if error:
            log.warning("session ended with error type=%s", error.get("type"))
        event = turn.event_for(raw, "session_end", self.deps.clock(), reason=request.get("reason"))
        turn.step(self.deps, handler_input, event)
        return handler_input.response_builder.response


class ExceptionEncounteredHandler(_Base):
    """System.ExceptionEncountered: Alexa could not use our last response; log it, answer nothing."""

    request_type = "System.ExceptionEncountered"

    def handle(self, handler_input):
        request = turn.raw_of(handler_input).get("request") or {}
        error = request.get("error") if isinstance(request.get("error"), dict) else {}
        cause = request.get("cause") if isinstance(request.get("cause"), dict) else {}
        log.error("Alexa reported an exception type=%s for request %s", error.get("type"), cause.get("requestId"))
        return handler_input.response_builder.response


class CanFulfillHandler(_Base):
    """CanFulfillIntentRequest: YES for our intents with understood slots, NO otherwise."""

    request_type = "CanFulfillIntentRequest"

    def handle(self, handler_input):
        raw = turn.raw_of(handler_input)
        name = env.intent_name(raw)
        catalog = self.deps.catalog
        known = catalog is not None and name in getattr(catalog, "by_name", {})
        slots = {}
        if known:
            types = catalog.by_name[name].slots
            for slot, value in env.slots(raw).items():
                values = catalog.slot_values.get(types.get(slot, ""), [])
                understood = "YES" if value.lower() in values else ("MAYBE" if slot in types else "NO")
                slots[slot] = CanFulfillSlot(
                    can_understand=CanUnderstandSlotValues(understood),
                    can_fulfill=CanFulfillSlotValues("YES" if understood != "NO" else "NO"),
                )
        verdict = "YES" if known and all(s.can_fulfill.value == "YES" for s in slots.values()) else "NO"
        handler_input.response_builder.response.can_fulfill_intent = CanFulfillIntent(
            can_fulfill=CanFulfillIntentValues(verdict), slots=slots or None
        )
        return handler_input.response_builder.response


class SkillDisabledHandler(_Base):
    """AlexaSkillEvent.SkillDisabled: delete everything kept about the household."""

    request_type = "AlexaSkillEvent.SkillDisabled"

    def handle(self, handler_input):
        self.deps.persistence.delete_attributes(turn.raw_of(handler_input))
        log.info("household forgotten after SkillDisabled")
        return handler_input.response_builder.response


class SkillEventHandler(AbstractRequestHandler):
    """Other skill events (permission accepted or changed, enabled): nothing to keep."""

    def can_handle(self, handler_input):
        return env.request_type(turn.raw_of(handler_input)).startswith("AlexaSkillEvent.")

    def handle(self, handler_input):
        return handler_input.response_builder.response


class PermissionAnswerHandler(_Base):
    """Connections.Response to our AskFor: set the timers, or fall back to silence and a card."""

    request_type = "Connections.Response"

    def handle(self, handler_input):
        return turn.permission_answer(self.deps, handler_input)


class OtherRequestHandler(AbstractRequestHandler):
    """Any other request type (e.g. Display.ElementSelected): an empty, valid response."""

    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        return handler_input.response_builder.response


class ErrorHandler(AbstractExceptionHandler):
    """Anything a handler raises: one apologetic sentence, logged by type (never a 500)."""

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        log.exception("handler failed: %s", type(exception).__name__)
        rb = handler_input.response_builder
        if env.request_type(turn.raw_of(handler_input)) in ("LaunchRequest", "IntentRequest", "Connections.Response"):
            rb.speak(SORRY).set_should_end_session(True)
        return rb.response


def build_skill(deps: turn.Deps, api_client=None):
    """The ask-sdk CustomSkill with every handler registered, in dispatch order."""
    builder = CustomSkillBuilder(persistence_adapter=deps.persistence, api_client=api_client or TimeoutApiClient())
    for handler in (LaunchHandler, IntentHandler, SessionEndedHandler, ExceptionEncounteredHandler,
                    CanFulfillHandler, SkillDisabledHandler, PermissionAnswerHandler):
        builder.add_request_handler(handler(deps))
    builder.add_request_handler(AudioPlayerHandler(deps))
    builder.add_request_handler(PlaybackControllerHandler(deps))
    builder.add_request_handler(SkillEventHandler())
    builder.add_request_handler(OtherRequestHandler())
    builder.add_exception_handler(ErrorHandler())
    return builder.create()
