"""How long the test suite takes, directory by directory, against its budget (issue 14: `scripts/test`
under five minutes on two x86 cores).

Runs the suite the way `scripts/test` does (two pytest-xdist workers) with this file loaded as a
pytest plugin that records, for every test, the processor time it used: its worker's and that of
the programs it ran (`closer`, espeak-ng, Piper, dynalite), set-up and tear-down included. Then it
prints, per test directory, the processor seconds against a budget, and per worker the sum: on an
otherwise idle machine each worker has a core to itself, so the larger sum (plus a few seconds of
start-up) is the wall time to expect. Processor time is the figure to compare: on a machine busy
with other work the wall time stretches, the processor time hardly does. A directory over its
budget should get leaner (a shared fixture, fewer clips where a bench already measures breadth),
not the budget bigger.

    .venv/bin/python bench/test_budget.py                 # the whole suite
    .venv/bin/python bench/test_budget.py tests/voice     # some of it
    .venv/bin/python bench/test_budget.py --workers 0     # in one process
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 300.0  # `scripts/test`, set-up included, on two x86 cores
PYTEST_GOAL_S = 240.0  # the suite's share of it, so set-up and stragglers leave room
CORES = 2
# Processor seconds per directory, all workers together. They add up to under CORES x PYTEST_GOAL_S
# (480 s): a directory over its budget is a directory to make leaner. Set at the figures of a whole
# run with two workers on a machine loaded by other work (load 15 on two cores, which inflates
# processor time by 15% or more), so an idle machine has some room.
BUDGET_S = {
    "tests/voice": 145.0,
    "tests/voice_loop": 140.0,
    "tests/conversations": 96.0,
    "tests/alexa": 34.0,
    "tests/memory": 15.0,
    "tests/*.py": 15.0,
    "tests/stores": 13.0,
    "tests/safety": 12.0,
    "tests/engine": 3.0,
    "tests/content": 3.0,
}
OTHER_BUDGET_S = 10.0  # a directory added since
LOG_ENV = "CLOSER_TEST_CPU_LOG"


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """(As a pytest plugin, in each worker) one JSON line per test: its node id and processor seconds."""
    folder = os.environ.get(LOG_ENV)
    before = _cpu()
    yield
    if folder:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with open(Path(folder) / f"{worker}.jsonl", "a", encoding="utf-8") as log:
            log.write(json.dumps({"test": item.nodeid, "cpu": round(_cpu() - before, 3)}) + "\n")


def directory(nodeid: str) -> str:
    parts = nodeid.split("::", 1)[0].split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else "tests/*.py"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="test folders or files (default: the whole suite)")
    parser.add_argument("--workers", default="2", help="pytest-xdist workers, as scripts/test (0: one process)")
    parser.add_argument("--log", help="also write pytest's own output to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="closer-test-cpu-") as folder:
        env = {**os.environ, "PYTHONPATH": str(ROOT), LOG_ENV: folder}
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "bench.test_budget",
                   "-n", args.workers, "--durations=15", *args.paths]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        total = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        per_dir: dict[str, float] = defaultdict(float)
        per_worker: dict[str, float] = defaultdict(float)
        slowest = []
        for log in sorted(Path(folder).glob("*.jsonl")):
            for line in log.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                per_dir[directory(row["test"])] += row["cpu"]
                per_worker[log.stem] += row["cpu"]
                slowest.append((row["cpu"], row["test"]))
    if args.log:
        Path(args.log).write_text(done.stdout, encoding="utf-8")
    for line in done.stdout.splitlines():
        if line.startswith(("FAILED", "ERROR")):
            print(line)
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else f"pytest exit {done.returncode}")
    print(f"\n{'directory':24} {'cpu s':>8} {'budget':>8} {'ratio':>6}")
    for name in sorted(per_dir, key=per_dir.get, reverse=True):
        budget = BUDGET_S.get(name, OTHER_BUDGET_S)
        print(f"{name:24} {per_dir[name]:8.1f} {budget:8.0f} {per_dir[name] / budget:6.2f}")
    over = [name for name in per_dir if per_dir[name] > BUDGET_S.get(name, OTHER_BUDGET_S)]
    print("over budget: " + (", ".join(sorted(over)) if over else "none"))
    print("\nslowest tests (processor seconds, fixtures included):")
    for cpu, test in sorted(slowest, reverse=True)[:10]:
        print(f"  {cpu:6.1f}  {test}")
    in_tests = sum(per_dir.values())
    busiest = max(per_worker.values(), default=0.0)
    print(f"\nprocessor time: {total:.0f} s in all ({in_tests:.0f} s in tests, the rest start-up and collection); "
          f"per worker: " + ", ".join(f"{w} {s:.0f} s" for w, s in sorted(per_worker.items())))
    print(f"wall time here: {wall:.0f} s (a busy machine stretches it)")
    print(f"idle-machine estimate: about {busiest + (total - in_tests) / max(1, len(per_worker)):.0f} s for pytest "
          f"(the busier worker's share; goal {PYTEST_GOAL_S:.0f} s, and {GOAL_S:.0f} s for scripts/test with set-up)")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
