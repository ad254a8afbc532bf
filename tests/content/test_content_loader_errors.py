"""Schema errors at load name the file and the line."""

from __future__ import annotations

import pytest

from skill.content import ContentError, load_content

from content_fixtures import VALID_DECK, VALID_EXERCISE


def errors_of(root) -> list[tuple[str, int, str]]:
    """The (path, line, message) errors raised when loading root."""
    with pytest.raises(ContentError) as info:
        load_content(root)
    return info.value.errors


def has(errors, path: str, line: int, fragment: str) -> bool:
    """Whether one error is at path:line and mentions fragment."""
    return any(p == path and ln == line and fragment in m for p, ln, m in errors)


def test_valid_fixture_loads(make_prompts):
    content = load_content(make_prompts({"decks/trust.yaml": VALID_DECK, "exercises/listening.yaml": VALID_EXERCISE}))
    assert content.questions["trust-01"].source == "trust"
    assert content.exercises["listening"].steps[0].seconds == 180
    assert content.exercises["listening"].steps[1].draw == {"theme": "trust", "depth": 1}
    assert content.activity_names() == {"listening exercise": "listening", "listening": "listening"}


def test_bad_depth_names_file_and_line(make_prompts):
    root = make_prompts({"decks/trust.yaml": VALID_DECK.replace("depth: 1", "depth: 4")})
    errors = errors_of(root)
    assert has(errors, "prompts/decks/trust.yaml", 7, "question 'trust-01': depth must be 1, 2 or 3")
    with pytest.raises(ContentError, match=r"prompts/decks/trust.yaml:7: question 'trust-01': depth must be 1, 2 or 3"):
        load_content(root)


@pytest.mark.parametrize("old, new, line, fragment", [
    ("kind: deck", "kind: dek", 1, "unknown kind 'dek'"),
    ("id: trust\n", "id: trusting\n", 2, "id must equal the file name 'trust'"),
    ("theme: trust", "theme: trussst", 4, "unknown theme 'trussst'"),
    ("title: Trust\n", "title: Trust\ntitel: Oops\n", 4, "unknown field 'titel'"),
    ("title: Trust\n", "", 1, "missing field 'title'"),
    ("contexts: [any]", "contexts: [sofa]", 8, "unknown context 'sofa'"),
    ("contexts: [any]", "contexts: any", 8, "contexts must be a list"),
    ("    text: What", "    txt: What", 6, "missing field 'text'"),
    ("count on your partner?", "count on {partner}?", 9, "unknown placeholder '{partner}'"),
    ("depth: 1", "depth: one", 7, "depth must be 1, 2 or 3"),
])
def test_deck_errors(make_prompts, old, new, line, fragment):
    errors = errors_of(make_prompts({"decks/trust.yaml": VALID_DECK.replace(old, new, 1)}))
    assert has(errors, "prompts/decks/trust.yaml", line, fragment), errors


@pytest.mark.parametrize("old, new, line, fragment", [
    ("    seconds: 180\n", "", 14, "a timed step needs seconds"),
    ("warn_before: 30", "warn_before: 180", 16, "warn_before must be less than seconds"),
    ("    wait: turn\n", "    wait: turn\n    say: Hello.\n", 17, "give either say or draw"),
    ("    draw: {theme: trust, depth: 1}\n", "", 17, "give either say or draw"),
    ("speaker: a", "speaker: c", 12, "speaker must be a, b, both or none"),
    ("wait: turn", "wait: forever", 20, "wait must be none, turn or timed"),
    ("depth: 1}", "depth: 5}", 19, "depth must be 1, 2 or 3"),
    ("theme: trust, depth", "theme: nope, depth", 19, "unknown theme 'nope'"),
    ("minutes: 10", "minutes: ten", 6, "minutes must be a whole number"),
    ("minutes: 10", "minutes: 10\ncadence: weekly", 7, "unknown field 'cadence'"),
    ("    wait: turn\n", "    wait: turn\n    seconds: 20\n", 21, "seconds is only for timed steps"),
    ("{b}, just listen", "{B}, just listen", 13, "unknown placeholder '{B}'"),
    ("  - id: ask", "  - id: share", 17, "duplicate step id"),
    ("theme: trust, depth: 1", "theme: trust, depth: 3", 17, "no deck question has both"),
])
def test_exercise_errors(make_prompts, old, new, line, fragment):
    root = make_prompts({"decks/trust.yaml": VALID_DECK,
                         "exercises/listening.yaml": VALID_EXERCISE.replace(old, new, 1)})
    errors = errors_of(root)
    assert has(errors, "prompts/exercises/listening.yaml", line, fragment), errors


def test_ritual_needs_cadence(make_prompts):
    ritual = VALID_EXERCISE.replace("kind: exercise", "kind: ritual")
    errors = errors_of(make_prompts({"decks/trust.yaml": VALID_DECK, "rituals/listening.yaml": ritual}))
    assert has(errors, "prompts/rituals/listening.yaml", 1, "missing field 'cadence'"), errors


def test_kind_must_match_folder(make_prompts):
    errors = errors_of(make_prompts({"exercises/trust.yaml": VALID_DECK}))
    assert has(errors, "prompts/exercises/trust.yaml", 1, "a deck file belongs in prompts/decks/"), errors


def test_duplicate_ids_across_files(make_prompts):
    other = VALID_DECK.replace("id: trust\n", "id: trust-two\n")
    errors = errors_of(make_prompts({"decks/trust.yaml": VALID_DECK, "decks/trust-two.yaml": other}))
    assert has(errors, "prompts/decks/trust.yaml", 6,
               "duplicate question id 'trust-01', already at prompts/decks/trust-two.yaml:6"), errors


def test_duplicate_ids_within_a_file(make_prompts):
    deck = VALID_DECK + VALID_DECK.split("questions:\n")[1]
    errors = errors_of(make_prompts({"decks/trust.yaml": deck}))
    assert has(errors, "prompts/decks/trust.yaml", 10, "duplicate question id 'trust-01', already at line 6"), errors


def test_duplicate_activity_names_across_files(make_prompts):
    other = VALID_EXERCISE.replace("id: listening", "id: hearing").replace(
        "names: [listening exercise, listening]", "names: [hearing, Listening]")
    errors = errors_of(make_prompts({"decks/trust.yaml": VALID_DECK, "exercises/listening.yaml": VALID_EXERCISE,
                                     "exercises/hearing.yaml": other}))
    assert any(ln == 5 and "duplicate activity name 'listening'" in m for _, ln, m in errors), errors


def test_duplicate_key_and_invalid_yaml(make_prompts):
    errors = errors_of(make_prompts({
        "decks/trust.yaml": VALID_DECK.replace("title: Trust\n", "title: Trust\ntitle: Again\n"),
        "decks/broken.yaml": "kind: deck\nid: [broken\n",
    }))
    assert has(errors, "prompts/decks/trust.yaml", 4, "duplicate key 'title'"), errors
    assert any(p == "prompts/decks/broken.yaml" and "invalid YAML" in m for p, _, m in errors), errors


def ladder_text(sets=3, per_set=12, depths=(1, 2, 3)) -> str:
    """A ladder file with the given shape."""
    lines = ["kind: ladder", "id: closeness", "title: The closeness ladder", "names: [closeness ladder]",
             "intro: Say next to move on, or stop to end.", "sets:"]
    for s in range(sets):
        lines += [f"  - id: set-{s + 1}", f"    depth: {depths[s]}", "    intro: A new set begins.", "    questions:"]
        lines += [f"      - id: ladder-{s + 1}-{q + 1:02d}\n        text: What is question {q}?" for q in range(per_set)]
    return "\n".join(lines) + "\n"


def test_ladder_loads_when_three_by_twelve(make_prompts):
    content = load_content(make_prompts({"ladder/closeness.yaml": ladder_text()}))
    assert len(content.ladder.questions) == 36
    assert content.questions["ladder-3-12"].depth == 3
    assert content.questions["ladder-3-12"].source == "ladder"
    assert "closeness" in content.activities()


def test_ladder_shape_errors(make_prompts):
    errors = errors_of(make_prompts({"ladder/closeness.yaml": ladder_text(sets=2)}))
    assert has(errors, "prompts/ladder/closeness.yaml", 6, "the ladder must have 3 sets, not 2"), errors
    errors = errors_of(make_prompts({"ladder/closeness.yaml": ladder_text(per_set=11)}))
    assert has(errors, "prompts/ladder/closeness.yaml", 10, "a ladder set must have 12 questions, not 11"), errors
    errors = errors_of(make_prompts({"ladder/closeness.yaml": ladder_text(depths=(3, 2, 1))}))
    assert any("set depths must rise" in m for _, _, m in errors), errors


SAFETY = """\
kind: safety
locale: en-US
not_therapy: This is not therapy.
reply: Thank you for telling me.
resources:
  - name: the lifeline
    number: "988"
    spoken: nine, eight, eight
    how: Call nine, eight, eight.
closing: Say stop to end.
"""


def test_safety_and_phrases(make_prompts):
    content = load_content(make_prompts({
        "safety/en-US.yaml": SAFETY,
        "system/en-US.yaml": "kind: phrases\nlocale: en-US\nphrases:\n  hello: Hello {names}.\n  bye: [Bye., See you.]\n",
    }))
    assert content.safety["en-US"].resources[0].number == "988"
    assert content.phrases["en-US"] == {"hello": ("Hello {names}.",), "bye": ("Bye.", "See you.")}


def test_safety_errors(make_prompts):
    errors = errors_of(make_prompts({"safety/en-US.yaml": SAFETY.replace("reply: Thank you for telling me.\n", "")
                                     .replace('number: "988"', "number: 988")}))
    assert has(errors, "prompts/safety/en-US.yaml", 1, "missing field 'reply'"), errors
    assert has(errors, "prompts/safety/en-US.yaml", 6, "number must be non-empty text"), errors
    errors = errors_of(make_prompts({"safety/en-GB.yaml": SAFETY}))
    assert has(errors, "prompts/safety/en-GB.yaml", 2, "locale must equal the file name 'en-GB'"), errors


def test_error_string_lists_every_problem(make_prompts):
    root = make_prompts({"decks/trust.yaml": VALID_DECK.replace("depth: 1", "depth: 9").replace("[any]", "[sofa]")})
    with pytest.raises(ContentError) as info:
        load_content(root)
    text = str(info.value).splitlines()
    assert len(text) == len(info.value.errors) == 2
    assert all(line.startswith("prompts/decks/trust.yaml:") for line in text)
