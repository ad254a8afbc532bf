"""Discretion after a disclosure, through the real Flask app and engine: the person disclosing may be
sitting next to the person hurting them, and the Alexa app is shared.

No card for anything safety-related (not the disclosure, not what follows it in that session); the
resources are named and their digits grouped; "the number again" gives just the number, slowly;
"stop" ends at once; the log holds the event type only."""

from __future__ import annotations

import logging
import re

import pytest

from tests.alexa.conftest import MemoryStore, envelope


@pytest.fixture(scope="module")
def engine():
    from skill.engine import load_engine

    return load_engine()


@pytest.fixture()
def client(engine):
    from skill.alexa.app import create_app

    return create_app({"engine": engine, "store": MemoryStore(), "verify": False}).test_client()


def ask(client, intent=None, attrs=None, slots=None):
    env = envelope("IntentRequest" if intent else "LaunchRequest", intent=intent, attrs=attrs, slots=slots,
                   new=attrs is None)
    reply = client.post("/alexa", json=env)
    assert reply.status_code == 200
    body = reply.get_json()
    speech = re.sub(r"<[^>]+>", " ", body["response"].get("outputSpeech", {}).get("ssml", ""))
    return body, " ".join(speech.split()), body.get("sessionAttributes") or {}


def test_no_card_and_grouped_numbers_through_the_alexa_app(client, caplog):
    caplog.set_level(logging.DEBUG)
    body, _, attrs = ask(client)
    body, said, attrs = ask(client, "StartCheckInIntent", attrs)
    assert "card" in body["response"], "a question card is expected before the disclosure (the test would prove nothing)"
    body, said, attrs = ask(client, "SafetyIntent", attrs)
    assert "card" not in body["response"], body["response"].get("card")
    assert "National Domestic Violence Hotline" in said and "Suicide and Crisis Lifeline" in said
    assert "one eight hundred, seven nine nine, seven two three three" in said
    assert "text START to eight eight seven eight eight" in said and "nine one one" in said
    assert body["response"].get("shouldEndSession") is not True
    for intent in ("AMAZON.RepeatIntent", "RepeatNumberIntent", "StartCheckInIntent", "AMAZON.HelpIntent",
                   "AMAZON.NoIntent"):
        body, said, attrs = ask(client, intent, attrs)
        assert "card" not in body["response"], (intent, body["response"].get("card"))
        assert body["response"].get("shouldEndSession") is not True, intent
    body, said, attrs = ask(client, "AMAZON.StopIntent", attrs)
    assert body["response"].get("shouldEndSession") is True and "card" not in body["response"]
    assert len(said.split()) <= 10, said
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "event: safety" in logged
    assert "Hotline" not in logged and "Lifeline" not in logged and "nine" not in logged


def test_the_number_again_is_just_the_number_in_groups_with_pauses(engine):
    state, _ = engine.step(None, {"type": "launch", "now": 1.0, "seed": 1}, {})
    state, _ = engine.step(state, {"type": "intent", "intent": "StartCheckInIntent", "now": 2.0}, {})
    state, out = engine.step(state, {"type": "intent", "intent": "SafetyIntent", "slots": {"family": "violence"},
                                     "now": 3.0}, {})
    assert out["say"].index("Domestic Violence Hotline") < out["say"].index("Suicide and Crisis Lifeline")
    state, out = engine.step(state, {"type": "intent", "intent": "RepeatNumberIntent", "now": 4.0}, {})
    words = [s["text"] for s in out["segments"] if s["type"] == "text"]
    assert words[-3:] == ["One eight hundred.", "Seven nine nine.", "Seven two three three."], words
    pauses = [s["seconds"] for s in out["segments"] if s["type"] == "pause"]
    assert len(pauses) >= 2 and min(pauses) >= 0.4
    assert "Hotline" not in out["say"] and out["card"] is None and not out["end"]


def test_self_harm_names_the_lifeline_first_and_danger_nine_one_one(engine):
    for family, first in (("self_harm", "Suicide and Crisis Lifeline"), ("danger", "call nine one one")):
        state, _ = engine.step(None, {"type": "launch", "now": 1.0, "seed": 1}, {})
        state, out = engine.step(state, {"type": "intent", "intent": "SafetyIntent", "slots": {"family": family},
                                         "now": 2.0}, {})
        resources = out["say"].split("alone.", 1)[1]
        assert resources.strip().startswith(("The nine eight eight", "If you are in danger")), resources
        assert first in resources.split(".")[0] + resources.split(".")[1], (family, resources[:80])
