"""Household memory on SQLite (through sqlite-utils): the default store, one file, several processes.

Layout (skill/stores/layout.py): `households` holds each household's small core record, `parts` its
growing parts (used buckets, history chunks, saved), so a turn writes a few hundred bytes whatever
the household's age. Every change is a list of effects applied inside `BEGIN IMMEDIATE`: a deferred
transaction that reads and then writes fails with "database is locked" under contention, while an
immediate one queues on the write lock from the start.

Writers also queue on a lock file (`<db>-writer`, flock) before BEGIN IMMEDIATE. SQLite's own busy
handler polls: a writer that finds the lock taken sleeps 1, 2, 5, 10 ... ms while the holder needs
about 0.1 ms, and under load one request waited near the whole busy timeout (2.5 s). The kernel
hands a flock to the next waiter as soon as it is released, so waits stay as short as the work.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path

import sqlite_utils

from ..engine.memory import new_memory
from . import layout
from ..private_files import prepare_database
from .base import LOCAL_HOUSEHOLD, BaseStore, StoreError  # noqa: F401 (re-exported)

APP_NAME = "closer-together"
BUSY_TIMEOUT_MS = 2_500


def default_db_path(explicit: str | None = None) -> Path:
    """--db, else $CLOSER_DB, else closer.db in the user's data directory."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get("CLOSER_DB"):
        return Path(os.environ["CLOSER_DB"]).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "closer.db"


def _m1_households(db: sqlite_utils.Database) -> None:
    db["households"].create({"id": str, "data": str, "created": float, "updated": float}, pk="id")


def _m2_updated_index(db: sqlite_utils.Database) -> None:
    db["households"].create_index(["updated"], index_name="households_updated")


def _m3_drop_updated_index(db: sqlite_utils.Database) -> None:
    # Nothing queries by update time; the index only made every turn's write touch two b-trees.
    db.execute("DROP INDEX IF EXISTS households_updated")


def _m4_split_parts(db: sqlite_utils.Database) -> None:
    """Move each household's growing parts out of its one JSON document (`data` keeps the core)."""
    db.execute("CREATE TABLE parts (household TEXT NOT NULL, part TEXT NOT NULL, data TEXT NOT NULL, "
               "rev INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (household, part)) WITHOUT ROWID")
    for household, data in db.execute("SELECT id, data FROM households").fetchall():
        try:
            memory = json.loads(data)
        except ValueError:
            continue
        if not isinstance(memory, dict):
            continue
        core, parts, _ = layout.split(memory)
        db.execute("UPDATE households SET data = ? WHERE id = ?", (core, household))
        db.conn.executemany("INSERT INTO parts (household, part, data, rev) VALUES (?, ?, ?, ?)",
                            [(household, name, text, _rev()) for name, text in parts.items()])


def _rev() -> int:
    """A part's revision: random, so writers in different processes never reuse one."""
    return secrets.randbits(62)


MIGRATIONS = [("households", _m1_households), ("households_updated_index", _m2_updated_index),
              ("drop_households_updated_index", _m3_drop_updated_index), ("split_parts", _m4_split_parts)]


class WriterQueue:
    """A lock file writers take in turn (flock), reopened in a forked child, shared by threads."""

    def __init__(self, path: Path):
        self.path = path
        self._thread_lock = threading.Lock()
        self._fd = None
        self._pid = None

    def _open(self):
        if self._pid != os.getpid():
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                self._fd = None  # a read-only folder: SQLite's own lock still keeps writes safe
            self._pid = os.getpid()
        return self._fd

    def __enter__(self):
        self._thread_lock.acquire()
        fd = self._open()
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._thread_lock.release()

    def close(self):
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None


class SqliteStore(BaseStore):
    """The household store on one SQLite file; safe to share the file between processes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.location = str(self.path)
        self.cache = layout.PartCache()
        self._texts: OrderedDict[str, tuple[dict, dict]] = OrderedDict()  # household -> (part revs, part texts)
        try:
            prepare_database(self.path)  # owner-only file (and so -wal, -shm); only the default folder is created
            conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                                   check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        except (sqlite3.Error, OSError) as err:
            raise StoreError(f"cannot open the database at {self.path}: {err}") from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.writers = WriterQueue(self.path.with_name(self.path.name + "-writer"))
        self.migrate()

    # -- transactions -----------------------------------------------------------
    def _immediate(self, work, attempts: int = 3):
        """Run `work()` inside BEGIN IMMEDIATE (after the writers' queue), retrying only if the lock never came."""
        delay = 0.05
        for attempt in range(attempts):
            with self.writers:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as err:
                    if "locked" not in str(err) and "busy" not in str(err):
                        raise StoreError(f"database error: {err}") from None
                    if attempt == attempts - 1:
                        raise StoreError("the database is busy (locked by another program); nothing was changed") from None
                else:
                    try:
                        result = work()
                    except BaseException:
                        self.conn.execute("ROLLBACK")
                        raise
                    self.conn.execute("COMMIT")
                    return result
            time.sleep(delay)  # another program (not one of ours) holds the lock: give it time
            delay *= 2
        raise StoreError("the database is busy")  # pragma: no cover

    def migrate(self) -> None:
        """Apply every migration not yet applied, each in its own transaction."""
        try:  # the common case, an up-to-date file, needs no write lock (so a read-only export works beside a writer)
            if "migrations" in self.db.table_names() and self.version >= len(MIGRATIONS):
                return
        except sqlite3.Error:
            pass

        def ensure_table():
            if "migrations" not in self.db.table_names():
                self.db["migrations"].create({"id": int, "name": str, "applied": float}, pk="id")
        try:
            self._immediate(ensure_table)
            for number, (name, migration) in enumerate(MIGRATIONS, start=1):
                def apply_one(number=number, name=name, migration=migration):
                    if self.conn.execute("SELECT 1 FROM migrations WHERE id = ?", (number,)).fetchone():
                        return
                    migration(self.db)
                    self.db["migrations"].insert({"id": number, "name": name, "applied": time.time()})
                self._immediate(apply_one)
        except sqlite3.DatabaseError as err:
            raise StoreError(f"cannot open the database at {self.path}: {err}") from None

    @property
    def version(self) -> int:
        row = self.conn.execute("SELECT max(id) FROM migrations").fetchone()
        return int(row[0] or 0)

    # -- households ---------------------------------------------------------------
    def _read_raw(self, household: str) -> tuple[str | None, dict[str, str]]:
        """The core text and the part texts. Parts this process already holds at the same revision
        are not fetched again: only their revision numbers are read (no text decoded)."""
        row = self.conn.execute("SELECT data FROM households WHERE id = ?", (household,)).fetchone()
        if not row:
            return None, {}
        revs = dict(self.conn.execute("SELECT part, rev FROM parts WHERE household = ?", (household,)).fetchall())
        known = self._texts.get(household)
        if known is not None and known[0] == revs:
            self._texts.move_to_end(household)
            return row[0], known[1]
        held = known[1] if known is not None else {}
        stale = [name for name, rev in revs.items() if known is None or known[0].get(name) != rev]
        if len(stale) > 8:
            fetched = dict(self.conn.execute("SELECT part, data FROM parts WHERE household = ?", (household,)).fetchall())
        else:
            marks = ",".join("?" * len(stale))
            fetched = dict(self.conn.execute(f"SELECT part, data FROM parts WHERE household = ? AND part IN ({marks})",
                                             (household, *stale)).fetchall()) if stale else {}
        parts = {name: fetched[name] if name in fetched else held[name] for name in revs if name in fetched or name in held}
        self._remember(household, revs, parts)
        return row[0], parts

    def _remember(self, household: str, revs: dict, parts: dict) -> None:
        self._texts[household] = (revs, parts)
        self._texts.move_to_end(household)
        if len(self._texts) > 512:
            self._texts.popitem(last=False)

    def load(self, household: str) -> dict:
        """The household's memory (a new one if unknown)."""
        try:
            core, parts = self._read_raw(household)
        except sqlite3.Error as err:
            raise StoreError(f"cannot read the database: {err}") from None
        memory, _ = layout.join(core, parts, self.cache, household)
        return memory or new_memory()

    def _delete(self, household: str | None) -> int:
        self._texts.clear() if household is None else self._texts.pop(household, None)
        if household is None:
            self.conn.execute("DELETE FROM parts")
            return self.conn.execute("DELETE FROM households").rowcount
        self.conn.execute("DELETE FROM parts WHERE household = ?", (household,))
        return self.conn.execute("DELETE FROM households WHERE id = ?", (household,)).rowcount

    def apply(self, household: str, effects: list[dict]) -> dict:
        """Apply effects to the current memory in one immediate transaction; returns the new memory."""
        if not effects:
            return self.load(household)

        def work():
            if effects[-1].get("op") == "forget":  # a final forget leaves no row, whatever came before
                self._delete(household)
                self.last_written = 0
                return new_memory()
            core, parts = self._read_raw(household)
            before, count = layout.join(core, parts, self.cache, household)
            memory, plan = layout.plan(before, count, parts, effects, self.cache)
            known = self._texts.get(household)
            revs, texts = (dict(known[0]), dict(known[1])) if known else ({}, {})
            now = time.time()
            self.conn.execute(
                "INSERT INTO households (id, data, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                (household, plan.core, now, now))
            gone = [(household, name) for name, text in plan.changes.items() if text is None]
            if gone:
                self.conn.executemany("DELETE FROM parts WHERE household = ? AND part = ?", gone)
            put = [(household, name, text, _rev()) for name, text in plan.changes.items() if text is not None]
            if put:
                self.conn.executemany("INSERT INTO parts (household, part, data, rev) VALUES (?, ?, ?, ?) ON CONFLICT"
                                      "(household, part) DO UPDATE SET data = excluded.data, rev = excluded.rev", put)
            for _, name in gone:
                revs.pop(name, None)
                texts.pop(name, None)
            for _, name, text, rev in put:
                revs[name], texts[name] = rev, text
            self._remember(household, revs, texts)  # the next read of this household fetches no text ...
            layout.remember_written(self.cache, household, texts, memory)  # ... and decodes nothing
            self.last_written = plan.bytes_written
            return memory

        try:
            memory = self._immediate(work)
        except sqlite3.Error as err:
            raise StoreError(f"cannot write the database: {err}") from None
        if any(e.get("op") == "forget" for e in effects):
            self._checkpoint()
        return memory

    def _checkpoint(self) -> None:
        """Fold the write-ahead log into the database so deleted data leaves no copy behind."""
        try:
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # another reader holds the log; the next checkpoint clears it

    def forget(self, household: str | None = None) -> int:
        """Delete one household, or every household; returns how many were deleted."""
        deleted = self._immediate(lambda: self._delete(household))
        self._checkpoint()
        return deleted

    def export(self) -> dict:
        """Everything kept, as one JSON-ready dict."""
        try:
            rows = self.conn.execute("SELECT id, data, created, updated FROM households ORDER BY id").fetchall()
            parts: dict[str, dict[str, str]] = {}
            for household, name, text in self.conn.execute("SELECT household, part, data FROM parts"):
                parts.setdefault(household, {})[name] = text
        except sqlite3.Error as err:
            raise StoreError(f"cannot read the database: {err}") from None
        households = []
        for household, core, created, updated in rows:
            memory, _ = layout.join(core, parts.get(household, {}), self.cache)
            households.append({"id": household, "created": created, "updated": updated, "memory": memory or new_memory()})
        return {"database": str(self.path), "schema_version": self.version, "households": households}

    def close(self) -> None:
        self.writers.close()
        self.conn.close()


Store = SqliteStore
