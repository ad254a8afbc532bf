"""Shared pieces for the voice loop tests: espeak-ng speech, and `closer local` run as a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from voice.speech import have_espeak, synth  # one synthesizer for all voice tests (tests/voice/speech.py)

REPO = Path(__file__).resolve().parents[2]
RATE = 16000




def silent_wav(path: Path, seconds: float) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"\0\0" * int(seconds * RATE))
    return path


def read_samples(path: str | Path) -> np.ndarray:
    from local_voice.wavio import read_wav

    return read_wav(path, RATE).samples


def rms_dbfs(x: np.ndarray) -> float:
    x = np.asarray(x, np.float64) / 32768.0
    return float(10 * np.log10(np.mean(x * x) + 1e-12)) if len(x) else -120.0


@dataclass
class Run:
    code: int
    lines: list[dict]
    stderr: str
    peak_mb: float
    out_dir: Path
    records: list[dict] = field(default_factory=list)


def closer_command() -> list[str]:
    closer = Path(sys.executable).with_name("closer")
    return [str(closer)] if closer.exists() else [sys.executable, "-m", "skill.cli"]


_PEAK_WRAPPER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
proc.returncode = 0
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_closer(args: list[str], env: dict, stdin: str | None = None, timeout: float = 300) -> tuple[int, str, str, float]:
    """Run `closer ARGS`; returns (exit status, stdout, stderr, peak RSS in MB of that very process)."""
    import tempfile

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        if stdin is not None:
            inp.write(stdin.encode())
            inp.seek(0)
        # A child forked from this (large) test process inherits its memory high-water mark, so
        # `closer` is started by a small wrapper that reports the peak of `closer` alone.
        peak_file = Path(tempfile.mkdtemp(prefix="closer-peak-")) / "peak"
        wrapper = [sys.executable, "-c", _PEAK_WRAPPER, str(peak_file)]
        proc = subprocess.Popen(wrapper + closer_command() + args, stdin=inp, stdout=out, stderr=err,
                                cwd=str(REPO), env=env)
        try:
            import signal
            import time

            deadline = time.monotonic() + timeout
            while True:
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    proc.kill()
                    os.wait4(proc.pid, 0)
                    raise AssertionError(f"closer {' '.join(args[:3])} ... did not finish in {timeout} s")
                time.sleep(0.05)
        finally:
            proc.returncode = 0  # reaped above: keep Popen from waiting again
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak_kb = float(peak_file.read_text()) if peak_file.exists() else usage.ru_maxrss
        return code, out.read().decode(), err.read().decode(), peak_kb / 1024.0


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory) -> Path:
    if not have_espeak():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def closer_env(tmp_path_factory) -> dict:
    """The environment for `closer`: its own speech cache, no database from outside."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", XDG_CACHE_HOME=str(tmp_path_factory.mktemp("cache")))
    env.pop("CLOSER_DB", None)
    env.pop("CLOSER_VOSK_MODEL", None)
    env["CLOSER_VOICE"] = "espeak"  # quick to render; the couple's session test asks for Piper itself
    return env


def piper_voice_installed() -> str | None:
    """The name of an installed Piper voice (None: espeak-ng is the only voice)."""
    from local_voice import voices

    return next((v.name for v in voices.installed() if v.engine == "piper"), None)


@pytest.fixture(scope="session")
def audio_session(closer_env):
    """`closer local --audio-in FILE... --audio-out DIR --jsonl` over a list of WAVs."""

    def run(files: list[Path | str], out_dir: Path, db: Path, extra: list[str] | None = None) -> Run:
        args = ["local", "--db", str(db), "--stt", "pocketsphinx", "--audio-in", *map(str, files),
                "--audio-out", str(out_dir), "--jsonl", *(extra or [])]
        code, stdout, stderr, peak = run_closer(args, closer_env)
        lines = [json.loads(line) for line in stdout.splitlines() if line.strip()]
        return Run(code, lines, stderr, peak, out_dir)

    return run
