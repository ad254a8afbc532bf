"""The local companion's session: text or recognized intent in, engine output out, memory saved.

Thin on purpose: every decision is the engine's. This is shared by the text console,
the JSONL mode and the voice loop, so all three behave the same.
"""

from __future__ import annotations

import logging
import os
import time

from skill.engine import load_engine
from skill.store import LOCAL_HOUSEHOLD, Store, StoreError, open_store

log = logging.getLogger("closer.local")


def local_timezone() -> str | None:
    """This machine's time zone as an IANA name (the engine words the hour and counts days by it).

    TZ first (as a service or a test sets it), then the system's /etc/timezone or /etc/localtime link."""
    name = (os.environ.get("TZ") or "").lstrip(":").strip()
    if name:
        return name
    try:
        with open("/etc/timezone", encoding="utf-8") as handle:
            name = handle.read().strip()
        if name:
            return name
    except OSError:
        pass
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:
        return None
    marker = "/zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


class Companion:
    """One household's local session."""

    def __init__(self, store: Store, household: str = LOCAL_HOUSEHOLD, clock=time.time, seed: int | None = None):
        self.engine = load_engine()
        self.catalog = self.engine.catalog
        self.store = store
        self.household = household
        self.clock = clock
        self.seed = int(seed if seed is not None else clock() * 1000) % 1_000_000_007
        self.state: dict | None = None
        self.last: dict | None = None
        self.tz = local_timezone()
        self.memory = self._load()

    @classmethod
    def open(cls, db: str | None = None, **kwargs) -> "Companion":
        return cls(open_store(db), **kwargs)

    def _load(self) -> dict:
        try:
            return self.store.load(self.household)
        except StoreError as err:
            log.error("storage unavailable: %s", err)
            from skill.engine import new_memory
            return new_memory()

    def _event(self, kind: str, now: float | None = None, **fields) -> dict:
        now = self.clock() if now is None else now
        return {"type": kind, "now": now, "seed": self.seed, "locale": "en-US", "tz": self.tz, **fields}

    def _step(self, event: dict) -> dict:
        self.state, out = self.engine.step(self.state, event, self.memory)
        if out["effects"]:
            try:
                self.memory = self.store.apply(self.household, out["effects"])
            except StoreError as err:
                # Keep going with what we know; nothing the couple did is lost from this session.
                log.error("could not save progress: %s", err)
                from skill.engine import apply_effects
                self.memory = apply_effects(self.memory, out["effects"])
        for name in out.get("events") or []:
            log.warning("event: %s", name)  # an event type only, never words
        if out["say"]:
            self.last = out
        return out

    @property
    def expect(self) -> list[str]:
        return (self.last or {}).get("expect") or []

    @property
    def mode(self) -> str | None:
        return self.state.get("mode") if self.state else None

    @property
    def expect_now(self) -> list[str]:
        """What is live in the current mode (also after a silent step, such as one heard while idle)."""
        return self.engine.expect(self.state) if self.state else self.expect

    @property
    def wake_at(self) -> float | None:
        from skill.engine.core import wake_at
        return wake_at(self.state) if self.state else None

    def launch(self, now: float | None = None, **fields) -> dict:
        """Open a session; `task="resume"` picks up at the saved step (after a crash, a timer)."""
        return self._step(self._event("launch", now, **fields))

    def intent(self, name: str | None, slots: dict | None = None, now: float | None = None) -> dict:
        return self._step(self._event("intent", now, intent=name or "AMAZON.FallbackIntent", slots=slots or {}))

    def text(self, said: str, now: float | None = None) -> tuple[dict, dict | None]:
        """Match typed text through the catalog, then step; returns (output, match)."""
        match = self.catalog.match(said)
        if match is None:
            return self.intent("AMAZON.FallbackIntent", now=now), None
        return self.intent(match.intent, match.slots, now=now), {"intent": match.intent, "slots": match.slots}

    def played(self, now: float | None = None) -> None:
        """The last reply has finished playing: a timed turn's clock starts now."""
        if self.state and self.state.get("mode") != "idle":
            self._step(self._event("played", now))

    def tick(self, now: float | None = None) -> dict | None:
        """Deliver due timer cues; returns an output only when something is said."""
        now = self.clock() if now is None else now
        due = self.wake_at
        if due is None or now < due:
            return None
        out = self._step(self._event("tick", now))
        return out if out["segments"] else None

    def end(self) -> None:
        if self.state and self.state.get("mode") != "idle":
            self._step(self._event("session_end"))
