"""Rituals by voice: reminders kept in household memory, and the invitation when one is due.

A reminder is {"id", "days": [weekday 0=Monday ..] ([] is every day), "hour", "minute",
"what": "ritual" | "checkin"}, in the couple's local time (the event's `tz`). Occurrences are
local wall-clock times turned into instants through zoneinfo, so seven in the evening stays
seven in the evening across daylight-saving changes.

The local companion is the reminder. After every step the state records when the next one is
due (`remind_at`, from memory, so a restarted companion computes it afresh and never replays a
missed one hours late). A tick at that time, if no session is under way, brings a soft chime and
one short invitation; yes starts it, no or silence lets it go until next time.
"""

from __future__ import annotations

import datetime as dt

from . import clock

RITUAL = "state-of-us"  # the weekly ritual a "ritual" reminder invites to


def stored(memory: dict) -> list[dict]:
    return [r for r in memory.get("reminders") or [] if isinstance(r, dict)]


def occurrences_after(reminder: dict, after: float, tz: str | None, days_ahead: int = 8):
    """The reminder's local times after `after` (epoch seconds), soonest first, within a week and a day."""
    start = clock.local(after, tz).date()
    zone = clock.local(after, tz).tzinfo
    days = set(reminder.get("days") or range(7))
    for offset in range(days_ahead + 1):
        day = start + dt.timedelta(days=offset)
        if day.weekday() not in days:
            continue
        at = dt.datetime(day.year, day.month, day.day, int(reminder["hour"]), int(reminder["minute"]), tzinfo=zone)
        when = at.timestamp()
        if when > after:
            yield when


def next_due(memory: dict, after: float, tz: str | None) -> tuple[float, dict] | None:
    found = [(when, r) for r in stored(memory) for when in list(occurrences_after(r, after, tz))[:1]]
    return min(found, key=lambda pair: pair[0]) if found else None


def quiet(state: dict) -> bool:
    """No session under way: the companion is idle, or sitting at the menu with nothing started."""
    return state.get("mode") == "idle" or (state.get("mode") == "menu" and not state.get("run"))


def wake_at(state: dict) -> float | None:
    """When a reminder or a pending invitation next needs a tick."""
    times = []
    invitation = state.get("invitation")
    if isinstance(invitation, dict) and invitation.get("until"):
        times.append(float(invitation["until"]))
    if state.get("remind_at") and quiet(state):
        times.append(float(state["remind_at"]))
    return min(times) if times else None


def schedule(turn) -> None:
    """After every step: when the next reminder is due, from memory as it now stands."""
    if not quiet(turn.state):
        turn.state.pop("invitation", None)  # they started something: the invitation is answered
    found = next_due(turn.mem, turn.now, turn.tz)
    turn.state["remind_at"] = found[0] if found else None
    turn.state["remind_id"] = found[1].get("id") if found else None


def tick(turn) -> bool:
    """Handle a tick for reminders; True when it was theirs (an invitation given or let go)."""
    state = turn.state
    invitation = state.get("invitation")
    if isinstance(invitation, dict) and invitation.get("until") and turn.now >= float(invitation["until"]):
        state.pop("invitation", None)  # silence: let it go quietly until next time
        return True
    due = state.get("remind_at")
    if not due or turn.now < float(due) or not quiet(state):
        return False  # not yet, or a session is under way: never interrupt it (the next is scheduled after)
    reminder = next((r for r in stored(turn.mem) if r.get("id") == state.get("remind_id")), None)
    if reminder is None or turn.now - float(due) > turn.settings.reminder_late:
        return True  # the moment has passed (the device slept): wait for the next one
    invite(turn, reminder)
    return True


def invite(turn, reminder: dict) -> None:
    turn.state["mode"] = "idle"
    turn.state["invitation"] = {"activity": RITUAL if reminder.get("what") == "ritual" else None,
                                "until": turn.now + turn.settings.invitation_wait, "reminder": reminder.get("id")}
    turn.reply.remember = False
    turn.reply.chime("soft")
    when = turn.p("reminder_when", day=turn.words.weekday(turn.local.weekday()),
                  part=turn.p("part_word_" + turn.part_of_day()))
    if reminder.get("what") == "ritual":
        turn.say("reminder_invite_ritual", when=when)
    else:
        turn.say("reminder_invite_checkin", when=when)
