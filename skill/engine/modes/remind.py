"""Rituals by voice: "remind us every Sunday at seven", "what reminders do we have",
"cancel the Sunday reminder", "move it to Saturday". Kept in household memory (the
`reminders` effect); when one is due, reminders.py invites the couple.
"""

from __future__ import annotations

from .. import reminders, spoken_time
from ..spoken_time import weekday_index


def _time(turn, slots: dict, part: str | None = None):
    return spoken_time.parse(slots.get("time"), turn.words, turn.phrases, part,
                             turn.settings.reminder_assume_evening)


def describe(turn, reminder: dict) -> str:
    """"every Sunday at seven in the evening for your weekly state of us"."""
    at = spoken_time.say(int(reminder["hour"]), int(reminder["minute"]), turn.words, turn.phrases)
    days = reminder.get("days") or []
    when = (turn.phrases.fragment("reminder_weekly", day=turn.words.weekday(days[0]), time=at) if days
            else turn.phrases.fragment("reminder_daily", time=at))
    what = turn.phrases.fragment("reminder_for_" + ("ritual" if reminder.get("what") == "ritual" else "checkin"))
    return f"{when} {what}"


def set_reminder(turn, slots: dict) -> None:
    day = weekday_index(turn.words, slots.get("day"))
    part = slots.get("part")
    when = _time(turn, slots, part)
    if when is None or (day is None and not part):
        return turn.say("reminder_unclear")
    what = turn.engine.catalog.value_id("REMINDER_FOR", slots.get("what")) or ("ritual" if day is not None else "checkin")
    days = [day] if day is not None else []
    kept = [r for r in reminders.stored(turn.mem) if (r.get("days") or []) != days]  # one reminder per day
    new_id = 1 + max([int(r.get("id") or 0) for r in reminders.stored(turn.mem)] or [0])
    reminder = {"id": new_id, "days": days, "hour": when[0], "minute": when[1], "what": what}
    turn.effect("reminders", set=kept + [reminder])
    turn.state["reminder_last"] = new_id
    turn.say("reminder_set", what=describe(turn, reminder))
    turn.reply.remember = False


def list_reminders(turn, slots: dict) -> None:
    found = reminders.stored(turn.mem)
    turn.reply.remember = False
    if not found:
        return turn.say("reminders_none")
    described = turn.words.spoken_list([describe(turn, r) for r in found])
    turn.say("reminders_one" if len(found) == 1 else "reminders_some",
             count=turn.words.number(len(found)), reminders=described)


def _chosen(turn, slots: dict, day_slot: str = "day") -> list[dict]:
    """The reminders a request means: by its day or part, else the last one set (or the only one)."""
    found = reminders.stored(turn.mem)
    day = weekday_index(turn.words, slots.get(day_slot))
    if day is not None:
        return [r for r in found if day in (r.get("days") or [])]
    if slots.get("part"):
        return [r for r in found if not r.get("days")]
    last = [r for r in found if r.get("id") == turn.state.get("reminder_last")]
    return last or found[-1:]


def cancel_reminder(turn, slots: dict) -> None:
    found = reminders.stored(turn.mem)
    gone = _chosen(turn, slots) if (slots.get("day") or slots.get("part")) else found
    turn.reply.remember = False
    if not gone:
        return turn.say("reminder_not_found" if found else "reminders_none")
    turn.effect("reminders", set=[r for r in found if r not in gone])
    turn.say("reminder_cancelled" if len(gone) == 1 else "reminders_cancelled",
             what=describe(turn, gone[0]), count=turn.words.number(len(gone)))


def move_reminder(turn, slots: dict) -> None:
    found = reminders.stored(turn.mem)
    target = _chosen(turn, slots)[:1]
    turn.reply.remember = False
    if not target:
        return turn.say("reminder_not_found" if found else "reminders_none")
    moved = dict(target[0])
    new_day = weekday_index(turn.words, slots.get("new_day"))
    if new_day is not None:
        moved["days"] = [new_day]
    if slots.get("time"):
        when = _time(turn, slots)
        if when is None:
            return turn.say("reminder_unclear")
        moved["hour"], moved["minute"] = when
    turn.effect("reminders", set=[moved if r is target[0] else r for r in found
                                  if r is target[0] or (r.get("days") or []) != moved["days"]])
    turn.state["reminder_last"] = moved["id"]
    turn.say("reminder_moved", what=describe(turn, moved))


TABLE = {
    "SetReminderIntent": set_reminder,
    "ListRemindersIntent": list_reminders,
    "CancelReminderIntent": cancel_reminder,
    "MoveReminderIntent": move_reminder,
}
