"""A household's cost as it ages: the in-process cost of one Alexa turn and the bytes it writes, fresh vs year-old.

A turn is a whole request through the Flask app in this process (parse, ask-sdk dispatch, engine step,
store read and write, response), a mid-check-in AMAZON.NextIntent as in bench/alexa_throughput.py. The
year-old household has used every question and finished 400 sessions (the history limit): before the
store kept growing parts apart, each of its turns read and rewrote about 45 KB.

    .venv/bin/python bench/household_age.py [--turns 400] [--store sqlite|dynamodb|both]

Goals (issue 21): a year-old household's turn within 1.2x a fresh one's cost; at most 2 KB written per turn.
Fresh and year-old turns alternate, so a noisy neighbour hits both alike. Exit 0 when the goals are met.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load_sim import year_old_effects  # noqa: E402
from tests.alexa.conftest import envelope  # noqa: E402

GOAL_RATIO, GOAL_BYTES = 1.2, 2048


class Household:
    def __init__(self, client, store, user: str):
        self.client, self.store, self.user = client, store, user
        self.attrs = self.post("LaunchRequest", None, new=True)
        self.attrs = self.post("IntentRequest", "StartCheckInIntent")

    def post(self, kind, intent, new=False):
        env = envelope(kind, intent=intent, user=self.user, attrs=None if new else self.attrs, new=new)
        reply = self.client.post("/alexa", data=json.dumps(env), content_type="application/json")
        assert reply.status_code == 200, reply.status_code
        return reply.get_json().get("sessionAttributes") or {}

    def turn(self) -> tuple[float, int]:
        """One NextIntent from the same session state (the check-in never runs out): (ms, bytes written)."""
        env = envelope("IntentRequest", intent="AMAZON.NextIntent", user=self.user, attrs=self.attrs, new=False)
        body = json.dumps(env)
        t0 = time.perf_counter()
        reply = self.client.post("/alexa", data=body, content_type="application/json")
        ms = (time.perf_counter() - t0) * 1000
        assert reply.status_code == 200
        return ms, self.store.last_written


def measure(url: str, turns: int) -> dict:
    import logging

    from skill.alexa.app import create_app
    from skill.stores import open_store

    logging.getLogger("closer.alexa").setLevel(logging.ERROR)
    store = open_store(url)
    if hasattr(store, "create_table"):
        store.create_table()
    store.apply("amzn1.ask.account.OLD", year_old_effects(time.time()))
    client = create_app({"verify": False, "store": store}).test_client()
    fresh, old = Household(client, store, "amzn1.ask.account.NEW"), Household(client, store, "amzn1.ask.account.OLD")
    for _ in range(20):  # warm-up: caches, first-call imports
        fresh.turn(), old.turn()
    costs = {"fresh": [], "old": []}
    written = {"fresh": [], "old": []}
    for _ in range(turns):
        for name, household in (("fresh", fresh), ("old", old)):
            ms, size = household.turn()
            costs[name].append(ms)
            written[name].append(size)
    kept = store.load("amzn1.ask.account.OLD")
    return {"fresh_ms": statistics.median(costs["fresh"]), "old_ms": statistics.median(costs["old"]),
            "fresh_bytes": max(written["fresh"]), "old_bytes": max(written["old"]),
            "old_history": len(kept["history"]), "old_used": len(kept["used"]),
            "old_doc_bytes": len(json.dumps(kept, separators=(",", ":")))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=400)
    parser.add_argument("--store", choices=["sqlite", "dynamodb", "both"], default="both")
    args = parser.parse_args()
    ok = True
    backends = ["sqlite", "dynamodb"] if args.store == "both" else [args.store]
    for backend in backends:
        server = None
        if backend == "dynamodb":
            from tests.dynalite import Dynalite, missing

            if missing():
                print(f"dynamodb: skipped ({missing()})")
                continue
            server = Dynalite()
            url = server.url("closer")
        else:
            url = f"sqlite:///{tempfile.mkdtemp(prefix='closer-age-')}/closer.db"
        try:
            r = measure(url, args.turns)
        finally:
            if server:
                server.stop()
        ratio = r["old_ms"] / r["fresh_ms"]
        met_ratio, met_bytes = ratio <= GOAL_RATIO, r["old_bytes"] <= GOAL_BYTES and r["fresh_bytes"] <= GOAL_BYTES
        print(f"{backend}: NextIntent turn, median of {args.turns} alternating turns each (in process, whole request)")
        print(f"  fresh household     {r['fresh_ms']:.2f} ms, written per turn (max) {r['fresh_bytes']} B")
        print(f"  year-old household  {r['old_ms']:.2f} ms, written per turn (max) {r['old_bytes']} B "
              f"(history {r['old_history']} sessions, {r['old_used']} questions used, document {r['old_doc_bytes'] / 1024:.1f} KB)")
        print(f"  goal year-old <= {GOAL_RATIO}x fresh: ratio {ratio:.2f} {'met' if met_ratio else 'NOT met'}; "
              f"goal <= {GOAL_BYTES} B written per turn: {'met' if met_bytes else 'NOT met'}")
        ok = ok and met_ratio and met_bytes
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
