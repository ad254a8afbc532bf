"""Mutated Alexa envelopes for fuzzing: real envelopes from the corpus (and AudioPlayer ones), each
changed in a few random places (values swapped for odd types, keys dropped or added, request types
and intent names exchanged). Deterministic for a seed. Used by test_fuzz.py and bench/alexa_fuzz.py."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

CORPUS = Path("/work/shared/corpus/alexa-requests")
TYPES = ["LaunchRequest", "IntentRequest", "SessionEndedRequest", "AudioPlayer.PlaybackStarted",
         "AudioPlayer.PlaybackFinished", "AudioPlayer.PlaybackStopped", "AudioPlayer.PlaybackNearlyFinished",
         "AudioPlayer.PlaybackFailed", "PlaybackController.PlayCommandIssued", "PlaybackController.PauseCommandIssued",
         "PlaybackController.NextCommandIssued", "PlaybackController.PreviousCommandIssued", "Connections.Response",
         "System.ExceptionEncountered", "CanFulfillIntentRequest", "AlexaSkillEvent.SkillDisabled", "Unknown.Type"]
INTENTS = ["AMAZON.NextIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.StopIntent", "AMAZON.HelpIntent",
           "StartCheckInIntent", "StartExerciseIntent", "DoneIntent", "TimeLeftIntent", "SafetyIntent",
           "AMAZON.LoopOnIntent", "AMAZON.ShuffleOffIntent", "NoSuchIntent"]
ODD = [None, "", 0, -1, 2 ** 63, 1e308, True, [], {}, "x" * 3000, "\u0000\ud7ff\u202e", [None, {}], {"a": {"b": None}},
       "closer-bed:1:1", "closer-bed:x:y", "amzn1.ask.device.X", "America/New_York", "Not/AZone", "https://127.0.0.1:1"]


def seeds() -> list[dict]:
    """The envelopes mutations start from: the corpus, plus AudioPlayer and bed-routed ones."""
    found = [json.loads(p.read_bytes()) for p in sorted(CORPUS.glob("*.json"))] if CORPUS.exists() else []
    base = {"version": "1.0", "context": {"System": {
        "application": {"applicationId": "amzn1.ask.skill.fuzz"}, "user": {"userId": "amzn1.ask.account.FUZZ"},
        "device": {"deviceId": "amzn1.ask.device.FUZZ", "supportedInterfaces": {"AudioPlayer": {}}}},
        "AudioPlayer": {"token": "closer-bed:1750708800:0", "offsetInMilliseconds": 100, "playerActivity": "PLAYING"}}}
    for kind in TYPES[3:12]:
        found.append(dict(copy.deepcopy(base), request={"type": kind, "requestId": "r", "timestamp": "2025-06-23T20:00:00Z",
                                                         "locale": "en-US", "token": "closer-bed:1750708800:0",
                                                         "offsetInMilliseconds": 100}))
    session = {"new": True, "sessionId": "s", "application": {"applicationId": "amzn1.ask.skill.fuzz"},
               "user": {"userId": "amzn1.ask.account.FUZZ"}, "attributes": {"engine": "{\"v\": 1}"}}
    for name in INTENTS:
        found.append(dict(copy.deepcopy(base), session=copy.deepcopy(session), request={
            "type": "IntentRequest", "requestId": "r", "timestamp": "2025-06-23T20:00:00Z", "locale": "en-US",
            "intent": {"name": name, "confirmationStatus": "NONE", "slots": {}}}))
    return found


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, prefix + (index,))


def _parent(root, path):
    for key in path[:-1]:
        root = root[key]
    return root


def mutate(envelope: dict, rng: random.Random, changes: int = 3) -> dict:
    """A copy of the envelope with a few random changes."""
    env = copy.deepcopy(envelope)
    for _ in range(changes):
        paths = [p for p in _paths(env) if p]
        if not paths:
            break
        path = rng.choice(paths)
        parent, key = _parent(env, path), path[-1]
        roll = rng.random()
        if roll < 0.45:
            parent[key] = copy.deepcopy(rng.choice(ODD))
        elif roll < 0.6 and isinstance(parent, dict):
            del parent[key]
        elif roll < 0.7 and isinstance(parent, dict):
            parent[rng.choice(["token", "task", "error", "payload", "new", "attributes", "AudioPlayer"])] = copy.deepcopy(rng.choice(ODD))
        elif roll < 0.85 and isinstance(env.get("request"), dict):
            env["request"]["type"] = rng.choice(TYPES)
        elif isinstance(env.get("request"), dict):
            env["request"]["intent"] = {"name": rng.choice(INTENTS), "slots": rng.choice([{}, None, {"exercise": {"value": "listening"}}])}
    return env


def envelopes(count: int, seed: int = 20000):
    """`count` mutated envelopes, as JSON bytes."""
    rng = random.Random(seed)
    base = seeds()
    for _ in range(count):
        yield json.dumps(mutate(rng.choice(base), rng, rng.randint(1, 4))).encode()
