"""Where the pocketsphinx recognizer's memory goes: RSS after each piece is loaded.

    taskset -c 1 .venv/bin/python bench/recognition_memory.py [--clips N]

Builds the recognizer the way the live loop does (`Listener`, then `warm_up(usual_steps())`)
and prints the resident memory (VmRSS, and from /proc/self/smaps_rollup the anonymous part)
after: the imports, the acoustic model with the first search, every step's search (its JSGF
grammar and its check language model apart), the safety pass, warm-up's end, a garbage
collection with malloc_trim, and a short session of decoded clips (espeak-ng commands).
Goal (issue 16): the closer process at most 200 MB peak with pocketsphinx; this helper aims
for the recognizer's share to keep the whole process near 150 MB.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MB = 200.0  # issue 16: peak memory of the voice loop with pocketsphinx
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def anon_mb() -> float:
    try:
        for line in open("/proc/self/smaps_rollup"):
            if line.startswith("Anonymous:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


class Log:
    def __init__(self):
        self.last = rss_mb()
        self.rows: list[tuple[str, float, float, float]] = []

    def mark(self, what: str) -> None:
        now = rss_mb()
        self.rows.append((what, now, now - self.last, anon_mb()))
        print(f"  {what:<46} RSS {now:6.1f} MB  ({now - self.last:+6.1f})  anon {anon_mb():6.1f} MB", flush=True)
        self.last = now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=6, help="espeak-ng commands decoded after warm-up (default 6)")
    parser.add_argument("--no-safety", action="store_true", help="without the safety pass")
    args = parser.parse_args(argv)
    log = Log()
    print("Recognizer memory, step by step (VmRSS; a loaded machine changes times, not these figures)")
    log.mark("python started")
    from local_voice import voice_loop as VL
    from local_voice.recognition import sphinx
    from local_voice.recognition.commands import RATE
    log.mark("imports (voice loop, recognition, catalog code)")

    # Split every search into its grammar and its check model, without changing the recognizer.
    original = sphinx.PocketsphinxRecognizer._compile
    original_lm = sphinx.PocketsphinxRecognizer._add_command_lm

    def compile_logged(self, live):
        before = len(self._searches)
        key = original(self, live)
        if len(self._searches) > before or self._built > getattr(self, "_logged", 0):
            self._logged = self._built
            log.mark(f"  + JSGF grammar and check model, {len(live)} intents")
        return key

    def lm_logged(self, name, live):
        log.mark(f"  + JSGF grammar {name} ({len(live)} intents)")
        original_lm(self, name, live)

    sphinx.PocketsphinxRecognizer._compile = compile_logged
    sphinx.PocketsphinxRecognizer._add_command_lm = lm_logged
    if args.no_safety:
        import os
        os.environ["CLOSER_SAFETY_PASS"] = "0"
    t = time.perf_counter()
    listener = VL.Listener("pocketsphinx", None, None)
    log.mark("Listener (acoustic model, first search, safety pass)")
    listener.warm_up(VL.usual_steps())
    log.mark(f"warm-up done ({time.perf_counter() - t:.1f} s)")
    gc.collect()
    log.mark("gc.collect()")
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        log.mark("malloc_trim(0)")
    except (OSError, AttributeError):
        pass

    recognizer = listener.recognizer
    tmp = Path(tempfile.mkdtemp(prefix="closer-mem-"))
    from local_voice.wavio import read_wav
    texts = ["start a check in", "i'm done", "next question", "pause", "resume", "stop",
             "he hit me last night", "can you believe the price of petrol"][: max(0, args.clips)]
    heard = []
    for k, text in enumerate(texts):
        path = tmp / f"{k}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True, capture_output=True)
        pcm = read_wav(path, RATE).samples.tobytes()
        for step in VL.usual_steps()[::3]:
            listener.recognizer.set_expect(listener.live_for(VL._Usual(*step)))
            heard.append(recognizer.recognize(pcm).intent)
    log.mark(f"session: {len(texts)} clips x 3 steps decoded")
    searches = len(set(recognizer._searches.values()))
    print(f"  peak RSS {peak_mb():.1f} MB (goal: the whole process at most {GOAL_MB:.0f} MB, "
          f"{peak_mb() / GOAL_MB:.2f} of it); {searches} searches for {len(recognizer._searches)} steps")
    print(f"  heard {heard}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
