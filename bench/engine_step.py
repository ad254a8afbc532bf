"""Per-step time of the dialogue engine: median and p99 over many steps of a realistic mix.

    /work/main/.venv/bin/python bench/engine_step.py [--steps 20000] [--seed 1]

Only `Engine.step` is timed (the front end's catalog match and store writes are not):
memory is kept between steps by applying the effects, outside the timed region. The mix
is what couples do: sessions that launch, run a check-in with turns, repeats, help, pauses
and skips, a timed exercise with time-left questions and timer ticks, side requests, and
now and then a stop and a new session. Goal (issue 2): median <= 0.2 ms on this machine.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL_MS = 0.2
T0 = 1_750_708_800.0

# (intent, weight) while something runs, and at the menu.
RUN_MIX = [("DoneIntent", 30), ("AMAZON.NextIntent", 10), ("AMAZON.RepeatIntent", 8), ("AMAZON.HelpIntent", 4),
           ("AMAZON.PauseIntent", 4), ("AMAZON.ResumeIntent", 4), ("AMAZON.PreviousIntent", 3),
           ("AMAZON.FallbackIntent", 5), ("TimeLeftIntent", 4), ("SaveQuestionIntent", 2), ("DeeperIntent", 1),
           ("LighterIntent", 1), ("SlowerIntent", 1), ("FasterIntent", 1), ("SwitchFirstIntent", 1),
           ("ProgressIntent", 1), ("AMAZON.StartOverIntent", 1), ("tick", 6), ("AMAZON.StopIntent", 1)]
MENU_MIX = [("StartCheckInIntent", 10), ("StartExerciseIntent", 5), ("AMAZON.YesIntent", 4), ("AMAZON.NoIntent", 1),
            ("AMAZON.HelpIntent", 2), ("ListExercisesIntent", 1), ("SetNamesIntent", 1), ("ProgressIntent", 1),
            ("AMAZON.FallbackIntent", 1), ("AMAZON.ResumeIntent", 2)]
EXERCISES = ["listening exercise", "gratitude walk", "memory lane", "closeness ladder", "appreciation round"]


def pick(rng: random.Random, mix):
    names, weights = zip(*mix)
    return rng.choices(names, weights)[0]




def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=500)
    args = parser.parse_args(argv)

    from skill.engine import apply_effects, load_engine, new_memory

    started = time.perf_counter()
    engine = load_engine()
    load_s = time.perf_counter() - started
    rng = random.Random(args.seed)
    memory, state, now = new_memory(), None, T0
    samples: list[int] = []
    with_effects: list[float] = []
    without_effects: list[float] = []
    counts: dict[str, int] = {}
    total = args.steps + args.warmup
    gc.collect()
    for n in range(total):
        mode = state.get("mode") if state else "idle"
        if mode == "idle" or (state and state.get("n", 0) > 60 and rng.random() < 0.02):
            event = {"type": "launch"}
        elif mode in ("running", "paused"):
            name = pick(rng, RUN_MIX)
            event = {"type": "tick"} if name == "tick" else {"type": "intent", "intent": name, "slots": {}}
        elif mode == "safety":
            event = {"type": "intent", "intent": rng.choice(["AMAZON.NoIntent", "AMAZON.RepeatIntent", "AMAZON.StopIntent"]), "slots": {}}
        elif mode == "confirm":
            event = {"type": "intent", "intent": rng.choice(["AMAZON.YesIntent", "AMAZON.NoIntent"]), "slots": {}}
        else:
            name = pick(rng, MENU_MIX)
            slots = {}
            if name == "StartExerciseIntent":
                slots = {"exercise": rng.choice(EXERCISES)}
            elif name == "SetNamesIntent":
                slots = {"nameA": "Sam", "nameB": "Alex"}
            event = {"type": "intent", "intent": name, "slots": slots}
        if n % 997 == 0 and n:
            event = {"type": "intent", "intent": "SafetyIntent", "slots": {}}
        # Clock: a few seconds per turn; a tick lands on the timer's next cue when there is one.
        now += rng.uniform(2, 20)
        if event["type"] == "tick" and state:
            from skill.engine.core import wake_at
            due = wake_at(state)
            now = max(now, due) if due else now
        event.update(now=now, seed=args.seed, locale="en-US")
        if event["type"] == "launch":
            state = None  # a new session starts from no state, as every front end does
        t = time.perf_counter_ns()
        state, out = engine.step(state, event, memory)
        elapsed = time.perf_counter_ns() - t
        if out["effects"]:
            memory = apply_effects(memory, out["effects"])
        if n >= args.warmup:
            samples.append(elapsed)
            (with_effects if out["effects"] else without_effects).append(elapsed / 1e6)
            key = event.get("intent") or event["type"]
            counts[key] = counts.get(key, 0) + 1

    ms = sorted(s / 1e6 for s in samples)
    median = statistics.median(ms)
    p99 = ms[min(len(ms) - 1, int(round(0.99 * len(ms))) - 1)]
    print(f"engine step benchmark: {len(ms)} steps (after {args.warmup} warm-up), seed {args.seed}")
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}".rstrip())
    print(f"content and catalog load (once): {load_s * 1000:.0f} ms")
    print(f"median: {median:.4f} ms   p90: {ms[int(0.9 * len(ms))]:.4f} ms   p99: {p99:.4f} ms   "
          f"max: {ms[-1]:.3f} ms   mean: {statistics.fmean(ms):.4f} ms")
    print(f"goal: median <= {GOAL_MS} ms -> median is {median / GOAL_MS:.2f}x the goal "
          f"({'meets' if median <= GOAL_MS else 'MISSES'} it); p99 is {p99 / GOAL_MS:.2f}x")
    import json
    import os
    print(f"steps that changed memory: {len(with_effects)}, median {statistics.median(with_effects or [0]):.4f} ms; "
          f"steps that did not: {len(without_effects)}, median {statistics.median(without_effects or [0]):.4f} ms")
    print(f"household memory at the end: {len(json.dumps(memory))} bytes "
          f"({len(memory.get('history') or [])} finished sessions, {len(memory.get('used') or {})} used prompts)")
    if hasattr(os, "getloadavg"):
        print(f"load average while measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    mix = ", ".join(f"{k.replace('AMAZON.', '')} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
    print(f"mix: {mix}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
