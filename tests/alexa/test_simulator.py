"""An Alexa simulator: utterances become requests through our generated interaction model, and the
conversation is compared with the text front end (`closer local --text --jsonl`) on the same script.

Like a real Echo, a response with shouldEndSession true closes the session: the next utterance is then
a one-shot request ("Alexa, ask Closer Together to ...") in a new session without attributes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from skill.alexa import ssml

from .conftest import envelope

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "skill-package" / "interactionModels" / "custom" / "en-US.json"
SCRIPT = ["start a check in", "repeat that", "next question", "pause", "resume", "what can i say", "stop"]


class Simulator:
    """Maps utterances to intents with the model's samples, keeps the session as Alexa would.

    Like Alexa's NLU, a sample without slots wins over one with slots, and a sample that is
    little more than a slot ("{exercise}") only takes a value of that slot's type."""

    def __init__(self, client, post):
        model = json.loads(MODEL.read_text())["interactionModel"]["languageModel"]
        values = {t["name"]: {v["name"]["value"].lower() for v in t.get("values", [])} for t in model.get("types", [])}
        self.samples = []
        for intent in model["intents"]:
            slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for sample in intent["samples"]:
                pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+)", re.escape(sample)) + "$"
                bare = len(re.sub(r"\{\w+\}", "", sample).split()) <= 1
                closed = {k: values.get(t) for k, t in slot_types.items() if bare and values.get(t)}
                self.samples.append(("{" in sample, re.compile(pattern), intent["name"], closed))
        self.samples.sort(key=lambda s: s[0])  # literal samples first
        self.client, self.post, self.attrs = client, post, None

    def resolve(self, utterance: str):
        for _, pattern, name, closed in self.samples:
            found = pattern.match(utterance)
            if found and all(found.group(k) in v for k, v in closed.items() if k in found.groupdict()):
                return name, found.groupdict()
        return "AMAZON.FallbackIntent", {}

    def say(self, utterance: str) -> dict:
        if utterance == "open closer together":
            env = envelope("LaunchRequest", attrs=None, new=True)
        else:
            name, slots = self.resolve(utterance)
            env = envelope("IntentRequest", intent=name, slots=slots, attrs=self.attrs, new=self.attrs is None)
        reply = self.post(self.client, env)
        assert reply.status_code == 200
        payload = reply.get_json()
        response = payload["response"]
        self.attrs = payload.get("sessionAttributes") if response.get("shouldEndSession") is False else None
        return response


@pytest.fixture()
def real_client(tmp_path):
    try:
        from skill.engine import load_engine
        from skill.store import Store

        engine = load_engine()
    except Exception as exc:
        pytest.skip(f"real engine or store not available: {type(exc).__name__}: {exc}")
    from skill.alexa.app import create_app

    return create_app({"engine": engine, "store": Store(tmp_path / "alexa.db"), "verify": False}).test_client()


def text_front_end(tmp_path) -> list[dict]:
    """The same script through `closer local --text --jsonl` (first line: the greeting)."""
    proc = subprocess.run([sys.executable, "-c", "import sys; from skill.cli import main; sys.exit(main())",
                           "local", "--text", "--jsonl", "--db", str(tmp_path / "text.db")],
                          input="\n".join(SCRIPT) + "\n", capture_output=True, text=True, timeout=60, cwd=ROOT)
    if proc.returncode != 0:
        pytest.skip(f"text front end not runnable: {proc.stderr.strip()[-200:]}")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_model_maps_the_script_to_the_expected_intents(real_client, post):
    sim = Simulator(real_client, post)
    assert [sim.resolve(u)[0] for u in SCRIPT] == [
        "StartCheckInIntent", "AMAZON.RepeatIntent", "AMAZON.NextIntent", "AMAZON.PauseIntent",
        "AMAZON.ResumeIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent"]


def test_alexa_conversation_behaves_like_the_text_front_end(real_client, post, tmp_path):
    """Turn by turn, the same behaviour: which question is asked (by content id), repeated, changed, resumed."""
    from skill.engine import load_engine

    questions = load_engine().content.questions

    def asked(text: str) -> set:
        return {qid for qid, q in questions.items() if q.text in text}

    text = text_front_end(tmp_path)
    sim = Simulator(real_client, post)
    alexa = [ssml.plain(sim.say("open closer together")["outputSpeech"]["ssml"])]
    ends = []
    for utterance in SCRIPT:
        response = sim.say(utterance)
        alexa.append(ssml.plain(response["outputSpeech"]["ssml"]))
        ends.append(response["shouldEndSession"])
    local = [t["say"] for t in text]
    assert len(local) == len(alexa) == len(SCRIPT) + 1 and all(alexa)
    for side, says in (("alexa", alexa), ("text", local)):
        launch, start, repeat, nxt, pause, resume, helps, stop = says
        assert "Closer Together" in launch, side
        assert len(asked(start)) == 1, (side, start)
        first = asked(start)
        assert first <= asked(repeat), (side, repeat)
        assert asked(nxt) and asked(nxt) != first, (side, nxt)
        assert not asked(pause) and "aused" in pause, (side, pause)
        assert asked(nxt) <= asked(resume), (side, resume)
        assert not asked(helps) and helps.split(".")[0] == local[6].split(".")[0], (side, helps)
    assert ends[-1] is True and text[-1]["end"] is True
