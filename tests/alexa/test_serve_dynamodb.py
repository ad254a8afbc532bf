"""`closer serve --store dynamodb://... --workers 4` against dynalite: many households at once, each
opening, starting a check-in, moving on, closing, reopening and saying yes; every answer a 200, every
household back at the question it was on, and `closer export --store` lists them all.
(bench/load_sim.py runs the same with 400 households; this keeps the suite fast.)"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from bench.load_sim import household
from skill.stores import open_store
from tests.dynalite import Dynalite, free_port, missing

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLDS = 24


@pytest.mark.skipif(bool(missing()), reason=missing() or "")
def test_households_at_once_on_dynamodb_all_answered_and_resumed():
    server = Dynalite()
    port = free_port()
    proc = None
    try:
        url = server.url("closer")
        open_store(url).create_table()
        closer = [sys.executable, "-m", "skill.cli"]
        proc = subprocess.Popen(closer + ["serve", "--port", str(port), "--workers", "4", "--no-verify", "--store", url],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read()[-2000:]
                assert time.time() < deadline, "closer serve did not come up"
                time.sleep(0.2)
        users = [f"amzn1.ask.account.DYN{n:03d}" for n in range(HOUSEHOLDS)]
        results = {}
        threads = [threading.Thread(target=lambda u=u: results.__setitem__(u, household(port, u, 0, lambda *a: None)))
                   for u in users]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(r["codes"] == [200] * 6 for r in results.values()), {u: r["codes"] for u, r in results.items()}
        assert all(r["resumed"] and r["asked"] for r in results.values()), [u for u, r in results.items() if not r["resumed"]]
        exported = subprocess.run(closer + ["export", "--store", url], cwd=ROOT, capture_output=True, text=True)
        assert exported.returncode == 0, exported.stderr
        kept = {h["id"]: h["memory"] for h in json.loads(exported.stdout)["households"]}
        assert set(users) <= set(kept)
        assert all(kept[u]["progress"]["kind"] == "checkin" and kept[u]["progress"]["i"] == 1 for u in users)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        server.stop()
