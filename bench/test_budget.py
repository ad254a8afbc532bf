"""How long the test suite takes, directory by directory, against its budget (issue 14: under 5 minutes).

Runs pytest on each test directory in turn (never two at once) and prints, for each, the wall
time and the processor time it used (its own and its subprocesses'), the budget and the ratio.
Processor time is the figure to compare: on a machine busy with other work the wall time
stretches, the processor time hardly does. The budgets add up to less than five minutes so that
new tests have room; a directory over its budget should get leaner (a shared fixture, fewer
clips where a bench already measures breadth), not the budget bigger.

    .venv/bin/python bench/test_budget.py                 # every directory
    .venv/bin/python bench/test_budget.py tests/voice     # some of them
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 300.0  # the whole suite, on two x86 cores
# Processor seconds per directory; set at the figures measured when the recognizer's small
# pronouncing dictionary is in (see the report), with some room each.
BUDGET_S = {
    "tests/voice": 75.0,
    "tests/voice_loop": 90.0,
    "tests/conversations": 30.0,
    "tests/memory": 20.0,
    "tests/alexa": 15.0,
    "tests/content": 5.0,
    "tests/engine": 10.0,
    "tests/*.py": 5.0,
}
OTHER_BUDGET_S = 10.0  # a directory added since


def targets(chosen: list[str]) -> list[str]:
    if chosen:
        return chosen
    folders = sorted(f"tests/{p.name}" for p in (ROOT / "tests").iterdir()
                     if p.is_dir() and not p.name.startswith(("_", ".")) and any(p.glob("test_*.py")))
    return folders + ["tests/*.py"]


def run(target: str) -> tuple[float, float, int]:
    """(wall seconds, processor seconds, pytest exit status) for one target."""
    args = sorted(str(p.relative_to(ROOT)) for p in ROOT.glob(target)) if "*" in target else [target]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main(argv: list[str]) -> int:
    rows, total_wall, total_cpu = [], 0.0, 0.0
    print(f"{'directory':24} {'wall s':>8} {'cpu s':>8} {'budget':>8} {'ratio':>6}  pytest", flush=True)
    for target in targets(argv):
        wall, cpu, status = run(target)
        budget = BUDGET_S.get(target, OTHER_BUDGET_S)
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        verdict = "passed" if status == 0 else f"exit {status}"
        print(f"{target:24} {wall:8.1f} {cpu:8.1f} {budget:8.0f} {cpu / budget:6.2f}  {verdict}", flush=True)
        rows.append((target, cpu, budget))
    print(f"{'total':24} {total_wall:8.1f} {total_cpu:8.1f} {GOAL_S:8.0f} {total_cpu / GOAL_S:6.2f}")
    over = [t for t, cpu, budget in rows if cpu > budget]
    print("over budget: " + (", ".join(over) if over else "none"))
    print(f"goal: the whole suite under {GOAL_S:.0f} s; processor time {total_cpu:.0f} s "
          f"({'within' if total_cpu <= GOAL_S else 'OVER'} the goal)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
