"""The project's transcripts (tests/conversations/*.yaml) through Alexa: AlexaDriver (alexa_driver.py).

Transcripts that need the engine's clock ticks (timed turns cued by the companion itself) are left out:
on an Echo the device's own timers give those cues (test_bed.py and test_timers.py cover them)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "conversations"))
import replay  # noqa: E402

from .alexa_driver import AlexaDriver  # noqa: E402


def _needs_ticks(path: Path) -> bool:
    turns = replay.load_transcript(path)["turns"]
    return any(t.get("event") == "tick" or "ticked_contains" in t or "ticked_count" in t for t in turns)


# Local-only behaviour: after "stop" a local companion stays in the room listening for a start phrase
# (idle); on an Echo nothing reaches the skill after stop unless someone says "Alexa" and its name.
LOCAL_ONLY = {"32-idle-after-stop"}
PATHS = [p for p in replay.transcripts() if not _needs_ticks(p) and p.stem not in LOCAL_ONLY]


def test_most_transcripts_run_through_alexa():
    assert len(PATHS) >= 20, len(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_transcript_through_alexa(path, tmp_path):
    transcript = replay.load_transcript(path)
    driver = AlexaDriver(tmp_path / "closer.db")
    outs = replay.replay(transcript, driver, replay.Knowledge())
    assert len(outs) == len(transcript["turns"])
    assert not driver.problems, driver.problems
