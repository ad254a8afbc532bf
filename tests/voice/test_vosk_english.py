"""English accuracy with Vosk, when an English Vosk model is present (closer models fetch)."""

import pytest

from local_voice import recognition as R
from local_voice.models import find_vosk_model

from .speech import TABLE_TALK, VOICES, load, synth


@pytest.fixture(scope="module")
def english(commands):
    model = find_vosk_model(None)
    if model is None:
        reason = "no English Vosk model here (closer models fetch, or set CLOSER_VOSK_MODEL); English Vosk accuracy not measured"
        print("\nSKIP:", reason)
        pytest.skip(reason)
    return R.VoskRecognizer(commands, model)


def test_english_commands_and_table_talk(english, commands, speech_cache):
    sample = [(i, " ".join(p.words)) for i in commands.intents for p in commands.phrases[i][:2] if not p.slot_names]
    right = sum(
        english.recognize(load(synth(t, speech_cache, *VOICES[k % len(VOICES)]), noise=bool(k % 2)).pcm()).intent == i
        for k, (i, t) in enumerate(sample)
    )
    hits = sum(english.recognize(load(synth(t, speech_cache)).pcm()).intent is not None for t in TABLE_TALK)
    print(f"\nvosk English: commands {right}/{len(sample)}, table talk hits {hits}/{len(TABLE_TALK)}")
    assert right / len(sample) >= 0.9
    assert hits <= 2
