"""Questions that fit the couple's situation, and streaks by their own calendar, counting answered sessions."""

from __future__ import annotations

import datetime as dt

from skill.engine import apply_effects, load_engine, new_memory
from skill.engine.select import assumes_call
from skill.engine.streaks import streak, summary

T0 = 1_750_708_800.0  # Monday 2025-06-23 20:00 UTC


def _checkin(engine, memory, seed, context=None, now=T0, tz=None, answer=True):
    """A whole check-in: both partners answer each question (or every question is skipped)."""
    event = {"seed": seed, "now": now, **({"context": context} if context else {}), **({"tz": tz} if tz else {})}
    state, out = engine.step(None, {**event, "type": "launch"}, memory)
    memory = apply_effects(memory, out["effects"])
    asked = []
    state, out = engine.step(state, {**event, "type": "intent", "intent": "StartCheckInIntent"}, memory)
    while state["mode"] == "running":
        memory = apply_effects(memory, out["effects"])
        asked.append(out["prompt"])
        intent = "BothDoneIntent" if answer else "AMAZON.NextIntent"
        state, out = engine.step(state, {**event, "type": "intent", "intent": intent}, memory)
    return apply_effects(memory, out["effects"]), [a for a in asked if a]


def test_a_couple_in_one_room_is_never_asked_a_call_question():
    engine = load_engine()
    questions = engine.content.questions
    memory, seen = new_memory(), []
    for seed in range(40):
        memory, asked = _checkin(engine, memory, seed)
        seen += asked
    assert len(seen) >= 100
    called = [q for q in seen if assumes_call(questions[q])]
    assert not called, called
    room = [q for q in questions.values() if "room you are in" in q.text]
    assert room and room[0].id not in seen


def test_on_a_call_the_call_questions_are_in_the_draw():
    engine = load_engine()
    questions = engine.content.questions
    memory, seen = new_memory(), []
    for seed in range(20):
        memory, asked = _checkin(engine, memory, seed, context="call")
        seen += asked
    assert any(assumes_call(questions[q]) for q in seen)


def test_finished_carries_the_local_day_and_whether_anyone_answered():
    engine = load_engine()
    # 02:30 UTC on Tuesday is still Monday evening in New York.
    memory, _ = _checkin(engine, new_memory(), 1, now=T0 + 6.5 * 3600, tz="America/New_York")
    memory, _ = _checkin(engine, memory, 2, now=T0 + 7 * 3600, tz="America/New_York", answer=False)
    first, second = memory["history"]
    assert first["day"] == "2025-06-23" and first["answered"] is True
    assert second["day"] == "2025-06-23" and second["answered"] is False


def test_a_check_in_with_every_question_skipped_does_not_count():
    history = [{"at": T0, "day": "2025-06-23", "answered": True},
               {"at": T0 + 86400, "day": "2025-06-24", "answered": False}]
    found = summary(history, T0 + 86400 + 60, "UTC")
    assert found["total"] == 1 and found["week"] == 1
    assert found["streak"] == 1  # Tuesday's skipped check-in does not extend Monday's streak


def test_streaks_count_local_calendar_days():
    # 23:30 and 00:30 in Los Angeles are two local days, but one UTC day (06:30 and 07:30 UTC).
    la = "America/Los_Angeles"
    late = dt.datetime(2025, 6, 24, 6, 30, tzinfo=dt.timezone.utc).timestamp()
    history = [{"at": late, "answered": True}, {"at": late + 3600, "answered": True}]
    today = dt.date(2025, 6, 24)
    assert streak(history, today, la) == 2
    assert streak(history, today, "UTC") == 1
    # Older entries without day or answered (kept before this change) still count, by their time.
    assert streak([{"at": late}], today, "UTC") == 1


def test_how_are_we_doing_says_the_streak_in_words():
    engine = load_engine()
    memory = new_memory()
    for day in range(3):
        memory, _ = _checkin(engine, memory, day, now=T0 + day * 86400)
    memory, _ = _checkin(engine, memory, 9, now=T0 + 3 * 86400, answer=False)
    state, _ = engine.step(None, {"type": "launch", "now": T0 + 3 * 86400 + 60}, memory)
    _, out = engine.step(state, {"type": "intent", "intent": "ProgressIntent", "now": T0 + 3 * 86400 + 60}, memory)
    assert "three days in a row" in out["say"], out["say"]
    assert "three sessions in all" in out["say"], out["say"]


def test_saying_we_live_apart_lets_call_questions_in_and_is_remembered():
    engine = load_engine()
    questions = engine.content.questions
    memory = new_memory()
    state, out = engine.step(None, {"type": "launch", "now": T0}, memory)
    state, out = engine.step(state, {"type": "intent", "intent": "OnCallIntent", "now": T0}, memory)
    memory = apply_effects(memory, out["effects"])
    assert memory["prefs"]["apart"] == 1
    seen = []
    for seed in range(20):  # later sessions, no context given: the household is remembered as apart
        memory, asked = _checkin(engine, memory, seed)
        seen += asked
    assert any(assumes_call(questions[q]) for q in seen)


def test_without_a_time_zone_the_words_do_not_guess_the_time_of_day():
    engine = load_engine()
    _, out = engine.step(None, {"type": "launch", "now": T0}, new_memory())
    assert "today's check in" in out["say"] and "tonight" not in out["say"]
    _, out = engine.step(None, {"type": "launch", "now": T0, "tz": "UTC"}, new_memory())
    assert "tonight's check in" in out["say"]  # 20:00 where the couple is


def test_a_ladder_place_saved_by_the_older_version_resumes_on_its_real_question():
    """Older runs held only the ladder questions from the couple's place on (i counted from there)."""
    engine = load_engine()
    ladder = engine.content.ladder.questions
    old = {"kind": "ladder", "id": engine.content.ladder.id, "i": 2, "turn": 0, "first": 0, "timer": None,
           "started": T0, "items": [{"q": q.id, "l": n} for n, q in enumerate(ladder) if n >= 10]}
    memory = {**new_memory(), "progress": old, "launches": 3, "ladder": 12}
    state, out = engine.step(None, {"type": "launch", "now": T0 + 60, "tz": "UTC"}, memory)
    assert "thirteenth question" in out["say"], out["say"]
    state, out = engine.step(state, {"type": "intent", "intent": "AMAZON.YesIntent", "now": T0 + 70}, memory)
    assert out["prompt"] == ladder[12].id
    state, out = engine.step(state, {"type": "intent", "intent": "AMAZON.PreviousIntent", "now": T0 + 80}, memory)
    assert out["prompt"] == ladder[11].id


def test_a_morning_or_afternoon_check_in_asks_no_question_meant_only_for_dinner_or_bedtime():
    """'What small comfort would help you rest well tonight?' is a bedtime question, not one for 8:30 am."""
    engine = load_engine()
    questions = engine.content.questions
    for local_hour_utc in (T0 + 59_400, T0 + 79_200):  # 8:30 and 14:00 in New York
        memory, seen = new_memory(), []
        for seed in range(25):
            memory, asked = _checkin(engine, memory, seed, now=local_hour_utc, tz="America/New_York")
            seen += asked
        assert len(seen) >= 80
        evening_only = [q for q in seen if set(questions[q].contexts) <= {"dinner", "bedtime"}]
        assert not evening_only, [questions[q].text for q in evening_only]
    # ... while in the evening they are in the draw.
    memory, seen = new_memory(), []
    for seed in range(10):
        memory, asked = _checkin(engine, memory, seed, now=T0 + 86_400 + 7200, tz="America/New_York")
        seen += asked
    assert any(set(questions[q].contexts) <= {"dinner", "bedtime"} for q in seen)
