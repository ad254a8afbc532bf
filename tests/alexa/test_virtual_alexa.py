"""A conversation through our generated interaction model with virtual-alexa (npm), covering the bed.

virtual-alexa resolves utterances with skill-package's model, keeps sessions as Alexa does, and plays
AudioPlayer directives (reporting PlaybackStarted and the like back to the skill). The skill runs as a
real HTTP server on a free port. scripts/setup --test installs virtual-alexa into tools/virtual-alexa
(git-ignored); without node or the package the test is skipped, saying which."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = Path(os.environ.get("CLOSER_VIRTUAL_ALEXA") or ROOT / "tools" / "virtual-alexa" / "node_modules")
SCRIPT = Path(__file__).resolve().parent / "virtual" / "bed_conversation.js"
MODEL = ROOT / "skill-package" / "interactionModels" / "custom" / "en-US.json"


def _missing() -> str | None:
    if not shutil.which("node"):
        return "node is not installed (scripts/setup --test installs nodejs and npm)"
    if not (MODULES / "virtual-alexa" / "package.json").exists():
        return f"virtual-alexa is not installed in {MODULES} (scripts/setup --test runs npm install virtual-alexa)"
    return None


@pytest.fixture()
def server(tmp_path):
    from werkzeug.serving import make_server

    from skill.alexa.app import create_app
    from skill.engine import load_engine
    from skill.store import Store

    app = create_app({"engine": load_engine(), "store": Store(tmp_path / "closer.db"), "verify": False,
                      "time_zones": False, "public_url": "https://closer.example.org"})
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    httpd = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/alexa"
    httpd.shutdown()


def test_virtual_alexa_conversation_with_the_bed(server):
    reason = _missing()
    if reason:
        pytest.skip(reason)
    proc = subprocess.run(["node", str(SCRIPT), server, str(MODEL)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NODE_PATH": str(MODULES)})
    assert proc.returncode == 0, proc.stderr[-1500:]
    turns = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    by = {}
    for t in turns:
        by.setdefault(t["label"], []).append(t)
    launch = by["launch"][0]
    assert "Closer Together" in launch["speech"] and not launch["ended"]
    talking = [t for t in turns if t["player"]["playing"]]
    assert talking, turns
    first = talking[0]
    assert first["ended"] and first["player"]["url"] == "https://closer.example.org/audio/bed.mp3"
    assert "Alexa, next" in first["speech"]
    from skill.engine import load_engine

    questions = [q.text.replace("'", "&apos;") for q in load_engine().content.questions.values()]
    start = by["start a check in"][0]
    nxt = by["next"][0]
    assert nxt["intent"] == "AMAZON.NextIntent"
    first = [q for q in questions if q in start["speech"]]
    second = [q for q in questions if q in nxt["speech"]]
    assert len(first) == 1 and len(second) == 1 and first != second, (start["speech"], nxt["speech"])
    assert nxt["player"]["playing"] or not nxt["ended"]  # the bed plays again, or it asks who starts first
    pause = by["pause"][0]
    assert pause["intent"] == "AMAZON.PauseIntent" and "Paused" in pause["speech"] and not pause["player"]["playing"]
    resume = by["resume"][0]
    assert resume["intent"] == "AMAZON.ResumeIntent" and "?" in resume["speech"]  # the question again
    stop = by["stop"][0]
    assert stop["ended"] and not stop["player"]["playing"] and "AudioPlayer.ClearQueue" in stop["directives"]
