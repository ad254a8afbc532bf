"""Voice loop latency: from the end of a spoken command to the first sample of the reply.

    taskset -c 0 .venv/bin/python bench/voice_latency.py [--rounds N] [--quiet S] [--hold S] [--cold]

Runs on one core (pins itself to core 0 when started unpinned, like `taskset -c 0`).
A couple's session is synthesized with espeak-ng in two voices (start a check in, I'm done,
next question, repeat, pause, resume, slower, faster, stop, and "our names are ... Sam and
Alex" with a thinking pause in it). Each command is streamed in real time, in 30 ms blocks,
in steady room noise (-60 dBFS, 0.4 s before and 3 s after), through the same pieces the live loop
uses: `Listener.feed` (endpointing, decoding, holding on after an unfinished phrase),
`respond` (the companion's step and its store write) and `speak_stream` over
`Voice.stream` (sentence by sentence, from the cache when rendered before). The player
only notes when the first sample is handed to it and takes the rest at once.

The end of the spoken command is known from the clip (the last 10 ms frame above -45 dBFS).
Reported: median and p95 of end-of-speech -> first reply sample, split into endpoint +
decode and companion + first sentence; grammar switch time per step (the microphone
opens only after it); peak RSS of this process (the whole loop, pocketsphinx).
Goals (issue 16): median <= 250 ms, p95 <= 400 ms, grammar switch max < 100 ms (every mode's
grammar is built at start-up, as the live loop does), peak RSS <= 200 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_voice import voice_loop as VL  # noqa: E402
from local_voice.companion import Companion  # noqa: E402
from local_voice.voice import RATE, Voice, system_phrases  # noqa: E402
from local_voice.wavio import read_wav  # noqa: E402

GOALS = {"median_ms": 250.0, "p95_ms": 400.0, "switch_ms": 100.0, "peak_mb": 200.0}
VOICES = [("en-us", 165), ("en+f3", 150)]
# (text, the intent it should be heard as); after "stop" the companion is idle until "start a check in".
SCRIPT = [
    ("start a check in", "StartCheckInIntent"),
    ("I'm done", "DoneIntent"),
    ("I'm done", "DoneIntent"),
    ("next question", "AMAZON.NextIntent"),
    ("repeat that", "AMAZON.RepeatIntent"),
    ("pause", "AMAZON.PauseIntent"),
    ("resume", "AMAZON.ResumeIntent"),
    ("slower", "SlowerIntent"),
    ("faster", "FasterIntent"),
    ("our names are | sam and alex", "SetNamesIntent"),
    ("stop", "AMAZON.StopIntent"),
]
LEAD, TAIL, NOISE_DBFS = 0.4, 3.0, -60.0
BLOCK_SAMPLES = int(VL.BLOCK * RATE)


def synth(text: str, voice: str, rate: int, cache: Path) -> np.ndarray:
    """espeak-ng speech at 16 kHz; ' | ' in the text becomes a 0.5 s thinking pause."""
    parts = []
    for k, piece in enumerate(text.split(" | ")):
        path = cache / f"{abs(hash((piece, voice, rate)))}.wav"
        if not path.exists():
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), piece], check=True, capture_output=True)
        samples = read_wav(path, RATE).samples
        if " | " in text:  # trim espeak's own silence, so the pause is 0.5 s of room
            samples = samples[speech_start(samples): speech_end(samples)]
        if k:
            parts.append(np.zeros(int(0.5 * RATE), np.int16))
        parts.append(samples)
    return np.concatenate(parts)


def speech_start(samples: np.ndarray, threshold_dbfs: float = -45.0) -> int:
    return len(samples) - speech_end(samples[::-1].copy(), threshold_dbfs)


def speech_end(samples: np.ndarray, threshold_dbfs: float = -45.0) -> int:
    """Index just past the last 10 ms frame whose RMS is above the threshold."""
    frame = RATE // 100
    n = len(samples) // frame
    x = samples[: n * frame].astype(np.float32).reshape(n, frame) / 32768.0
    rms = np.sqrt((x ** 2).mean(axis=1) + 1e-12)
    loud = np.nonzero(20 * np.log10(rms) > threshold_dbfs)[0]
    return int((loud[-1] + 1) * frame) if len(loud) else len(samples)


def in_room(clip: np.ndarray, rng: np.random.Generator, noise_dbfs: float = NOISE_DBFS) -> np.ndarray:
    """The clip after LEAD seconds and before TAIL seconds of a room's steady, dull hiss (under it too)."""
    n = int(LEAD * RATE) + len(clip) + int(TAIL * RATE)
    hiss = np.convolve(rng.normal(0, 1, n), np.ones(8) / 8, mode="same")
    hiss *= 32768 * 10 ** (noise_dbfs / 20) / max(1e-9, float(np.sqrt(np.mean(hiss ** 2))))
    hiss[int(LEAD * RATE): int(LEAD * RATE) + len(clip)] += clip
    return np.clip(np.round(hiss), -32768, 32767).astype(np.int16)


class RealTimeMic:
    """Blocks of a clip delivered at the pace a microphone would deliver them."""

    def __init__(self, samples: np.ndarray):
        self.pcm = samples.astype("<i2").tobytes()
        self.k = 0
        self.t0 = time.perf_counter()

    def read(self) -> bytes | None:
        start = self.k * BLOCK_SAMPLES * 2
        if start >= len(self.pcm):
            return None
        self.k += 1
        due = self.t0 + self.k * VL.BLOCK
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        return self.pcm[start : start + BLOCK_SAMPLES * 2]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="times through the script per voice (default 2)")
    parser.add_argument("--quiet", type=float, default=VL.QUIET, help=f"quiet that ends a command, s (default {VL.QUIET}; 0: the recognizer's endpointer only)")
    parser.add_argument("--noise", type=float, default=NOISE_DBFS, help=f"room noise level, dBFS (default {NOISE_DBFS})")
    parser.add_argument("--hold", type=float, default=VL.HOLD, help=f"hold after an unfinished phrase, s (default {VL.HOLD})")
    parser.add_argument("--wake-word", default=None, help="also load the wake-word grammar (e.g. closer)")
    parser.add_argument("--cold", action="store_true", help="no pre-rendered phrases (an empty speech cache)")
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {0})  # the same as taskset -c 0
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    tmp = Path(tempfile.mkdtemp(prefix="closer-bench-"))
    clips = tmp / "clips"
    clips.mkdir()
    rng = np.random.default_rng(1)

    started = time.perf_counter()
    companion = Companion.open(str(tmp / "closer.db"))
    listener = VL.Listener("pocketsphinx", None, args.wake_word, quiet=args.quiet, hold=args.hold)
    t = time.perf_counter()
    listener.warm_up(VL.usual_steps())  # as run_live does: every mode's grammar before the first listen
    grammars_s = time.perf_counter() - t
    voice = Voice(cache_dir=tmp / "speech" if args.cold else None)
    voice.warm_up()
    t = time.perf_counter()
    fresh = 0 if args.cold else voice.prerender(system_phrases())
    prerender_s = time.perf_counter() - t
    load_s = time.perf_counter() - started

    steps = []
    out = companion.launch()
    played = VL.speak_stream(voice.stream(out), lambda chunk: None)
    for r in range(args.rounds):
        for voice_name, wpm in VOICES:
            for text, want in SCRIPT:
                clip = synth(text, voice_name, wpm, clips)
                end = speech_end(clip)
                audio = in_room(clip, rng, args.noise)
                t = time.perf_counter()
                listener.prepare(companion)
                prepare_s = time.perf_counter() - t
                heard = {}
                decided = [None]
                original_feed = listener.feed

                def feed(pcm, _orig=original_feed):
                    result = _orig(pcm)
                    if result is not None:  # the last decision before the answer is the one answered
                        decided[0] = time.perf_counter()
                        heard.update(intent=result.intent, text=result.text)
                    return result

                listener.feed = feed
                mic = RealTimeMic(audio)
                spoken_end = mic.t0 + (int(LEAD * RATE) + end) / RATE
                try:
                    out = VL.listen_once(companion, listener, mic.read, reprompt_after=1e9)
                finally:
                    del listener.feed
                first = [None]
                if out is not None:
                    VL._names_private(voice, companion)
                    played = VL.speak_stream(voice.stream(out), lambda chunk: None,
                                             on_first=lambda: first.__setitem__(0, time.perf_counter()))
                step = {"text": text, "voice": voice_name, "want": want, "heard": heard.get("intent"),
                        "prepare_s": prepare_s, "reply_s": played / RATE if out else 0.0}
                if first[0] is not None and decided[0] is not None:
                    step.update(latency_ms=(first[0] - spoken_end) * 1000, endpoint_ms=(decided[0] - spoken_end) * 1000,
                                reply_ms=(first[0] - decided[0]) * 1000)
                steps.append(step)
                if args.verbose:
                    print(f"  {voice_name:6} {text!r:32} heard {step['heard']!s:22} "
                          f"{step.get('latency_ms', float('nan')):7.0f} ms (endpoint+decode {step.get('endpoint_ms', float('nan')):5.0f}, "
                          f"reply {step.get('reply_ms', float('nan')):5.0f}); grammar {prepare_s * 1000:6.0f} ms", flush=True)
                # After "stop" the companion goes idle; the next "start a check in" wakes it (as on the Pi).
    companion.end()

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    timed = [s for s in steps if "latency_ms" in s]
    lat = [s["latency_ms"] for s in timed]
    endpoint = [s["endpoint_ms"] for s in timed]
    reply = [s["reply_ms"] for s in timed]
    prep = [s["prepare_s"] * 1000 for s in steps]
    right = sum(1 for s in steps if s["heard"] == s["want"])
    median, p95 = statistics.median(lat) if lat else float("nan"), pct(lat, 0.95)

    print(f"voice loop latency, end of speech -> first reply sample (cores {cpus}, quiet {args.quiet} s, noise {args.noise} dBFS, "
          f"hold {args.hold} s, wake word {args.wake_word or 'off'}, {'cold' if args.cold else 'pre-rendered'} speech cache)")
    print(f"  start-up {load_s:.1f} s (every mode's grammar {grammars_s:.1f} s, "
          f"pre-rendering {fresh} new sentences {prerender_s:.1f} s)")
    print(f"  steps {len(steps)}, answered {len(timed)}, heard as meant {right}/{len(steps)} "
          f"(recognition accuracy; misheard ones are timed too)")
    print(f"  latency          median {median:6.0f} ms  p95 {p95:6.0f} ms  max {max(lat) if lat else float('nan'):6.0f} ms")
    print(f"    endpoint+decode median {statistics.median(endpoint):6.0f} ms  p95 {pct(endpoint, 0.95):6.0f} ms")
    print(f"    step+1st sentence median {statistics.median(reply):6.0f} ms  p95 {pct(reply, 0.95):6.0f} ms")
    meant = [s["latency_ms"] for s in timed if s["heard"] == s["want"] and " | " not in s["text"]]
    if meant:
        print(f"    heard as meant, no pause inside: median {statistics.median(meant):6.0f} ms  p95 {pct(meant, 0.95):6.0f} ms "
              f"({len(meant)} commands)")
    print(f"  grammar switch before listening: median {statistics.median(prep):6.0f} ms  p95 {pct(prep, 0.95):6.0f} ms  "
          f"max {max(prep):6.0f} ms (the microphone opens after it)")
    print(f"  speech cache: {voice.stats['cached']} sentences read, {voice.stats['rendered']} rendered")
    print(f"  peak RSS {peak_mb:.0f} MB")
    print("goals:")
    ok = True
    for name, value, goal in (("median", median, GOALS["median_ms"]), ("p95", p95, GOALS["p95_ms"]),
                              ("switch max", max(prep), GOALS["switch_ms"]), ("peak RSS", peak_mb, GOALS["peak_mb"])):
        unit = "MB" if name == "peak RSS" else "ms"
        met = value <= goal
        ok &= met
        print(f"  {name:9} {value:7.0f} {unit} / goal {goal:.0f} {unit} = {value / goal:5.2f}x  {'met' if met else 'MISSED'}")
    slow = sorted(timed, key=lambda s: -s["latency_ms"])[:3]
    for s in slow:
        print(f"  slowest: {s['text']!r} ({s['voice']}) heard {s['heard']}: {s['latency_ms']:.0f} ms "
              f"(endpoint+decode {s['endpoint_ms']:.0f}, reply {s['reply_ms']:.0f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
