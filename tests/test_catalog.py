"""The intent catalog: every phrasing reaches its own intent, and people's extra words don't get in the way."""

import pytest

from skill.catalog import load_catalog, normalize
from skill.engine import load_engine

CATALOG = load_engine().catalog
BUILTINS = ["AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "AMAZON.PauseIntent",
            "AMAZON.ResumeIntent", "AMAZON.StartOverIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent",
            "AMAZON.CancelIntent", "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.FallbackIntent"]
CUSTOM = ["StartCheckInIntent", "StartExerciseIntent", "DoneIntent", "DeeperIntent", "LighterIntent",
          "SlowerIntent", "FasterIntent", "TimeLeftIntent", "SwitchFirstIntent", "SetNamesIntent",
          "SaveQuestionIntent", "SafetyIntent", "ForgetDataIntent"]


def test_every_required_intent_is_in_the_catalog():
    assert set(BUILTINS + CUSTOM) <= set(CATALOG.names)


@pytest.mark.parametrize("name", [n for n in BUILTINS + CUSTOM if n != "AMAZON.FallbackIntent"])
def test_intents_with_many_ways_to_say_them_have_at_least_six(name):
    intent = CATALOG.by_name[name]
    assert len(intent.phrases) >= 6, f"{name} has only {len(intent.phrases)} phrasings"
    assert intent.help, f"{name} has no help text"


def test_no_phrase_belongs_to_two_intents():
    owner = {}
    for intent in CATALOG.intents:
        for phrase in intent.phrases:
            assert owner.setdefault(phrase, intent.name) == intent.name, f"{phrase!r}: {owner[phrase]} and {intent.name}"


SAMPLED_VALUES = 8  # slot values per slot in the whole-template check; every value is checked on its own below


def _spread(values: list[str], slots: int = 1) -> list[str]:
    # With several slots the forms multiply by the product of their samples (a reminder's day, part,
    # time and subject made 8**4 a form): about SAMPLED_VALUES combinations a form, at least two
    # values a slot. Every value is still heard on its own in the test after.
    keep = max(2, round(SAMPLED_VALUES ** (1.0 / max(1, slots))))
    step = max(1, len(values) // keep)
    return values[::step][:keep]


@pytest.mark.parametrize("intent", CATALOG.intents, ids=lambda i: i.name)
def test_every_phrase_matches_its_own_intent(intent):
    # Every form of every template, with a spread of each slot's values: a slot with hundreds of
    # values (times, themes) would otherwise multiply the forms past a million.
    sampled = [slot for slot in intent.slots if slot not in ("nameA", "nameB")]
    samples = {slot: _spread(CATALOG.slot_values.get(kind) or [], len(sampled)) for slot, kind in intent.slots.items()}
    samples.update({"nameA": ["sam"], "nameB": ["alex"]})
    for phrase in CATALOG.expand(intent.name, samples):
        match = CATALOG.match(phrase)
        assert match is not None and match.intent == intent.name, f"{phrase!r} -> {match}"


@pytest.mark.parametrize("intent", [i for i in CATALOG.intents if i.slots and i.templates], ids=lambda i: i.name)
def test_every_slot_value_is_heard_in_its_intent(intent):
    """Each value of each slot, in the intent's templates with the other slots at one value."""
    for slot, kind in intent.slots.items():
        for value in CATALOG.slot_values.get(kind) or []:
            samples = {other: (CATALOG.slot_values.get(k) or ["sam"])[:1] for other, k in intent.slots.items()}
            samples[slot] = [value]
            phrases = CATALOG.expand(intent.name, samples)
            plain = [p for p in phrases if value in p][:3]
            for phrase in plain:
                match = CATALOG.match(phrase)
                assert match is not None and match.intent == intent.name, f"{phrase!r} -> {match}"


@pytest.mark.parametrize("said,intent", [
    ("Okay Closer, next one please!", "AMAZON.NextIntent"),
    ("um, can you repeat that please", "AMAZON.RepeatIntent"),
    ("So I think I'm done now", "DoneIntent"),
    ("Our names are Robin and Kai.", "SetNamesIntent"),
    ("could you start the listening exercise", "StartExerciseIntent"),
    ("nxt question", "AMAZON.NextIntent"),
])
def test_people_add_words_and_typos(said, intent):
    match = CATALOG.match(said)
    assert match is not None and match.intent == intent


@pytest.mark.parametrize("said", [
    "my partner hurts me sometimes", "I don't feel safe at home right now", "honestly, he hits me when he drinks",
    "I've been thinking I want to hurt myself", "I am scared of my partner",
])
def test_a_disclosure_inside_a_longer_sentence_is_still_heard(said):
    assert CATALOG.match(said).intent == "SafetyIntent"


@pytest.mark.parametrize("said", ["pass the salt", "how was your day at work", "the weather is nice", ""])
def test_ordinary_talk_is_not_a_command(said):
    assert CATALOG.match(said) is None


def test_names_are_taken_from_the_slots():
    match = CATALOG.match("our names are Robin and Kai")
    assert match.slots == {"nameA": "robin", "nameB": "kai"}


def test_normalize_straightens_quotes_and_punctuation():
    assert normalize("I\u2019m   DONE!!") == "i'm done"


def test_exercise_names_come_from_content():
    content_names = set(load_engine().content.activity_names())
    assert set(CATALOG.slot_values["EXERCISE_NAME"]) == content_names
    fresh = load_catalog(["made up exercise"])
    assert fresh.match("start the made up exercise").slots == {"exercise": "made up exercise"}


def test_a_bare_exercise_name_is_a_command_but_other_words_are_not():
    from local_voice.recognition import exercise_names
    from skill.catalog import load_catalog

    catalog = load_catalog(exercise_names())
    for said in ("memory lane", "the memory lane exercise", "role swap please"):
        found = catalog.match(said)
        assert found and found.intent == "StartExerciseIntent", said
    for said in ("elephant", "how was your day", "that is a lovely question", "pass the salt"):
        found = catalog.match(said)
        assert found is None or found.intent != "StartExerciseIntent", f"{said!r} taken for an exercise: {found}"


def test_a_near_spelling_matches_but_a_different_word_does_not():
    from skill.catalog import load_catalog

    catalog = load_catalog([])
    assert catalog.match("nex").intent == "AMAZON.NextIntent"
    assert catalog.match("im done").intent == "DoneIntent"
    for said in ("i am not sure", "i am not sad"):  # one word from "i am not safe", and not it at all
        found = catalog.match(said)
        assert found is None or found.intent != "SafetyIntent", f"{said!r} taken for a disclosure"
