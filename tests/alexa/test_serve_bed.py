"""The Done-when conversation through `closer serve` (gunicorn, the real engine, a SQLite file), with
Amazon's Timers and Settings APIs stood in over local HTTPS (Amazon cannot be reached from here; the
server trusts the stand-in's test CA through REQUESTS_CA_BUNDLE, as requests reads it)."""

from __future__ import annotations

import time

import pytest
import requests

from skill.alexa import bed

from .echo import Echo
from .standin import StandIn, api, timer_calls  # noqa: F401  (api is a fixture)
from .serving import closer_serve



class Posted:
    def __init__(self, reply: requests.Response):
        self.status_code = reply.status_code
        self._reply = reply

    def get_json(self):
        return self._reply.json()


@pytest.fixture()
def served(tmp_path, api):
    with closer_serve(["--workers", "1", "--store", f"sqlite:///{tmp_path / 'closer.db'}", "--no-verify",
                       "--public-url", "https://closer.example.org"], env={"REQUESTS_CA_BUNDLE": api["ca"]}) as url:
        yield url


def test_done_when_through_closer_serve(served, api):
    from skill.engine import load_engine

    StandIn.calls, StandIn.fail, StandIn.zone = [], False, "America/New_York"
    session = requests.Session()

    def post(_client, env):
        return Posted(session.post(served + "/alexa", json=env, timeout=10))

    echo = Echo(None, post, load_engine().catalog, now=time.time(), api=api["url"], granted=True)
    questions = load_engine().content.questions

    def asked(text):
        return {qid for qid, q in questions.items() if q.text in text}

    echo.launch()
    start = echo.say("start a check in")
    first = asked(start.speech)
    talk = echo.say("yes") if start.mic_open else start
    play = talk.directive("AudioPlayer.Play")
    assert play and play["audioItem"]["stream"]["url"] == "https://closer.example.org/audio/bed.mp3"
    assert talk.response["shouldEndSession"] is True
    assert session.get(served + "/audio/bed.mp3", timeout=10).headers["Content-Type"] == "audio/mpeg"

    for kind in ("PlaybackStarted", "PlaybackNearlyFinished", "PlaybackStopped", "PlaybackFinished"):
        assert echo.playback(kind).status == 200
    assert echo.playback("PlaybackFailed", error={"type": "MEDIA_ERROR_UNKNOWN", "message": "-"}).status == 200

    nxt = echo.say("next")  # by way of the bed: the next question
    assert nxt.route == "bed" and asked(nxt.speech) and asked(nxt.speech) != first, nxt.speech
    if nxt.mic_open:
        nxt = echo.say("yes")
    paused = echo.say("pause")
    assert paused.directive("AudioPlayer.Stop") and "Paused" in paused.speech
    resumed = echo.say("resume")
    if resumed.mic_open:
        resumed = echo.say("yes")
    assert resumed.directive("AudioPlayer.Play")
    stopped = echo.say("stop")
    assert stopped.directive("AudioPlayer.Stop") and stopped.response["shouldEndSession"] is True
    for kind in ("PlayCommandIssued", "PauseCommandIssued", "NextCommandIssued", "PreviousCommandIssued"):
        assert echo.button(kind).status == 200
    assert bed.ours(echo.token)

    # The listening exercise with the timers permission: pause and resume keep the timers' time.
    echo.say("start the listening exercise")
    creates = [c for c in timer_calls() if c["method"] == "POST" and c["path"] == "/v1/alerts/timers"]
    assert len(creates) == 2
    assert [c for c in StandIn.calls if c["path"].endswith("/settings/System.timeZone")]  # the device's zone was read
    StandIn.calls.clear()
    echo.say("pause")
    echo.say("resume")
    calls = [(c["method"], c["path"]) for c in timer_calls()]
    assert ("POST", "/v1/alerts/timers/t-on/pause") in calls and ("POST", "/v1/alerts/timers/t-paused/resume") in calls
    assert not [c for c in calls if c[0] == "DELETE" or c == ("POST", "/v1/alerts/timers")], calls
    left = echo.intent("TimeLeftIntent")
    assert "left" in left.speech and "no timer" not in left.speech, left.speech
    back = echo.timer_return()
    assert "what you heard" in back.speech, back.speech
