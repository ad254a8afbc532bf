"""How one household's memory document is laid out in a store: a small core and compact growing parts.

The engine reads one document (skill/engine/memory.py). Kept as one blob, a year-old household
rewrites its whole history (about 33 KB) on every turn. So a store keeps it in parts:
- the core: everything that changes turn by turn (progress, prefs, names, counters, unknown keys);
- `used.N`: the used-question map, spread over USED_BUCKETS buckets by a stable hash of the prompt id,
  so marking one question used rewrites one bucket of a few hundred bytes;
- `hist.N`: finished sessions, CHUNK entries per part, as a field list plus rows (no repeated keys);
  entry number n lives in part n // CHUNK, so a new session rewrites the last chunk only;
- `saved`: the saved prompt ids.
A turn's effects say which parts changed (`plan`), and only those are written. Effects this module
does not know (or a forget inside a list) fall back to rewriting every part, which is always right.

Decoded parts are cached by their exact text, so a turn that reads an unchanged history does not
parse it again; callers always get fresh containers, so applying effects never touches the cache.
"""

from __future__ import annotations

import json
import zlib
from collections import OrderedDict

from ..engine import memory as engine_memory

USED_BUCKETS = 16
CHUNK = 20
GROWING = ("used", "history", "saved")
HISTORY_COUNT = "_hn"  # kept in the core record: how many sessions were ever finished (numbers the chunks)
CORE_OPS = {"launch", "names", "prefs", "progress", "ladder", "counter"}
_CACHE_LIMIT = 8192


def dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def used_part(prompt) -> str:
    return f"used.{zlib.crc32(str(prompt).encode()) % USED_BUCKETS}"


def hist_part(chunk: int) -> str:
    return f"hist.{chunk}"


def history_limit() -> int:
    return int(getattr(engine_memory, "HISTORY_LIMIT", 400))


# -- encoding of single parts ---------------------------------------------------------
def encode_history(entries: list[dict]) -> str:
    fields: list[str] = []
    for entry in entries:
        for key in entry:
            if key not in fields:
                fields.append(key)
    missing = object()
    rows = [[entry.get(k, missing) for k in fields] for entry in entries]
    # A key absent from an entry is written as a trailing-free marker so it stays absent on the way back.
    return dumps({"k": fields, "r": [[None if v is missing else v for v in row] for row in rows],
                  "a": [[i for i, v in enumerate(row) if v is missing] for row in rows]
                  if any(v is missing for row in rows for v in row) else None})


def decode_history(raw: str) -> list[dict]:
    data = json.loads(raw)
    fields, absent = data["k"], data.get("a")
    if not absent:
        return [dict(zip(fields, row)) for row in data["r"]]
    out = []
    for row, gone in zip(data["r"], absent):
        entry = dict(zip(fields, row))
        for i in gone:
            entry.pop(fields[i], None)
        out.append(entry)
    return out


class PartCache:
    """Decoded parts by their exact stored text, and each household's last assembled growing parts.

    Both are bounded (least recently used dropped first). A household read again with exactly the
    same part texts (compared, not hashed: a memcmp) reuses its assembled used map and history."""

    def __init__(self, limit: int = _CACHE_LIMIT, households: int = 512):
        self.limit, self.households = limit, households
        self._items: dict[str, OrderedDict[str, object]] = {"hist": OrderedDict(), "other": OrderedDict()}
        self._assembled: OrderedDict[str, tuple[dict, tuple]] = OrderedDict()

    def decode(self, name: str, raw: str):
        items = self._items["hist" if name.startswith("hist.") else "other"]  # kinds never alias
        hit = items.get(raw)
        if hit is not None:
            items.move_to_end(raw)
            return hit
        value = decode_history(raw) if name.startswith("hist.") else json.loads(raw)
        items[raw] = value
        if len(items) > self.limit:
            items.popitem(last=False)
        return value

    def assembled(self, household: str | None, parts: dict[str, str]):
        if household is None:
            return None
        hit = self._assembled.get(household)
        if hit is not None and hit[0] == parts:
            self._assembled.move_to_end(household)
            return hit[1]
        return None

    def remember(self, household: str | None, parts: dict[str, str], value: tuple) -> None:
        if household is None:
            return
        self._assembled[household] = (parts, value)
        self._assembled.move_to_end(household)
        if len(self._assembled) > self.households:
            self._assembled.popitem(last=False)


# -- the whole document ----------------------------------------------------------------
def _assemble(parts: dict[str, str], cache: PartCache) -> tuple[dict, list, list | None]:
    used: dict = {}
    chunks = []
    saved = None
    for name, raw in parts.items():
        try:
            value = cache.decode(name, raw)
        except (ValueError, KeyError, TypeError):
            continue
        if name.startswith("used."):
            used.update(value)
        elif name.startswith("hist."):
            chunks.append((int(name[5:]), value))
        elif name == "saved":
            saved = value
    history: list = []
    for _, entries in sorted(chunks, key=lambda c: c[0]):
        history.extend(entries)
    if len(history) > history_limit():
        history = history[-history_limit():]
    return used, history, saved


def join(core_raw: str | None, parts: dict[str, str], cache: PartCache,
         household: str | None = None) -> tuple[dict | None, int]:
    """The memory document from its stored parts, and the finished-session count. None when unknown.

    The growing containers are fresh copies (shallow: their entries are never changed in place), so
    the caller may apply effects to the result without touching the cache."""
    if core_raw is None:
        return None, 0
    try:
        memory = json.loads(core_raw)
    except ValueError:
        return None, 0  # a damaged record reads as a new household rather than a crash
    if not isinstance(memory, dict):
        return None, 0
    count = int(memory.pop(HISTORY_COUNT, 0) or 0)
    if not parts and ("used" in memory or "history" in memory):
        memory.setdefault("saved", [])  # a whole document written by an older writer: use it as it is
        return memory, count
    assembled = cache.assembled(household, parts)
    if assembled is None:
        assembled = _assemble(parts, cache)
        cache.remember(household, parts, assembled)
    used, history, saved = assembled
    memory["used"] = dict(used)
    memory["history"] = list(history)
    memory["saved"] = list(saved) if saved is not None else []
    return memory, count


def remember_written(cache: PartCache, household: str, parts: dict[str, str], memory: dict) -> None:
    """After a write: the parts as now stored assemble to this document's growing containers (copied,
    since the caller keeps the document), so the next read of the household decodes nothing."""
    cache.remember(household, parts, (dict(memory.get("used") or {}), list(memory.get("history") or []),
                                      list(memory.get("saved") or [])))


def split(memory: dict) -> tuple[str, dict[str, str], int]:
    """Every part of a document written from scratch: (core text, {part: text}, finished count)."""
    history = list(memory.get("history") or [])
    core = {k: v for k, v in memory.items() if k not in GROWING}
    core[HISTORY_COUNT] = len(history)
    parts: dict[str, str] = {}
    buckets: dict[str, dict] = {}
    for prompt, at in (memory.get("used") or {}).items():
        buckets.setdefault(used_part(prompt), {})[prompt] = at
    for name, bucket in buckets.items():
        parts[name] = dumps(bucket)
    for start in range(0, len(history), CHUNK):
        parts[hist_part(start // CHUNK)] = encode_history(history[start:start + CHUNK])
    if memory.get("saved"):
        parts["saved"] = dumps(list(memory["saved"]))
    return dumps(core), parts, len(history)


def core_text(memory: dict, count: int) -> str:
    core = {k: v for k, v in memory.items() if k not in GROWING}
    core[HISTORY_COUNT] = count
    return dumps(core)


class Plan:
    """What one apply writes: the new core, parts to put (text) or delete (None), or a full rewrite."""

    def __init__(self, core: str, changes: dict[str, str | None], count: int, rewrite: bool):
        self.core, self.changes, self.count, self.rewrite = core, changes, count, rewrite

    @property
    def bytes_written(self) -> int:
        return len(self.core.encode()) + sum(len(k) + len(v.encode()) for k, v in self.changes.items() if v)


def plan(before: dict | None, count: int, parts: dict[str, str], effects: list[dict],
         cache: PartCache) -> tuple[dict, Plan]:
    """Apply effects to the stored document; return the new document and only what must be written."""
    ops = [e.get("op") for e in effects]
    if ops and ops[0] == "_replace":  # BaseStore.save: the given document, whole
        memory = engine_memory.apply_effects(json.loads(dumps(effects[0]["memory"])), effects[1:], owned=True)
        before = None
    else:
        memory = engine_memory.apply_effects(before, effects, owned=True)  # `before` holds fresh containers
    known = CORE_OPS | {"used", "reset_used", "finished", "saved"}
    if before is None or any(op not in known for op in ops):
        core, new_parts, new_count = split(memory)
        changes: dict[str, str | None] = {name: None for name in parts if name not in new_parts}
        changes.update(new_parts)
        return memory, Plan(core, changes, new_count, rewrite=True)

    changes = {}
    touched_buckets: dict[str, set] = {}
    for effect in effects:
        if effect.get("op") == "used":
            touched_buckets.setdefault(used_part(effect.get("prompt")), set()).add(str(effect.get("prompt")))
        elif effect.get("op") == "reset_used":
            for prompt in effect.get("prompts") or []:
                touched_buckets.setdefault(used_part(prompt), set()).add(str(prompt))
    used = memory.get("used") or {}
    for name, prompts in touched_buckets.items():
        bucket = dict(cache.decode(name, parts[name])) if name in parts else {}
        for prompt in prompts:
            if prompt in used:
                bucket[prompt] = used[prompt]
            else:
                bucket.pop(prompt, None)
        changes[name] = dumps(bucket) if bucket else None

    finished = ops.count("finished")
    new_count = count + finished
    if finished:
        history = memory.get("history") or []
        first_kept = new_count - len(history)  # the number of history[0]
        for chunk in range(count // CHUNK, (new_count - 1) // CHUNK + 1):
            lo = max(chunk * CHUNK, first_kept)
            hi = min((chunk + 1) * CHUNK, new_count)
            entries = history[lo - first_kept:hi - first_kept]
            changes[hist_part(chunk)] = encode_history(entries) if entries else None
        for name in parts:  # chunks wholly older than the limit go
            if name.startswith("hist.") and (int(name[5:]) + 1) * CHUNK <= first_kept:
                changes[name] = None
    if "saved" in ops:
        changes["saved"] = dumps(list(memory.get("saved") or []))
    for name in [n for n, v in changes.items() if v is None and n not in parts]:
        del changes[name]  # nothing to delete
    return memory, Plan(core_text(memory, new_count), changes, new_count, rewrite=False)
