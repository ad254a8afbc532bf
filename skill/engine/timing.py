"""Timed turns: the clock of a step ("I'll chime when three minutes are up"), cues, and timer actions.

A running timer lives in the run: {"end": epoch, "warn": epoch or None, "warned": bool,
"left": seconds while paused, "warn_before": s, "seconds": s, "anchored": bool}.
Front ends get `timer_actions` (start, pause, resume, cancel) and apply exactly those.
"""

from __future__ import annotations


def start(turn, step) -> None:
    """A timed step begins: its clock runs from this reply (or from when it has been heard)."""
    seconds = int(step.seconds)
    warn = int(step.warn_before) if step.warn_before else None
    turn.run["timer"] = {"end": turn.now + seconds, "warn": (turn.now + seconds - warn) if warn else None,
                         "warned": False, "left": None, "warn_before": warn, "seconds": seconds, "anchored": False}
    arm(turn, seconds, warn)


def arm(turn, seconds: float, warn: int | None) -> None:
    """The reply carries the wait and its cues (a warning, then time up)."""
    cues = []
    if warn and seconds > warn:
        cues.append({"after": int(seconds - warn), "kind": "warn",
                     "text": turn.p("time_warn", left=turn.words.duration(warn))})
    cues.append({"after": int(seconds), "kind": "end", "text": turn.p("time_up")})
    turn.reply.timer = {"seconds": int(seconds), "cues": cues}
    turn.reply.wait(seconds, "timed")


def left(turn) -> float:
    timer = turn.run["timer"]
    return timer["left"] if timer.get("left") is not None else max(0.0, timer["end"] - turn.now)


def pause(turn) -> None:
    timer = turn.run.get("timer") if turn.run else None
    if timer and timer.get("left") is None:
        timer["left"] = max(0.0, timer["end"] - turn.now)


def resume(turn) -> bool:
    """Start a paused clock again with the time it had left; False when no clock was paused."""
    timer = turn.run.get("timer") if turn.run else None
    if not timer or timer.get("left") is None:
        return False
    remaining = timer["left"]
    timer["end"] = turn.now + remaining
    wb = timer.get("warn_before")
    timer["warn"] = (timer["end"] - wb) if wb and not timer.get("warned") and remaining > wb else None
    timer["left"] = None
    timer["seconds"], timer["anchored"] = remaining, False  # the clock restarts once this reply is heard
    turn.say("resumed_timer", left=turn.words.duration(remaining))
    arm(turn, remaining, wb if timer["warn"] else None)
    turn.timer_resumed = True
    return True


def due(turn) -> str | None:
    """Which cue is due now: "end", "warn" or None."""
    timer = turn.run.get("timer") if turn.run else None
    if turn.mode != "running" or not timer or timer.get("left") is not None:
        return None
    if turn.now >= timer["end"]:
        return "end"
    if timer.get("warn") and not timer.get("warned") and turn.now >= timer["warn"]:
        return "warn"
    return None


def anchor(state: dict, now: float) -> None:
    """The reply that started a timed turn has finished playing: the turn's time starts now.

    Front ends that know when speech ends send {"type": "played"}; without it the timer
    runs from the moment the reply was produced."""
    run = state.get("run")
    timer = run.get("timer") if run else None
    if state.get("mode") != "running" or not timer or timer.get("anchored") or timer.get("left") is not None:
        return
    seconds = float(timer.get("seconds") or 0)
    timer["end"] = now + seconds
    if timer.get("warn") is not None and timer.get("warn_before"):
        timer["warn"] = timer["end"] - timer["warn_before"]
    timer["anchored"] = True


def wake_at(state: dict) -> float | None:
    """When the engine next wants a tick: the running timer's next cue."""
    run = state.get("run")
    if state.get("mode") != "running" or not run or not run.get("timer"):
        return None
    timer = run["timer"]
    if timer.get("left") is not None:
        return None
    if timer.get("warn") and not timer.get("warned"):
        return timer["warn"]
    return timer["end"]


# -- what the device's timers should do -------------------------------------------------------------
def status(state: dict) -> tuple[str | None, float]:
    """("running" | "paused" | None, seconds left) of the step's clock."""
    run = state.get("run")
    timer = run.get("timer") if run else None
    if state.get("mode") not in ("running", "paused") or not timer:
        return None, 0.0
    if timer.get("left") is not None:
        return "paused", float(timer["left"])
    return "running", 0.0


def actions(before: str | None, turn, ended: bool) -> list[dict]:
    """The timer actions of this step, from the clock before and after it (never from intent names)."""
    after, remaining = (None, 0.0) if ended else status(turn.state)
    armed = turn.reply.timer
    if armed:
        op = "resume" if getattr(turn, "timer_resumed", False) else "start"
        return [{"op": op, "seconds": int(armed["seconds"]), "cues": armed["cues"]}]
    if before and not after:
        return [{"op": "cancel", "seconds": 0, "cues": []}]
    if before == "running" and after == "paused":
        return [{"op": "pause", "seconds": int(round(remaining)), "cues": []}]
    return []
