"""SSML within Alexa's limits: escaping, breaks of at most 10 s, under 8,000 characters, well-formed,
and every step of every exercise, ritual, ladder and deck in prompts/ rendered through the adapter."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from skill.alexa import ssml

from .conftest import envelope


def check(text: str) -> None:
    """Well-formed, breaks at most 10 s, under 8,000 characters, audio at most 240 s."""
    root = ET.fromstring(text)
    assert root.tag == "speak"
    assert len(text) < ssml.MAX_SPEECH_CHARS
    total = 0.0
    for br in root.iter("break"):
        ms = int(re.fullmatch(r"(\d+)ms", br.get("time")).group(1))
        assert 0 < ms <= 10000
        total += ms / 1000
    total += ssml.CHIME_S * len(list(root.iter("audio")))
    assert total <= ssml.MAX_AUDIO_S + 0.001
    assert len(list(root.iter("audio"))) <= ssml.MAX_AUDIO_TAGS


def test_text_is_escaped():
    out = ssml.render([{"type": "text", "text": 'Tom & Jerry say "<hi>" it\'s\x07 ok'}])
    check(out)
    assert "&amp;" in out and "&lt;hi&gt;" in out and "&quot;" in out and "\x07" not in out
    assert ssml.plain(out) == 'Tom & Jerry say "<hi>" it\'s ok'


def test_long_pause_is_split_into_breaks_of_ten_seconds():
    out = ssml.render([{"type": "pause", "seconds": 25}])
    check(out)
    assert re.findall(r'time="(\d+)ms"', out) == ["10000", "10000", "5000"]


def test_chime_uses_the_sound_library():
    out = ssml.render([{"type": "chime", "name": "end"}])
    check(out)
    assert 'src="soundbank://soundlibrary/' in out


def test_wait_is_silent_only_as_a_fallback_and_capped_at_240_seconds():
    segments = [{"type": "text", "text": "Go."}, {"type": "wait", "seconds": 600}]
    assert "break" not in ssml.render(segments)
    out = ssml.render(segments, silence_for_waits=True, cues=[{"after": 500, "kind": "end", "text": "Done."}])
    check(out)


def test_at_most_five_chimes_in_one_response():
    segments = [{"type": "chime", "name": "soft"}, {"type": "text", "text": "Breathe."}] * 8
    out = ssml.render(segments)
    check(out)
    assert out.count("<audio") == ssml.MAX_AUDIO_TAGS and out.count("Breathe.") == 8, "words are never dropped for chimes"


def test_unknown_segments_are_ignored():
    check(ssml.render([{"type": "mystery"}, "junk", {"type": "pause", "seconds": "x"}]))


def test_fit_keeps_speech_under_the_limit_and_well_formed():
    long = ssml.render([{"type": "text", "text": "word & more " * 1500}, {"type": "pause", "seconds": 1}])
    fitted = ssml.fit(long)
    check(fitted)
    assert len(long) > ssml.MAX_SPEECH_CHARS


# ---------------------------------------------------------------- all content, through the adapter


@pytest.fixture(scope="module")
def real():
    try:
        from skill.engine import load_engine

        engine = load_engine()
    except Exception as exc:  # the engine or content not importable yet
        pytest.skip(f"real engine not available: {type(exc).__name__}: {exc}")
    return engine


@pytest.fixture()
def real_client(real, tmp_path):
    from skill.alexa.app import create_app
    from skill.store import Store

    return create_app({"engine": real, "store": Store(tmp_path / "closer.db"), "verify": False}).test_client()


def _say(client, post, kind, attrs, **kw):
    reply = post(client, envelope(kind, attrs=attrs, new=attrs is None, **kw))
    assert reply.status_code == 200
    assert len(reply.data) < 24 * 1024
    payload = reply.get_json()
    response = payload["response"]
    if "outputSpeech" in response:
        check(response["outputSpeech"]["ssml"])
    if "reprompt" in response:
        check(response["reprompt"]["outputSpeech"]["ssml"])
    return response, None, payload.get("sessionAttributes")


def engine_state(attrs: dict) -> dict:
    """The engine state carried in session attributes."""
    from skill.alexa.turn import decode_state
    return decode_state(attrs["engine"]) or {}


def _activities(real):
    return sorted((aid, list(a.names)[0]) for aid, a in real.content.activities().items() if getattr(a, "names", None))


def test_every_activity_step_renders_within_limits(real, real_client, post):
    """Start each exercise, ritual and the ladder, then say next until it is over, checking every response."""
    activities = _activities(real)
    assert len(activities) >= 10
    for activity_id, name in activities:
        _, _, attrs = _say(real_client, post, "IntentRequest", {"engine": None}, intent="StartExerciseIntent", slots={"exercise": name})
        assert (engine_state(attrs).get("run") or {}).get("id") == activity_id, name
        steps = 0
        while engine_state(attrs).get("run") and steps < 80:
            _, _, attrs = _say(real_client, post, "IntentRequest", attrs, intent="AMAZON.NextIntent")
            steps += 1
        assert engine_state(attrs).get("run") is None or activity_id == "closeness", f"{activity_id} not finished after {steps} steps"


def test_every_deck_question_renders_within_limits(real):
    count = 0
    for deck in real.content.decks.values():
        for question in deck.questions:
            out = ssml.render([{"type": "text", "text": "Here is a question."}, {"type": "pause", "seconds": 0.6},
                               {"type": "text", "text": question.text}, {"type": "pause", "seconds": 1.0},
                               {"type": "text", "text": "Partner one, you go first."}])
            check(out)
            count += 1
    assert count >= 100


def test_check_ins_render_within_limits(real_client, post):
    for _ in range(3):
        response, keep, attrs = _say(real_client, post, "IntentRequest", None, intent="StartCheckInIntent")
        for _ in range(12):
            response, keep, attrs = _say(real_client, post, "IntentRequest", attrs, intent="AMAZON.NextIntent")
            if "outputSpeech" not in response:
                break


def test_pace_renders_as_prosody_rate_and_fit_keeps_it_well_formed():
    import xml.dom.minidom

    slow = ssml.render([{"type": "text", "text": "Take your time."}, {"type": "pause", "seconds": 1.6}],
                       pace={"wpm": 115, "pause_scale": 1.6})
    fast = ssml.render([{"type": "text", "text": "Take your time."}], pace={"wpm": 175, "pause_scale": 0.7})
    rate = lambda text: int(re.search(r'rate="(\d+)%"', text).group(1))  # noqa: E731
    assert rate(slow) < 100 < rate(fast)
    assert '<break time="1600ms"/>' in slow  # the engine already lengthened the pause
    assert ssml.render([{"type": "text", "text": "Hi."}]) == "<speak>Hi.</speak>"  # no pace: Alexa's own rate
    long = ssml.fit(ssml.render([{"type": "text", "text": "word & more " * 1500}], pace={"wpm": 115}))
    assert len(long) < ssml.MAX_SPEECH_CHARS
    xml.dom.minidom.parseString(long)  # a cut inside <prosody> is closed again


def test_slower_slows_the_skill_s_speech():
    """Through the real engine: after "slower", the next question is rendered at a lower rate with longer breaks."""
    from skill.engine import apply_effects, load_engine, new_memory

    engine = load_engine()
    memory = new_memory()
    state, _ = engine.step(None, {"type": "launch", "now": 1.0e9, "seed": 3}, memory)
    _, before = engine.step(state, {"type": "intent", "intent": "StartCheckInIntent", "now": 1.0e9, "seed": 3}, memory)
    state, out = engine.step(state, {"type": "intent", "intent": "SlowerIntent", "now": 1.0e9, "seed": 3}, memory)
    memory = apply_effects(memory, out["effects"])
    _, after = engine.step(state, {"type": "intent", "intent": "StartCheckInIntent", "now": 1.0e9, "seed": 3}, memory)
    rate = lambda out: int(re.search(r'rate="(\d+)%"', ssml.render(out["segments"], pace=out["pace_settings"])).group(1))  # noqa: E731
    breaks = lambda out: sum(int(ms) for ms in re.findall(r'time="(\d+)ms"', ssml.render(out["segments"])))  # noqa: E731
    assert rate(after) < rate(before)
    assert breaks(after) > breaks(before)
