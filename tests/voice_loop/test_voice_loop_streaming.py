"""The live loop's parts, without hardware: the quick end-of-speech detector, the listener's
hold over a thinking pause, playing a reply while it renders, and the sentence cache."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from local_voice import voice_loop as VL
from local_voice.voice import Voice, sentences, system_phrases, tone

from .conftest import RATE, read_samples, synth

BLOCK = int(VL.BLOCK * RATE)


def blocks(samples: np.ndarray):
    pcm = samples.astype("<i2").tobytes()
    for i in range(0, len(pcm), BLOCK * 2):
        yield pcm[i : i + BLOCK * 2]


def room(seconds: float, dbfs: float = -60.0, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    hiss = np.convolve(rng.normal(0, 1, int(seconds * RATE)), np.ones(8) / 8, mode="same")
    hiss *= 32768 * 10 ** (dbfs / 20) / np.sqrt(np.mean(hiss**2))
    return hiss


def voiced(seconds: float, dbfs: float = -20.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    x = np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 360 * t)
    return x * 32768 * 10 ** (dbfs / 20) / np.sqrt(np.mean(x**2))


def mix(*parts: np.ndarray, noise_dbfs: float = -60.0) -> np.ndarray:
    x = np.concatenate(parts)
    return np.clip(x + room(len(x) / RATE, noise_dbfs), -32768, 32767).astype(np.int16)


# -- the quick end detector ------------------------------------------------------------------

def test_quiet_ends_after_the_speech_not_inside_a_word():
    quiet = VL.Quiet()
    gaps = [voiced(0.25), np.zeros(int(0.06 * RATE)), voiced(0.2), np.zeros(int(0.09 * RATE)), voiced(0.3)]
    audio = mix(np.zeros(RATE), *gaps, np.zeros(RATE))
    ended_at = None
    for n, pcm in enumerate(blocks(audio)):
        quiet.push(pcm)
        if quiet.ended and ended_at is None:
            ended_at = (n + 1) * VL.BLOCK
    speech_end = 1.0 + sum(len(g) for g in gaps) / RATE
    assert ended_at is not None, "the end of speech was never found"
    assert speech_end + VL.QUIET - 0.01 <= ended_at <= speech_end + VL.QUIET + 0.07, (ended_at, speech_end)


@pytest.mark.parametrize("noise", [-70.0, -55.0, -45.0])
def test_quiet_takes_steady_room_noise_for_quiet(noise):
    quiet = VL.Quiet()
    audio = mix(np.zeros(2 * RATE), voiced(0.5, dbfs=noise + 35), np.zeros(RATE), noise_dbfs=noise)
    states = []
    for pcm in blocks(audio):
        quiet.push(pcm)
        states.append(quiet.ended)
    assert not any(states[: int(2.0 / VL.BLOCK)]), "noise alone is not speech"
    assert states[-1], "speech in noise ends when the speech does"


# -- the listener over real recognition ------------------------------------------------------

class _Step:
    """What the listener reads from the companion: the last output and what may be said."""

    def __init__(self, expect=None, listen="command"):
        self.last = {"listen": listen}
        self.expect = expect or []


@pytest.fixture(scope="module")
def listener():
    return VL.Listener("pocketsphinx", None, None)


def stream_decisions(listener, samples: np.ndarray, step=None):
    """Feed a clip in room noise block by block; every decision with the time after the speech ended."""
    listener.prepare(step or _Step())
    lead, tail = np.zeros(int(0.4 * RATE)), np.zeros(int(2.5 * RATE))
    audio = mix(lead, samples.astype(np.float64), tail)
    end = (len(lead) + len(samples)) / RATE
    out = []
    for n, pcm in enumerate(blocks(audio)):
        result = listener.feed(pcm)
        if result is not None:
            out.append(((n + 1) * VL.BLOCK - end, result.intent))
    return out


def trimmed(path) -> np.ndarray:
    x = read_samples(path)
    loud = np.nonzero(np.abs(x) > 300)[0]
    return x[loud[0] : loud[-1] + 1]


def test_a_command_is_decided_soon_after_it_ends(listener, speech_dir):
    decisions = stream_decisions(listener, trimmed(synth("start a check in", speech_dir)))
    assert len(decisions) == 1, decisions
    after, intent = decisions[0]
    assert intent == "StartCheckInIntent"
    # soon, once the quiet after it shows it was said on its own (not a phrase inside talk)
    assert after <= VL.QUIET + VL.ALONE_AFTER + 0.12, f"decided {after:.2f} s after the end of speech"


@pytest.mark.parametrize("first,rest,voice,intent", [
    ("our names are", "sam and alex", "en-us", "SetNamesIntent"),
    ("how much", "time is left", "en+f3", "TimeLeftIntent"),
])
def test_a_thinking_pause_does_not_end_the_command(listener, speech_dir, first, rest, voice, intent):
    head, tail = trimmed(synth(first, speech_dir, voice)), trimmed(synth(rest, speech_dir, voice))
    for pause in (0.0, 0.3, 0.6):
        clip = np.concatenate([head, np.zeros(int(pause * RATE)), tail])
        decisions = stream_decisions(listener, clip)
        assert [d[1] for d in decisions] == [intent], f"pause {pause} s: {decisions}"
        assert 0 < decisions[0][0] <= VL.QUIET + VL.ALONE_AFTER + 0.12, "decided once the phrase is over, and soon"


def test_conversation_is_left_alone(listener, speech_dir):
    talk = trimmed(synth("did you remember to call the plumber about the kitchen", speech_dir))
    decisions = stream_decisions(listener, talk, _Step(["DoneIntent", "AMAZON.NextIntent"], listen="conversation"))
    assert all(intent is None for _, intent in decisions), decisions


def test_the_wake_word_shares_one_recognizer():
    wake = VL.Listener("pocketsphinx", None, "closer")
    assert wake.recognizer is wake.active
    live = wake.live_for(_Step(["DoneIntent"], listen="conversation"))
    assert VL.WAKE_PREFIX + "DoneIntent" in live and "DoneIntent" not in live
    assert all(name.startswith(VL.WAKE_PREFIX) or name in VL.ALWAYS_PLAIN for name in live)
    assert "SafetyIntent" in live, "asking for help never needs the wake word"
    assert wake.live_for(_Step(["DoneIntent"], listen="command"))[0] == "DoneIntent"
    done = wake.commands.phrases[VL.WAKE_PREFIX + "DoneIntent"][0]
    assert done.words[0] == "closer"


# -- playing while rendering -----------------------------------------------------------------

def test_the_first_sentence_plays_while_the_rest_renders():
    # Told by order, not by the clock (a busy machine stretches clocks): the second sentence's
    # rendering waits until the first has been written, which only a streaming player allows.
    events, first_written, seen_before_second = [], threading.Event(), []

    def write(chunk):
        events.append(chunk.copy())
        first_written.set()

    def render():
        yield np.ones(160, np.int16)
        seen_before_second.append(first_written.wait(10))  # a slow second sentence
        yield np.full(320, 2, np.int16)
        yield np.zeros(0, np.int16)
        yield np.full(80, 3, np.int16)

    written = VL.speak_stream(render(), write, on_first=lambda: events.append("first"))
    assert written == 560
    assert seen_before_second == [True], "the first chunk is written before the second is rendered"
    assert isinstance(events[0], str) and events[0] == "first"
    assert [int(e[0]) for e in events[1:]] == [1, 2, 3]


def test_a_render_error_reaches_the_player():
    def render():
        yield np.ones(10, np.int16)
        raise RuntimeError("engine gone")

    with pytest.raises(RuntimeError, match="engine gone"):
        VL.speak_stream(render(), lambda chunk: None)
    assert not [t for t in threading.enumerate() if t.name == "closer-render"], "the render thread ends"


# -- rendering and the cache ----------------------------------------------------------------

def test_sentences_split_where_a_voice_would_breathe():
    assert sentences("Okay, moving on. What made you smile? Say next! ") == ["Okay, moving on.", "What made you smile?", "Say next!"]
    assert sentences("About 2.5 minutes left.") == ["About 2.5 minutes left."]
    assert sentences("") == []


def test_system_phrases_are_whole_fixed_sentences():
    phrases = system_phrases()
    assert len(phrases) > 30
    assert not [p for p in phrases if "{" in p]
    assert "Okay, moving on." in phrases


def test_a_reply_streams_sentence_by_sentence_with_pauses_and_chimes(tmp_path):
    voice = Voice(cache_dir=tmp_path)
    out = {"segments": [{"type": "chime", "name": "warn"}, {"type": "text", "text": "About a minute left. No rush."},
                        {"type": "pause", "seconds": 0.5}, {"type": "wait", "seconds": 60}]}
    chunks = list(voice.stream(out))
    assert len(chunks) == 4
    assert np.array_equal(chunks[0], tone("warn"))
    assert all(len(c) > 0.3 * RATE and np.abs(c).max() > 1000 for c in chunks[1:3])
    assert len(chunks[3]) == int(0.5 * RATE) and not chunks[3].any()
    whole = voice.render(out)
    assert len(whole) == sum(len(c) for c in chunks)


def test_sentences_are_cached_but_names_never_are(tmp_path):
    voice = Voice(cache_dir=tmp_path)
    first = voice.render_text("Say next when you are ready.")
    assert voice.stats == {"rendered": 1, "cached": 0}
    again = voice.render_text("Say next when you are ready.")
    assert voice.stats == {"rendered": 1, "cached": 1} and np.array_equal(first, again)
    voice.private_words = {"sam"}
    voice.render_text("Sam, you go first.")
    voice.render_text("Sam, you go first.")
    assert voice.stats["rendered"] == 3
    cached = list((tmp_path / "pcm16k").iterdir())
    assert len(cached) == 1, "only the sentence without a name is on disk"


def test_prerender_fills_the_cache_once(tmp_path):
    voice = Voice(cache_dir=tmp_path)
    texts = ["Okay, moving on.", "Going back."]
    assert voice.prerender(texts) == 2
    assert voice.prerender(texts) == 0
    assert voice.prerender(texts, paces=(1,)) == 2, "a remembered pace is a different speaking rate"


# The session's everyday commands, streamed as the live loop hears them, at the step where each is said.
# A miss only costs saying it again; taking one for a disclosure would stop the exercise, read out
# crisis lines and hold every exercise back for the rest of the session.
EVERYDAY = [
    ("I'm done", "run"), ("next question", "run"), ("pause", "run"), ("resume", "paused"),
    ("slower", "run"), ("stop", "run"), ("repeat that", "run"), ("start a check in", "menu"),
]


def test_an_everyday_command_is_never_taken_for_a_disclosure(listener, speech_dir):
    from skill.engine.core import MENU, PAUSED, RUN

    steps = {"run": _Step(RUN, listen="conversation"), "paused": _Step(PAUSED), "menu": _Step(MENU)}
    wrong = []
    for voice in ("en-us", "en+f3", "en-gb-x-rp"):
        for text, step in EVERYDAY:
            for _, intent in stream_decisions(listener, trimmed(synth(text, speech_dir, voice)), steps[step]):
                if intent == "SafetyIntent":
                    wrong.append(f"{text!r} ({voice}) heard as a disclosure")
    assert not wrong, "\n".join(wrong)


def test_name_and_exercise_phrases_are_left_out_while_partners_talk(listener):
    from skill.engine.core import MENU, RUN

    talking = listener.live_for(_Step(RUN, listen="conversation"))
    assert "DoneIntent" in talking and "SafetyIntent" in talking and "AMAZON.StopIntent" in talking
    assert "SetNamesIntent" not in talking and "StartExerciseIntent" not in talking
    menu = listener.live_for(_Step(MENU))
    assert "SetNamesIntent" in menu and "StartExerciseIntent" in menu


def test_the_usual_steps_are_built_before_the_first_listen():
    from skill.engine.core import MENU, PAUSED, RUN

    listener = VL.Listener("pocketsphinx", None, None)
    listener.warm_up(VL.usual_steps())
    built = dict(listener.recognizer._searches)
    for expect, listen in ((RUN, "conversation"), (PAUSED, "command"), (MENU, "command")):
        listener.prepare(_Step(expect, listen=listen))
    assert dict(listener.recognizer._searches) == built, "a usual step was built again when listening"
    usual = {tuple(sorted(listener.live_for(VL._Usual(*step)))) for step in VL.usual_steps()[-3:]}
    assert len(usual) == 3 and usual <= set(built), "the usual modes' grammars are built at start-up"


def test_a_command_word_inside_talk_is_not_answered(listener, speech_dir):
    """'Stop' with the talk going on after a breath is a phrase of the talk; said on its own, a command."""
    step = _Step(["DoneIntent", "AMAZON.NextIntent", "AMAZON.StopIntent"], listen="conversation")
    word, talk = trimmed(synth("stop", speech_dir)), trimmed(synth("at the bakery on the way home", speech_dir))
    inside = np.concatenate([word, np.zeros(int(0.2 * RATE)), talk])
    assert all(intent is None for _, intent in stream_decisions(listener, inside, step)), "a phrase inside talk"
    assert [d[1] for d in stream_decisions(listener, word, step)] == ["AMAZON.StopIntent"], "said on its own"
