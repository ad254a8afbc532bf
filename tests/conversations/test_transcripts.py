"""Every transcript in this folder, replayed through every driver (tests/conversations/replay.py)."""

from __future__ import annotations

import pytest

import replay

PATHS = replay.transcripts()


@pytest.fixture(scope="session")
def know() -> replay.Knowledge:
    return replay.Knowledge()


def test_there_are_enough_transcripts():
    assert len(PATHS) >= 15, [p.name for p in PATHS]


@pytest.mark.parametrize("driver_name", sorted(replay.DRIVERS))
@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_transcript(path, driver_name, tmp_path, know):
    transcript = replay.load_transcript(path)
    driver = replay.DRIVERS[driver_name](tmp_path / "closer.db")
    outs = replay.replay(transcript, driver, know)
    assert len(outs) == len(transcript["turns"])


def test_the_checker_can_fail(tmp_path, know):
    """A wrong expectation must be reported, or the transcripts prove nothing."""
    transcript = {"name": "wrong on purpose", "turns": [
        {"event": "launch", "end": True},
        {"say": "start a check in", "prompt": None, "heard": "AMAZON.StopIntent", "say_contains": ["zebra"]},
    ]}
    with pytest.raises(AssertionError) as failure:
        replay.replay(transcript, replay.EngineDriver(tmp_path / "closer.db"), know)
    message = str(failure.value)
    for fragment in ("end is False", "expected none", "heard as 'StartCheckInIntent'", "lacks 'zebra'"):
        assert fragment in message


def test_transcript_typos_are_rejected(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("turns:\n  - event: launch\n    says: [offer]\n  - say: next\n    say_contian: [x]\n")
    with pytest.raises(ValueError, match="unknown keys"):
        replay.load_transcript(bad)


def test_a_turn_that_checks_nothing_said_is_rejected_unless_it_says_why(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("turns:\n  - event: launch\n    says: [offer]\n  - say: next\n    heard: AMAZON.NextIntent\n")
    with pytest.raises(ValueError, match="asserts nothing about what is said"):
        replay.load_transcript(bad)
    bad.write_text("turns:\n  - event: launch\n    says: [offer]\n  - say: next\n    heard: AMAZON.NextIntent\n"
                   "    unchecked_speech: the words depend on the question drawn\n")
    assert len(replay.load_transcript(bad)["turns"]) == 2


def test_every_intent_of_every_mode_is_in_a_transcript(tmp_path, know):
    """Each mode table's intents are each said, in that mode, by some transcript (and so asserted on)."""
    from skill.engine import modes

    covered: set[tuple[str, str]] = set()
    for n, path in enumerate(PATHS):
        transcript = replay.load_transcript(path)
        outs: list[dict] = []

        def seen(i, turn, out, outs=outs):
            if "say" in turn and outs:
                covered.add((outs[-1]["mode"], out["intent"] or modes.FALLBACK))
            outs.append(out)

        replay.replay(transcript, replay.EngineDriver(tmp_path / f"c{n}.db"), know, on_turn=seen)
    wanted = {(mode, intent) for mode in modes.TABLES for intent in modes.table(mode)}
    missing = sorted(wanted - covered)
    assert not missing, f"{len(missing)} (mode, intent) pairs no transcript says: {missing}"
