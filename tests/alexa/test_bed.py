"""Hands-free on an Echo: the ambient bed under the couple's talk, and the built-in intents it lets
through without the skill's name; the timers keeping their time across sessions; ask once, then act;
the device's time zone. Through the Flask app with the real engine.

Amazon's Timers and Settings APIs cannot be reached from here: apiEndpoint points at a local HTTPS
stand-in (standin.py) that records every call."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from skill.alexa import bed
from skill.alexa.timers import TimeoutApiClient

from .conftest import SeededEngine
from .echo import Echo
from .standin import StandIn, api, timer_calls  # noqa: F401  (api is a fixture)

NY = ZoneInfo("America/New_York")
EVENING = dt.datetime(2025, 6, 23, 20, 0, tzinfo=NY).timestamp()
MORNING = dt.datetime(2025, 6, 23, 8, 30, tzinfo=NY).timestamp()


def phrase(key: str, **values) -> str:
    from skill.engine import load_engine
    from skill.engine.words import fill

    return fill(load_engine().content.phrases["en-US"][key][0], values)


def variants(key: str) -> list[str]:
    """Every variant of a system phrase as a regex ({slots} match anything)."""
    from skill.engine import load_engine

    return [re.escape(v).replace(r"\{", "{").replace(r"\}", "}") for v in load_engine().content.phrases["en-US"][key]]


def says(reply, key: str) -> bool:
    return any(re.search(re.sub(r"\{\w+\}", ".+?", v), reply.speech) for v in variants(key))


@pytest.fixture()
def device(make_app, api):
    """An Echo with AudioPlayer, the timers permission, the stand-in APIs, 8 pm in New York."""
    StandIn.calls, StandIn.fail, StandIn.zone = [], False, "America/New_York"
    holder = {}
    engine = SeededEngine()
    app = make_app(engine=engine, api_client=TimeoutApiClient(timeout=3, verify=api["ca"]),
                   clock=lambda: holder["echo"].now)
    echo = Echo(app.test_client(), _post, engine.catalog, now=EVENING, api=api["url"], granted=True)
    holder["echo"] = echo
    return echo


def _post(client, env):
    import json

    return client.post("/alexa", data=json.dumps(env), headers={"Content-Type": "application/json"})


def until_talking(echo: Echo, reply):
    """Answer "would you like to start?" with yes when asked; the reply in which the couple talks."""
    if reply.mic_open and reply.speech.rstrip().endswith("?"):
        reply = echo.say("yes")
    return reply


def questions():
    from skill.engine import load_engine

    return load_engine().content.questions


def asked(text: str) -> set:
    return {qid for qid, q in questions().items() if q.text in text}


# ---------------------------------------------------------------- the bed itself

def test_the_bed_is_served_as_mp3(device):
    reply = device.client.get("/audio/bed.mp3")
    assert reply.status_code == 200 and reply.mimetype == "audio/mpeg"
    data = reply.data
    assert len(data) > 500_000
    assert data[0] == 0xFF and data[1] & 0xE0 == 0xE0, "starts on an MPEG audio frame"
    partial = device.client.get("/audio/bed.mp3", headers={"Range": "bytes=0-999"})
    assert partial.status_code == 206 and len(partial.data) == 1000  # seeking works
    assert device.client.get("/audio/other.mp3").status_code == 404
    assert device.client.get("/audio/..%2Fapp.py").status_code == 404


def _frames(data: bytes):
    """(bitrate kbps, sample rate, mono) of each MPEG-1 Layer III frame."""
    rates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    i = 0
    while i + 4 <= len(data):
        h = int.from_bytes(data[i:i + 4], "big")
        if h >> 21 != 0x7FF:
            i += 1
            continue
        bitrate, rate = rates[(h >> 12) & 0xF], [44100, 48000, 32000][(h >> 10) & 0x3]
        yield bitrate, rate, (h >> 6) & 0x3 == 3
        i += 144 * bitrate * 1000 // rate + ((h >> 9) & 1)


def test_the_bed_is_a_few_minutes_of_quiet_mono_mp3_alexa_accepts():
    """MP3 at 48 kbps (Amazon's AudioPlayer reference: MP3 or AAC, 16 to 384 kbps), 44.1 kHz, about three minutes."""
    frames = list(_frames((bed.AUDIO_DIR / bed.BED_FILE).read_bytes()))
    assert {f[:2] for f in frames} == {(48, 44100)} and all(f[2] for f in frames)
    assert 170 <= len(frames) * 1152 / 44100 <= 190


def test_the_bed_recipe_is_quiet_faded_and_deterministic():
    import numpy as np

    from skill.alexa.bed_audio import FADE_S, RATE, make_samples

    one, two = make_samples(10), make_samples(10)
    assert np.array_equal(one, two)
    fade = int(FADE_S * RATE)
    level = 20 * np.log10(np.sqrt(np.mean((one[fade:-fade] / 32768.0) ** 2)))  # between the fades
    assert -33 < level < -27, level  # well under two people talking
    assert abs(int(one[0])) < 50 and abs(int(one[-1])) < 50  # the loop meets itself without a click


# ---------------------------------------------------------------- a check-in, hands-free

def test_check_in_hands_free_with_the_bed(device):
    launch = device.launch()
    assert launch.mic_open and not launch.directives
    start = device.say("start a check in")
    first = asked(start.speech)
    assert len(first) == 1
    talk = until_talking(device, start)
    play = talk.directive("AudioPlayer.Play")
    assert play and play["playBehavior"] == "REPLACE_ALL", talk.response
    stream = play["audioItem"]["stream"]
    assert stream["url"] == "https://localhost/audio/bed.mp3" and bed.ours(stream["token"])
    assert talk.response["shouldEndSession"] is True
    assert says(talk, "alexa_hint_bed_both")  # on a question both answer, "Alexa, next" comes after both

    second = device.say("next")  # the session closed: this comes by way of the bed, without the name
    assert second.route == "bed" and second.status == 200
    question = asked(second.speech)
    assert question and question != first, second.speech  # the next question
    second = until_talking(device, second)
    assert second.directive("AudioPlayer.Play")

    handover = device.intent("DoneIntent")  # "Alexa, tell Closer Together I'm done" still hands over
    assert handover.route == "named" and says(handover, "turn_second") and says(handover, "alexa_hint_bed")
    assert handover.directive("AudioPlayer.Play")

    paused = device.say("pause")
    assert paused.route == "bed" and says(paused, "paused")
    assert paused.directive("AudioPlayer.Stop") and not paused.directive("AudioPlayer.Play")
    assert paused.response["shouldEndSession"] is True  # "Alexa, resume" needs no name
    resumed = device.say("resume")
    assert resumed.route == "bed" and resumed.directive("AudioPlayer.Play")
    assert question <= asked(resumed.speech)

    stopped = device.say("stop")
    assert stopped.route == "bed" and stopped.response["shouldEndSession"] is True
    assert stopped.directive("AudioPlayer.Stop") and stopped.directive("AudioPlayer.ClearQueue")
    assert says(stopped, "goodbye_saved")


def test_every_audioplayer_and_playback_controller_request_gets_a_valid_answer(device):
    until_talking(device, device.say("start a check in"))
    playing = device.token
    for kind in ("PlaybackStarted", "PlaybackStopped", "PlaybackFinished"):
        reply = device.playback(kind)
        assert reply.status == 200 and reply.response == {}, (kind, reply.body)
    failed = device.playback("PlaybackFailed", error={"type": "MEDIA_ERROR_SERVICE_UNAVAILABLE", "message": "x"},
                             currentPlaybackState={"token": playing, "offsetInMilliseconds": 0, "playerActivity": "STOPPED"})
    assert failed.status == 200 and "outputSpeech" not in failed.response
    nearly = device.playback("PlaybackNearlyFinished")
    queued = nearly.directive("AudioPlayer.Play")
    assert queued and queued["playBehavior"] == "ENQUEUE" and "outputSpeech" not in nearly.response
    assert queued["audioItem"]["stream"]["expectedPreviousToken"] == playing
    assert queued["audioItem"]["stream"]["token"] != playing
    device.advance(bed.MAX_BED_S + 1)
    assert device.playback("PlaybackNearlyFinished").response == {}  # half an hour on, the bed lets itself end
    pause = device.button("PauseCommandIssued")
    assert pause.status == 200 and pause.directive("AudioPlayer.Stop") and "outputSpeech" not in pause.response
    play = device.button("PlayCommandIssued")
    assert play.status == 200 and play.directive("AudioPlayer.Play")
    for kind in ("NextCommandIssued", "PreviousCommandIssued"):
        assert device.button(kind).status == 200


def test_a_device_without_audioplayer_keeps_the_plain_behaviour(device):
    device.audio = False
    talk = until_talking(device, device.say("start a check in"))
    assert not talk.directives and talk.response["shouldEndSession"] is True
    assert says(talk, "alexa_hint_done") or says(talk, "alexa_hint_next")
    follow = device.say("next")
    assert follow.route == "named" and not follow.directives


def test_help_names_the_commands_that_need_no_name(device):
    until_talking(device, device.say("start a check in"))
    helped = device.say("help")
    assert says(helped, "alexa_help_bed") and "Alexa, next" in helped.speech


# ---------------------------------------------------------------- ask once, then act

def test_a_reply_that_asks_keeps_the_microphone_open_and_a_turn_to_talk_closes_it(make_app):
    """Over several check-ins (different draws and phrasings), no reply asks and closes, or talks and stays open."""
    seen_ask = seen_talk = 0
    for seed in range(1, 9):
        app = make_app(engine=SeededEngine(seed), time_zones=False)
        echo = Echo(app.test_client(), _post, SeededEngine(seed).catalog, now=EVENING)
        for text in ("start a check in", "yes", "next", "next", "yes", "repeat that"):
            reply = echo.say(text)
            question = reply.speech.rstrip().endswith("?")
            assert not (question and not reply.mic_open), (seed, text, reply.speech)
            if question:
                seen_ask += 1
                assert reply.response.get("reprompt") and not reply.directive("AudioPlayer.Play")
            elif reply.directive("AudioPlayer.Play"):
                seen_talk += 1
                assert not reply.mic_open
    assert seen_ask and seen_talk


# ---------------------------------------------------------------- timed turns keep their time

def _listening(device):
    device.say("our names are sam and alex")
    return device.say("start the listening exercise")


def _creates():
    return [c for c in timer_calls() if c["method"] == "POST" and c["path"] == "/v1/alerts/timers"]


def test_listening_turn_pause_resume_time_left_switch_and_the_timer_return(device):
    device.launch()
    start = _listening(device)
    assert start.directive("AudioPlayer.Play") and len(_creates()) == 2
    StandIn.calls.clear()

    device.advance(60)
    left = device.intent("TimeLeftIntent")  # a new session, named: the stored clock answers
    assert says(left, "time_left") and not says(left, "no_timer")
    assert re.search(r"about (two minutes|a minute and|1[0-9]{2} seconds|[0-9]+ seconds)", left.speech) or "minute" in left.speech
    assert not [c for c in timer_calls() if c["method"] in ("DELETE", "POST")]

    paused = device.say("pause")
    assert paused.route == "bed"
    calls = [(c["method"], c["path"]) for c in timer_calls()]
    assert ("POST", "/v1/alerts/timers/t-on/pause") in calls
    assert not [c for c in calls if c[0] == "DELETE" or c == ("POST", "/v1/alerts/timers")]
    StandIn.calls.clear()

    device.advance(300)  # a long pause: the held clock does not run
    resumed = device.say("resume")
    calls = [(c["method"], c["path"]) for c in timer_calls()]
    assert ("POST", "/v1/alerts/timers/t-paused/resume") in calls, calls
    assert not [c for c in calls if c[0] == "DELETE" or c == ("POST", "/v1/alerts/timers")], calls
    assert says(resumed, "resumed_timer") and "two minutes" in resumed.speech
    assert resumed.directive("AudioPlayer.Play")
    StandIn.calls.clear()

    switched = device.intent("SwitchFirstIntent")
    assert switched.status == 200 and not [c for c in timer_calls() if c["method"] == "DELETE"]
    StandIn.calls.clear()

    device.advance(130)
    back = device.timer_return()
    assert "what you heard" in back.speech and "you go first" not in back.speech, back.speech
    assert "Alex, tell Sam" in back.speech or "Sam, tell Alex" in back.speech
    assert not _creates()  # the listener's step is not timed: no new timers


# ---------------------------------------------------------------- the couple's local time, privacy

def test_the_device_time_zone_sets_the_words_of_the_day(device):
    device.now = MORNING
    launch = device.launch()
    assert "tonight" not in launch.speech.lower() and "this morning's check in" in launch.speech
    lookups = [c for c in StandIn.calls if c["path"].endswith("/settings/System.timeZone")]
    assert lookups == [{"method": "GET", "path": "/v2/devices/amzn1.ask.device.TEST/settings/System.timeZone",
                        "auth": "Bearer test-token", "body": None}]
    talk = until_talking(device, device.say("start a check in"))
    assert "tonight" not in talk.speech.lower()
    assert len([c for c in StandIn.calls if c["path"].endswith("System.timeZone")]) == 1  # cached per device


def test_evening_in_new_york_is_tonight(device):
    assert "tonight's check in" in device.launch().speech


def test_no_card_on_a_safety_reply_and_at_most_the_question_otherwise(device):
    talk = until_talking(device, device.say("start a check in"))
    card = talk.card
    assert card is None or (card["type"] == "Simple" and card["content"] in {q.text for q in questions().values()})
    unsafe = device.intent("SafetyIntent")
    assert unsafe.status == 200 and unsafe.card is None and unsafe.speech
    assert not unsafe.directive("AudioPlayer.Play")
    after = device.say("help")
    assert after.card is None


def test_asking_for_the_timers_permission_then_the_bed(device):
    """The first listening turn asks for the timers permission by voice; once accepted, the timers are set
    and the turn ends with the bed, the session closed."""
    device.granted = False
    device.say("our names are sam and alex")
    ask = device.say("start the listening exercise")
    assert ask.directive("Connections.SendRequest") and not ask.directive("AudioPlayer.Play")
    device.granted = True
    answer = device._send(device._envelope("Connections.Response", extra_request={
        "name": "AskFor", "status": {"code": "200", "message": "OK"}, "token": "timers",
        "payload": {"permissionScope": "alexa::alerts:timers:skill:readwrite", "status": "ACCEPTED"}}))
    assert "Sam, you go first" in answer.speech and answer.directive("AudioPlayer.Play")
    assert answer.response["shouldEndSession"] is True and len(_creates()) == 2
