"""Household memory: a plain JSON document, changed only by applying effects.

The engine never writes storage. It returns effects (small dicts) and every front end
applies them with `apply_effects`, inside one transaction of its store, to the freshly
read document. Applying effects rather than saving a whole document is what keeps
concurrent writers from losing each other's updates.

Nothing anyone said is ever part of this document: names, preferences, the step in
progress, which prompt ids were used and when, finished sessions, saved prompt ids.
"""

from __future__ import annotations

import json

MEMORY_VERSION = 1
HISTORY_LIMIT = 400
PACE_LIMIT = 2


def new_memory() -> dict:
    """An empty household: what a couple that never used the product looks like."""
    return {
        "v": MEMORY_VERSION,
        "names": None,
        "prefs": {"pace": 0, "depth": 1, "first": 0},
        "progress": None,
        "used": {},
        "ladder": 0,
        "history": [],
        "saved": [],
        "launches": 0,
        "last_seen": None,
        "counter": 0,
    }


def _prefs(memory: dict, values: dict) -> None:
    prefs = memory.setdefault("prefs", {})
    for key, value in values.items():
        if key == "pace":
            value = max(-PACE_LIMIT, min(PACE_LIMIT, int(value)))
        elif key == "depth":
            value = max(1, min(3, int(value)))
        elif key in ("first", "apart"):
            value = int(value) % 2
        else:
            continue
        prefs[key] = value


def apply_effect(memory: dict, effect: dict) -> dict:
    """Apply one effect in place and return the memory."""
    op = effect.get("op")
    if op == "forget":
        memory.clear()
        memory.update(new_memory())
    elif op == "launch":
        memory["launches"] = int(memory.get("launches", 0)) + 1
        memory["last_seen"] = effect.get("at")
    elif op == "names":
        names = effect.get("names")
        memory["names"] = [str(n)[:40] for n in names][:2] if names else None
    elif op == "prefs":
        _prefs(memory, effect.get("set") or {})
    elif op == "progress":
        memory["progress"] = effect.get("progress")
    elif op == "used":
        memory.setdefault("used", {})[str(effect["prompt"])] = effect.get("at")
    elif op == "reset_used":
        used = memory.setdefault("used", {})
        for prompt_id in effect.get("prompts", []):
            used.pop(prompt_id, None)
    elif op == "ladder":
        memory["ladder"] = int(effect.get("pos", 0))
    elif op == "finished":
        entry = {k: effect.get(k) for k in ("activity", "kind", "at", "seconds", "day", "answered") if k in effect}
        history = memory.setdefault("history", [])
        history.append(entry)
        del history[:-HISTORY_LIMIT]
    elif op == "saved":
        saved = memory.setdefault("saved", [])
        if effect["prompt"] not in saved:
            saved.append(effect["prompt"])
    elif op == "counter":
        memory["counter"] = int(memory.get("counter", 0)) + int(effect.get("by", 1))
    else:
        raise ValueError(f"unknown memory effect: {op!r}")
    return memory


def apply_effects(memory: dict | None, effects: list[dict], owned: bool = False) -> dict:
    """Return the memory with every effect applied in order: a new one, unless the caller owns it."""
    if not memory:
        result = new_memory()
    else:
        result = memory if owned else json.loads(json.dumps(memory))
    for effect in effects:
        apply_effect(result, effect)
    return result
