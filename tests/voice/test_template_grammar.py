"""The local grammar is compiled from the catalog's templates: compact (arcs, not expansions),
with skip words, safety live at every step, and matched by the catalog's own template matcher."""

from __future__ import annotations

import pytest

from local_voice import recognition as R
from skill import templates as tpl


@pytest.fixture(scope="module")
def commands():
    from skill.catalog import load_catalog

    return R.CommandSet.from_catalog(load_catalog(R.exercise_names()), templates=True)


def test_the_grammar_has_the_templates_arcs_not_their_expansions(commands):
    live = commands.live(["AMAZON.NextIntent", "DoneIntent", "AMAZON.PauseIntent"])
    grammar = R.jsgf(commands, live)
    sentences = sum(tpl.count(t, commands.templates.rules) for n in live for t in commands.templates.by_intent[n])
    assert sentences > 1000, "the templates stand for many sentences"
    assert len(grammar) < 20 * sentences / 10, f"{len(grammar)} characters for {sentences} sentences"
    assert "[ <skip> ]" in grammar and "<r_ask>" in grammar, "skip words and rules are shared arcs"


def test_unsayable_words_void_only_their_branch(commands):
    unknown = commands.restrict(lambda word: word != "skip")
    grammar = R.jsgf(unknown, unknown.live(["AMAZON.NextIntent"]))
    assert " skip " not in grammar and "pass on" in grammar


def test_a_spoken_form_with_skip_words_is_looked_up(commands):
    live = commands.live(["AMAZON.NextIntent", "AMAZON.PauseIntent"])
    assert commands.lookup("okay let's skip this one please", live)[0] == "AMAZON.NextIntent"
    assert commands.lookup("um pause for a moment", live)[0] == "AMAZON.PauseIntent"
    assert commands.lookup("let's skip the dessert tonight", live) is None


@pytest.mark.parametrize("expect", [["AMAZON.NextIntent"], ["StartCheckInIntent"], ["AMAZON.YesIntent", "AMAZON.NoIntent"]])
def test_safety_is_a_sub_grammar_at_every_step(commands, expect):
    live = commands.live(expect)
    assert "SafetyIntent" in live
    grammar = R.jsgf(commands, live)
    assert "feel safe" in grammar


def test_pocketsphinx_builds_the_usual_modes_at_start_up():
    import time

    from local_voice import voice_loop as VL

    listener = VL.Listener("pocketsphinx", None, None)
    t = time.process_time()  # processor time: tests on the other core do not stretch it
    listener.warm_up(VL.usual_steps())
    assert time.process_time() - t < 60, "every mode's grammar is built at start-up in seconds"
    t = time.process_time()
    for step in VL.usual_steps()[-3:]:  # the usual modes stay built (the rarer ones are built when needed)
        listener.recognizer.set_expect(listener.live_for(VL._Usual(*step)))
    assert time.process_time() - t < 0.5, "switching to a built grammar does not wait"
