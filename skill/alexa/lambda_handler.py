"""AWS Lambda entry point: the same skill, without HTTP.

Handler: skill.alexa.lambda_handler.handler. Environment: CLOSER_STORE (a store URL; on Lambda a
DynamoDB table, `dynamodb://TABLE`, since an instance's disk does not outlive it), CLOSER_SKILL_ID.
Alexa invokes the function directly (the trigger is restricted to the skill id), so there is no
request signature to verify here; the skill id is still checked on every request.
"""

from __future__ import annotations

import json
import logging
import os

from ask_sdk_model import RequestEnvelope

from . import codec
from . import envelope as env
from .verify import application_id

log = logging.getLogger("closer.alexa")
_SKILL = None
EMPTY = {"version": "1.0", "response": {}}


class WrongSkill(ValueError):
    """A request for another skill: Lambda reports the invocation as failed, nothing is answered."""


def _skill():
    global _SKILL
    if _SKILL is None:
        from .app import create_app

        config = {"verify": False, "lambda": True, "db": os.environ.get("CLOSER_DB"), "store_url": os.environ.get("CLOSER_STORE"),
                  "public_url": os.environ.get("CLOSER_PUBLIC_URL")}  # where bed.mp3 is hosted (Lambda serves no files)
        _SKILL = create_app(config).extensions["closer_skill"]
    return _SKILL


def handler(event, context):
    """Lambda handler: the event is the request envelope; the return value the response envelope.

    As over HTTP, an envelope the skill cannot read gets an empty response rather than a failed
    invocation; only a request for another skill is refused."""
    skill_id = os.environ.get("CLOSER_SKILL_ID")
    if not isinstance(event, dict) or not isinstance(event.get("request"), dict):
        raise WrongSkill("not an Alexa request envelope")
    if skill_id and application_id(event) != skill_id:  # context.System, else the session (older envelopes)
        raise WrongSkill("wrong skill id")
    raw = json.loads(json.dumps(event))  # ours to normalise
    rid, kind = env.request_id(raw), env.request_type(raw)
    try:
        env.normalise(raw)
        envelope = codec.deserialize(raw, RequestEnvelope)
    except Exception as exc:  # unknown request types and shapes ask-sdk cannot read
        log.warning("request %s type=%s not understood (%s): empty response", rid, kind, type(exc).__name__)
        return dict(EMPTY)
    log.info("request %s type=%s intent=%s", rid, kind, env.intent_name(raw) or "-")
    try:
        return json.loads(codec.dumps(_skill().invoke(request_envelope=envelope, context={"raw": raw})))
    except Exception as exc:
        log.error("request %s type=%s failed: %s", rid, kind, type(exc).__name__)
        return dict(EMPTY)
