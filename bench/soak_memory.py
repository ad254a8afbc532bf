"""Where the live loop's memory goes over simulated hours: Python objects (tracemalloc) against the whole process (RSS).

    PYTHONPATH=. taskset -c 1 .venv/bin/python bench/soak_memory.py KITCHEN.wav [--every 900] [--top 8]

Runs `closer local --mic-file KITCHEN.wav --speed 0` in this process with tracemalloc on
(a recording kept by `bench/soak.py --keep DIR` is DIR/kitchen.wav). Every `--every` simulated
seconds it prints the process's RSS, the memory Python objects hold, and the source lines whose
allocations grew most since the first mark. RSS growing while traced memory stays flat is
memory held in C (the decoders, numpy's allocator, fragmentation). Slower than the loop alone:
tracemalloc costs time on every allocation; a figure of where, not of how fast.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]


def rss_mb() -> float:
    for row in Path("/proc/self/status").read_text().splitlines():
        if row.startswith("VmRSS:"):
            return float(row.split()[1]) / 1024.0
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wav")
    parser.add_argument("--every", type=float, default=900.0, help="simulated seconds between marks")
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--clock", default="2026-12-01T17:30")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="closer-soakmem-"))
    os.environ.update(XDG_STATE_HOME=str(work / "state"), XDG_CACHE_HOME=str(work / "cache"))
    os.environ.pop("CLOSER_DB", None)

    from local_voice import virtual_device

    devices = []
    original = virtual_device.VirtualSoundDevice.__init__

    def remember(self, *a, **k):
        original(self, *a, **k)
        devices.append(self)

    virtual_device.VirtualSoundDevice.__init__ = remember
    tracemalloc.start(6)
    done = threading.Event()

    def watch() -> None:
        first = None
        mark = args.every
        while not done.wait(0.5):
            if not devices or devices[0].position < mark:
                continue
            snap = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
            traced = tracemalloc.get_traced_memory()[0] / 1e6
            if first is None:
                first = (snap, rss_mb(), traced)
                print(f"[{mark / 3600:5.2f} h] RSS {first[1]:.1f} MB, Python objects {traced:.1f} MB (baseline)", flush=True)
            else:
                print(f"[{mark / 3600:5.2f} h] RSS {rss_mb():.1f} MB ({rss_mb() - first[1]:+.1f}), Python objects "
                      f"{traced:.1f} MB ({traced - first[2]:+.1f})", flush=True)
                for stat in snap.compare_to(first[0], "lineno")[: args.top]:
                    if stat.size_diff:
                        frame = stat.traceback[0]
                        print(f"      {stat.size_diff / 1e3:+9.1f} kB {stat.count_diff:+6d} objects  "
                              f"{Path(frame.filename).name}:{frame.lineno}", flush=True)
            mark += args.every

    threading.Thread(target=watch, daemon=True).start()
    from skill.cli import main as closer

    began = time.monotonic()
    try:
        code = closer(["local", "--db", str(work / "closer.db"), "--stt", "pocketsphinx", "--mic-file", args.wav,
                       "--speed", "0", "--jsonl", "--mic-clock", args.clock])
    except SystemExit as exit_:
        code = exit_.code
    done.set()
    print(f"exit {code}; wall {time.monotonic() - began:.0f} s; final RSS {rss_mb():.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
