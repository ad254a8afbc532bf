"""Deck and ladder questions are spoken by the device to both partners, so they avoid I, me, my, mine, myself."""

from __future__ import annotations

import pytest

from skill.content.check import collect
from skill.content.findings import ERROR
from skill.content.scalars import Scalar
from skill.content.style import check_string, check_style

TRIPS_DECK = """\
kind: deck
id: affection
title: Affection
theme: affection
questions:
  - id: affection-01
    depth: 1
    contexts: [any]
    text: At what time of day would a small touch from me feel nicest?
  - id: affection-02
    depth: 2
    contexts: [any]
    text: Is there a way I show affection that you would enjoy more of? Tell me.
  - {id: affection-03, depth: 1, contexts: [walk], text: My favorite walk is by the river. What is yours?}
"""

TRIPS_LADDER_QUESTION = """\
        text: What is something about me that puts you at ease?
"""

PASSES_DECK = """\
kind: deck
id: affection
title: Affection
theme: affection
questions:
  - id: affection-01
    depth: 1
    contexts: [any]
    text: At what time of day would a small touch from your partner feel nicest?
  - id: affection-02
    depth: 2
    contexts: [any]
    text: Think of something that bothered you. Put it into a sentence that begins with I feel.
  - id: affection-03
    depth: 2
    contexts: [any]
    text: How could you tell your partner what you need, starting with the words I need?
  - id: affection-04
    depth: 3
    contexts: [any]
    text: Which of your I statements felt hardest to say? How do the two of you repair after?
"""

LADDER = """\
kind: ladder
id: closeness
title: The closeness ladder
names: [closeness ladder]
intro: Take turns answering. Say skip to move on, or stop to end. I will remember where you left off.
sets:
  - id: set-1
    depth: 1
    intro: Set one is light. I hope you enjoy it.
    questions:
      - id: ladder-1-01
        text: What is something about your partner that puts you at ease?
"""


def rules(text: str, key: str = "text", kind: str = "deck") -> dict[str, str]:
    """rule -> severity for every finding on one string."""
    return {f.rule: f.severity for f in check_string(Scalar("prompts/x.yaml", 3, key, kind, text))}


@pytest.mark.parametrize("text", [
    "What is one small thing I could take off your list tomorrow?",
    "What did you eat today, and which bite would you have saved for me?",
    "Is there a pet name or phrase of mine that always makes you smile?",
    "What small gesture of my own makes you feel loved?",
    "Tell me about your day.",
    "My hope is simple. What is yours?",
    "How would I know that you are tired?",
    "What do you think I'm feeling right now?",
    "When I feel unsure, what helps you reassure me?",
    "What is one thing we could do together this weekend?",
    "Which of our old jokes still makes you laugh?",
    "What would help us feel closer this week?",
])
@pytest.mark.parametrize("kind", ["deck", "ladder"])
def test_first_person_in_a_question_is_an_error(text, kind):
    assert rules(text, kind=kind).get("first-person") == ERROR


@pytest.mark.parametrize("text", [
    "At what time of day would a small touch from your partner feel nicest?",
    "Gently put it into a sentence that begins with I feel.",
    "How could you tell your partner what you need, starting with the words I need?",
    "Which of your I statements felt hardest to say?",
    "Try an I statement about something small.",
    "What did the two of you enjoy most this week?",
    "Which timeline, mime or dime do you like?",
    "What do the two of you use, and which is yours?",
    "Which hour would you trust your partner with?",
])
def test_questions_without_first_person_pass(text):
    assert "first-person" not in rules(text)


def test_only_question_text_in_decks_and_ladder_is_checked():
    assert "first-person" not in rules("I will remember where you left off.", key="intro", kind="ladder")
    assert "first-person" not in rules("I will ask you a question.", key="say", kind="exercise")
    assert "first-person" not in rules("Let me know when you are ready.", key="text", kind="phrases")
    assert "first-person" not in rules("Tell me about your day.", key="text", kind=None)


def test_fixture_that_trips_the_rule_reports_file_line_and_word(make_prompts):
    ladder = LADDER.replace("        text: What is something about your partner that puts you at ease?\n",
                            TRIPS_LADDER_QUESTION)
    root = make_prompts({"decks/affection.yaml": TRIPS_DECK, "ladder/closeness.yaml": ladder})
    findings, _ = check_style(root)
    found = {(f.path, f.line, f.severity, f.message.split(";")[0])
             for f in findings if f.rule == "first-person"}
    assert found == {
        ("prompts/decks/affection.yaml", 9, ERROR, "text: first-person word 'me'"),
        ("prompts/decks/affection.yaml", 13, ERROR, "text: first-person word 'I'"),
        ("prompts/decks/affection.yaml", 13, ERROR, "text: first-person word 'me'"),
        ("prompts/decks/affection.yaml", 14, ERROR, "text: first-person word 'My'"),
        ("prompts/ladder/closeness.yaml", 12, ERROR, "text: first-person word 'me'"),
    }
    report = collect(root)
    assert report["ok"] is False
    assert report["style"]["findings_by_rule"]["first-person"] == 5


def test_fixture_that_passes_has_no_first_person_findings(make_prompts):
    root = make_prompts({"decks/affection.yaml": PASSES_DECK, "ladder/closeness.yaml": LADDER})
    findings, _ = check_style(root)
    assert [str(f) for f in findings if f.rule == "first-person"] == []
    assert [str(f) for f in findings if f.severity == ERROR] == []
