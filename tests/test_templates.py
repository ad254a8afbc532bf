"""Sentence templates: syntax, expansion, counting and the matcher (skill/templates.py)."""

import time

import pytest

from skill.templates import Alt, Matcher, RuleRef, Seq, Slot, TemplateError, Word, count, expand, parse

SKIP = ["um", "uh", "okay", "so", "please", "now", "for a moment", "actually", "just"]


def test_parse_builds_the_tree_and_prints_it_back():
    node = parse("[okay] (skip|pass on) {thing} <polite>")
    assert node == Seq((Alt((Seq((Word("okay"),)),), optional=True),
                        Alt((Seq((Word("skip"),)), Seq((Word("pass"), Word("on"))))),
                        Slot("thing"), RuleRef("polite")))
    assert str(node) == "[okay] (skip|pass on) {thing} <polite>"


def test_an_empty_alternative_makes_a_group_optional():
    assert expand("next (one|)") == ["next", "next one"]


@pytest.mark.parametrize("bad,quoted", [
    ("start (the check in", "start (the check in"),
    ("stop)", "stop)"),
    ("go [back", "go [back"),
    ("say {slot", "say {slot"),
    ("say <rule", "say <rule"),
    ("what? now", "what? now"),
    ("()", "()"),
    ("yes|", "yes|"),
    ("{}", "{}"),
    ("(we|i) 'd like it", "(we|i) 'd like it"),
])
def test_bad_syntax_names_the_template(bad, quoted):
    with pytest.raises(TemplateError) as err:
        parse(bad)
    assert repr(quoted) in str(err.value)
    assert err.value.text == quoted


def test_expand_is_stable_deduplicated_and_absent_optionals_come_first():
    assert expand("[okay] (next|next) [one]") == ["next", "next one", "okay next", "okay next one"]
    assert expand("yes|yeah") == ["yes", "yeah"]


def test_expand_with_rules_slots_and_kept_slots():
    rules = {"subject": "(he|she|my (partner|wife))"}
    assert expand("<subject> hits me", rules) == ["he hits me", "she hits me", "my partner hits me", "my wife hits me"]
    assert expand("start [the] {exercise}", slots={"exercise": ["Memory Lane", "role swap"]}) == [
        "start memory lane", "start role swap", "start the memory lane", "start the role swap"]
    assert expand("start [the] {exercise}", keep_slots=True) == ["start {exercise}", "start the {exercise}"]
    with pytest.raises(TemplateError, match="exercise"):
        expand("start {exercise}")


def test_unknown_and_self_referring_rules_are_errors():
    with pytest.raises(TemplateError, match="unknown rule <nope>"):
        expand("say <nope>")
    with pytest.raises(TemplateError, match="refers to itself"):
        expand("<a>", {"a": "x [<a>]"})


def test_count_without_building_and_limit():
    text = "[a|b] (c|d|e) [f] " * 6
    assert count(text) == (3 * 3 * 2) ** 6
    assert count("<r> x", {"r": "(a|b|c)"}) == 3
    assert len(expand(text, limit=50)) == 50
    assert count("[okay] next [one]") == len(expand("[okay] next [one]"))


def test_matcher_covers_the_whole_utterance_with_skip_words_anywhere():
    matcher = Matcher([("Next", "[let's] (skip|pass on) [this|that] [one]"), ("Stop", "stop")], skip_words=SKIP)
    assert matcher.match("Um, let's skip this one, please!").intent == "Next"
    assert matcher.match("okay so pass um on that one now").intent == "Next"
    assert matcher.match("stop for a moment").intent == "Stop"
    assert matcher.match("skip the salad") is None  # "the salad" is not covered
    assert matcher.match("please") is None and matcher.match("") is None and matcher.match("um okay") is None
    found = matcher.match("pass on that one")
    assert found.template == "[let's] (skip|pass on) [this|that] [one]" and found.slots == {}


def test_a_template_said_exactly_wins_over_one_that_needs_skip_words():
    matcher = Matcher([("Yes", "yes"), ("Ok", "okay")], skip_words=SKIP)
    assert matcher.match("okay").intent == "Ok"
    assert matcher.match("yes okay").intent == "Yes"
    assert [m.intent for m in matcher.match_all("okay")] == ["Ok"]


def test_slots_take_known_values_or_free_words_but_never_skip_words():
    matcher = Matcher(
        [("Start", "[let's] (start|do) [the] {exercise} [exercise]"), ("Names", "our names are {a} and {b}")],
        slots={"exercise": ["memory lane", "role swap"]}, skip_words=SKIP)
    found = matcher.match("okay let's do the memory lane exercise")
    assert (found.intent, found.slots) == ("Start", {"exercise": "memory lane"})
    assert matcher.match("start the elephant") is None
    found = matcher.match("our names are Robin and Mary Ann please")
    assert found.slots == {"a": "robin", "b": "mary ann"}


def test_rules_inside_the_matcher_and_errors_name_the_template():
    matcher = Matcher([("Safety", "<subject> (hits|hurts) me")], rules={"subject": "(he|she|my partner)"})
    assert matcher.match("my partner hurts me").intent == "Safety"
    with pytest.raises(TemplateError, match="nope"):
        Matcher([("X", "say <nope>")])
    with pytest.raises(TemplateError, match=r"\[please\]"):
        Matcher([("X", "[please]")])


def test_allowed_intents_and_match_all_find_confusions():
    matcher = Matcher([("Done", "[i'm|we're] done"), ("Stop", "[we're] done for tonight|stop"), ("Also", "we're done")])
    assert matcher.match("we're done", allowed=["Stop", "Also"]).intent == "Also"
    assert [m.intent for m in matcher.match_all("we're done")] == ["Done", "Also"]


def test_a_huge_grammar_compiles_and_matches_fast():
    word = "(a|b|c|d|e|f|g|h) [i|j|k] "
    entries = [(f"I{n}", f"w{n} " + word * 8) for n in range(40)]
    assert count(entries[0][1]) > 10 ** 10
    started = time.process_time()  # processor time: a busy machine does not stretch it
    matcher = Matcher(entries, skip_words=SKIP)
    said = "w39 " + "a i b c d e f g h k"
    for _ in range(100):
        assert matcher.match(said).intent == "I39"
        assert matcher.match("w39 table talk that goes on and on about the day at work") is None
    assert time.process_time() - started < 2.0
