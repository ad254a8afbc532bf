"""Benchmark: `closer serve --workers 2` answering a signed mid-session AMAZON.NextIntent, against the floor:
an ask-sdk-core hello world (the same Flask + ask-sdk dispatch, one handler saying "Hello.", no engine,
no store) under the same gunicorn settings (skill/alexa/server.py's gunicorn_options, which `closer serve`
itself uses); both driven by wrk on loopback with 16 connections in the same run. The skill hammers one
household that is already a year old (every question used, 400 finished sessions) and keeps writing to it.
Goals (issue 21): skill req/s >= 0.5 of the floor's, skill p99 <= 3x the floor's p99 in the same run,
zero errors (non-2xx responses plus socket errors).

Both servers run for the whole run; after a warm-up of each, the measurement alternates skill, floor,
skill, floor ... for --rounds rounds, so a noisy neighbour on the machine hits both alike. Each round
signs a fresh request (the timestamp must stay within Alexa's 150 s). The verdict uses the median
round ratios and the errors summed over all rounds; every round is printed.

    .venv/bin/python bench/alexa_throughput.py [--seconds 10] [--rounds 3]

Exit status 0 when every goal is met, 1 when not, 2 when the benchmark could not run.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SKILL_ID = "amzn1.ask.skill.bench-closer-together"
CERT_URL = "https://s3.amazonaws.com/echo.api/closer-bench-cert.pem"
CONNECTIONS = 16
WORKERS = 2
GOAL_RATIO, GOAL_P99_FACTOR = 0.5, 3.0


def bare_app():
    """The floor: an ask-sdk-core hello world behind Flask (parse, dispatch, serialize; nothing else)."""
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_core.skill_builder import SkillBuilder
    from ask_sdk_model import RequestEnvelope
    from flask import Flask, Response, jsonify, request

    builder = SkillBuilder()

    @builder.request_handler(can_handle_func=lambda handler_input: True)
    def hello(handler_input):
        return handler_input.response_builder.speak("Hello.").set_should_end_session(False).response

    skill = builder.create()
    serializer = DefaultSerializer()
    app = Flask("floor")

    @app.post("/alexa")
    def alexa():
        envelope = serializer.deserialize(request.get_data(as_text=True), RequestEnvelope)
        response = skill.invoke(request_envelope=envelope, context=None)
        return Response(json.dumps(serializer.serialize(response)), mimetype="application/json")

    @app.get("/healthz")
    def healthz():
        return jsonify({"ok": True})

    return app


def serve_bare(port: int, workers: int) -> None:
    """Run the bare app under exactly the gunicorn settings `closer serve` uses."""
    from skill.alexa import server

    server.SkillServer(bare_app, server.gunicorn_options("127.0.0.1", port, workers)).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with status {proc.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not come up in {timeout:.0f} s")


class Signer:
    """Mid-check-in NextIntent envelopes signed by a throwaway PKI whose root is trusted via --trust-roots."""

    def __init__(self, workdir: Path):
        from skill.alexa.verify import cache_name
        from skill.engine import load_engine
        from tests.alexa import certs

        root = certs.make_ca("Bench Root")
        inter = certs.make_ca("Bench Intermediate", issuer=root, path_length=0)
        self.leaf = certs.make_leaf(inter, dns=["echo-api.amazon.com"])
        (workdir / "roots.pem").write_bytes(root.pem)
        (workdir / "certs").mkdir()
        (workdir / "certs" / cache_name(CERT_URL)).write_bytes(self.leaf.pem + inter.pem)
        engine = load_engine()
        now = time.time()
        state, _ = engine.step(None, {"type": "launch", "now": now, "locale": "en-US"}, {})
        event = {"type": "intent", "intent": "StartCheckInIntent", "slots": {}, "now": now, "locale": "en-US"}
        self.state, _ = engine.step(state, event, {})

    def request(self) -> tuple[bytes, dict]:
        """A freshly timestamped, signed request: (body, headers)."""
        from skill.alexa.turn import encode_state
        from tests.alexa.conftest import envelope

        # Alexa sends back the session attributes exactly as the skill set them: the engine state
        # as one JSON string (skill/alexa/turn.py), not as a nested object.
        attrs = {"engine": encode_state(self.state)}
        body = json.dumps(envelope("IntentRequest", intent="AMAZON.NextIntent", attrs=attrs, new=False,
                                   skill_id=SKILL_ID, ts=time.time())).encode()
        signature = base64.b64encode(self.leaf.sign(body)).decode()
        return body, {"Content-Type": "application/json", "SignatureCertChainUrl": CERT_URL, "Signature-256": signature}


def seed_year_old(db: Path) -> None:
    """The household the bench hammers starts a year old (its turns then age it further)."""
    from bench.load_sim import year_old_effects
    from skill.stores import open_store
    from tests.alexa.conftest import USER_ID

    store = open_store(str(db))
    store.apply(USER_ID, year_old_effects(time.time()))
    store.close()


def lua_script(path: Path, body: bytes, headers: dict) -> None:
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body.decode())}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    path.write_text("\n".join(lines) + "\n")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not found:
        raise ValueError(text)
    return float(found.group(1)) * _UNITS[found.group(2)]


def parse_wrk(out: str) -> dict:
    """req/s, p50/p99 in ms, requests, errors (non-2xx/3xx + socket errors) from `wrk --latency` output."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M)
    if not (rps and total and p50 and p99):
        raise ValueError("unreadable wrk output:\n" + out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(rps.group(1)), "requests": int(total.group(1)), "p50_ms": _ms(p50.group(1)),
            "p99_ms": _ms(p99.group(1)), "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(int(g) for g in sock.groups()) if sock else 0}


def run_wrk(port: int, script: Path, seconds: int) -> dict:
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s", "--latency", "-s", str(script),
           f"http://127.0.0.1:{port}/alexa"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30)
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr.strip()}")
    result = parse_wrk(done.stdout)
    result["errors"] = result["non2xx"] + result["socket_errors"]
    return result


def check_answer(port: int, body: bytes, headers: dict) -> None:
    """The skill must answer this very request with speech, or the numbers measure rejections."""
    req = urllib.request.Request(f"http://127.0.0.1:{port}/alexa", data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=5) as reply:
        payload = json.loads(reply.read())
    if reply.status != 200 or "outputSpeech" not in payload.get("response", {}):
        raise SystemExit(f"skill did not answer the signed request: {reply.status} {payload}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement (2-60, default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating skill/bare rounds (1-9, default 3)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up seconds per server (1-30, default 3)")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare, WORKERS)
        return 0
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    seconds = max(2, min(60, args.seconds))
    rounds = max(1, min(9, args.rounds))
    warmup = max(1, min(30, args.warmup))
    work = Path(tempfile.mkdtemp(prefix="closer-bench-"))
    signer = Signer(work)
    skill_port, bare_port = free_port(), free_port()
    closer = [sys.executable, "-c", "import sys; from skill.cli import main; sys.exit(main())"]
    seed_year_old(work / "bench.db")
    procs = [
        subprocess.Popen(closer + ["serve", "--port", str(skill_port), "--workers", str(WORKERS), "--skill-id", SKILL_ID,
                                   "--trust-roots", str(work / "roots.pem"), "--cert-cache", str(work / "certs"),
                                   "--db", str(work / "bench.db")], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, __file__, "--serve-bare", str(bare_port)], cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    results: list[tuple[dict, dict]] = []
    try:
        wait_up(skill_port, procs[0])
        wait_up(bare_port, procs[1])
        body, headers = signer.request()
        check_answer(skill_port, body, headers)
        script = work / "post.lua"
        lua_script(script, body, headers)
        run_wrk(skill_port, script, warmup)
        run_wrk(bare_port, script, warmup)
        for _ in range(rounds):
            body, headers = signer.request()
            lua_script(script, body, headers)
            skill = run_wrk(skill_port, script, seconds)
            bare = run_wrk(bare_port, script, seconds)
            results.append((skill, bare))
        check_answer(skill_port, *signer.request())
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)

    from skill.alexa.server import gunicorn_options

    opts = gunicorn_options("127.0.0.1", 0, WORKERS)
    print(f"wrk -t2 -c{CONNECTIONS} -d{seconds}s x {rounds} alternating rounds on loopback; gunicorn {opts['worker_class']} "
          f"workers={opts['workers']} threads={opts['threads']} keepalive={opts['keepalive']}s (both servers); "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    print(f"{'round':<7}{'server':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'requests':>10}{'ratio':>7}")
    for i, (skill, bare) in enumerate(results, 1):
        for name, r, ratio in (("closer serve (signed NextIntent)", skill, f"{skill['rps'] / bare['rps']:.2f}"),
                               ("floor (ask-sdk-core hello world)", bare, "")):
            print(f"{i:<7}{name:<34}{r['rps']:>9.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['errors']:>8}{r['requests']:>10}{ratio:>7}")
    ratio = statistics.median(s["rps"] / b["rps"] for s, b in results)
    p99 = statistics.median(s["p99_ms"] for s, _ in results)
    p99_factor = statistics.median(s["p99_ms"] / b["p99_ms"] for s, b in results)
    errors = sum(s["errors"] for s, _ in results)
    bare_errors = sum(b["errors"] for _, b in results)
    skill_rps = statistics.median(s["rps"] for s, _ in results)
    bare_rps = statistics.median(b["rps"] for _, b in results)
    verdicts = [(f"ratio {ratio:.2f} (goal >= {GOAL_RATIO:.2f})", ratio >= GOAL_RATIO),
                (f"skill p99 {p99:.2f} ms = {p99_factor:.2f}x the floor's p99 (goal <= {GOAL_P99_FACTOR:.0f}x)",
                 p99_factor <= GOAL_P99_FACTOR),
                (f"skill errors {errors} (goal 0)", errors == 0)]
    print(f"median req/s: skill {skill_rps:.0f}, floor {bare_rps:.0f}; floor errors {bare_errors}")
    # A closed loop of 16 connections: mean latency = 16 / throughput (Little's law).
    print(f"mean latency by Little's law ({CONNECTIONS} connections / throughput): skill {CONNECTIONS / skill_rps * 1000:.1f} ms, "
          f"floor {CONNECTIONS / bare_rps * 1000:.1f} ms")
    for text, ok in verdicts:
        print(f"  {'met    ' if ok else 'NOT met'}  {text}")
    met = all(ok for _, ok in verdicts)
    print("goals met" if met else "goals NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
