"""`closer lambda-package` builds a zip that runs on its own: unpacked in a clean folder and run by a bare
`python3 -I` (nothing installed, no PYTHONPATH), its handler answers the corpus envelopes and a
whole conversation against a real local DynamoDB (dynalite). Lambda itself cannot be reached here."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from skill.stores import open_store
from tests.dynalite import Dynalite, missing

from .conftest import SKILL_ID, envelope

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path("/work/shared/corpus/alexa-requests")
RUNNER = Path(__file__).with_name("lambda_runner.py")


def bare_python() -> tuple[str, str] | None:
    """A system python3 outside any virtualenv, and its X.Y version."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if os.path.exists(candidate):
            out = subprocess.run([candidate, "-I", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True)
            if out.returncode == 0 and out.stdout.strip() >= "3.11":
                return candidate, out.stdout.strip()
    return None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    found = bare_python()
    if not found:
        pytest.skip("no system python3 3.11+ outside the virtualenv to run the zip with")
    python, version = found
    out = tmp_path_factory.mktemp("lambda") / "closer.zip"
    result = subprocess.run([sys.executable, "-m", "skill.cli", "lambda-package", "--out", str(out),
                             "--python-version", version], cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 and "could not fetch" in result.stderr:
        pytest.skip(f"PyPI unreachable for the Lambda wheels: {result.stderr[-300:]}")
    assert result.returncode == 0, result.stderr
    return python, out


def test_the_zip_holds_the_skill_and_no_audio_or_recognition(built):
    _, zip_path = built
    names = zipfile.ZipFile(zip_path).namelist()
    assert "skill/alexa/lambda_handler.py" in names and "skill/intents.yaml" in names
    assert any(n.startswith("prompts/") for n in names) and any(n.startswith("boto3/") for n in names)
    tops = {n.split("/")[0] for n in names}
    for unwanted in ("local_voice", "numpy", "vosk", "pocketsphinx", "sounddevice", "pyttsx3", "gunicorn", "tests", "pip"):
        assert unwanted not in tops, unwanted
    assert zip_path.stat().st_size < 50 * 1024 * 1024  # Lambda's limit for a direct upload


@pytest.mark.skipif(bool(missing()), reason=missing() or "")
def test_the_unpacked_handler_serves_corpus_envelopes_and_a_conversation_on_dynamodb(built, tmp_path):
    python, zip_path = built
    task_root = tmp_path / "task"
    zipfile.ZipFile(zip_path).extractall(task_root)
    server = Dynalite()
    try:
        url = server.url("closer")
        open_store(url).create_table()
        user = "amzn1.ask.account.LAMBDA1"
        steps = []
        for path in sorted(CORPUS.glob("*.json")):
            env = json.loads(path.read_bytes())
            for holder in (((env.get("context") or {}).get("System") or {}), env.get("session") or {}):
                if isinstance(holder.get("application"), dict):
                    holder["application"]["applicationId"] = SKILL_ID
            steps.append({"envelope": env, "session": "new", "name": path.name})
        conversation = [("LaunchRequest", None, "new"), ("IntentRequest", "StartCheckInIntent", "same"),
                        ("IntentRequest", "AMAZON.NextIntent", "same"), ("LaunchRequest", None, "new"),
                        ("IntentRequest", "AMAZON.YesIntent", "same")]
        for kind, intent, session in conversation:
            steps.append({"envelope": envelope(kind, intent=intent, user=user, attrs={} if session == "same" else None),
                          "session": session})
        steps.append({"envelope": envelope(skill_id="amzn1.ask.skill.SOMEONE-ELSE"), "session": "new"})
        steps_file = tmp_path / "steps.json"
        steps_file.write_text(json.dumps(steps))
        shutil.copy(RUNNER, tmp_path / "runner.py")
        env = {"PATH": "/usr/bin:/bin", "CLOSER_STORE": url, "CLOSER_SKILL_ID": SKILL_ID, "HOME": str(tmp_path)}
        done = subprocess.run([python, "-I", str(tmp_path / "runner.py"), str(task_root), str(steps_file)],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        results = [json.loads(line) for line in done.stdout.splitlines()]
        assert len(results) == len(steps)
        corpus = results[:len(steps) - 6]
        for step, result in zip(steps, corpus):  
            assert result.get("reply", {}).get("version") == "1.0" or result.get("refused"), step["name"]
        assert all("reply" in r for r in corpus), [s["name"] for s, r in zip(steps, corpus) if "reply" not in r]
        talk = [r["reply"]["response"]["outputSpeech"]["ssml"] for r in results[-6:-1]]
        assert "welcome to Closer Together" in talk[0]
        asked = re.search(r"/>\s*(?:<prosody[^>]*>)?([^<]*\?)", talk[2]).group(1)  # the question NextIntent moved on to
        assert "Last time you were partway through" in talk[3]
        assert "Picking up where you left off" in talk[4] and asked in talk[4]
        assert results[-1] == {"refused": "wrong skill id"}
        kept = open_store(url).export()["households"]
        mine = [h for h in kept if h["id"] == user]
        assert mine and mine[0]["memory"]["progress"]["kind"] == "checkin" and mine[0]["memory"]["progress"]["i"] == 1
    finally:
        server.stop()
