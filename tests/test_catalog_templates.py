"""The catalog as templates: what the grammar compiler, the Alexa builder and other data files rely on."""

import pytest

from skill import templates as tpl
from skill.catalog import Catalog, load_catalog, merge_items
from skill.engine import load_engine

CATALOG = load_engine().catalog


def test_templates_for_gives_a_grammar_compiler_everything_it_needs():
    found = CATALOG.templates_for("StartExerciseIntent")
    assert found.intent == "StartExerciseIntent" and found.templates and not found.over_talk
    assert found.slot_types == {"exercise": "EXERCISE_NAME"}
    assert "memory lane" in found.slots["exercise"]
    assert "um" in found.skip_words and "for a moment" in found.skip_words
    for template in found.templates:  # every template parses and its rules are all there
        assert tpl.count(template, found.rules) >= 1
    names = CATALOG.templates_for("SetNamesIntent")
    assert names.slots == {"nameA": [], "nameB": []} and names.slot_types["nameA"] == "AMAZON.FirstName"
    assert "AMAZON.FallbackIntent" not in CATALOG.grammar_intents()
    assert CATALOG.templates_for("AMAZON.StopIntent").always


def test_skip_words_and_thresholds_are_data():
    assert {"um", "okay", "please", "now", "for a moment", "for a bit", "actually"} <= set(CATALOG.skip_words)
    assert 0 < CATALOG.matching["typo_cutoff"] < 1
    assert CATALOG.matching["alexa_samples_per_intent"] > 0


def test_alexa_samples_stay_within_the_limit_and_keep_the_simplest_forms():
    cap = CATALOG.matching["alexa_samples_per_intent"]
    for intent in CATALOG.intents:
        samples = CATALOG.alexa_samples(intent.name)
        assert len(samples) <= cap and len(set(samples)) == len(samples), intent.name
    for intent, sample in [("AMAZON.StopIntent", "stop"), ("StartCheckInIntent", "start a check in"),
                           ("AMAZON.NextIntent", "next question"), ("StartExerciseIntent", "start the {exercise}")]:
        assert sample in CATALOG.alexa_samples(intent), (intent, sample)
    assert not CATALOG.problems()


def test_a_help_example_that_is_not_heard_is_a_problem():
    data = {"intents": [{"name": "AIntent", "help": 'say "go on" to go on', "templates": ["carry on"]}]}
    assert any("go on" in p for p in Catalog(data).problems())


def test_a_bad_template_names_the_intent_and_the_text():
    with pytest.raises(tpl.TemplateError, match=r"BadIntent.*'\(skip"):
        Catalog({"intents": [{"name": "BadIntent", "templates": ["(skip"]}]})


def test_an_unknown_exercise_is_asked_for_only_when_called_an_exercise():
    catalog = load_catalog(["memory lane"])
    found = catalog.match("start the juggling game")
    assert found.intent == "StartExerciseIntent" and found.slots == {"exercise": "juggling"}
    assert catalog.match("start the dishwasher before bed") is None
    assert catalog.match("let's do the dishes") is None


def test_other_data_files_can_add_templates_through_the_hook():
    raw = {"rules": {"who": "(he|she)"}, "intents": [
        {"name": "SafetyIntent", "always": True, "templates": ["i need help"]},
        {"name": "AMAZON.StopIntent", "always": True, "templates": ["stop"]}]}
    merged = merge_items(raw, [{"name": "SafetyIntent", "templates": ["<who> threatens me"], "contains": ["threatens me"],
                                "rules": {"partner": "my partner"}},
                               {"name": "ThemeIntent", "templates": ["something about {theme}"], "slots": {"theme": "THEME"}}])
    assert raw["intents"][0]["templates"] == ["i need help"]  # the loaded data is not changed
    merged["types"] = {"THEME": {"from_content": True}}
    catalog = Catalog(merged, {"THEME": ["trust", "money"]})
    assert catalog.match("she threatens me").intent == "SafetyIntent"
    assert catalog.match("honestly he threatens me when he drinks").intent == "SafetyIntent"
    assert catalog.match("something about money").slots == {"theme": "money"}
    assert catalog.match("i need help").intent == "SafetyIntent"


def test_slot_values_from_content_fill_any_type():
    data = {"types": {"THEME": {"from_content": True}},
            "intents": [{"name": "ThemeIntent", "templates": ["[let's talk about] {theme}"], "slots": {"theme": "THEME"}}]}
    catalog = Catalog(data, {"THEME": ["Money Matters"]})
    assert catalog.match("let's talk about money matters").slots == {"theme": "money matters"}
    assert catalog.match("let's talk about the weather") is None
