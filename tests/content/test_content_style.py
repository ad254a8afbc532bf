"""Style rules catch each banned thing, and the real prompts/ pass them."""

from __future__ import annotations

import pytest

from skill.content import PROMPTS_DIR
from skill.content.findings import ERROR, WARNING
from skill.content.scalars import Scalar
from skill.content.style import check_string, check_style


def rules(text: str, key: str = "text", kind: str = "deck", top: bool = False) -> dict[str, str]:
    """rule -> severity for every finding on one string."""
    return {f.rule: f.severity for f in check_string(Scalar("prompts/x.yaml", 3, key, kind, text, top))}


@pytest.mark.parametrize("text, rule", [
    ("Say it (quietly) to your partner.", "symbol"),
    ("Talk about work/life balance.", "symbol"),
    ("Name one thing & another.", "symbol"),
    ("Give it 100% tonight.", "symbol"),
    ("Use a #hashtag.", "symbol"),
    ("Email me @ home.", "symbol"),
    ("Stars * and pluses +.", "symbol"),
    ("Is a = b?", "symbol"),
    ("More < less > none.", "symbol"),
    ("About ~ten minutes.", "symbol"),
    ("Up ^ down | side.", "symbol"),
    ("A back\\slash.", "symbol"),
    ("Snake_case words.", "symbol"),
    ("Some [brackets] here.", "symbol"),
    ("Hello {partner}.", "symbol"),
    ("\u201cQuoted,\u201d they said.", "non-ascii"),
    ("It\u2019s late.", "non-ascii"),
    ("Wait \u2014 then talk.", "non-ascii"),
    ("Wait - then talk.", "dash"),
    ("Wait -- then talk.", "dash"),
    ("Smile \U0001F600 now.", "non-ascii"),
    ("A caf\u00e9 date.", "non-ascii"),
    ("Take 5 minutes.", "digits"),
    ("Visit https://example.org for more.", "url"),
    ("Visit www.example.org for more.", "url"),
    ("Go to closer.com now.", "url"),
    ("Small things, e.g. a note.", "abbreviation"),
    ("Notes, flowers, etc.", "abbreviation"),
    ("Work vs play.", "abbreviation"),
    ("Ask Dr. Smith.", "abbreviation"),
    ("Like Mr. Rogers.", "abbreviation"),
    ("Ask him how his day was.", "gendered"),
    ("Tell her.", "gendered"),
    ("What does she need?", "gendered"),
    ("Is he ready?", "gendered"),
    ("Is that hers?", "gendered"),
    ("Your husband can start.", "gendered"),
    ("Your wife can start.", "gendered"),
    ("Your boyfriend can start.", "gendered"),
    ("Your girlfriend can start.", "gendered"),
    (" ".join(["word"] * 26) + ".", "sentence-length"),
])
def test_each_banned_thing_is_an_error(text, rule):
    assert rules(text).get(rule) == ERROR


@pytest.mark.parametrize("text", ["You must answer.", "You have to answer.", "You should answer."])
def test_pushy_words_are_warnings(text):
    assert rules(text) == {"pushy": WARNING}


@pytest.mark.parametrize("text", [
    "{a}, you start. {b}, you listen.",
    "There is no rush, and nothing has to be decided today.",
    "You don't have to answer.",
    "Which place would the two of you visit again?",
    "Here, together, the other one listens. There is a theme.",
    "Take a long-distance walk, if you like.",
    " ".join(["word"] * 25) + ".",
])
def test_clean_text_passes(text):
    assert rules(text) == {}


def test_should_we_in_a_step_is_a_question_not_a_push():
    assert rules("Which place should we visit again?", key="say", kind="exercise") == {}


def test_safety_number_may_have_digits_but_spoken_text_may_not():
    assert rules("1-800-799-7233", key="number", kind="safety") == {}
    assert rules("Call 988.", key="how", kind="safety") == {"digits": ERROR}


def test_identifiers_are_not_prose():
    assert rules("trust-07", key="id") == {}
    assert rules("long-distance", key="theme") == {}


def test_phrases_may_use_engine_slots_but_not_other_symbols():
    assert rules("Welcome back, {names}.", key="greeting", kind="phrases") == {}
    assert rules("Welcome back, {names}.", key="greeting", kind="deck") == {"symbol": ERROR}
    assert rules("Welcome back (again).", key="greeting", kind="phrases") == {"symbol": ERROR}


@pytest.mark.parametrize("kind", ["exercise", "ritual", "ladder"])
def test_intro_must_say_skip_and_stop(kind):
    assert rules("Let us begin.", key="intro", kind=kind, top=True) == {"skip-stop": ERROR}
    assert rules("Say next to move on.", key="intro", kind=kind, top=True) == {"skip-stop": ERROR}
    assert rules("Say skip to move on, or stop to end.", key="intro", kind=kind, top=True) == {}
    assert rules("Let us begin.", key="intro", kind="deck", top=True) == {}


def test_style_reads_every_string_whatever_the_schema(make_prompts):
    root = make_prompts({"notes/anything.yaml": "whatever:\n  - nested: {deeper: Ask her (later).}\n"})
    findings, stats = check_style(root)
    assert {(f.path, f.line, f.rule) for f in findings} == {
        ("prompts/notes/anything.yaml", 2, "gendered"), ("prompts/notes/anything.yaml", 2, "symbol")}
    assert stats.sentences == 1


def test_sentence_statistics(make_prompts):
    root = make_prompts({"decks/a.yaml": "title: A title is not a sentence\ntext: One two three. Four five six seven!\n"})
    _, stats = check_style(root)
    assert (stats.sentences, stats.words, stats.average, stats.longest) == (2, 7, 3.5, 4)
    assert stats.as_dict()["average_by_file"] == {"prompts/decks/a.yaml": 3.5}


def test_real_prompts_pass_the_style_rules():
    findings, stats = check_style(PROMPTS_DIR)
    errors = [str(f) for f in findings if f.severity == ERROR]
    assert errors == []
    assert stats.longest <= 25
    assert stats.average <= 18
