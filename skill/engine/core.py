"""The dialogue engine: `(state, event, memory) -> (state, output)`, with no I/O at all.

state  plain JSON kept by the front end for the session (state.py); None starts a new session.
event  {"type": "launch" | "intent" | "tick" | "played" | "session_end", "intent": name,
        "slots": {...}, "now": epoch seconds, "tz": IANA zone, "context": "dinner" | "call" | ...,
        "seed": int, "locale": "en-US"}
memory the household document (memory.py), read-only here: every change is returned as an
       effect in output["effects"] for the front end's store to apply.
output see output.py.

What an intent does is looked up in the table of the current mode (modes/); this module only
routes events there and settles what every reply needs (listening, reprompt, timer actions, pace).
"""

from __future__ import annotations

import difflib

from . import clock, flow, listening, modes, reminders, timing
from .settings import SETTINGS, Settings
from .state import STATE_VERSION, json_copy, new_state
from .turn import Turn

# The expect lists of the usual modes, for front ends that prepare their listening ahead.
MENU = modes.expect({"mode": "menu"})
RUN = modes.expect({"mode": "running"})
PAUSED = modes.expect({"mode": "paused"})
CONFIRM = modes.expect({"mode": "confirm"})
SAFETY = modes.expect({"mode": "safety"})
IDLE = modes.expect({"mode": "idle"})


def wake_at(state: dict) -> float | None:
    """When the engine next wants a tick: a timer's cue, a reminder, or an invitation running out."""
    times = [t for t in (timing.wake_at(state), reminders.wake_at(state)) if t is not None]
    return min(times) if times else None

# A request that opens a session asking for something new ("ask Closer Together for some trust
# questions") starts it; any other one-shot request lands where the couple left off.
STARTS_SOMETHING_NEW = frozenset({"StartCheckInIntent", "StartExerciseIntent", "ThemeIntent", "MoodIntent", "DinnerIntent"})



class Engine:
    """Holds loaded content, the catalog and the settings; `step` is the whole dialogue."""

    def __init__(self, content, catalog, settings: Settings = SETTINGS):
        self.content = content
        self.catalog = catalog
        self.settings = settings

    def new_state(self, now: float, seed: int = 0) -> dict:
        return new_state(now, seed)

    def expect(self, state: dict) -> list[str]:
        return modes.expect(state)

    def step(self, state: dict | None, event: dict, memory: dict | None, owned: bool = False) -> tuple[dict, dict]:
        """Advance the dialogue by one event; never raises on unknown input.

        The caller's state is not changed unless `owned` says the caller hands it over."""
        now = float(event.get("now") or 0.0)
        fresh = state is None or not isinstance(state, dict) or state.get("v") != STATE_VERSION
        if fresh:
            state = new_state(now, int(event.get("seed") or 0))
        elif not owned:
            state = json_copy(state)
        turn = Turn(self, state, event, memory or {})
        state["context"] = event.get("context") or clock.context_for_hour(turn.local.hour, self.settings)
        if event.get("context") == "call":
            state["on_call"] = True
        before, _ = timing.status(state)
        self._route(turn, event, fresh)
        state["n"] += 1
        return state, self._render(turn, before)

    def _route(self, turn: Turn, event: dict, fresh: bool) -> None:
        state, kind = turn.state, event.get("type")
        if kind == "launch":
            if state.get("mode") == "idle":
                state["mode"] = "menu"
            if not (event.get("task") == "resume" and self._resume_directly(turn)):
                flow.greet(turn)
        elif kind == "session_end":
            if state.get("run") and state["mode"] in ("running", "paused"):
                flow.save_progress(turn)
            turn.reply.end = True
            turn.reply.remember = False
        elif kind == "played":
            timing.anchor(state, turn.now)
            turn.reply.remember = False
        elif kind == "tick":
            turn.reply.remember = False  # a cue is not worth repeating; a new step after it is
            self._tick(turn)
        else:
            name = event.get("intent") or modes.FALLBACK
            turn.asked_first = bool(state.pop("asked_first", False))
            turn.list_at = int(state.pop("list_at", 0) or 0)
            if fresh:
                turn.effect("launch", at=turn.now)
                if name not in STARTS_SOMETHING_NEW and flow.restore(turn):
                    pass
            modes.handler_for(state["mode"], name)(turn, event.get("slots") or {})

    def _resume_directly(self, turn: Turn) -> bool:
        """A timer brought the couple back: go straight to the step they were on."""
        if not flow.resumable(turn, turn.mem.get("progress")):
            return False
        turn.effect("launch", at=turn.now)
        if flow.on_timed_step(turn, turn.mem.get("progress")):
            flow.time_up_return(turn)  # only the turn's last timer brings them back: never the same turn again
            return True
        return flow.pick_up(turn)

    def _tick(self, turn: Turn) -> None:
        """Time passes: a gentle warning before a timed turn ends, then a chime and, after a breath, the next step."""
        if reminders.tick(turn):
            return
        cue = timing.due(turn)
        if cue == "end":
            turn.reply.remember = True
            turn.reply.chime("end")
            turn.say("time_up")
            turn.reply.pause(self.settings.after_cue)
            turn.run["timer"] = None
            turn.run["answered"] = True
            flow.advance(turn)
        elif cue == "warn":
            turn.run["timer"]["warned"] = True
            turn.reply.chime("warn")
            turn.say("time_warn", left=turn.words.duration(turn.run["timer"]["end"] - turn.now))

    def _render(self, turn: Turn, timer_before: str | None) -> dict:
        state, reply = turn.state, turn.reply
        if reply.end:
            state["mode"] = "idle"
            state["confirm"] = None
        reminders.schedule(turn)
        listening.settle(turn, modes.expect(state))
        if timer_before is None and turn.timer_was_live:
            timer_before = "running"
        reply.timer_actions = timing.actions(timer_before, turn, reply.end)
        level = self.settings.clamp_pace(turn.pref("pace"))
        pace = self.settings.pace(level)
        out = reply.render(level, pace.wpm, pace.pause_scale, state["mode"])
        out["wake_at"] = wake_at(state)
        if reply.remember and out["say"]:
            state["last"] = {"segments": [s for s in reply.segments if s["type"] in ("text", "pause")],
                             "reprompt": out["reprompt"], "prompt": out["prompt"]}
        return out

    def resolve_activity(self, spoken: str | None) -> str | None:
        """Map a spoken exercise name to an activity id, allowing close variants."""
        if not spoken:
            return None
        from ..catalog import name_forms, normalize
        names = self.content.activity_names()
        said = normalize(spoken)
        for form in name_forms(said):  # "memory lane", "the memory lane exercise"
            if form in names:
                return names[form]
        close = difflib.get_close_matches(said, list(names), n=1, cutoff=self.settings.name_cutoff)
        return names[close[0]] if close else None


def anchor_timer(state: dict, now: float) -> None:
    timing.anchor(state, now)
