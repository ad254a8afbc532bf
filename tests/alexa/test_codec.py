"""skill/alexa/codec.py must give exactly what ask-sdk's DefaultSerializer gives: the same request
models for every corpus envelope (and odd variants), the same JSON for responses."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.alexa import codec
from skill.alexa import envelope as env

from .conftest import SeededEngine, MemoryStore, envelope
from .test_corpus import FILES

REFERENCE = DefaultSerializer()


def _both(raw):
    """(reference model or exception type, codec model or exception type)"""
    results = []
    for decode in (lambda r: REFERENCE.deserialize(json.dumps(r), RequestEnvelope),
                   lambda r: codec.deserialize(copy.deepcopy(r), RequestEnvelope)):
        try:
            results.append(decode(raw))
        except Exception as exc:  # noqa: BLE001 - the kind of failure must match too
            results.append(type(exc))
    return results


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_corpus_envelopes_deserialize_identically(path):
    raw = json.loads(path.read_bytes())
    if isinstance(raw, dict) and isinstance(raw.get("request"), dict):
        env.normalise(raw)
    reference, fast = _both(raw)
    assert fast == reference
    if not isinstance(reference, type):
        assert type(fast.request) is type(reference.request)
        assert fast.request.timestamp == reference.request.timestamp


ODD = [
    envelope("IntentRequest", intent="AMAZON.NextIntent", attrs={"engine": {"a": [1, {"b": None}]}}, new=False),
    envelope("IntentRequest", intent="PickIntent", slots={"exercise": "listening"}),
    envelope("LaunchRequest", granted=True, api_endpoint="https://api.amazonalexa.com"),
    envelope("SessionEndedRequest", extra_request={"reason": "ERROR", "error": {"type": "INVALID_RESPONSE", "message": "x"}}),
    envelope("CanFulfillIntentRequest", intent="StartCheckInIntent", session=False),
    envelope("Connections.Response", extra_request={"name": "AskFor", "status": {"code": "200", "message": "OK"},
                                                    "payload": {"status": "ACCEPTED"}, "token": "timers"}),
    envelope("LaunchRequest", extra_request={"timestamp": "2024-05-01T10:00:00.123Z"}),
    envelope("LaunchRequest", extra_request={"timestamp": "2024-05-01T10:00:00.5Z"}),
    envelope("LaunchRequest", extra_request={"timestamp": "2024-05-01T10:00:00+02:00"}),
    envelope("LaunchRequest", extra_request={"timestamp": "1 May 2024"}),
    envelope("LaunchRequest", extra_request={"timestamp": "not a time"}),
    envelope("LaunchRequest", extra_request={"unknownField": {"x": 1}}),
    envelope("IntentRequest", extra_request={"intent": "not an object"}),
    envelope("IntentRequest", extra_request={"intent": {"name": "X", "slots": ["a", "list"]}}),
    envelope("IntentRequest", extra_request={"intent": {"name": "X", "confirmationStatus": "BOGUS"}}),
    envelope("Made.Up.Request"),
    {"version": "1.0", "request": {"type": "LaunchRequest"}, "context": "a string", "session": None},
    {"version": "1.0", "request": {"requestId": "no type"}, "context": {"System": {}}},
    {"version": "1.0", "request": {"type": "LaunchRequest", "locale": 5}, "context": {"System": {"user": []}}},
]


@pytest.mark.parametrize("raw", ODD, ids=range(len(ODD)))
def test_odd_envelopes_deserialize_identically(raw):
    reference, fast = _both(raw)
    assert fast == reference
    if isinstance(reference, type):
        assert reference is SerializationException


def test_deserialize_does_not_change_the_payload():
    raw = envelope("IntentRequest", intent="PickIntent", slots={"exercise": "listening"}, attrs={"engine": {"i": 1}})
    before = copy.deepcopy(raw)
    codec.deserialize(raw, RequestEnvelope)
    assert raw == before


def _responses():
    from skill.alexa.app import create_app

    app = create_app({"engine": SeededEngine(), "store": MemoryStore(), "verify": False})
    skill = app.extensions["closer_skill"]
    attrs = None
    cases = [envelope("LaunchRequest"), envelope("IntentRequest", intent="StartCheckInIntent"),
             envelope("IntentRequest", intent="StartExerciseIntent", api_endpoint="http://127.0.0.1:9", granted=False),
             envelope("CanFulfillIntentRequest", intent="StartCheckInIntent", session=False),
             envelope("IntentRequest", intent="AMAZON.StopIntent"), envelope("SessionEndedRequest")]
    for raw in cases:
        if attrs is not None and raw.get("session"):
            raw["session"]["attributes"] = attrs
        env.normalise(raw)
        response = skill.invoke(request_envelope=codec.deserialize(raw, RequestEnvelope), context={"raw": raw})
        attrs = response.session_attributes
        yield response


def test_responses_serialize_identically():
    for response in _responses():
        assert codec.dumps(response) == json.dumps(REFERENCE.serialize(response), separators=(",", ":"))


def test_dumps_handles_what_the_reference_handles():
    import decimal
    from ask_sdk_model.ui import SimpleCard

    value = {"when": dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc), "n": decimal.Decimal("2"), "f": decimal.Decimal("2.5"),
             "t": (1, "a"), "card": SimpleCard(title="t", content=None), "nested": [{"x": None}]}
    assert json.loads(codec.dumps(value)) == json.loads(json.dumps(REFERENCE.serialize(value)))
