"""Alexa Timers API through ask-sdk's timer management service client.

One timer per cue: ANNOUNCE reads the cue aloud when it fires; the last cue may be a LAUNCH_TASK
timer that brings the couple back into the skill after one "yes".
Reference: https://developer.amazon.com/docs/smapi/alexa-timers-api-reference.html
"""

from __future__ import annotations

import json
import logging
import urllib.parse

import requests
from ask_sdk_model.services import ApiClient, ApiClientResponse
from ask_sdk_model.services.service_exception import ServiceException
from ask_sdk_model.services.timer_management import (
    AnnounceOperation,
    CreationBehavior,
    DisplayExperience,
    LaunchTaskOperation,
    NotificationConfig,
    Task,
    TextToAnnounce,
    TextToConfirm,
    TimerRequest,
    TriggeringBehavior,
    Visibility,
)

log = logging.getLogger("closer.alexa.timers")

TIMER_LABEL = "Closer Together"
RESUME_TASK = "ResumeSession"
RESUME_TASK_VERSION = "1"
API_TIMEOUT_S = 3.0


class TimeoutApiClient(ApiClient):
    """ask-sdk ApiClient on `requests` with a timeout (the SDK's default client has none)."""

    def __init__(self, timeout: float = API_TIMEOUT_S, verify: bool | str = True):
        self.timeout = timeout
        self.verify = verify
        self.session = requests.Session()

    def invoke(self, request):
        """Send one API request; network errors become a 599 response, never an exception."""
        if urllib.parse.urlsplit(request.url or "").scheme != "https":
            return ApiClientResponse(headers=[], status_code=599, body=None)
        headers = {k: v for k, v in (request.headers or [])}
        body = request.body
        if body is not None and not isinstance(body, (str, bytes)):
            body = json.dumps(body)  # the service client hands over the serialized dict
        try:
            reply = self.session.request(
                request.method, request.url, headers=headers, data=body,
                timeout=self.timeout, verify=self.verify,
            )
        except requests.RequestException as exc:
            log.warning("timers API unreachable: %s", type(exc).__name__)
            return ApiClientResponse(headers=[], status_code=599, body=None)
        return ApiClientResponse(headers=list(reply.headers.items()), status_code=reply.status_code, body=reply.text)


def iso_duration(seconds: float) -> str:
    """ISO-8601 duration (PT#H#M#S) for a timer, at least one second."""
    total = max(1, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + (f"{secs}S" if secs else "")
    return out


def cue_request(cue: dict, locale: str, skill_id: str | None, launch: bool) -> TimerRequest:
    """The TimerRequest for one cue: ANNOUNCE, or LAUNCH_TASK when `launch` and the skill id is known."""
    text = str(cue.get("text") or "Time is up.").strip()
    if text[-1:] not in ".!?":
        text += "."
    if launch and skill_id:
        operation = LaunchTaskOperation(
            text_to_confirm=[TextToConfirm(locale=locale, text=text + " Shall we carry on with Closer Together?")],
            task=Task(name=f"{skill_id}.{RESUME_TASK}", version=RESUME_TASK_VERSION, input={}),
        )
    else:
        operation = AnnounceOperation(text_to_announce=[TextToAnnounce(locale=locale, text=text)])
    return TimerRequest(
        duration=iso_duration(float(cue.get("after") or 0)),
        timer_label=TIMER_LABEL,
        creation_behavior=CreationBehavior(display_experience=DisplayExperience(visibility=Visibility.VISIBLE)),
        triggering_behavior=TriggeringBehavior(operation=operation, notification_config=NotificationConfig(play_audible=True)),
    )


class Timers:
    """The timer calls one request needs; every failure is logged by status and reported as False."""

    def __init__(self, service_client_factory):
        self.factory = service_client_factory

    def _client(self):
        return self.factory.get_timer_management_service() if self.factory else None

    def create_cues(self, timer: dict, locale: str, skill_id: str | None, delay: float = 0.0) -> list[str] | None:
        """Replace this skill's timers with one per cue (the last one a LAUNCH_TASK); ids, or None on failure."""
        client = self._client()
        cues = [c for c in (timer or {}).get("cues") or [] if isinstance(c, dict)]
        if client is None or not cues:
            return None
        self.delete_all()
        ids = []
        ordered = sorted(cues, key=lambda c: float(c.get("after") or 0))
        for index, cue in enumerate(ordered):
            cue = dict(cue, after=max(1.0, float(cue.get("after") or 0) - delay))
            last = index == len(ordered) - 1 and cue.get("kind") == "end"
            try:
                reply = client.create_timer(cue_request(cue, locale, skill_id, launch=last))
            except ServiceException as exc:
                log.warning("timer create failed: status %s", exc.status_code)
                return ids or None
            ids.append(getattr(reply, "id", None) or "")
        return ids

    def _each(self, action: str, wanted_status: str) -> bool:
        client = self._client()
        if client is None:
            return False
        try:
            listing = client.get_timers()
            for timer in getattr(listing, "timers", None) or []:
                status = getattr(getattr(timer, "status", None), "value", getattr(timer, "status", None))
                if status == wanted_status:
                    getattr(client, action)(timer.id)
            return True
        except ServiceException as exc:
            log.warning("timer %s failed: status %s", action, exc.status_code)
            return False

    def pause_all(self) -> bool:
        """Pause every running timer this skill set for the user."""
        return self._each("pause_timer", "ON")

    def resume_all(self) -> bool:
        """Resume every paused timer this skill set for the user."""
        return self._each("resume_timer", "PAUSED")

    def delete_all(self) -> bool:
        """Delete every timer this skill set for the user."""
        client = self._client()
        if client is None:
            return False
        try:
            client.delete_timers()
            return True
        except ServiceException as exc:
            log.warning("timer delete failed: status %s", exc.status_code)
            return False
