"""Recognition benchmark: accuracy on synthesized commands, false triggers on table talk,
real-time factor and decode time after the end of speech, per backend.

    taskset -c 0 .venv/bin/python bench/recognition.py [--backend pocketsphinx|vosk|both]
        [--per-intent N | --all] [--voices N] [--agreement X] [--check-warps F,F | none] [--model PATH]
    taskset -c 0 .venv/bin/python bench/recognition.py --phrasings [FILE] [--families piper,espeak] [--limit N]

`--phrasings` speaks the phrasing test set (tests/phrasings/commands.yaml, which the grammar
never reads) in both voice families (the Piper neural voice at two tempos, espeak-ng voices),
every other clip with room noise, and reports per family: heard as meant, wrong intent and
missed, "stop" alone, table talk taken for a command, and the confusion pairs.

Speech is synthesized with espeak-ng (several voices and rates, every other clip with
light background noise). Latency is measured by streaming each clip in 30 ms blocks and
timing from the block that completes the utterance to the result.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from local_voice import recognition as R  # noqa: E402
from local_voice.models import find_vosk_model  # noqa: E402
from tests.voice.speech import HELD_OUT_TALK, HELD_OUT_VOICES, TABLE_TALK, TABLE_TALK_MORE, VOICES, command_sample, load, synth  # noqa: E402


def stream_latency(rec: R.Recognizer, pcm: bytes) -> float | None:
    """Seconds from feeding the block where speech was found to have ended, to having the result."""
    rec.reset()
    silence = b"\0" * int(0.9 * 16000) * 2
    data = silence + pcm + silence
    for i in range(0, len(data), 960):
        t = time.perf_counter()
        if rec.accept(data[i : i + 960]):
            rec.result()
            return time.perf_counter() - t
    rec.flush()
    return None


def run_backend(rec: R.Recognizer, sample, voices, cache: Path, talk=TABLE_TALK) -> dict:
    right = total = 0
    audio_seconds = cpu = 0.0
    wrong = []
    latencies = []
    for k, (intent, text) in enumerate(sample):
        for v, (voice, rate) in enumerate(voices):
            audio = load(synth(text, cache, voice, rate), noise=bool((k + v) % 2), seed=k * 31 + v)
            t = time.process_time()
            got = rec.recognize(audio.pcm())
            cpu += time.process_time() - t
            audio_seconds += audio.seconds
            total += 1
            if got.intent == intent:
                right += 1
            else:
                wrong.append((intent, text, voice, rate, got.intent))
            if v == 0 and k % 5 == 0:
                lat = stream_latency(rec, audio.pcm())
                if lat is not None:
                    latencies.append(lat)
    hits = 0
    talk_hits = []
    for k, text in enumerate(talk):
        for v, (voice, rate) in enumerate(voices[:2]):
            got = rec.recognize(load(synth(text, cache, voice, rate), noise=bool((k + v) % 2), seed=k).pcm())
            hits += got.intent is not None
            if got.intent is not None:
                talk_hits.append((text, voice, got.intent))
    return {
        "accuracy": right / max(1, total),
        "right": right,
        "total": total,
        "table_talk_hits": hits,
        "table_talk_total": len(talk) * min(2, len(voices)),
        "talk_hits": talk_hits,
        "rtf": cpu / max(1e-9, audio_seconds),
        "latency_median": statistics.median(latencies) if latencies else float("nan"),
        "latency_p95": sorted(latencies)[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
        "wrong": wrong,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["pocketsphinx", "vosk", "both"], default="both")
    parser.add_argument("--per-intent", type=int, default=3)
    parser.add_argument("--all", action="store_true", help="every catalog phrasing (slow)")
    parser.add_argument("--voices", type=int, default=len(VOICES))
    parser.add_argument("--agreement", help="pocketsphinx check: \"intent\" (default) or a word-similarity threshold")
    parser.add_argument("--check-warps", help="pocketsphinx: frequency scalings tried when the plain check disagrees "
                                                  "(comma-separated, or none; default: the recognizer's)")
    parser.add_argument("--model", help="Vosk model directory")
    parser.add_argument("--show-wrong", action="store_true")
    parser.add_argument("--held-out", action="store_true",
                        help="voices, phrasings and table talk never used for tuning (espeak-ng accents, other rates)")
    parser.add_argument("--phrasings", nargs="?", const=str(ROOT / "tests" / "phrasings" / "commands.yaml"),
                        help="speak the phrasing test set in every voice family (see above)")
    parser.add_argument("--families", default="piper,espeak", help="voice families for --phrasings")
    parser.add_argument("--piper-tempos", default="1.0,0.85", help="--phrasings: Piper length scales")
    parser.add_argument("--espeak-voices", default="en-us:165,en+f3:140,en-gb-x-rp:190,en+m3:175",
                        help="--phrasings: espeak-ng voice:rate list")
    parser.add_argument("--limit", type=int, default=0, help="--phrasings: at most N phrasings per command (0: all)")
    parser.add_argument("--expect", help="--phrasings: comma-separated live intents (default: every intent)")
    args = parser.parse_args(argv)
    if args.phrasings:
        from bench.phrasing_voices import run_phrasings

        return run_phrasings(args)
    commands = R.build_commands()
    sample = command_sample(commands, None if args.all else args.per_intent, seed=11 if args.held_out else 7, random_names=True)
    voices = (HELD_OUT_VOICES if args.held_out else VOICES)[: args.voices]
    talk = HELD_OUT_TALK if args.held_out else TABLE_TALK + TABLE_TALK_MORE
    cache = Path(tempfile.gettempdir()) / "closer-bench-speech"
    backends = []
    if args.backend in ("pocketsphinx", "both"):
        kw = {} if args.agreement is None else {"agreement": args.agreement if args.agreement == "intent" else float(args.agreement)}
        if args.check_warps:
            kw["check_warps"] = () if args.check_warps == "none" else tuple(float(f) for f in args.check_warps.split(","))
        t = time.perf_counter()
        backends.append(("pocketsphinx", R.PocketsphinxRecognizer(commands, **kw), time.perf_counter() - t))
    if args.backend in ("vosk", "both"):
        model = find_vosk_model(args.model)
        if model is None:
            print("vosk: skipped, no English Vosk model found (closer models fetch, --model or $CLOSER_VOSK_MODEL)")
        else:
            t = time.perf_counter()
            backends.append(("vosk", R.VoskRecognizer(commands, model), time.perf_counter() - t))
    for name, rec, load_s in backends:
        r = run_backend(rec, sample, voices, cache, talk)
        print(f"{name}: load {load_s:.2f} s")
        print(f"  commands   {r['right']}/{r['total']} = {r['accuracy']:.1%} ({len(sample)} phrasings x {len(voices)} voices, half with noise)")
        print(f"  table talk {r['table_talk_hits']}/{r['table_talk_total']} taken for a command")
        print(f"  real-time factor {r['rtf']:.3f} (CPU seconds per audio second, whole clips)")
        print(f"  decode after end of speech: median {r['latency_median'] * 1000:.0f} ms, p95 {r['latency_p95'] * 1000:.0f} ms")
        print(f"  peak RSS of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        if args.show_wrong:
            for w in r["wrong"]:
                print("   wrong:", w)
            for h in r["talk_hits"]:
                print("   talk taken for a command:", h)
    return 0


if __name__ == "__main__":
    sys.exit(main())
