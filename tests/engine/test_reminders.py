"""Reminders by voice: local wall-clock times across daylight saving, no replay after a restart or a
long sleep, never during a session, and the spoken times they are set with."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from skill.engine import apply_effects, load_engine
from skill.engine import reminders, spoken_time
from skill.engine.core import wake_at
from skill.engine.turn import Turn

NY = "America/New_York"
ENGINE = load_engine()


def at(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(NY)).timestamp()


def local(epoch: float) -> str:
    return dt.datetime.fromtimestamp(epoch, ZoneInfo(NY)).strftime("%a %Y-%m-%d %H:%M %z")


class Couple:
    def __init__(self):
        self.state, self.memory = None, None

    def step(self, when: str, intent: str | None = None, kind: str = "intent", said: str | None = None) -> dict:
        event = {"type": kind, "now": at(when), "tz": NY, "seed": 3}
        if said is not None:
            match = ENGINE.catalog.match(said)
            event.update(intent=match.intent, slots=match.slots)
        elif intent:
            event.update(intent=intent, slots={})
        self.state, out = ENGINE.step(self.state, event, self.memory)
        self.memory = apply_effects(self.memory, out["effects"])
        return out

    def tick(self, when: str) -> dict | None:
        due = wake_at(self.state)
        return self.step(when, kind="tick") if due is not None and due <= at(when) else None


SUNDAY_SEVEN = {"id": 1, "days": [6], "hour": 19, "minute": 0, "what": "ritual"}


@pytest.mark.parametrize("after,expected", [
    ("2026-03-05 12:00", "Sun 2026-03-08 19:00 -0400"),  # the night the clocks go forward
    ("2026-10-29 12:00", "Sun 2026-11-01 19:00 -0500"),  # the night they go back
    ("2026-11-01 19:00", "Sun 2026-11-08 19:00 -0500"),  # exactly at one: the next
])
def test_seven_in_the_evening_stays_seven_across_daylight_saving(after, expected):
    when, _ = reminders.next_due({"reminders": [SUNDAY_SEVEN]}, at(after), NY)
    assert local(when) == expected


def test_a_daily_reminder_is_due_every_day_at_its_hour():
    daily = {"id": 2, "days": [], "hour": 20, "minute": 30, "what": "checkin"}
    when, _ = reminders.next_due({"reminders": [daily]}, at("2026-03-07 21:00"), NY)
    assert local(when) == "Sun 2026-03-08 20:30 -0400"


def test_a_restart_after_the_time_does_not_replay_the_missed_invitation():
    couple = Couple()
    couple.memory = apply_effects(None, [{"op": "reminders", "set": [SUNDAY_SEVEN]}])
    out = couple.step("2026-03-08 21:30", kind="launch")  # the companion starts two and a half hours late
    assert "Would you like your weekly" not in out["say"]
    assert local(wake_at(couple.state) or 0) == "Sun 2026-03-15 19:00 -0400"


def test_a_late_tick_lets_the_moment_pass_quietly():
    couple = Couple()
    couple.memory = apply_effects(None, [{"op": "reminders", "set": [SUNDAY_SEVEN]}])
    couple.step("2026-03-05 20:00", kind="launch")
    couple.step("2026-03-05 20:01", "AMAZON.StopIntent")
    out = couple.tick("2026-03-08 21:00")  # the device slept through seven
    assert out is not None and out["say"] == ""
    assert couple.state.get("invitation") is None


def test_a_reminder_never_interrupts_a_session():
    couple = Couple()
    couple.memory = apply_effects(None, [{"op": "reminders", "set": [SUNDAY_SEVEN]}])
    couple.step("2026-03-08 18:50", kind="launch")
    couple.step("2026-03-08 18:51", "StartCheckInIntent")
    assert couple.state["mode"] == "running"
    assert wake_at(couple.state) is None  # nothing wakes the companion in the middle of a check-in
    out = couple.step("2026-03-08 19:00:05", kind="tick")
    assert out["say"] == "" and couple.state["mode"] == "running"


def test_set_list_move_and_cancel_by_voice():
    couple = Couple()
    couple.step("2026-03-05 20:00", kind="launch")
    out = couple.step("2026-03-05 20:01", said="check in with us every evening at eight thirty")
    assert "every day at eight thirty in the evening for a check in" in out["say"]
    assert couple.memory["reminders"][0]["days"] == [] and couple.memory["reminders"][0]["hour"] == 20
    couple.step("2026-03-05 20:02", said="remind us every sunday at seven in the morning")
    out = couple.step("2026-03-05 20:03", said="what reminders do we have")
    assert "two reminders" in out["say"] and "every Sunday at seven in the morning" in out["say"]
    out = couple.step("2026-03-05 20:04", said="move the sunday reminder to saturday at nine")
    assert "every Saturday at nine at night" in out["say"]
    out = couple.step("2026-03-05 20:05", said="cancel the saturday reminder")
    assert "cancelled" in out["say"] and len(couple.memory["reminders"]) == 1
    couple.step("2026-03-05 20:06", said="no more reminders")
    assert couple.memory["reminders"] == []


@pytest.mark.parametrize("said,expected", [
    ("seven", (19, 0)), ("seven in the morning", (7, 0)), ("seven thirty in the evening", (19, 30)),
    ("eleven forty five at night", (23, 45)), ("half past six", (18, 30)), ("noon", (12, 0)),
    ("midnight", (0, 0)), ("19:00", (19, 0)), ("07:15", (7, 15)), ("twelve am", (0, 0)),
    ("banana", None), ("25:00", None),
])
def test_spoken_times(said, expected):
    turn = Turn(ENGINE, ENGINE.new_state(0), {"now": 0}, {})
    assert spoken_time.parse(said, turn.words, turn.phrases) == expected


def test_a_morning_reminder_reads_a_bare_hour_as_morning():
    turn = Turn(ENGINE, ENGINE.new_state(0), {"now": 0}, {})
    assert spoken_time.parse("seven", turn.words, turn.phrases, part="morning") == (7, 0)
