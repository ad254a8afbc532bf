"""Long turns hands-free: timers through ask-sdk's service client, permission by voice, fallbacks.

Amazon's Timers API cannot be reached from here, so these tests point context.System.apiEndpoint at a
local HTTPS stand-in server (certificate from the test PKI) that records every call it gets."""

from __future__ import annotations

import re

import pytest

from skill.alexa import ssml
from skill.alexa.timers import TimeoutApiClient, iso_duration

from .conftest import SKILL_ID, envelope
from .standin import StandIn, api, timer_calls  # noqa: F401  (api is a fixture)


@pytest.fixture()
def client(make_app, api):
    StandIn.calls = []
    StandIn.fail = False
    return make_app(api_client=TimeoutApiClient(timeout=3, verify=api["ca"])).test_client()


def _start(client, post, api, granted=True, attrs=None):
    env = envelope("IntentRequest", intent="StartExerciseIntent", slots={"exercise": "listening"},
                   attrs=attrs or {"engine": None}, new=False, api_endpoint=api["url"], granted=granted)
    return post(client, env).get_json()


def phrase(key, **values):
    """A system phrase as the engine says it (from prompts/system, not written here)."""
    from skill.engine import load_engine
    from skill.engine.words import fill

    return fill(load_engine().content.phrases["en-US"][key][0], values)


def test_iso_durations():
    assert iso_duration(150) == "PT2M30S" and iso_duration(180) == "PT3M" and iso_duration(3600) == "PT1H"


def test_granted_creates_one_timer_per_cue(client, post, api):
    reply = _start(client, post, api)
    creates = [c for c in StandIn.calls if c["method"] == "POST" and c["path"] == "/v1/alerts/timers"]
    assert [c["method"] for c in timer_calls()][0] == "DELETE"  # old timers of this skill cleared first
    assert len(creates) == 2
    warn, end = (c["body"] for c in creates)
    assert warn["duration"] == "PT2M30S"
    assert warn["triggeringBehavior"]["operation"]["type"] == "ANNOUNCE"
    announced = warn["triggeringBehavior"]["operation"]["textToAnnounce"][0]
    assert announced["locale"] == "en-US" and announced["text"].startswith(phrase("time_warn", left="thirty seconds"))
    assert end["duration"] == "PT3M"
    assert end["triggeringBehavior"]["operation"]["type"] == "LAUNCH_TASK"
    assert end["triggeringBehavior"]["operation"]["task"]["name"] == f"{SKILL_ID}.ResumeSession"
    assert all(c["auth"] == "Bearer test-token" for c in creates)
    response = reply["response"]
    assert response["shouldEndSession"] is True  # the microphone stays closed while a partner talks
    assert _silence_seconds(response["outputSpeech"]["ssml"]) < 20  # beats and a breath, no silent wait: the timers keep time


def _say(client, post, api, intent, attrs):
    return post(client, envelope("IntentRequest", intent=intent, attrs=attrs, new=False, api_endpoint=api["url"],
                                 granted=True)).get_json()


def test_pause_pauses_running_timers_and_resume_resumes_paused(client, post, api):
    attrs = _start(client, post, api)["sessionAttributes"]
    StandIn.calls.clear()
    attrs = _say(client, post, api, "AMAZON.PauseIntent", attrs)["sessionAttributes"]
    assert ("POST", "/v1/alerts/timers/t-on/pause") in [(c["method"], c["path"]) for c in StandIn.calls]
    assert not any("t-paused/pause" in c["path"] for c in StandIn.calls)
    StandIn.calls.clear()
    _say(client, post, api, "AMAZON.ResumeIntent", attrs)
    assert ("POST", "/v1/alerts/timers/t-paused/resume") in [(c["method"], c["path"]) for c in StandIn.calls]
    assert not [c for c in StandIn.calls if c["method"] == "DELETE"]


def test_no_timer_running_means_no_timer_call(client, post, api):
    """Pausing a question (no clock) touches no timer: the engine says which timers change, not the intent name."""
    attrs = _say(client, post, api, "StartCheckInIntent", {"engine": None})["sessionAttributes"]
    StandIn.calls.clear()
    _say(client, post, api, "AMAZON.PauseIntent", attrs)
    assert timer_calls() == []


def test_stop_deletes_all_timers(client, post, api):
    attrs = _start(client, post, api)["sessionAttributes"]
    StandIn.calls.clear()
    _say(client, post, api, "AMAZON.StopIntent", attrs)
    assert ("DELETE", "/v1/alerts/timers") in [(c["method"], c["path"]) for c in StandIn.calls]


def test_without_permission_asks_by_voice_then_sets_timers_when_accepted(client, post, api):
    reply = _start(client, post, api, granted=False)
    directive = reply["response"]["directives"][0]
    assert directive["type"] == "Connections.SendRequest" and directive["name"] == "AskFor"
    assert directive["payload"]["permissionScope"] == "alexa::alerts:timers:skill:readwrite"
    assert not timer_calls()
    answer = envelope("Connections.Response", attrs=reply["sessionAttributes"], new=False, api_endpoint=api["url"], granted=True,
                      extra_request={"name": "AskFor", "status": {"code": "200", "message": "OK"},
                                     "payload": {"permissionScope": "alexa::alerts:timers:skill:readwrite", "status": "ACCEPTED"}, "token": "timers"})
    reply = post(client, answer).get_json()
    assert len([c for c in StandIn.calls if c["path"] == "/v1/alerts/timers" and c["method"] == "POST"]) == 2
    assert "Talk about anything on your mind" in reply["response"]["outputSpeech"]["ssml"]


def _silence_seconds(text):
    return sum(int(ms) for ms in re.findall(r'<break time="(\d+)ms"/>', text)) / 1000


def test_denied_falls_back_to_one_long_response_and_the_app_card(client, post, api):
    reply = _start(client, post, api, granted=False)
    answer = envelope("Connections.Response", attrs=reply["sessionAttributes"], new=False, api_endpoint=api["url"], granted=False,
                      extra_request={"name": "AskFor", "status": {"code": "200", "message": "OK"},
                                     "payload": {"permissionScope": "alexa::alerts:timers:skill:readwrite", "status": "DENIED"}, "token": "timers"})
    reply = post(client, answer).get_json()
    response = reply["response"]
    speech = response["outputSpeech"]["ssml"]
    assert 170 <= _silence_seconds(speech) <= ssml.MAX_AUDIO_S
    warn, end = phrase("time_warn", left="thirty seconds"), phrase("time_up")
    assert warn in ssml.plain(speech) and end in ssml.plain(speech)
    assert ssml.plain(speech).index(warn) < ssml.plain(speech).index(end)
    assert response["card"]["type"] == "AskForPermissionsConsent"
    assert response["shouldEndSession"] is False  # the microphone opens after the last cue
    assert not [c for c in StandIn.calls if c["method"] == "POST"]


def test_timers_api_failure_falls_back_to_silence(client, post, api):
    StandIn.fail = True
    reply = _start(client, post, api, granted=True)
    assert _silence_seconds(reply["response"]["outputSpeech"]["ssml"]) >= 170
