"""Always listening: after a session ends ("stop", "good night") the local companion waits,
quietly, for a start phrase instead of exiting.

While idle only start phrases ("start a check in", an exercise by name, "Closer Together")
and a disclosure of not being safe are live; anything else is the couple talking and is
left alone without a word. The engine keeps an ended session in mode `idle` and answers a
start phrase itself; with an engine that only marks the session `ended`, the loop hands it
a fresh state on the next start phrase, so a second check-in works either way.

A crash mid-session: the service restarts the companion (Restart=always), and a marker
file written while a session is open says so, so the restart picks up at the same step
(the engine saves progress at every step) instead of greeting as if nothing happened.
"""

from __future__ import annotations

import os
from pathlib import Path

from .recognition import CommandSet, Phrase

WAKE_INTENT = "WakeIntent"
# Used only when the catalog has no WakeIntent of its own (the name the engine's idle mode answers).
WAKE_PHRASES = ("closer together", "hey closer together", "okay closer together")
START_INTENTS = ("StartCheckInIntent", "StartExerciseIntent", WAKE_INTENT)
ALWAYS_IN_IDLE = ("SafetyIntent",)


def with_wake_intent(commands: CommandSet) -> CommandSet:
    """The command set with a WakeIntent ("Closer Together") when the catalog has none."""
    if WAKE_INTENT in commands.phrases:
        return commands
    phrases = dict(commands.phrases)
    phrases[WAKE_INTENT] = [Phrase(WAKE_INTENT, tuple(text.split()), {}) for text in WAKE_PHRASES]
    templates = commands.templates.with_intent(WAKE_INTENT, WAKE_PHRASES) if commands.templates else None
    return commands.derive(phrases=phrases, templates=templates)


def is_idle(companion) -> bool:
    """The session has ended (or none has begun after an end): only start phrases are heard."""
    return (getattr(companion, "state", None) or {}).get("mode") in ("idle", "ended")


def idle_expect(companion, known: list[str]) -> list[str]:
    """What may be said while idle: the engine's idle expect list when it gives one, else the start phrases."""
    last = companion.last or {}
    given = last.get("expect") if last.get("mode") == "idle" else None
    names = [n for n in (given or START_INTENTS) if n in known]
    return names + [n for n in ALWAYS_IN_IDLE if n in known and n not in names]


def respond_idle(companion, result, now: float) -> dict | None:
    """A start phrase begins a new session; anything else while idle is left alone."""
    if not result.intent:
        return None
    if (companion.state or {}).get("mode") == "ended":
        # An engine without an idle mode: a fresh session, as if just launched.
        companion.state = None
        if result.intent == WAKE_INTENT:
            return companion.launch(now)
        return companion.intent(result.intent, result.slots, now=now)
    out = companion.intent(result.intent, result.slots, now=now)
    return out if out.get("say") else None


class SessionMarker:
    """A file that exists while a session is open: found at start-up, it means the last run crashed."""

    def __init__(self, path: str | Path | None = None):
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        self.path = Path(path) if path else base / "closer" / "session-open"

    def crashed(self) -> bool:
        return self.path.exists()

    def update(self, companion) -> None:
        """Open while a session runs, gone once it is idle."""
        try:
            if is_idle(companion) or companion.state is None:
                self.path.unlink(missing_ok=True)
            elif not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.touch()
        except OSError:
            pass  # only a hint for the next start; never stop listening over it

    def clear(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            pass


def launch(companion, marker: SessionMarker | None) -> dict:
    """Greet, or after a crash mid-session pick up at the step the couple was on."""
    if marker is not None and marker.crashed():
        out = companion.launch(task="resume")
        if out.get("say"):
            return out
    return companion.launch()
