"""Helpers for the household-memory tests: drive the text front end, match spoken phrases."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skill.engine import load_engine
from skill.store import Store

ROOT = Path(__file__).resolve().parents[2]
_ENTRY = Path(sys.executable).with_name("closer")
# The installed console script, exactly what a person runs; `python -m skill.cli` if it is missing.
CLOSER = [str(_ENTRY)] if _ENTRY.exists() else [sys.executable, "-m", "skill.cli"]

# A fixed local noon, so the time-of-day context is "any" and every draw is reproducible.
NOON = time.mktime((2025, 3, 12, 12, 0, 0, 0, 0, -1))
DAY = 86400.0


def phrase_re(key: str) -> re.Pattern:
    """A regex matching any variant of a system phrase, placeholders as wildcards."""
    variants = load_engine().content.phrases["en-US"][key]
    parts = []
    for variant in variants:
        pieces = re.split(r"\{\w+\}", " ".join(variant.split()))
        parts.append(".*?".join(re.escape(p) for p in pieces))
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE | re.DOTALL)


def says(out: dict, key: str) -> bool:
    return bool(phrase_re(key).search(out["say"]))


def not_therapy() -> str:
    return load_engine().content.safety["en-US"].not_therapy


def line(text: str, now: float | None = None) -> str:
    if now is None:
        return text
    return json.dumps({"text": text, "now": now})


def run_text(db: Path, lines: list[str], seed: int = 7, clock: float = NOON) -> list[dict]:
    """Run the JSONL text front end in this process on `db`; returns every turn (greeting first)."""
    from local_voice.companion import Companion
    from local_voice.text import run_jsonl

    store = Store(db)
    try:
        companion = Companion(store, clock=lambda: clock, seed=seed)
        stdout = io.StringIO()
        assert run_jsonl(companion, stdin=io.StringIO("".join(l + "\n" for l in lines)), stdout=stdout) == 0
    finally:
        store.close()
    return [json.loads(l) for l in stdout.getvalue().splitlines()]


def closer(*args: str, stdin: str = "", env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the real `closer` command in a subprocess."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    full_env.pop("CLOSER_DB", None)
    return subprocess.run(CLOSER + list(args), input=stdin, capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=full_env)


def turns(stdout: str) -> list[dict]:
    return [json.loads(l) for l in stdout.splitlines() if l.strip()]


def memory(db: Path, household: str = "device:local") -> dict:
    store = Store(db)
    try:
        return store.load(household)
    finally:
        store.close()


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "closer.db"
