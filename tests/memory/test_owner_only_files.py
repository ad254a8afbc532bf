"""Owner-only data: the couple's database, its -wal and -shm, and exports are 0600 in 0700 folders, whatever
the umask; a --db in a missing folder is an error, and export and forget on a missing database create nothing."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from skill import private_files
from skill.private_files import prepare_database, private_dir, write_private

from .conftest import CLOSER, ROOT, closer, memory


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def with_umask(value: int):
    return lambda: os.umask(value)


@pytest.fixture
def home_env(tmp_path) -> dict:
    """An environment whose default data folder is tmp_path/xdg/closer-together (no --db, no CLOSER_DB)."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PYTHONUNBUFFERED": "1"}
    env.pop("CLOSER_DB", None)
    return env


def test_a_live_session_keeps_the_database_wal_and_shm_owner_only_in_an_owner_only_folder(tmp_path, home_env):
    # umask 0 is the worst case: every file SQLite or we create would be world-writable if left to it.
    proc = subprocess.Popen(CLOSER + ["local", "--text", "--jsonl"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env=home_env, preexec_fn=with_umask(0))
    try:
        greeting = json.loads(proc.stdout.readline())
        proc.stdin.write("our names are ana and ben\nstart a check in\n")
        proc.stdin.flush()
        replies = [json.loads(proc.stdout.readline()) for _ in range(2)]
        assert greeting["say"] and all(r["say"] for r in replies)
        folder = tmp_path / "xdg" / "closer-together"
        db = folder / "closer.db"
        # Checked while the companion still holds the database open: SQLite removes -wal and -shm
        # when its last connection closes, so this is when they exist and could leak.
        files = {p.name: mode(p) for p in folder.iterdir()}
        assert mode(folder) == 0o700
        assert files == {"closer.db": 0o600, "closer.db-wal": 0o600, "closer.db-shm": 0o600}
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)
    assert proc.returncode == 0, proc.stderr.read()
    assert mode(db) == 0o600 and memory(db)["names"] == ["ana", "ben"]


def test_a_looser_data_folder_and_database_are_tightened_with_one_notice(tmp_path, home_env):
    folder = tmp_path / "xdg" / "closer-together"
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)
    first = closer("local", "--text", "--jsonl", env=home_env)
    assert first.returncode == 0, first.stderr
    os.chmod(folder, 0o755)  # as an older version, or a careless copy, left them
    os.chmod(folder / "closer.db", 0o644)
    again = closer("local", "--text", "--jsonl", env=home_env)
    notices = [line for line in again.stderr.splitlines() if "owner-only" in line]
    assert notices == [f"closer: {folder} was readable by other accounts (755); made it owner-only (700)"]
    assert mode(folder) == 0o700 and mode(folder / "closer.db") == 0o600


def test_db_in_a_missing_folder_is_an_error_and_creates_no_folders(tmp_path):
    missing = tmp_path / "nonexistent" / "dir" / "closer.db"
    for command in (["local", "--text", "--jsonl"], ["export"], ["forget", "--yes"]):
        result = closer(*command, "--db", str(missing))
        assert "Traceback" not in result.stderr
        assert not (tmp_path / "nonexistent").exists(), command
    result = closer("local", "--text", "--jsonl", "--db", str(missing))
    assert result.returncode == 1
    assert f"the folder {missing.parent} does not exist" in result.stderr


def test_export_on_a_missing_database_says_so_and_creates_nothing(tmp_path):
    result = closer("export", "--db", str(tmp_path / "closer.db"))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == f"closer export: there is no database at {tmp_path / 'closer.db'}; nothing is kept there."
    assert list(tmp_path.iterdir()) == []


def test_forget_on_a_missing_database_creates_nothing(tmp_path):
    result = closer("forget", "--yes", "--db", str(tmp_path / "closer.db"))
    assert result.returncode == 0 and "Nothing to forget" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_export_out_writes_an_owner_only_file_whatever_the_umask(tmp_path, db):
    from .conftest import run_text

    run_text(db, ["our names are ana and ben"])
    out = tmp_path / "export.json"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    full_env.pop("CLOSER_DB", None)
    result = subprocess.run(CLOSER + ["export", "--db", str(db), "--out", str(out)], capture_output=True, text=True,
                            cwd=ROOT, env=full_env, timeout=60, preexec_fn=with_umask(0))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and str(out) in result.stderr
    assert mode(out) == 0o600
    assert json.loads(out.read_text())["households"][0]["memory"]["names"] == ["ana", "ben"]


def test_helpers_ignore_the_umask(tmp_path):
    previous = os.umask(0)
    try:
        folder = private_dir(tmp_path / "a" / "b")
        written = write_private(folder / "x.json", "{}")
    finally:
        os.umask(previous)
    assert mode(folder) == 0o700 and mode(written) == 0o600 and written.read_text() == "{}"
    assert mode(tmp_path / "a") == 0o777  # parents are not ours: they keep what the umask (0) gives
    assert [p.name for p in folder.iterdir()] == ["x.json"]  # no temporary file left behind


def test_prepare_database_creates_only_the_default_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(private_files, "data_dir", lambda: tmp_path / "data" / "closer-together")
    db = prepare_database(tmp_path / "data" / "closer-together" / "closer.db")
    assert mode(db.parent) == 0o700 and mode(db) == 0o600 and db.stat().st_size == 0
    with pytest.raises(FileNotFoundError, match="does not exist"):
        prepare_database(tmp_path / "elsewhere" / "closer.db")
    assert not (tmp_path / "elsewhere").exists()
