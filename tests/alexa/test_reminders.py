"""Rituals by voice on Alexa: "remind us every Sunday at seven" through `closer serve`'s Flask app
creates a weekly reminder with the Alexa Reminders API.

Amazon cannot be reached from here, so the API is a local HTTPS stand-in (a real TLS server with a
test CA) that records every call and answers as the Reminders API reference describes; the skill
talks to it through the request's apiEndpoint exactly as it would to Amazon's.
"""

from __future__ import annotations


import pytest
import yaml

from skill.alexa.package import MANIFEST_CONFIG, skill_manifest
from skill.alexa.reminders import REMINDERS_SCOPE, rule
from skill.alexa.timers import TimeoutApiClient

from .standin import RecordingHandler, serve_https
from .conftest import envelope

PATH = "/v1/alerts/reminders"


class RemindersStandIn(RecordingHandler):
    calls: list = []

    def do_GET(self):
        self._record()
        self._reply(200, {"totalCount": "1", "alerts": [
            {"alertToken": "old-reminder", "status": "ON", "version": "1",
             "createdTime": "2030-01-01T00:00:00.000Z", "updatedTime": "2030-01-01T00:00:00.000Z"}]})

    def do_POST(self):
        self._record()
        self._reply(201, {"alertToken": f"new-{len(self.calls)}", "createdTime": "2030-01-01T00:00:00.000Z",
                          "updatedTime": "2030-01-01T00:00:00.000Z", "status": "ON", "version": "1", "href": PATH})

    def do_DELETE(self):
        self._record()
        self._reply(200, {})


@pytest.fixture(scope="module")
def api(tmp_path_factory, pki):
    with serve_https(RemindersStandIn, tmp_path_factory.mktemp("reminders-standin"), pki) as where:
        yield where


@pytest.fixture()
def client(make_app, api):
    RemindersStandIn.calls = []
    return make_app(api_client=TimeoutApiClient(timeout=3, verify=api["ca"])).test_client()


def _ask_for_sunday(client, post, api, granted: bool, attrs=None):
    env = envelope("IntentRequest", intent="SetReminderIntent", slots={"day": "sunday", "time": "19:00"},
                   attrs=attrs or {"engine": None}, new=False, api_endpoint=api["url"])
    if granted:
        env["context"]["System"]["user"]["permissions"] = {"scopes": {REMINDERS_SCOPE: {"status": "GRANTED"}}}
    return post(client, env).get_json()


def _reminder_calls(calls):
    """The Reminders API's calls (the same stand-in also answers the Settings API's time-zone GET)."""
    return [c for c in calls if c["path"].startswith(PATH)]


def _created(calls):
    return [c for c in calls if c["method"] == "POST" and c["path"] == PATH]


def test_with_the_permission_a_weekly_reminder_is_created(client, post, api):
    reply = _ask_for_sunday(client, post, api, granted=True)
    speech = reply["response"]["outputSpeech"]["ssml"]
    assert "every Sunday at seven in the evening" in speech
    calls = _reminder_calls(RemindersStandIn.calls)
    assert [c["method"] for c in calls] == ["GET", "DELETE", "POST"]  # the device's set is made to match memory
    assert calls[1]["path"] == f"{PATH}/old-reminder"
    body = _created(calls)[0]["body"]
    assert all(c["auth"] == "Bearer test-token" for c in calls)
    assert body["trigger"]["type"] == "SCHEDULED_ABSOLUTE"
    assert body["trigger"]["recurrence"]["recurrenceRules"] == ["FREQ=WEEKLY;BYDAY=SU;BYHOUR=19;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"]
    assert "timeZoneId" not in body["trigger"]  # the device's own zone keeps seven at seven across daylight saving
    text = body["alertInfo"]["spokenInfo"]["content"][0]["text"]
    assert "weekly state of us" in text and "open Closer Together" in text
    assert body["pushNotification"]["status"] == "ENABLED"


def test_cancelling_by_voice_deletes_it_on_the_device(client, post, api):
    reply = _ask_for_sunday(client, post, api, granted=True)
    RemindersStandIn.calls = []
    env = envelope("IntentRequest", intent="CancelReminderIntent", slots={"day": "sunday"},
                   attrs=reply["sessionAttributes"], new=False, api_endpoint=api["url"])
    env["context"]["System"]["user"]["permissions"] = {"scopes": {REMINDERS_SCOPE: {"status": "GRANTED"}}}
    reply = post(client, env).get_json()
    assert "cancelled" in reply["response"]["outputSpeech"]["ssml"]
    assert [c["method"] for c in _reminder_calls(RemindersStandIn.calls)] == ["GET", "DELETE"]


def test_without_the_permission_it_is_asked_for_by_voice_then_set(client, post, api):
    reply = _ask_for_sunday(client, post, api, granted=False)
    directive = reply["response"]["directives"][0]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"]["permissionScope"] == REMINDERS_SCOPE and directive["token"] == "reminders"
    assert "every Sunday at seven in the evening" in reply["response"]["outputSpeech"]["ssml"]
    assert not _reminder_calls(RemindersStandIn.calls)
    answer = envelope("Connections.Response", attrs=reply["sessionAttributes"], new=False, api_endpoint=api["url"],
                      extra_request={"name": "AskFor", "status": {"code": "200", "message": "OK"}, "token": "reminders",
                                     "payload": {"permissionScope": REMINDERS_SCOPE, "status": "ACCEPTED"}})
    reply = post(client, answer).get_json()
    assert len(_created(RemindersStandIn.calls)) == 1
    assert "reminders are set" in reply["response"]["outputSpeech"]["ssml"]


def test_refused_falls_back_to_the_permission_card(client, post, api):
    reply = _ask_for_sunday(client, post, api, granted=False)
    answer = envelope("Connections.Response", attrs=reply["sessionAttributes"], new=False, api_endpoint=api["url"],
                      extra_request={"name": "AskFor", "status": {"code": "200", "message": "OK"}, "token": "reminders",
                                     "payload": {"permissionScope": REMINDERS_SCOPE, "status": "DENIED"}})
    reply = post(client, answer).get_json()
    assert reply["response"]["card"]["type"] == "AskForPermissionsConsent"
    assert reply["response"]["card"]["permissions"] == [REMINDERS_SCOPE]
    assert not _created(RemindersStandIn.calls)


def test_daily_rule_and_the_manifest_asks_for_reminders():
    assert rule({"days": [], "hour": 20, "minute": 30}) == "FREQ=DAILY;BYHOUR=20;BYMINUTE=30;BYSECOND=0;INTERVAL=1;"
    manifest = skill_manifest(yaml.safe_load(MANIFEST_CONFIG.read_text(encoding="utf-8")))["manifest"]
    assert {"name": REMINDERS_SCOPE} in manifest["permissions"]
