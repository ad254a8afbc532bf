"""Opening the store: versioned migrations, missing directories, paths that cannot be opened, locks."""

from __future__ import annotations

import sqlite3

import pytest

import skill.stores.sqlite as store_mod
from skill.store import MIGRATIONS, Store, StoreError

from .conftest import closer


def test_migrations_run_once_and_are_versioned(db):
    store = Store(db)
    assert store.version == len(MIGRATIONS)
    rows = store.conn.execute("SELECT id, name, applied FROM migrations ORDER BY id").fetchall()
    assert [r[0] for r in rows] == list(range(1, len(MIGRATIONS) + 1))
    assert [r[1] for r in rows] == [name for name, _ in MIGRATIONS]
    assert set(store.db.table_names()) >= {"migrations", "households"}
    store.apply("h1", [{"op": "counter"}])
    store.close()

    # A second open applies nothing again: same rows, same timestamps, data intact.
    again = Store(db)
    assert again.conn.execute("SELECT id, name, applied FROM migrations ORDER BY id").fetchall() == rows
    assert again.version == len(MIGRATIONS)
    assert again.load("h1")["counter"] == 1
    assert again.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
    again.close()


def test_a_new_migration_is_applied_on_the_next_open_only(db, monkeypatch):
    Store(db).close()
    calls = []

    def m3(database):
        calls.append(1)
        database["extra"].create({"id": int}, pk="id")

    monkeypatch.setattr(store_mod, "MIGRATIONS", MIGRATIONS + [("extra", m3)])
    store = Store(db)
    assert calls == [1] and store.version == len(MIGRATIONS) + 1 and "extra" in store.db.table_names()
    store.close()
    Store(db).close()
    assert calls == [1]


def test_a_failing_migration_leaves_no_half_applied_version(db, monkeypatch):
    Store(db).close()

    def broken(database):
        database["half"].create({"id": int}, pk="id")
        raise RuntimeError("boom")

    monkeypatch.setattr(store_mod, "MIGRATIONS", MIGRATIONS + [("broken", broken)])
    with pytest.raises(Exception):
        Store(db)
    monkeypatch.setattr(store_mod, "MIGRATIONS", MIGRATIONS)
    store = Store(db)
    assert store.version == len(MIGRATIONS)
    assert "half" not in store.db.table_names()  # the migration's own transaction was rolled back
    store.close()


def test_a_path_in_a_missing_directory_is_an_error_and_creates_nothing(tmp_path):
    path = tmp_path / "not" / "there" / "yet" / "closer.db"
    with pytest.raises(StoreError) as caught:
        Store(path)
    assert f"the folder {path.parent} does not exist" in str(caught.value)
    assert not (tmp_path / "not").exists()  # a typo in --db makes no tree of folders


@pytest.mark.parametrize("kind", ["parent_is_a_file", "path_is_a_directory", "not_a_database"])
def test_a_path_that_cannot_be_opened_gives_a_clear_store_error(tmp_path, kind):
    if kind == "parent_is_a_file":
        (tmp_path / "plain").write_text("x")
        path = tmp_path / "plain" / "closer.db"
    elif kind == "path_is_a_directory":
        path = tmp_path / "adir"
        path.mkdir()
    else:
        path = tmp_path / "closer.db"
        path.write_bytes(b"this is not sqlite at all " * 100)
    with pytest.raises(StoreError) as caught:
        Store(path)
    message = str(caught.value)
    assert str(path) in message, message
    assert "Traceback" not in message


def test_the_cli_names_an_unopenable_database_without_a_traceback(tmp_path):
    (tmp_path / "plain").write_text("x")
    bad = str(tmp_path / "plain" / "closer.db")
    for args in (["export", "--db", bad], ["local", "--text", "--jsonl", "--db", bad]):
        result = closer(*args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert bad in result.stderr


def test_a_locked_database_gives_a_precise_store_error_and_loses_nothing(db, monkeypatch):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 50)
    store = Store(db)
    store.apply("h", [{"op": "counter", "by": 5}, {"op": "used", "prompt": "trust-01", "at": 1.0}])

    holder = sqlite3.connect(str(db), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as caught:
            store.apply("h", [{"op": "counter"}])
        message = str(caught.value)
        assert "busy" in message or "locked" in message
        assert "nothing was changed" in message
        # Reads still work under WAL while another program holds the write lock.
        assert store.load("h")["counter"] == 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    kept = store.load("h")
    assert kept["counter"] == 5 and kept["used"] == {"trust-01": 1.0}
    assert store.apply("h", [{"op": "counter"}])["counter"] == 6
    store.close()


def test_save_and_forget_under_a_lock_also_give_store_error(db, monkeypatch):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 50)
    store = Store(db)
    store.apply("h", [{"op": "counter"}])
    holder = sqlite3.connect(str(db), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError):
            store.save("h", {"counter": 99})
        with pytest.raises(StoreError):
            store.forget("h")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.load("h")["counter"] == 1
    store.close()


def test_opening_an_up_to_date_database_needs_no_write_lock(db, monkeypatch):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 50)
    Store(db).apply("h", [{"op": "counter"}])
    holder = sqlite3.connect(str(db), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        reader = Store(db)
        assert reader.export()["households"][0]["memory"]["counter"] == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()

