"""How the pocketsphinx backend keeps its searches: steps whose live intents differ by an intent or
two share one search (memory), and a shared search never answers with an intent the step lacks."""

from local_voice import recognition as R
from local_voice.wavio import read_wav

from .speech import synth

NEXT_STEP = ["AMAZON.NextIntent", "DoneIntent"]


def test_a_step_shares_the_search_of_a_step_with_one_intent_more(commands, speech_cache):
    rec = R.PocketsphinxRecognizer(commands, expect=NEXT_STEP + ["AMAZON.PauseIntent"])
    wide = rec._search
    rec.set_expect(NEXT_STEP)
    assert rec._search == wide, "a step with one intent fewer built a search of its own"
    assert "AMAZON.PauseIntent" not in rec.live
    pause = read_wav(synth("pause", speech_cache, "en-us", 150)).pcm()
    # The shared grammar knows "pause", but this step does not listen for it.
    assert rec.recognize(pause).intent != "AMAZON.PauseIntent"
    rec.set_expect(["AMAZON.PauseIntent", "AMAZON.ResumeIntent"])  # not within it: a search of its own
    assert rec._search != wide
    assert rec.recognize(pause).intent == "AMAZON.PauseIntent"


def test_a_wider_step_takes_over_the_narrow_steps_search(commands):
    rec = R.PocketsphinxRecognizer(commands, expect=NEXT_STEP)
    narrow = rec._search
    rec.set_expect(NEXT_STEP + ["AMAZON.PauseIntent"])
    assert rec._search != narrow
    assert set(rec._searches.values()) == {rec._search}, "the narrow step's search was kept beside the wider one"
    try:
        rec.decoder.activate_search(narrow)
    except (KeyError, RuntimeError, ValueError):
        pass
    else:
        raise AssertionError("the narrow step's search is still in the decoder")


def test_sharing_can_be_turned_off(commands):
    rec = R.PocketsphinxRecognizer(commands, expect=NEXT_STEP, share_extra=0)
    rec.set_expect(NEXT_STEP + ["AMAZON.PauseIntent"])
    assert len(set(rec._searches.values())) == 2
