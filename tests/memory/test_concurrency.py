"""Several processes writing one database at once: zero lost updates, zero lock errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from skill.store import Store

WRITER = Path(__file__).with_name("_writer.py")
HOUSEHOLD = "device:shared"


def run_writers(db: Path, go: Path, workers: int, n: int, mode: str) -> list[dict]:
    Store(db).close()  # create and migrate first, so the race is on the writes
    procs = [subprocess.Popen([sys.executable, str(WRITER), str(db), str(w), str(n), mode, str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for w in range(workers)]
    go.touch()  # every process is started; let them go together
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        assert "Traceback" not in err, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_four_processes_applying_effects_lose_no_update_and_see_no_lock_error(tmp_path):
    db, workers, n = tmp_path / "shared.db", 6, 250
    results = run_writers(db, tmp_path / "go", workers, n, "store")

    assert sum(r["lock_errors"] for r in results) == 0, results
    assert sum(r["other_errors"] for r in results) == 0, results
    assert sum(r["done"] for r in results) == workers * n

    store = Store(db)
    memory = store.load(HOUSEHOLD)
    assert memory["counter"] == workers * n  # every read-modify-write saw the one before it
    assert set(memory["used"]) == {f"w{w}-{i}" for w in range(workers) for i in range(n)}
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()


def test_contrast_a_deferred_read_then_write_loses_updates_or_hits_locks(tmp_path):
    """Why Store uses BEGIN IMMEDIATE: the same load done the naive way goes wrong.

    A deferred transaction reads under a snapshot; when another process commits first, its
    write fails with "database is locked" at once (SQLITE_BUSY_SNAPSHOT: the busy timeout does
    not help), and retrying the write with what it read overwrites the other's update.
    """
    db, workers, n = tmp_path / "naive.db", 4, 250
    results = run_writers(db, tmp_path / "go", workers, n, "deferred")
    memory = Store(db).load(HOUSEHOLD)
    lost = workers * n - memory["counter"]
    lock_errors = sum(r["lock_errors"] for r in results)
    assert lock_errors > 0 or lost > 0, (lock_errors, lost)
    # Seen here: dozens of lock errors and about two thirds of the updates lost.
    assert lost == workers * n - len(memory["used"])
