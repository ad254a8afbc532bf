"""No repeats: prompt ids never come back until their pool is used up."""

from __future__ import annotations

from skill.engine import load_engine
from skill.engine.select import CHECKIN_LENGTH, _pool

from .conftest import NOON, line, memory, run_text


def check_in_prompts(out: list[dict]) -> list[list[str]]:
    """The prompt ids asked, one list per check-in, in the order they were first asked."""
    sessions, current = [], None
    for turn in out:
        if turn["intent"] == "StartCheckInIntent":
            current = []
            sessions.append(current)
        if current is not None and turn["prompt"] and (not current or current[-1] != turn["prompt"]):
            current.append(turn["prompt"])
    return sessions


def test_five_check_ins_in_a_row_across_launches_never_repeat_a_prompt(db):
    asked: list[str] = []
    for n in range(5):
        # Answer every question in turn ("I'm done" twice), or skip with "next" on alternate nights.
        script = ["start a check in"] + (["I'm done", "I'm done"] if n % 2 == 0 else ["next"]) * CHECKIN_LENGTH
        t0 = NOON + n * 86400
        out = run_text(db, [line(text, t0 + k * 30) for k, text in enumerate(script)], seed=n, clock=t0)
        sessions = check_in_prompts(out)
        assert len(sessions) == 1 and len(sessions[0]) == CHECKIN_LENGTH, sessions
        asked += sessions[0]
    assert len(asked) == 5 * CHECKIN_LENGTH
    assert len(set(asked)) == len(asked), f"repeated: {sorted(p for p in set(asked) if asked.count(p) > 1)}"
    kept = memory(db)
    assert set(asked) <= set(kept["used"])
    assert len(kept["history"]) == 5 and kept["progress"] is None


def test_reuse_starts_only_when_the_pool_is_used_up_then_oldest_first(db):
    content = load_engine().content
    pool = {q.id for q in _pool(content, 1, "any")}
    rounds = len(pool) // CHECKIN_LENGTH + 4
    script = []
    for _ in range(rounds):
        script += ["start a check in"] + ["next"] * CHECKIN_LENGTH
    out = run_text(db, [line(text, NOON + k * 10) for k, text in enumerate(script)], seed=3)

    sessions = check_in_prompts(out)
    assert len(sessions) == rounds and all(len(s) == CHECKIN_LENGTH for s in sessions)
    asked = [p for s in sessions for p in s]
    first_cycle = asked[: len(pool)]
    # Every question of the pool is asked once before any is asked again.
    assert len(set(first_cycle)) == len(pool)
    assert set(first_cycle) == pool
    # The check-in where the pool runs out takes the fresh ones, then the oldest used ones.
    boundary = (len(pool) // CHECKIN_LENGTH) * CHECKIN_LENGTH
    fresh_left = len(pool) - boundary
    if fresh_left:
        reuse = asked[len(pool): boundary + CHECKIN_LENGTH]
        assert reuse == asked[: len(reuse)]
    # And a new cycle starts: no repeat inside it either.
    second_cycle = asked[boundary:]
    assert len(set(second_cycle)) == len(second_cycle)
    # No check-in ever asks the same question twice.
    assert all(len(set(s)) == len(s) for s in sessions)
