"""Fixtures for the Alexa adapter tests: a test PKI, signed requests, the real engine (fixed seed), a store in memory."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import time
import uuid

import pytest

from skill.alexa.verify import cache_name

from . import certs

SKILL_ID = "amzn1.ask.skill.test-closer-together"
USER_ID = "amzn1.ask.account.TESTHOUSEHOLD"
CERT_URL = "https://s3.amazonaws.com/echo.api/closer-test-cert.pem"


# ---------------------------------------------------------------- engine and store stand-ins

SEED = 2024  # a fixed seed: the same questions are drawn on every run


class SeededEngine:
    """The real engine, every event given a fixed seed so replies are the same on every run."""

    def __init__(self, seed: int = SEED):
        from skill.engine import load_engine

        self.engine = load_engine()
        self.content = self.engine.content
        self.catalog = self.engine.catalog
        self.seed = seed

    def step(self, state, event, memory, owned=False):
        return self.engine.step(state, {"seed": self.seed, **event}, memory, owned=owned)


class MemoryStore:
    """The Store contract in memory: load, apply (the engine's effects), forget."""

    def __init__(self):
        self.data: dict[str, dict] = {}
        self.applied: list = []

    def load(self, household_id):
        return copy.deepcopy(self.data.get(household_id, {}))

    def apply(self, household_id, effects):
        from skill.engine import apply_effects

        self.applied.append((household_id, effects))
        memory = apply_effects(self.data.get(household_id), effects)
        self.data[household_id] = memory
        return copy.deepcopy(memory)

    def forget(self, household_id):
        self.data.pop(household_id, None)


# ---------------------------------------------------------------- envelopes


def iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def envelope(kind="LaunchRequest", intent=None, slots=None, attrs=None, new=None, ts=None, skill_id=SKILL_ID,
             user=USER_ID, api_endpoint=None, granted=False, extra_request=None, session=True):
    """An Alexa request envelope shaped like the real ones."""
    request = {"type": kind, "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": iso(ts or time.time()), "locale": "en-US"}
    if intent:
        request["intent"] = {"name": intent, "confirmationStatus": "NONE",
                             "slots": {k: {"name": k, "value": v, "confirmationStatus": "NONE"} for k, v in (slots or {}).items()}}
    request.update(extra_request or {})
    user_obj = {"userId": user}
    if granted:
        user_obj["permissions"] = {"scopes": {"alexa::alerts:timers:skill:readwrite": {"status": "GRANTED"}}}
    system = {"application": {"applicationId": skill_id}, "user": user_obj, "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": {}}}
    if api_endpoint:
        system["apiEndpoint"] = api_endpoint
        system["apiAccessToken"] = "test-token"
    env = {"version": "1.0", "context": {"System": system}, "request": request}
    if session:
        env["session"] = {"new": bool(new if new is not None else attrs is None), "sessionId": "amzn1.echo-api.session.TEST",
                          "application": {"applicationId": skill_id}, "user": {"userId": user}, "attributes": attrs or {}}
    return env


# ---------------------------------------------------------------- PKI


@pytest.fixture(scope="session")
def pki():
    root = certs.make_ca("Closer Test Root")
    inter = certs.make_ca("Closer Test Intermediate", issuer=root, path_length=0)
    other_root = certs.make_ca("Untrusted Root")
    return {
        "root": root,
        "inter": inter,
        "good": certs.make_leaf(inter, dns=["echo-api.amazon.com"]),
        "wrong_san": certs.make_leaf(inter, dns=["not-echo.example.com"]),
        "expired": certs.make_leaf(inter, dns=["echo-api.amazon.com"], not_before=certs.NOW - dt.timedelta(days=60), not_after=certs.NOW - dt.timedelta(days=1)),
        "untrusted": certs.make_leaf(other_root, dns=["echo-api.amazon.com"]),
        "other_root": other_root,
    }


@pytest.fixture()
def trust_file(tmp_path, pki):
    path = tmp_path / "roots.pem"
    path.write_bytes(pki["root"].pem)
    return str(path)


def put_chain(cache_dir, url, leaf, *chain):
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / cache_name(url)).write_bytes(leaf.pem + b"".join(c.pem for c in chain))


def signed_headers(body: bytes, signer, url=CERT_URL):
    return {"Content-Type": "application/json", "SignatureCertChainUrl": url,
            "Signature-256": base64.b64encode(signer.sign(body)).decode()}


@pytest.fixture()
def store():
    return MemoryStore()


@pytest.fixture()
def make_app(store):
    from skill.alexa.app import create_app

    def build(**config):
        config.setdefault("engine", SeededEngine())
        config.setdefault("store", store)
        config.setdefault("verify", False)
        return create_app(config)

    return build


@pytest.fixture()
def post():
    def send(client, env_or_body, headers=None):
        body = env_or_body if isinstance(env_or_body, (bytes, str)) else json.dumps(env_or_body).encode()
        return client.post("/alexa", data=body, headers=headers or {"Content-Type": "application/json"})

    return send
