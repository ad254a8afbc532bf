"""`closer serve` that cannot start says why in one line and exits 2: no traceback, no five seconds of retries."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from skill.alexa.server import preflight

ROOT = Path(__file__).resolve().parents[2]
_ENTRY = Path(sys.executable).with_name("closer")
CLOSER = [str(_ENTRY)] if _ENTRY.exists() else [sys.executable, "-m", "skill.cli"]


def serve(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CLOSER_DB"}
    return subprocess.run(CLOSER + ["serve", "--no-verify", *args], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=60)


def test_a_port_out_of_range_is_one_line_and_exit_2(tmp_path):
    done = serve("--port", "99999", "--db", str(tmp_path / "closer.db"))
    assert done.returncode == 2
    assert done.stderr == "closer serve: --port must be a number from 1 to 65535, not 99999\n"
    assert not (tmp_path / "closer.db").exists()


def test_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = serve("--port", str(port), "--db", str(tmp_path / "closer.db"))
    assert done.returncode == 2
    assert done.stderr == f"closer serve: port {port} on 127.0.0.1 is already in use (is another server running?)\n"


def test_a_database_in_a_missing_folder_is_refused_before_any_worker_starts(tmp_path):
    missing = tmp_path / "nonexistent" / "dir" / "closer.db"
    done = serve("--port", str(_free_port()), "--db", str(missing))
    assert done.returncode == 2
    assert done.stderr == (f"closer serve: cannot open the database at {missing}: the folder {missing.parent} "
                           "does not exist (create it first, or choose another --db)\n")
    assert not (tmp_path / "nonexistent").exists()


def test_bad_hosts_are_named(tmp_path):
    db = str(tmp_path / "closer.db")
    unknown = preflight("nosuch.invalid", _free_port(), db)
    assert unknown.startswith("--host 'nosuch.invalid' is not a name or address this machine can use")
    assert preflight("192.0.2.1", _free_port(), db) == "--host 192.0.2.1 is not an address of this machine"
    assert preflight("127.0.0.1", _free_port(), db) is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
