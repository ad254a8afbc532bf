"""Mutation fuzz of the Alexa endpoint: N mutated envelopes (corpus + AudioPlayer ones) through the Flask
app with the real engine; prints the status counts, the rate, and the goal (no 5xx at all).

    taskset -c 1 .venv/bin/python -m bench.alexa_fuzz [--count 20000] [--seed 20000]

Offline: the API client answers every call as unreachable (Amazon cannot be reached from here)."""

from __future__ import annotations

import argparse
import collections
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    from ask_sdk_model.services import ApiClient, ApiClientResponse

    from skill.alexa.app import create_app
    from skill.engine import load_engine
    from skill.store import Store
    from tests.alexa.mutate import envelopes

    class Offline(ApiClient):
        def invoke(self, request):
            return ApiClientResponse(headers=[], status_code=599, body=None)

    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=20000)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"engine": load_engine(), "store": Store(Path(tmp) / "fuzz.db"), "verify": False,
                          "api_client": Offline()})
        client = app.test_client()
        statuses: collections.Counter = collections.Counter()
        worst = None
        started = time.perf_counter()
        for body in envelopes(args.count, args.seed):
            reply = client.post("/alexa", data=body, headers={"Content-Type": "application/json"})
            statuses[reply.status_code] += 1
            if reply.status_code >= 500 and worst is None:
                worst = body[:400]
            elif reply.status_code == 200:
                json.loads(reply.data)  # every 200 is valid JSON
        seconds = time.perf_counter() - started
    five = sum(n for s, n in statuses.items() if s >= 500)
    print(f"envelopes: {args.count} (seed {args.seed})  statuses: {dict(sorted(statuses.items()))}")
    print(f"5xx: {five} (goal 0)  rate: {args.count / seconds:.0f} envelopes/s over {seconds:.1f} s")
    if worst:
        print("first 5xx body:", worst)
    return 1 if five else 0


if __name__ == "__main__":
    sys.exit(main())
