"""One writer process for the concurrency tests and the benchmark (run as a script).

    python _writer.py DB WORKER N MODE GO_FILE
MODE "store": Store.apply of a counter and a distinct "used" effect, N times.
MODE "deferred": the naive way, for contrast: BEGIN (deferred), read, write; on "database is
locked" retry the write with what was read, which is how updates get lost.
Prints one JSON line: {"worker", "done", "lock_errors", "other_errors"}.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from skill.engine.memory import apply_effects  # noqa: E402
from skill.store import Store, StoreError  # noqa: E402

HOUSEHOLD = "device:shared"


def wait_for(go: str) -> None:
    deadline = time.time() + 60
    while not os.path.exists(go) and time.time() < deadline:
        time.sleep(0.001)


def run_store(db: str, worker: int, n: int, go: str) -> dict:
    store = Store(db)
    wait_for(go)
    done = lock_errors = other = 0
    for i in range(n):
        try:
            store.apply(HOUSEHOLD, [{"op": "counter"}, {"op": "used", "prompt": f"w{worker}-{i}", "at": float(i)}])
            done += 1
        except StoreError as err:
            if "busy" in str(err) or "locked" in str(err):
                lock_errors += 1
            else:
                other += 1
    store.close()
    return {"worker": worker, "done": done, "lock_errors": lock_errors, "other_errors": other}


def run_deferred(db: str, worker: int, n: int, go: str) -> dict:
    Store(db).close()  # migrations
    conn = sqlite3.connect(db, timeout=10, isolation_level=None)
    wait_for(go)
    done = lock_errors = other = 0
    for i in range(n):
        effects = [{"op": "counter"}, {"op": "used", "prompt": f"w{worker}-{i}", "at": float(i)}]
        conn.execute("BEGIN")
        row = conn.execute("SELECT data FROM households WHERE id = ?", (HOUSEHOLD,)).fetchone()
        memory = apply_effects(json.loads(row[0]) if row else None, effects)
        data = json.dumps(memory)
        while True:
            try:
                conn.execute("INSERT INTO households (id, data, created, updated) VALUES (?, ?, 0, 0) "
                             "ON CONFLICT(id) DO UPDATE SET data = excluded.data", (HOUSEHOLD, data))
                conn.execute("COMMIT")
                done += 1
                break
            except sqlite3.OperationalError as err:
                conn.execute("ROLLBACK") if conn.in_transaction else None
                if "locked" in str(err) or "busy" in str(err):
                    lock_errors += 1
                    conn.execute("BEGIN")
                    continue
                other += 1
                break
    conn.close()
    return {"worker": worker, "done": done, "lock_errors": lock_errors, "other_errors": other}


if __name__ == "__main__":
    db, worker, n, mode, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    result = (run_store if mode == "store" else run_deferred)(db, worker, n, go)
    print(json.dumps(result), flush=True)
