"""A real local DynamoDB for tests and benchmarks: dynalite (npm, DynamoDB's API on LevelDB, in memory).

scripts/setup --test installs it into .cache/dynalite (git-ignored); $CLOSER_DYNALITE may name another
cli.js. `Dynalite()` starts it on a free port and `stop()` ends it; `missing()` says why it cannot run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / ".cache" / "dynalite" / "node_modules" / "dynalite" / "cli.js"


def cli_path() -> Path:
    return Path(os.environ.get("CLOSER_DYNALITE") or CLI)


def missing() -> str | None:
    """Why dynalite cannot run here, or None."""
    if not shutil.which("node"):
        return "node is not installed (scripts/setup --test installs nodejs and npm from Debian)"
    if not cli_path().exists():
        return f"dynalite is not installed at {cli_path()} (scripts/setup --test runs npm install dynalite)"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dynalite:
    """One dynalite process on 127.0.0.1, in memory; `endpoint` is its URL."""

    def __init__(self, latency_ms: int = 0):
        reason = missing()
        if reason:
            raise RuntimeError(reason)
        self.port = free_port()
        args = ["node", str(cli_path()), "--port", str(self.port), "--host", "127.0.0.1",
                "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.endpoint = f"http://127.0.0.1:{self.port}"
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"dynalite exited: {self.proc.stderr.read().decode(errors='replace')[-500:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("dynalite did not start within 20 s")

    def url(self, table: str) -> str:
        return f"dynamodb://{table}?endpoint={self.endpoint}&region=us-east-1"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
