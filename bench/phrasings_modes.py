"""How the catalog hears a phrasing set in TEXT, with no mode (as `closer local --text` matches)
and in each engine mode where the command is live (restricted to what that mode listens for, as
the voice grammar is): heard as meant, wrong intents (worse than a miss), misses, and table talk
taken for a command in any mode.

    PYTHONPATH=. python bench/phrasings_modes.py --set tests/phrasings/fresh2.yaml

A set may give `modes: [...]` per command (default: no mode only) and `intent` as a list when
intents share one handler in every mode (stop and cancel). Goals (issue 16): at least 95% heard as
meant, no wrong intent, no table talk accepted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOAL_HEARD = 0.95


def live_in(mode: str) -> list[str]:
    """What the engine listens for in a mode, with a timer running and an invitation pending
    (so the conditional intents are live too)."""
    from skill.engine import modes

    return modes.expect({"mode": mode, "run": {"timer": {"seconds": 60}}, "invitation": {"kind": "any"}})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=str(ROOT / "tests" / "phrasings" / "fresh2.yaml"))
    parser.add_argument("--quiet", action="store_true", help="figures only, no per-phrasing lines")
    args = parser.parse_args(argv)
    from bench.phrasings_text import load_catalog

    data = yaml.safe_load(Path(args.set).read_text(encoding="utf-8"))
    catalog = load_catalog()
    mode_names = ("menu", "running", "paused", "confirm", "idle")
    live = {m: live_in(m) for m in mode_names}

    tried = heard = 0
    wrong, missed, not_live = [], [], []
    for label, spec in data["commands"].items():
        want = spec["intent"] if isinstance(spec["intent"], list) else [spec["intent"]]
        for mode in spec.get("modes") or []:
            if want[0] not in live[mode]:
                not_live.append((label, mode))
        for said in spec["say"]:
            for mode in [None, *(spec.get("modes") or [])]:
                found = catalog.match(said, live[mode] if mode else None)
                got = found.intent if found else None
                tried += 1
                if got in want:
                    heard += 1
                elif got is None:
                    missed.append((label, mode, said))
                else:
                    wrong.append((label, mode, said, got))

    accepted = []
    for said in data["table_talk"]:
        for mode in [None, *mode_names]:
            found = catalog.match(said, live[mode] if mode else None)
            if found:
                accepted.append((mode, said, found.intent))
                break

    phrasings = sum(len(s["say"]) for s in data["commands"].values())
    share = heard / tried
    print(f"set: {args.set}: {phrasings} phrasings, {tried} (phrasing, mode) trials, {len(data['table_talk'])} table talk")
    print(f"heard as meant: {heard}/{tried} = {share:.1%} (goal >= {GOAL_HEARD:.0%}) "
          f"{'OK' if share >= GOAL_HEARD else 'BELOW GOAL'}")
    no_mode = [m for m in missed if m[1] is None], [w for w in wrong if w[1] is None]
    print(f"  with no mode (text): {phrasings - len(no_mode[0]) - len(no_mode[1])}/{phrasings} "
          f"= {(phrasings - len(no_mode[0]) - len(no_mode[1])) / phrasings:.1%}")
    print(f"wrong intents: {len(wrong)} (goal 0); misses: {len(missed)}")
    print(f"table talk taken for a command (any mode): {len(accepted)}/{len(data['table_talk'])} (goal 0)")
    if not args.quiet:
        for label, mode, said, got in wrong:
            print(f"  WRONG  [{label}] ({mode or 'text'}) {said!r} -> {got}")
        for label, mode, said in missed:
            print(f"  MISSED [{label}] ({mode or 'text'}) {said!r}")
        for mode, said, got in accepted:
            print(f"  TABLE TALK ACCEPTED ({mode or 'text'}) {said!r} -> {got}")
        for label, mode in not_live:
            print(f"  NOTE: [{label}] is not live in mode {mode}")
    return 0 if share >= GOAL_HEARD and not wrong and not accepted else 1


if __name__ == "__main__":
    sys.exit(main())
