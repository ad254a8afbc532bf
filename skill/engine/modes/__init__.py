"""The mode tables: for each mode, `{intent: handler}`; what a front end listens for is the table's keys.

    menu     nothing under way: start something, ask for the list, set names and preferences
    running  a check-in or exercise step is under way (partners may be talking)
    paused   the step is held, its clock too
    confirm  a yes or no is awaited (pick up where you left off? delete everything?)
    safety   after a disclosure: resources, and no exercise for the rest of the session
    idle     the session has ended; a local companion waits for a start phrase

Every mode but idle also has the `always` layer (help, stop, cancel, safety). An intent a mode
does not list goes to that mode's fallback.
"""

from __future__ import annotations

from . import always, confirm, idle, menu, paused, running, safety

FALLBACK = "AMAZON.FallbackIntent"
TABLES = {
    "menu": menu.TABLE,
    "running": running.TABLE,
    "paused": paused.TABLE,
    "confirm": confirm.TABLE,
    "safety": safety.TABLE,
    "idle": idle.TABLE,
}
WITH_ALWAYS = {"menu", "running", "paused", "confirm", "safety"}


def _timer(state: dict) -> bool:
    return bool((state.get("run") or {}).get("timer"))


def _invited(state: dict) -> bool:
    return bool(state.get("invitation"))


def _never(state: dict) -> bool:
    return False


# Intents a mode handles always but listens for only when they can mean something.
LISTEN_ONLY_WHEN = {
    "running": {"TimeLeftIntent": _timer},
    "paused": {"TimeLeftIntent": _timer},
    "idle": {name: _invited for name in idle.ONLY_WHEN_INVITED},
    # Answered when typed, never listened for: by voice a partner's late "I'm done" after the
    # last turn should pass unheard, not end or start anything.
    "menu": {"DoneIntent": _never, "BothDoneIntent": _never},
}


def table(mode: str) -> dict:
    """The whole table of a mode: its own handlers over the always layer."""
    own = dict(TABLES.get(mode) or TABLES["menu"])
    if mode in WITH_ALWAYS:
        for name, handler in always.TABLE.items():
            own.setdefault(name, handler)  # listed after the mode's own intents; a mode may override one
    return own


_FULL = {mode: table(mode) for mode in TABLES}


def handler_for(mode: str, intent: str):
    full = _FULL.get(mode) or _FULL["menu"]
    return full.get(intent) or full[FALLBACK]


def expect(state: dict) -> list[str]:
    """The intents live in the state's mode (its table's keys, less the fallback and conditional ones)."""
    mode = state.get("mode") or "menu"
    when = LISTEN_ONLY_WHEN.get(mode, {})
    return [name for name in _FULL.get(mode, _FULL["menu"])
            if name != FALLBACK and (name not in when or when[name](state))]
