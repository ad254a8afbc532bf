"""Run `closer local --mic-file` as a child process and watch it: its JSON lines, its memory,
and how far into the recording it is (the recording's file offset, read from /proc), so
memory can be set against simulated time. Shared by bench/soak.py and bench/kitchen_evening.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATE = 16000


def closer_command() -> list[str]:
    closer = Path(sys.executable).with_name("closer")
    return [str(closer)] if closer.exists() else [sys.executable, "-m", "skill.cli"]


@dataclass
class Sample:
    wall: float
    position: float  # seconds into the recording
    rss_mb: float


@dataclass
class Watched:
    lines: list[dict] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    peak_mb: float = 0.0
    code: int | None = None
    killed: bool = False
    stderr: str = ""
    wall: float = 0.0
    cpu: float = 0.0  # seconds of CPU the process used (user + system): the figure a loaded machine cannot inflate


def _status(pid: int) -> dict[str, float]:
    out = {}
    try:
        for row in Path(f"/proc/{pid}/status").read_text().splitlines():
            if row.startswith(("VmRSS:", "VmHWM:")):
                out[row.split(":")[0]] = float(row.split()[1]) / 1024.0
    except OSError:
        pass
    return out


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def _position(pid: int, wav: Path) -> float | None:
    """Seconds into the recording: the offset of the child's open file descriptor on it."""
    target = str(wav.resolve())
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                    for row in Path(f"/proc/{pid}/fdinfo/{fd}").read_text().splitlines():
                        if row.startswith("pos:"):
                            return max(0.0, (int(row.split()[1]) - 44) / (2.0 * RATE))
            except OSError:
                continue
    except OSError:
        pass
    return None


def run(wav: Path, db: Path, env: dict, extra: list[str] | None = None, kill_when=None,
        every: float = 0.5, timeout: float = 3600.0, on_sample=None) -> Watched:
    """Run the loop on `wav`; `kill_when(watched)` -> True sends SIGKILL at once (a crash, as the Pi would have);
    `on_sample(watched)` hears of every new memory sample (progress on a slow machine)."""
    args = ["local", "--db", str(db), "--stt", "pocketsphinx", "--mic-file", str(wav), "--speed", "0", "--jsonl",
            *(extra or [])]
    watched = Watched()
    started = time.monotonic()
    proc = subprocess.Popen(closer_command() + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=str(ROOT), env=env)
    err_chunks: list[str] = []
    threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True).start()

    def read_lines() -> None:
        for line in proc.stdout:
            if line.strip():
                try:
                    watched.lines.append(json.loads(line))
                except json.JSONDecodeError:
                    err_chunks.append(line)

    reader = threading.Thread(target=read_lines, daemon=True)
    reader.start()
    while proc.poll() is None:
        status = _status(proc.pid)
        cpu = _cpu_seconds(proc.pid)
        if cpu is not None:
            watched.cpu = max(watched.cpu, cpu)
        if "VmHWM" in status:
            watched.peak_mb = max(watched.peak_mb, status["VmHWM"])
            position = _position(proc.pid, wav)
            if position is not None:
                watched.samples.append(Sample(time.monotonic() - started, position, status["VmRSS"]))
                if on_sample is not None:
                    on_sample(watched)
        if kill_when is not None and not watched.killed and kill_when(watched):
            proc.send_signal(signal.SIGKILL)
            watched.killed = True
        if time.monotonic() - started > timeout:
            proc.kill()
            raise SystemExit(f"closer did not finish within {timeout:.0f} s")
        time.sleep(every)
    watched.code = proc.wait()
    reader.join(timeout=10)
    time.sleep(0.1)
    watched.stderr = "".join(err_chunks)
    watched.wall = time.monotonic() - started
    return watched


def growth_per_hour(samples: list[Sample], skip_seconds: float = 1800.0) -> float | None:
    """Least-squares slope of RSS (MB) against simulated hours, after the first `skip_seconds` (warm-up)."""
    points = [(s.position / 3600.0, s.rss_mb) for s in samples]
    if not points:
        return None
    first = points[0][0] + skip_seconds / 3600.0
    points = [p for p in points if p[0] >= first]
    if len(points) < 3 or points[-1][0] - points[0][0] < 0.25:
        return None
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    return sum((p[0] - mx) * (p[1] - my) for p in points) / sxx if sxx else None
