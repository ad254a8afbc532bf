"""The pocketsphinx backend (the English model in its wheel) on synthesized speech."""


import numpy as np
import pytest

from local_voice import recognize as R
from local_voice.wavio import read_wav

from .speech import HELD_OUT_TALK, HELD_OUT_VOICES, command_sample, load, synth

# Measured on voices and table talk never used for tuning (bench/recognition.py --held-out).
# The goals are 97% of commands and no table talk at all. The command goal is not met:
# about half of these 52 held-out commands come through (48.1% measured; the benchmark's
# held-out sample: 57.7%), while none of these 60 held-out sentences passes for a command
# (the benchmark's 120 held-out clips: none either). The floors below are today's level, not
# the goals. The floor was 0.5 with a looser check that let one more command through and one
# table-talk sentence too (and, streamed, took "I'm done" for a disclosure); no false
# trigger comes first, so that check is gone and the floor is 0.45.
MIN_COMMAND_ACCURACY = 0.45
MAX_TABLE_TALK_HITS = 0  # of 60 held-out sentences; measured 0


def test_one_decoder_holds_both_searches(sphinx):
    # The grammar and its check share one decoder, so the acoustic model is loaded once.
    assert sphinx.checker is sphinx.decoder


def test_every_catalog_word_is_pronounceable(sphinx, commands):
    words = {w for items in commands.phrases.values() for p in items for w in p.words if "{" not in w}
    assert all(sphinx.decoder.lookup_word(w) for w in words), "a catalog word has no pronunciation"


def test_commands_reach_their_intent(sphinx, speech_cache, commands):
    sphinx.set_expect(None)
    sample = command_sample(commands, 2)
    right, wrong = 0, []
    for k, (intent, text) in enumerate(sample):
        voice, rate = HELD_OUT_VOICES[k % len(HELD_OUT_VOICES)]
        audio = load(synth(text, speech_cache, voice, rate), noise=bool(k % 2), seed=k)
        got = sphinx.recognize(audio.pcm())
        if got.intent == intent:
            right += 1
        else:
            wrong.append((text, voice, rate, got.intent))
    accuracy = right / len(sample)
    print(f"\npocketsphinx commands: {right}/{len(sample)} = {accuracy:.1%} (voices cycled, half with noise)")
    assert accuracy >= MIN_COMMAND_ACCURACY, wrong


def test_table_talk_gives_no_intent(sphinx, speech_cache):
    sphinx.set_expect(None)
    hits = []
    for k, text in enumerate(HELD_OUT_TALK):
        voice, rate = HELD_OUT_VOICES[k % len(HELD_OUT_VOICES)]
        got = sphinx.recognize(load(synth(text, speech_cache, voice, rate), noise=bool(k % 2), seed=k).pcm())
        if got.intent is not None:
            hits.append(got.intent)
        assert got.intent is not None or got.text is None  # nothing of what was said comes out
    print(f"\npocketsphinx table talk taken for a command: {len(hits)}/{len(HELD_OUT_TALK)}")
    assert len(hits) <= MAX_TABLE_TALK_HITS, hits


def test_grammar_switching_limits_what_is_heard(sphinx, speech_cache):
    pcm = read_wav(synth("next question", speech_cache, "en-us", 150)).pcm()
    sphinx.set_expect(["AMAZON.NextIntent"])
    assert sphinx.recognize(pcm).intent == "AMAZON.NextIntent"
    sphinx.set_expect(["DoneIntent"])
    assert sphinx.live == ["DoneIntent"] + [n for n in ["AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "SafetyIntent"]]
    assert sphinx.recognize(pcm).intent != "AMAZON.NextIntent"
    searches = len(sphinx._searches)
    sphinx.set_expect(["AMAZON.NextIntent"])  # back again: the compiled search is reused
    assert len(sphinx._searches) == searches
    sphinx.set_expect(None)


def test_always_live_intents_stay_live(sphinx, speech_cache):
    sphinx.set_expect(["DoneIntent"])
    got = sphinx.recognize(read_wav(synth("stop", speech_cache, "en-us", 150)).pcm())
    sphinx.set_expect(None)
    assert got.intent == "AMAZON.StopIntent"


def test_streaming_endpointing(sphinx, speech_cache):
    # Endpointing is what is tested here (accuracy is measured above): two clear commands.
    sphinx.set_expect(["AMAZON.NextIntent"])
    sphinx.reset()
    silence = np.zeros(int(0.8 * 16000), np.int16)
    a = read_wav(synth("stop", speech_cache, "en-us", 150)).samples
    b = read_wav(synth("next question", speech_cache, "en-us", 150)).samples
    stream = np.concatenate([silence, a, silence, b, silence]).tobytes()
    results = []
    for i in range(0, len(stream), 960):
        if sphinx.accept(stream[i : i + 960]):
            results.append(sphinx.result())
    sphinx.flush()
    sphinx.set_expect(None)
    assert [r.intent for r in results] == ["AMAZON.StopIntent", "AMAZON.NextIntent"]


def test_unknown_intent_is_a_clear_error(sphinx):
    with pytest.raises(R.RecognizerError, match="unknown intent"):
        sphinx.set_expect(["NoSuchIntent"])


def test_slots_come_back(commands):
    name_phrase = next(p for p in commands.phrases["SetNamesIntent"] if p.words[:3] == ("our", "names", "are"))
    assert commands.lookup("our names are sam and alex", ["SetNamesIntent"]) == ("SetNamesIntent", {"nameA": "sam", "nameB": "alex"})
    assert commands.lookup("our names are sam and blorp", ["SetNamesIntent"]) is None
    assert name_phrase.slot_names == ["nameA", "nameB"]
    found = commands.lookup("start the listening exercise", ["StartExerciseIntent"])
    assert found == ("StartExerciseIntent", {"exercise": "listening exercise"})


def test_slot_endings_are_shared_in_the_grammar(sphinx):
    # The JSGF compiler copies a slot rule wherever it is used; phrases ending the same way
    # from their first slot on share one copy (each first-name copy costs megabytes).
    grammar = sphinx._jsgf(sphinx.commands.live(["SetNamesIntent", "StartExerciseIntent"]))
    body = next(line for line in grammar.splitlines() if line.startswith("public"))
    names = [m for m in body.split() if m.startswith("<slot")]
    # "<names> and <names>", "<names> and my partner is <names>" and two exercise endings
    # (some twenty copies before the endings were shared)
    assert len(names) <= 6, body


def test_searches_are_a_bounded_cache(commands, speech_cache):
    rec = R.PocketsphinxRecognizer(commands, expect=["DoneIntent"], max_searches=2)
    pcm = read_wav(synth("next question", speech_cache, "en-us", 150)).pcm()
    for expect in (["AMAZON.NextIntent"], ["AMAZON.PauseIntent"], ["AMAZON.ResumeIntent"], ["AMAZON.NextIntent"]):
        rec.set_expect(expect)
        assert len(rec._searches) <= 2
    assert rec.recognize(pcm).intent == "AMAZON.NextIntent"  # rebuilt after it was dropped
    rec.set_expect(["AMAZON.PauseIntent"])
    assert rec.recognize(pcm).intent != "AMAZON.NextIntent"
