"""Names, pace, depth and finished sessions are remembered across runs."""

from __future__ import annotations

from skill.engine import load_engine
from skill.engine.select import CHECKIN_LENGTH

from .conftest import DAY, NOON, line, memory, run_text, says


def finish_a_check_in(db, now: float, seed: int) -> list[dict]:
    """Both partners answer every question (a check-in whose questions were all skipped would not count)."""
    script = ["start a check in"] + ["I'm done"] * (2 * CHECKIN_LENGTH)
    return run_text(db, [line(t, now + 20 * k) for k, t in enumerate(script)], seed=seed, clock=now)


def test_names_pace_and_depth_are_remembered_across_runs(db):
    out = run_text(db, ["our names are ana and ben", "slower", "slower", "deeper"])
    assert says(out[1], "names_set") and "Ana and Ben" in out[1]["say"]
    assert out[3]["pace"] == -2

    again = run_text(db, ["start a check in"], seed=11)
    greeting = again[0]
    assert says(greeting, "greeting_back_named") and "Ana and Ben" in greeting["say"]
    assert not says(greeting, "greeting_new")
    assert greeting["pace"] == -2 and again[1]["pace"] == -2
    questions = load_engine().content.questions
    assert questions[again[1]["prompt"]].depth == 2
    assert "Ana" in again[1]["say"] or "Ben" in again[1]["say"]  # turns are given by name

    run_text(db, ["faster", "lighter", "lighter"])
    prefs = memory(db)["prefs"]
    assert prefs["pace"] == -1 and prefs["depth"] == 1
    third = run_text(db, [])
    assert third[0]["pace"] == -1


def test_who_goes_first_alternates_between_finished_sessions(db):
    questions = load_engine().content.questions

    def first_speaker(out: list[dict]) -> str:
        asked = out[1]
        after = asked["say"].split(questions[asked["prompt"]].text)[-1]
        return "Ana" if "Ana" in after else "Ben" if "Ben" in after else after

    run_text(db, ["our names are ana and ben"])
    assert first_speaker(finish_a_check_in(db, NOON, 1)) == "Ana"
    assert memory(db)["prefs"]["first"] == 1
    assert first_speaker(finish_a_check_in(db, NOON + DAY, 2)) == "Ben"


def test_how_are_we_doing_counts_finished_sessions(db):
    none = run_text(db, ["how are we doing"])
    assert says(none[1], "progress_none")

    finish_a_check_in(db, NOON, 1)
    finish_a_check_in(db, NOON + DAY, 2)
    kept = memory(db)["history"]
    assert [h["kind"] for h in kept] == ["checkin", "checkin"]
    assert all(h["seconds"] >= 0 for h in kept)

    out = run_text(db, [line("how are we doing", NOON + DAY + 600)], clock=NOON + DAY + 600)
    say = out[1]["say"]
    assert says(out[1], "progress"), say
    assert "two sessions together" in say and "two sessions in all" in say
    assert says(out[1], "progress_streak") and "two days in a row" in say

    # A week later the week's count drops, the total stays, and the streak is gone.
    later = run_text(db, [line("how are we doing", NOON + 9 * DAY)], clock=NOON + 9 * DAY)
    assert "zero sessions together" in later[1]["say"] and "two sessions in all" in later[1]["say"]
    assert not says(later[1], "progress_streak")
