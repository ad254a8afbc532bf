"""Long turns hands-free: timers through ask-sdk's service client, permission by voice, fallbacks.

Amazon's Timers API cannot be reached from here, so these tests point context.System.apiEndpoint at a
local HTTPS stand-in server (certificate from the test PKI) that records every call it gets."""

from __future__ import annotations

import http.server
import json
import re
import ssl
import threading

import pytest

from skill.alexa import ssml
from skill.alexa.timers import TimeoutApiClient, iso_duration

from . import certs
from .conftest import SKILL_ID, envelope


class StandIn(http.server.BaseHTTPRequestHandler):
    calls: list = []
    fail = False

    def _reply(self, status, payload=None):
        body = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.calls.append({"method": self.command, "path": self.path, "auth": self.headers.get("Authorization"),
                           "body": json.loads(body) if body else None})

    def do_POST(self):
        self._record()
        if self.fail:
            return self._reply(500, {"code": "INTERNAL", "message": "stand-in failure"})
        timer = {"id": f"timer-{len(self.calls)}", "status": "ON", "duration": "PT3M",
                 "triggerTime": "2030-01-01T00:00:00Z", "createdTime": "2030-01-01T00:00:00Z", "updatedTime": "2030-01-01T00:00:00Z"}
        self._reply(200, timer)

    def do_GET(self):
        self._record()
        self._reply(200, {"timers": [
            {"id": "t-on", "status": "ON", "duration": "PT3M", "createdTime": "2030-01-01T00:00:00Z", "updatedTime": "2030-01-01T00:00:00Z"},
            {"id": "t-paused", "status": "PAUSED", "duration": "PT3M", "createdTime": "2030-01-01T00:00:00Z", "updatedTime": "2030-01-01T00:00:00Z"},
        ], "totalCount": 2})

    def do_DELETE(self):
        self._record()
        self._reply(200, {})

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def api(tmp_path_factory, pki):
    folder = tmp_path_factory.mktemp("standin")
    leaf = certs.make_leaf(pki["inter"], ips=["127.0.0.1"], dns=["localhost"])
    (folder / "cert.pem").write_bytes(leaf.pem + pki["inter"].pem)
    (folder / "key.pem").write_bytes(certs.key_pem(leaf))
    (folder / "ca.pem").write_bytes(pki["root"].pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"url": f"https://127.0.0.1:{server.server_port}", "ca": str(folder / "ca.pem")}
    server.shutdown()


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
    assert [c["method"] for c in StandIn.calls][0] == "DELETE"  # old timers of this skill cleared first
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
    assert StandIn.calls == []


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
    assert not StandIn.calls
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
