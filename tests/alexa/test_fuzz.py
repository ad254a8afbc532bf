"""Mutated envelopes never get a 5xx (600 here; bench/alexa_fuzz.py runs 20,000, see its figures in the README).

Offline: the API client answers every call as unreachable, as Amazon is from here."""

from __future__ import annotations

import pytest
from ask_sdk_model.services import ApiClient, ApiClientResponse

from .mutate import envelopes

COUNT = 600  # a sample: bench/alexa_fuzz.py runs 20,000


class Offline(ApiClient):
    def invoke(self, request):
        return ApiClientResponse(headers=[], status_code=599, body=None)


def test_mutated_envelopes_never_get_a_5xx(make_app, post):
    client = make_app(api_client=Offline()).test_client()
    statuses = {}
    for body in envelopes(COUNT):
        reply = post(client, body)
        statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        assert reply.status_code < 500, body[:300]
    assert statuses.get(200, 0) > COUNT // 2, statuses  # most mutations still reach the skill
