"""`closer serve --workers 4` under 40 Alexa sessions at once: every request answered 200.

A real gunicorn server on loopback, the real engine and SQLite store, fully verified
requests signed by a test certificate chain (--trust-roots, --cert-cache): Amazon itself
cannot be reached from here, so its certificate download is replaced by the cache.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from skill.store import Store

from .conftest import CERT_URL, SKILL_ID, envelope, put_chain, signed_headers
from .serving import closer_serve

SESSIONS = 40


@pytest.fixture()
def server(tmp_path, pki, trust_file):
    cache = tmp_path / "certs"
    put_chain(cache, CERT_URL, pki["good"], pki["inter"])
    db = tmp_path / "closer.db"
    with closer_serve(["--workers", "4", "--db", str(db), "--skill-id", SKILL_ID, "--trust-roots", trust_file,
                       "--cert-cache", str(cache)], stop_timeout=15) as url:
        yield url, db


def session(url: str, signer, n: int) -> list[tuple[int, dict | None]]:
    """One household's session: open, start a check in, next, stop."""
    user = f"amzn1.ask.account.PARALLEL{n:03d}"
    results, attrs = [], None
    for kind, intent in (("LaunchRequest", None), ("IntentRequest", "StartCheckInIntent"),
                         ("IntentRequest", "AMAZON.NextIntent"), ("IntentRequest", "AMAZON.StopIntent")):
        env = envelope(kind, intent=intent, attrs=attrs, user=user, new=attrs is None)
        body = json.dumps(env).encode()
        reply = requests.post(url + "/alexa", data=body, headers=signed_headers(body, signer), timeout=30)
        data = reply.json() if reply.status_code == 200 else None
        results.append((reply.status_code, data))
        attrs = (data or {}).get("sessionAttributes") or attrs
    return results


def test_forty_parallel_sessions_all_get_200(server, pki):
    url, db = server
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        outcomes = list(pool.map(lambda n: session(url, pki["good"], n), range(SESSIONS)))
    codes = [code for turns in outcomes for code, _ in turns]
    assert codes == [200] * (SESSIONS * 4), f"non-200 answers: {sorted(set(codes))}"
    for turns in outcomes:
        speech = [t[1]["response"]["outputSpeech"]["ssml"] for t in turns]
        assert all("<speak>" in s for s in speech)
        assert turns[-1][1]["response"]["shouldEndSession"] is True
    store = Store(db)
    households = store.export()["households"]
    assert len(households) == SESSIONS
    # Every household was stopped mid check-in: its place is saved for next time.
    assert all(h["memory"]["progress"]["kind"] == "checkin" for h in households)
