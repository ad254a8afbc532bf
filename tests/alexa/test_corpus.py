"""Every real envelope in shared/corpus/alexa-requests gets a 2xx/4xx, never a 5xx.

As the corpus README says, their timestamps are old (2015-2019) and unsigned, so verification is off here;
the signed path is covered in test_verify.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import envelope

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "alexa-requests"
if not CORPUS.exists():
    CORPUS = Path("/work/shared/corpus/alexa-requests")
FILES = sorted(CORPUS.glob("*.json"))


@pytest.fixture()
def client(make_app):
    return make_app(verify=False).test_client()


def test_corpus_present():
    assert len(FILES) >= 20, f"corpus missing at {CORPUS}"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_envelope_never_5xx(client, post, path):
    reply = post(client, path.read_bytes())
    assert reply.status_code < 500
    if reply.status_code == 200:
        payload = reply.get_json()
        assert payload["version"] == "1.0"
        assert isinstance(payload["response"], dict)
        assert len(reply.data) < 24 * 1024


def _load(name):
    return json.loads((CORPUS / name).read_bytes())


def test_skill_disabled_forgets_the_household(client, post, store):
    env = _load("jovo__AlexaSkillEvent.SkillDisabled.json")
    uid = env["context"]["System"]["user"]["userId"]
    store.data[uid] = {"names": ["a", "b"]}
    assert post(client, env).status_code == 200
    assert uid not in store.data


def test_session_ended_with_error_saves_state(client, post, store):
    env = _load("alexanet__SessionEndedRequest.json")
    start = envelope("IntentRequest", intent="StartCheckInIntent", user=env["session"]["user"]["userId"])
    attrs = post(client, start).get_json()["sessionAttributes"]
    store.applied.clear()
    env["session"]["attributes"] = attrs
    env["session"]["new"] = False
    assert post(client, env).status_code == 200
    saved = [e for _, effects in store.applied for e in effects if e["op"] == "progress"]
    assert saved and saved[-1]["progress"]["kind"] == "checkin", "session_end did not save where the couple was"


def test_can_fulfill_answers_yes_for_our_intent_and_no_for_others(client, post):
    env = _load("jovo__CanFulfillIntentRequest.json")
    reply = post(client, env).get_json()
    assert reply["response"]["canFulfillIntent"]["canFulfill"] == "NO"
    env["request"]["intent"] = {"name": "AMAZON.NextIntent", "slots": {}}
    reply = post(client, env).get_json()
    assert reply["response"]["canFulfillIntent"]["canFulfill"] == "YES"


def test_exception_encountered_is_logged(client, post, caplog):
    post(client, _load("jovo__System.ExceptionEncountered.json"))
    assert any("INVALID_RESPONSE" in r.getMessage() for r in caplog.records)


def test_unknown_request_type_gets_an_empty_valid_response(client, post):
    reply = post(client, _load("alexaapp__unknown_type_request.json"))
    assert reply.status_code == 200 and reply.get_json()["response"] == {}


def test_epoch_timestamp_launch_is_answered(client, post):
    reply = post(client, _load("alexanet__LaunchRequestWithEpochTimestamp.json"))
    assert reply.status_code == 200
    assert "outputSpeech" in reply.get_json()["response"]


def test_null_context_intent_is_answered(client, post):
    reply = post(client, _load("alexanet__IntentRequest.json"))
    assert reply.status_code == 200
    assert "outputSpeech" in reply.get_json()["response"]


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b'{"request": 5}', b"\xff\xfe", b'{"request": {"type": 7}}',
                                  b'{"request": {"type": "IntentRequest", "intent": "x"}}'])
def test_malformed_bodies_are_4xx_or_valid(client, post, body):
    reply = post(client, body)
    assert reply.status_code in (200, 400)


def test_body_over_cap_is_413(client, post):
    assert post(client, b"{" + b" " * (1536 * 1024) + b"}").status_code == 413


def test_get_alexa_and_healthz(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/alexa").status_code == 405
