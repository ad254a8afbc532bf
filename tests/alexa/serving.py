"""`closer serve` as a real process for the tests: a free port, started, and waited on until healthy."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.dynalite import free_port

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def closer_serve(args: list[str], env: dict | None = None, stop_timeout: float = 20.0):
    """Run `closer serve --host 127.0.0.1 --port P ARGS`; yield its base URL once /healthz answers 200."""
    port = free_port()
    cmd = [sys.executable, "-m", "skill.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})})
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
        if proc.poll() is not None:
            pytest.fail("closer serve exited: " + proc.stdout.read()[-2000:])
    else:
        proc.kill()
        pytest.fail("closer serve did not become healthy within 60 s")
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
