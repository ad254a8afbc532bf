"""Text front end, mid-check-in: a disclosure in the words people use stops the exercise and names a
resource (the one for what was disclosed first); table talk with alarming words stops nothing.

The sentences are the test sets in tests/safety/*.yaml, written before the grammar and never read
by it (bench/safety.py prints the same figures, and the Alexa and voice ones)."""

from __future__ import annotations

import pytest

from . import fronts

RECALL_GOAL = 0.95


@pytest.fixture(scope="module")
def text():
    return fronts.TextFront()


def test_disclosures_stop_the_check_in_and_name_a_resource(text):
    results = [(family, text.say(sentence)) for family, sentence in fronts.disclosures()]
    caught = [r for _, r in results if r.stopped and r.named]
    missed = [r.text for _, r in results if not (r.stopped and r.named)]
    assert len(caught) / len(results) >= RECALL_GOAL, f"{len(caught)}/{len(results)} caught; missed: {missed}"
    assert all(r.card is None for _, r in results if r.stopped), "a safety reply carried a card"


def test_no_everyday_sentence_stops_a_check_in(text):
    alarms = [(r.text, r.family) for _, sentence in fronts.everyday() for r in [text.say(sentence)]
              if r.stopped or r.intent == "SafetyIntent"]
    assert alarms == []


@pytest.mark.parametrize("written_after", [fronts.held_out, fronts.fresh] + [
    (lambda name=name: fronts.later_set(name)) for name in fronts.LATER_SETS], ids=["held_out", "fresh", *fronts.LATER_SETS])
def test_sets_written_after_the_grammar_meet_the_same_goals(text, written_after):
    found, talk = written_after()
    caught = sum(1 for _, s in found if text.say(s).stopped)
    alarms = [s for _, s in talk if text.say(s).intent == "SafetyIntent"]
    assert caught / len(found) >= RECALL_GOAL and alarms == [], (caught, len(found), alarms)


@pytest.mark.parametrize("sentence, first", [
    ("sometimes I think about killing myself", "lifeline"),
    ("he hit me again last night when he was drunk", "hotline"),
    ("my boyfriend won't let me see my friends", "hotline"),
    ("he's breaking down the door", "emergency"),
])
def test_the_family_decides_which_resource_comes_first(text, sentence, first):
    result = text.say(sentence)
    assert result.stopped and result.named == first, (result.family, result.named)


def test_no_other_commands_phrasing_is_taken_for_a_disclosure(text):
    """'help me', 'I'm done', 'stop' and every other intent's phrasings keep their own meaning."""
    catalog = text.catalog
    taken = []
    for intent in catalog.intents:
        if intent.name == "SafetyIntent":
            continue
        for sentence in catalog.expand(intent.name, limit=60):
            found = catalog.match(sentence)
            if found and found.intent == "SafetyIntent":
                taken.append((intent.name, sentence))
    assert taken == []


def test_every_whole_sentence_of_the_grammar_is_found_by_the_text_check():
    """The `sentences` each family gives Alexa and the recognizer first must be disclosures in text too."""
    from skill import safety_language, templates

    language = safety_language.load()
    missed = [(family, sentence) for family in safety_language.FAMILIES
              for template in language.sentences.get(family, [])
              for sentence in templates.expand(template, language.rules) if not language.detect(sentence)]
    assert missed == []


def test_alexa_samples_fit_alexa_and_belong_to_no_other_intent(text):
    samples = text.catalog.alexa_samples("SafetyIntent")
    assert 200 <= len(samples) <= text.catalog.matching["alexa_samples_per_intent"] and max(map(len, samples)) <= 200
    assert {"i want to die", "he hits me", "i don't feel safe", "i need help"} <= set(samples)
    others = [s for s in samples if (m := text.catalog.match(s)) is not None and m.intent != "SafetyIntent"]
    assert others == []


@pytest.mark.parametrize("sentence", ["I want to diet", "I want to dive", "I want to dine out", "I don't feel unsafe"])
def test_a_typo_fix_never_makes_a_disclosure(text, sentence):
    """The catalog reads unknown words as their nearest known word; for a disclosure that guess turned
    'I want to diet' into 'I want to die'. Only the detector, which knows the words people use, decides."""
    result = text.say(sentence)
    assert not result.stopped and result.intent != "SafetyIntent", result
