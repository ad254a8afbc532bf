"""Rituals by voice on Alexa: the household's reminders (kept in memory by the engine) mirrored as
recurring reminders through the Alexa Reminders API.

The engine owns what the reminders are; whenever a step changes them (a `reminders` effect), this
module makes the device's reminders for this skill match: it deletes the skill's reminders and
creates one per kept reminder, weekly or daily, in the device's own time zone (no zone is sent,
so Alexa uses the device's and keeps the hour across daylight saving). Without the permission it
asks for it by voice (an AskFor Connections.SendRequest), and if that cannot be asked or is
refused, a permission card in the Alexa app is the fallback.
Reference: https://developer.amazon.com/docs/smapi/alexa-reminders-api-reference.html
"""

from __future__ import annotations

import datetime as dt
import logging

from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.services.reminder_management import (
    AlertInfo,
    PushNotification,
    PushNotificationStatus,
    Recurrence,
    ReminderRequest,
    SpokenInfo,
    SpokenText,
    Trigger,
    TriggerType,
)
from ask_sdk_model.services.service_exception import ServiceException
from ask_sdk_model.ui import AskForPermissionsConsentCard

from . import envelope as env
from . import ssml

log = logging.getLogger("closer.alexa.reminders")

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
TOKEN = "reminders"
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # Python's weekday order, as memory keeps it


def granted(raw: dict) -> bool:
    user = env.system(raw).get("user")
    scopes = ((user or {}).get("permissions") or {}).get("scopes") if isinstance(user, dict) else None
    scope = scopes.get(REMINDERS_SCOPE) if isinstance(scopes, dict) else None
    return isinstance(scope, dict) and scope.get("status") == "GRANTED"


def changed(out: dict) -> list[dict] | None:
    """The household's reminders as this step left them, when the step changed them."""
    found = None
    for effect in out.get("effects") or []:
        if isinstance(effect, dict) and effect.get("op") == "reminders":
            found = [r for r in effect.get("set") or [] if isinstance(r, dict)]
    return found


def rule(reminder: dict) -> str:
    """The iCalendar rule: weekly on its day, or daily, at its local hour and minute."""
    days = [BYDAY[int(d) % 7] for d in reminder.get("days") or []]
    freq = f"FREQ=WEEKLY;BYDAY={','.join(days)}" if days else "FREQ=DAILY"
    return f"{freq};BYHOUR={int(reminder['hour'])};BYMINUTE={int(reminder['minute'])};BYSECOND=0;INTERVAL=1;"


def request_for(reminder: dict, text: str, locale: str, now: float) -> ReminderRequest:
    start = dt.datetime.fromtimestamp(now, dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    return ReminderRequest(
        request_time=start,
        trigger=Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE,
                        recurrence=Recurrence(start_date_time=start, recurrence_rules=[rule(reminder)])),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def sync(factory, kept: list[dict], texts: dict[str, str], locale: str, now: float) -> bool:
    """Make the device's reminders for this skill exactly the kept ones; False on any API failure."""
    try:
        client = factory.get_reminder_management_service()
        listing = client.get_reminders()
        for alert in getattr(listing, "alerts", None) or []:
            client.delete_reminder(alert.alert_token)
        for reminder in kept:
            text = texts["ritual" if reminder.get("what") == "ritual" else "checkin"]
            client.create_reminder(request_for(reminder, text, locale, now))
        return True
    except ServiceException as exc:
        log.warning("reminders API failed: status %s", exc.status_code)  # a status only, never words
        return False
    except Exception as exc:  # the network or an odd reply: the reminders stay kept in memory
        log.warning("reminders API failed: %s", type(exc).__name__)
        return False


def ask(rb, speech: str, ask_line: str):
    """Say the engine's reply, then ask for the permission by voice."""
    rb.speak(ssml.escape_text(f"{speech} {ask_line}".strip()))
    rb.add_directive(SendRequestDirective(
        name="AskFor", token=TOKEN,
        payload={"@type": "AskForPermissionsConsentRequest", "@version": "1", "permissionScope": REMINDERS_SCOPE}))
    return rb.response


def consent_card() -> AskForPermissionsConsentCard:
    return AskForPermissionsConsentCard(permissions=[REMINDERS_SCOPE])


def after_step(handler_input, raw: dict, out: dict, alexa: dict, lines, now: float):
    """The hook turn.respond calls: mirror changed reminders, or ask for the permission.

    Returns a finished response when it asked for the permission, "card" when the permission card
    must be shown, or None when nothing more is needed."""
    kept = changed(out)
    factory = handler_input.service_client_factory
    if kept is None or factory is None or not env.can_call_apis(raw):
        return None
    texts = {"ritual": lines("alexa_reminder_ritual"), "checkin": lines("alexa_reminder_checkin")}
    if granted(raw):
        sync(factory, kept, texts, env.locale(raw), now)
        return None
    if handler_input.request_envelope.session is not None and not alexa.get("asked_reminders"):
        alexa["asked_reminders"] = True
        alexa["pending_reminders"] = kept
        return ask(handler_input.response_builder, out.get("say") or "", lines("alexa_ask_reminders"))
    return "card"


def answer(handler_input, raw: dict, alexa: dict, lines, now: float):
    """Connections.Response to our AskFor: set the pending reminders, or fall back to the card."""
    payload = (raw.get("request") or {}).get("payload") or {}
    accepted = isinstance(payload, dict) and payload.get("status") == "ACCEPTED"
    kept = alexa.pop("pending_reminders", None) or []
    rb = handler_input.response_builder
    factory = handler_input.service_client_factory
    texts = {"ritual": lines("alexa_reminder_ritual"), "checkin": lines("alexa_reminder_checkin")}
    if accepted and factory is not None and sync(factory, kept, texts, env.locale(raw), now):
        rb.speak(ssml.escape_text(lines("alexa_reminders_set")))
    else:
        rb.speak(ssml.escape_text(lines("alexa_reminders_card")))
        rb.set_card(consent_card())
    rb.ask(ssml.escape_text(lines("alexa_carry_on")))
    rb.set_should_end_session(False)
    return rb.response
