"""Themes and moods by voice: every deck can be asked for, and phrasings written for this test
(not copied from the catalog) start questions from the deck they name."""

from __future__ import annotations

import pytest

from skill.engine import apply_effects, load_engine

ENGINE = load_engine()


def test_every_deck_has_spoken_forms_in_the_catalog():
    spoken = ENGINE.catalog.synonyms("THEME")
    themes = {deck.theme for deck in ENGINE.content.decks.values()}
    assert themes == set(spoken), themes ^ set(spoken)


def first_question(said: str, memory: dict | None = None) -> tuple[str, str, dict]:
    state, out = ENGINE.step(None, {"type": "launch", "now": 1.75e9, "seed": 9}, memory)
    memory = apply_effects(memory, out["effects"])
    match = ENGINE.catalog.match(said)
    assert match is not None, said
    state, out = ENGINE.step(state, {"type": "intent", "intent": match.intent, "slots": match.slots,
                                     "now": 1.75e9 + 5, "seed": 9}, memory)
    return match.intent, out["prompt"] or "", apply_effects(memory, out["effects"])


@pytest.mark.parametrize("said,deck", [
    ("could we have some affection questions tonight", "affection"),
    ("we want to think about our dreams", "dreams-future"),
    ("questions about memories please", "reminiscing"),
    ("something on gratitude", "gratitude"),
    ("we're in the mood for romance", "affection"),
    ("let's stick with listening", "listening"),
    ("um can we hear more conflict questions", "conflict-repair"),
    ("questions for being apart", "long-distance"),
    ("okay let's talk about the long haul", "long-term"),
    ("can we do some vulnerability questions", "vulnerability"),
])
def test_unseen_theme_phrasings_start_that_deck(said, deck):
    intent, prompt, memory = first_question(said)
    assert intent == "ThemeIntent"
    assert ENGINE.content.questions[prompt].theme == deck
    assert memory["prefs"]["theme"] == deck


@pytest.mark.parametrize("said,depth", [
    ("could we try something easy tonight", 1), ("a serious one", 3), ("we're in the mood for something deep", 3),
    ("something in between", 2),
])
def test_moods_set_the_depth_of_the_questions(said, depth):
    intent, prompt, memory = first_question(said)
    assert intent == "MoodIntent"
    assert memory["prefs"]["depth"] == depth
    assert ENGINE.content.questions[prompt].depth == depth
