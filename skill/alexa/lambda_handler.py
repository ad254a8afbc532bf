"""AWS Lambda entry point: the same skill, without HTTP (Lambda requests come from Alexa already verified).

Handler: skill.alexa.lambda_handler.handler. Environment: CLOSER_SKILL_ID (checked), CLOSER_DB.
On Lambda, use a persistence store that outlives the instance (see skill/alexa/README.md, DynamoDB).
"""

from __future__ import annotations

import json
import logging
import os

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from . import envelope as env

log = logging.getLogger("closer.alexa")
_SKILL = None
_SERIALIZER = DefaultSerializer()


def _skill():
    global _SKILL
    if _SKILL is None:
        from .app import create_app

        _SKILL = create_app({"verify": False, "db": os.environ.get("CLOSER_DB")}).extensions["closer_skill"]
    return _SKILL


def handler(event, context):
    """Lambda handler: the event is the request envelope; the return value the response envelope."""
    skill_id = os.environ.get("CLOSER_SKILL_ID")
    if skill_id and env.system(event).get("application", {}).get("applicationId") != skill_id:
        raise ValueError("wrong skill id")
    raw = env.normalise(json.loads(json.dumps(event)))
    envelope = _SERIALIZER.deserialize(json.dumps(raw), RequestEnvelope)
    log.info("request %s type=%s intent=%s", env.request_id(raw), env.request_type(raw), env.intent_name(raw) or "-")
    return _SERIALIZER.serialize(_skill().invoke(request_envelope=envelope, context={"raw": raw}))
