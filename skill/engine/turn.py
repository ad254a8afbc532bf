"""The step object: one event being handled, the state it changes and the reply it builds.

Handlers (modes/) and the flow (flow.py) receive a Turn; nothing here decides behaviour.
"""

from __future__ import annotations

import random

from . import clock
from .memory import apply_effect, new_memory
from .output import Reply
from .words import Phrases, Words

_EMPTY = new_memory()
# Which container of the memory each effect changes in place (the others replace values).
_EFFECT_KEYS = {"prefs": "prefs", "used": "used", "reset_used": "used", "finished": "history", "saved": "saved"}


class Turn:
    """One step of the dialogue: the state being changed, the reply being built."""

    def __init__(self, engine, state: dict, event: dict, memory: dict):
        self.engine = engine
        self.content = engine.content
        self.settings = engine.settings
        self.state = state
        self.event = event
        self.now = float(event.get("now") or 0.0)
        self.tz = event.get("tz") or None
        self._mem_src = memory or None
        self._mem = None
        self.reply = Reply()
        self.asked_first = False  # the last reply asked "would you like to start?"
        self.list_at = 0          # where "next" goes on in a list of exercise names
        self.timer_was_live = False  # a timer may be running on the device (set by restoring a timed step)
        # Deterministic per (seed, turn number, household counter); an integer seeds fastest.
        self.rng = random.Random((int(state["seed"]) * 1_000_003 + int(state["n"])) * 1_000_003
                                 + int(self.mem.get("counter", 0)))
        locale = event.get("locale") or "en-US"
        self.phrases = Phrases(self.content.phrases.get(locale) or self.content.phrases["en-US"])
        self.words = Words(self.phrases)
        self.safety = self.content.safety.get(locale) or self.content.safety["en-US"]
        self.local = clock.local(self.now, self.tz)

    # -- memory ------------------------------------------------------------------------
    @property
    def mem(self) -> dict:
        """Household memory as changed by this turn's effects (copied only when first changed)."""
        return self._mem if self._mem is not None else (self._mem_src or _EMPTY)

    def effect(self, op: str, **fields) -> None:
        self.reply.effect(op, **fields)
        if self._mem is None:
            # Copy on write: the top level now, each container only when an effect changes it.
            self._mem = dict(self._mem_src) if self._mem_src else new_memory()
            self._copied: set[str] = set()
        key = _EFFECT_KEYS.get(op)
        if key and key not in self._copied and isinstance(self._mem.get(key), (dict, list)):
            self._mem[key] = type(self._mem[key])(self._mem[key])
            self._copied.add(key)
        apply_effect(self._mem, {"op": op, **fields})

    def pref(self, key: str, default: int = 0) -> int:
        return int((self.mem.get("prefs") or {}).get(key, default) or 0)

    # -- words -------------------------------------------------------------------------
    def part_of_day(self) -> str:
        """morning, afternoon, evening or night where the couple is; "unknown" when no time zone came
        with the event (an Alexa request carries none), so the words stay neutral rather than guess."""
        return clock.part_of_day(self.local.hour, self.settings) if self.tz else "unknown"

    def p(self, key: str, **values) -> str:
        if "checkin" not in values:
            values["checkin"] = self.phrases.get("checkin_name_" + self.part_of_day())
        return self.phrases.get(key, self.rng, **values)

    def say(self, key: str, **values) -> None:
        self.reply.text(self.p(key, **values))

    def beat(self, seconds: float | None = None) -> None:
        """A quiet moment after words, so the next ones do not tread on them."""
        self.reply.pause(self.settings.beat if seconds is None else seconds)

    # -- the activity and the couple ---------------------------------------------------------
    @property
    def mode(self) -> str:
        return self.state["mode"]

    @property
    def run(self) -> dict | None:
        return self.state.get("run")

    @property
    def names(self):
        return self.mem.get("names")

    def pair(self) -> str:
        return self.words.pair(self.names)
