"""Household memory on SQLite (through sqlite-utils): resumable progress, no repeats, forget and export.

One row per household holds its memory document (skill/engine/memory.py). Every change
is a list of effects applied inside `BEGIN IMMEDIATE`, so several processes (gunicorn
workers, the local loop, the CLI) can write one file at once without losing updates:
a deferred transaction that reads and then writes fails with "database is locked"
under contention, while an immediate one queues on the write lock from the start.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import sqlite_utils

from .engine.memory import apply_effects, new_memory
from .private_files import prepare_database

APP_NAME = "closer-together"
BUSY_TIMEOUT_MS = 2_500
LOCAL_HOUSEHOLD = "device:local"


class StoreError(Exception):
    """A storage problem with a message fit to show a person."""


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


MIGRATIONS = [("households", _m1_households), ("households_updated_index", _m2_updated_index),
              ("drop_households_updated_index", _m3_drop_updated_index)]


class Store:
    """The household store; safe to share one file between processes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
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
        self.migrate()

    # -- transactions -----------------------------------------------------------
    def _immediate(self, work, attempts: int = 3):
        """Run `work()` inside BEGIN IMMEDIATE, retrying only if the write lock never came."""
        delay = 0.05
        for attempt in range(attempts):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as err:
                if "locked" in str(err) or "busy" in str(err):
                    if attempt == attempts - 1:
                        raise StoreError("the database is busy (locked by another program); nothing was changed") from None
                    time.sleep(delay)
                    delay *= 2
                    continue
                raise StoreError(f"database error: {err}") from None
            try:
                result = work()
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            return result
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
        self._immediate(ensure_table)
        for number, (name, migration) in enumerate(MIGRATIONS, start=1):
            def apply_one(number=number, name=name, migration=migration):
                if self.conn.execute("SELECT 1 FROM migrations WHERE id = ?", (number,)).fetchone():
                    return
                migration(self.db)
                self.db["migrations"].insert({"id": number, "name": name, "applied": time.time()})
            self._immediate(apply_one)

    @property
    def version(self) -> int:
        row = self.conn.execute("SELECT max(id) FROM migrations").fetchone()
        return int(row[0] or 0)

    # -- households ---------------------------------------------------------------
    def _read(self, household: str) -> dict | None:
        row = self.conn.execute("SELECT data FROM households WHERE id = ?", (household,)).fetchone()
        if not row:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            return None  # a damaged row reads as a new household rather than a crash

    def load(self, household: str) -> dict:
        """The household's memory (a new one if unknown)."""
        try:
            return self._read(household) or new_memory()
        except sqlite3.Error as err:
            raise StoreError(f"cannot read the database: {err}") from None

    def apply(self, household: str, effects: list[dict]) -> dict:
        """Apply effects to the current memory in one immediate transaction; returns the new memory."""
        if not effects:
            return self.load(household)

        def work():
            if effects[-1].get("op") == "forget":  # a final forget leaves no row, whatever came before
                self.conn.execute("DELETE FROM households WHERE id = ?", (household,))
                return new_memory()
            memory = apply_effects(self._read(household), effects, owned=True)  # freshly parsed: ours to change
            now = time.time()
            self.conn.execute(
                "INSERT INTO households (id, data, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                (household, json.dumps(memory, separators=(",", ":")), now, now),
            )
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

    def save(self, household: str, memory: dict) -> None:
        """Replace a household's whole memory (for the Alexa persistence adapter)."""
        def work():
            now = time.time()
            self.conn.execute(
                "INSERT INTO households (id, data, created, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET data = excluded.data, updated = excluded.updated",
                (household, json.dumps(memory, separators=(",", ":")), now, now),
            )
        self._immediate(work)

    def forget(self, household: str | None = None) -> int:
        """Delete one household, or every household; returns how many were deleted."""
        def work():
            if household is None:
                return self.conn.execute("DELETE FROM households").rowcount
            return self.conn.execute("DELETE FROM households WHERE id = ?", (household,)).rowcount
        deleted = self._immediate(work)
        self._checkpoint()
        return deleted

    def export(self) -> dict:
        """Everything kept, as one JSON-ready dict."""
        rows = self.conn.execute("SELECT id, data, created, updated FROM households ORDER BY id").fetchall()
        return {
            "database": str(self.path),
            "schema_version": self.version,
            "households": [
                {"id": r[0], "created": r[2], "updated": r[3], "memory": json.loads(r[1])} for r in rows
            ],
        }

    def close(self) -> None:
        self.conn.close()


def open_store(explicit: str | None = None) -> Store:
    return Store(default_db_path(explicit))
