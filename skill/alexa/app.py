"""Flask app factory: POST /alexa (verify, dispatch through ask-sdk, answer), GET /healthz.

Never a 500: bad JSON, odd envelopes and verification failures get a 4xx with a short reason;
anything unexpected is logged and answered with a valid (empty) Alexa response.
"""

from __future__ import annotations

import json
import logging
import time

from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, abort, request, send_from_directory

from . import codec
from . import envelope as env
from .verify import VerificationError, Verifier

log = logging.getLogger("closer.alexa")

MAX_BODY_BYTES = 256 * 1024
MAX_RESPONSE_BYTES = 24 * 1024
EMPTY = {"version": "1.0", "response": {}}


def _json(status: int, payload: dict) -> Response:
    return Response(json.dumps(payload, separators=(",", ":")), status=status, mimetype="application/json")


def _reject(status: int, reason: str, rid: str = "-") -> Response:
    log.warning("rejected request %s: %s (%d)", rid, reason, status)
    return _json(status, {"error": reason})


def create_app(config: dict | None = None) -> Flask:
    """Build the app. config keys: skill_id, verify (bool), trust_roots, cert_cache, db, engine, store,
    verifier, api_client, clock, system_roots, max_body."""
    config = dict(config or {})
    app = Flask("closer_alexa")
    app.config["MAX_CONTENT_LENGTH"] = None
    skill, deps = _build_skill(config)
    verifier = config.get("verifier") or Verifier(
        skill_id=config.get("skill_id"),
        verify_signature=config.get("verify", True),
        trust_roots=config.get("trust_roots"),
        cert_cache=config.get("cert_cache"),
        system_roots=config.get("system_roots", True),
        clock=deps.clock,
    )
    max_body = int(config.get("max_body", MAX_BODY_BYTES))
    if not verifier.verify_signature and not config.get("lambda"):  # Lambda: Alexa invokes the function itself
        log.warning("request verification is OFF (--no-verify): development only")

    @app.get("/healthz")
    def healthz():
        """Liveness: the app is up and its engine loaded."""
        return _json(200, {"ok": True})

    @app.get("/audio/<name>")
    def audio(name: str):
        """The ambient bed Alexa streams while the couple talks (AudioPlayer needs an https URL)."""
        from .bed import AUDIO_DIR, BED_FILE

        if name != BED_FILE:
            abort(404)
        return send_from_directory(AUDIO_DIR, name, mimetype="audio/mpeg", conditional=True, max_age=86400)

    @app.post("/alexa")
    def alexa():
        """One Alexa request: verify, dispatch, answer."""
        started = time.perf_counter()
        length = request.content_length
        if length is not None and length > max_body:
            return _reject(413, "body too large")
        body = request.stream.read(max_body + 1)
        if len(body) > max_body:
            return _reject(413, "body too large")
        if not verifier.verify_signature:
            log.warning("unverified request accepted (--no-verify)")
        try:
            raw = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _reject(400, "malformed JSON")
        if not isinstance(raw, dict) or not isinstance(raw.get("request"), dict):
            return _reject(400, "not an Alexa request envelope")
        rid, kind = env.request_id(raw), env.request_type(raw)
        try:
            verifier.verify(request.headers, body, raw)
        except VerificationError as exc:
            return _reject(400, exc.reason, rid)
        reply, status = _dispatch(skill, raw, rid, kind, _audio_base(config))
        if log.isEnabledFor(logging.DEBUG):  # one line per answered request costs ~5% of a request at INFO
            log.debug("request %s type=%s intent=%s status=%d ms=%.1f", rid, kind, env.intent_name(raw) or "-",
                      status, (time.perf_counter() - started) * 1000)
        return reply

    app.extensions["closer_skill"] = skill
    app.extensions["closer_deps"] = deps
    return app


def _audio_base(config: dict) -> str:
    """The public https origin of this endpoint, where /audio/ is served: configured, or the host Alexa called."""
    return config.get("public_url") or "https://" + request.host


def _dispatch(skill, raw: dict, rid: str, kind: str, audio_base: str | None = None):
    try:
        env.normalise(raw)
        envelope = codec.deserialize(raw, RequestEnvelope)  # the parsed body, not a second JSON round trip
    except Exception as exc:  # unknown request types and shapes ask-sdk cannot read
        log.warning("request %s type=%s not understood (%s): empty response", rid, kind, type(exc).__name__)
        return _json(200, EMPTY), 200
    try:
        response = skill.invoke(request_envelope=envelope, context={"raw": raw, "audio_base": audio_base})
        text = codec.dumps(response)
    except Exception as exc:
        log.error("request %s type=%s failed: %s", rid, kind, type(exc).__name__)
        return _json(200, EMPTY), 200
    if len(text) > MAX_RESPONSE_BYTES:  # ASCII (non-ASCII is escaped), so characters are bytes
        log.error("request %s response over 24 KB, card and attributes dropped", rid)
        if response.response is not None:
            response.response.card = None
        text = codec.dumps(response)
    return Response(text, status=200, mimetype="application/json"), 200


def _build_skill(config: dict):
    from .handlers import build_skill
    from .persistence import StoreAdapter
    from .turn import Deps

    engine = config.get("engine") or _load_engine()
    store = config.get("store") or _open_store(config.get("db"), config.get("store_url"))
    catalog = config.get("catalog") or _catalog_for(engine)
    deps = Deps(
        engine=engine,
        persistence=StoreAdapter(store),
        clock=config.get("clock") or time.time,
        catalog=catalog,
        timers=config.get("timers", True),
        time_zones=_time_zones(config),
        audio_base=config.get("public_url"),
    )
    return build_skill(deps, api_client=config.get("api_client")), deps


def _time_zones(config: dict):
    """The per-device time zone cache (Alexa Settings API); config time_zones=False turns lookups off."""
    chosen = config.get("time_zones", True)
    if chosen is True:
        from .timezone import TimeZones

        return TimeZones()
    return chosen or None


def _load_engine():
    from skill.engine import load_engine

    return load_engine()


def _open_store(db, url=None):
    from skill.stores import open_store

    return open_store(url, db)


def _catalog_for(engine):
    if getattr(engine, "catalog", None) is not None:
        return engine.catalog
    from skill.catalog import load_catalog

    names: list[str] = []
    content = getattr(engine, "content", None)
    for item in _content_items(content):
        names.extend(str(n) for n in (item.get("names") or []))
    return load_catalog(sorted(set(names)))


def _content_items(content) -> list[dict]:
    """Exercises, rituals and the ladder from loaded content, whatever container it uses."""
    if content is None:
        return []
    items: list[dict] = []
    for attr in ("exercises", "rituals", "ladders", "ladder"):
        group = content.get(attr) if isinstance(content, dict) else getattr(content, attr, None)
        if isinstance(group, dict):
            group = list(group.values())
        elif group is not None and not isinstance(group, list):
            group = [group]
        for item in group or []:
            if isinstance(item, dict):
                items.append(item)
            elif hasattr(item, "names"):
                items.append({"names": list(getattr(item, "names") or [])})
    return items
