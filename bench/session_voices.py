"""Issue 7's couple's session through `closer local --audio-in` in several pairs of espeak-ng voices:
how many of its seven turns each pair gets heard as meant.

    taskset -c 0 .venv/bin/python bench/session_voices.py

The session (start a check in; I'm done; I'm done; next question; pause; resume; stop) is said
by partner one and partner two in turn, as in tests/voice_loop/test_voice_loop_session.py, whose
pair (en-us, en+f3) is the first row here. A turn missed early puts the later ones at another
step, as it would at the table.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLOSER = str(Path(sys.executable).with_name("closer"))
SESSION = [("start a check in", "StartCheckInIntent", 0), ("I'm done", "DoneIntent", 0), ("I'm done", "DoneIntent", 1),
           ("next question", "AMAZON.NextIntent", 0), ("pause", "AMAZON.PauseIntent", 1),
           ("resume", "AMAZON.ResumeIntent", 0), ("stop", "AMAZON.StopIntent", 1)]
PAIRS = [(("en-us", 165), ("en+f3", 150)), (("en-gb-x-rp", 170), ("en+m3", 160)), (("en-us+f2", 155), ("en", 175)),
         (("en+f4", 160), ("en-us+m4", 170)), (("en-029", 160), ("en-gb-scotland", 165)), (("en+f2", 140), ("en-us", 190))]


def run_pair(a, b, work: Path) -> list[str | None]:
    files = []
    for i, (text, _, who) in enumerate(SESSION):
        voice, rate = (a, b)[who]
        path = work / f"{i}.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True)
        files.append(str(path))
    done = subprocess.run([CLOSER, "local", "--db", str(work / "closer.db"), "--stt", "pocketsphinx", "--audio-in", *files,
                           "--audio-out", str(work / "out"), "--jsonl"], capture_output=True, text=True, cwd=ROOT)
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()][1:]
    return [(line.get("heard") or {}).get("intent") for line in lines]


def main() -> int:
    total = good = perfect = 0
    for a, b in PAIRS:
        with tempfile.TemporaryDirectory() as tmp:
            heard = run_pair(a, b, Path(tmp))
        right = sum(1 for got, (_, want, _) in zip(heard, SESSION) if got == want)
        total, good, perfect = total + len(SESSION), good + right, perfect + (right == len(SESSION))
        shown = [h.replace("AMAZON.", "") if h else None for h in heard]
        print(f"{a[0]:>11} + {b[0]:<15} {right}/{len(SESSION)}  {shown}")
    print(f"turns heard as meant: {good}/{total} ({good / total:.0%}); whole sessions: {perfect}/{len(PAIRS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
