"""Benchmark: `closer serve --workers 2` answering a signed mid-session AMAZON.NextIntent, against a bare
Flask app returning a small JSON body under the same gunicorn settings; both driven by wrk on loopback
with 16 connections in the same run. Prints req/s, the ratio, p99 and errors. Goals: ratio >= 0.6,
p99 <= 15 ms, zero errors.

    .venv/bin/python bench/alexa_throughput.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
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


def bare_app():
    """The baseline: a Flask app that answers POST /alexa with a small JSON body."""
    from flask import Flask, jsonify

    app = Flask("bare")

    @app.post("/alexa")
    def alexa():
        return jsonify({"version": "1.0", "response": {"outputSpeech": {"type": "PlainText", "text": "Hello."}}})

    @app.get("/healthz")
    def healthz():
        return jsonify({"ok": True})

    return app


def serve_bare(port: int, workers: int) -> None:
    """Run the bare app under the same gunicorn settings as `closer serve`."""
    from skill.alexa import server

    opts = dict(bind=f"127.0.0.1:{port}", workers=workers, worker_class="sync", timeout=30, keepalive=5, accesslog=None)
    server.SkillServer(bare_app, opts).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, timeout: float = 20.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not come up")


def signed_request(workdir: Path):
    """A mid-check-in NextIntent envelope signed by a throwaway PKI whose root is trusted via --trust-roots."""
    import base64

    from skill.alexa.verify import cache_name
    from skill.engine import load_engine
    from tests.alexa import certs
    from tests.alexa.conftest import envelope

    root = certs.make_ca("Bench Root")
    inter = certs.make_ca("Bench Intermediate", issuer=root, path_length=0)
    leaf = certs.make_leaf(inter, dns=["echo-api.amazon.com"])
    (workdir / "roots.pem").write_bytes(root.pem)
    (workdir / "certs").mkdir()
    (workdir / "certs" / cache_name(CERT_URL)).write_bytes(leaf.pem + inter.pem)
    engine = load_engine()
    now = time.time()
    state, _ = engine.step(None, {"type": "launch", "now": now, "locale": "en-US"}, {})
    state, _ = engine.step(state, {"type": "intent", "intent": "StartCheckInIntent", "slots": {}, "now": now, "locale": "en-US"}, {})
    body = json.dumps(envelope("IntentRequest", intent="AMAZON.NextIntent", attrs={"engine": state}, new=False,
                               skill_id=SKILL_ID, ts=now + 30)).encode()
    signature = base64.b64encode(leaf.sign(body)).decode()
    return body, {"Content-Type": "application/json", "SignatureCertChainUrl": CERT_URL, "Signature-256": signature}


def lua_script(path: Path, body: bytes, headers: dict) -> None:
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body.decode())}"]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    path.write_text("\n".join(lines) + "\n")


def run_wrk(port: int, script: Path, seconds: int) -> dict:
    cmd = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(script), f"http://127.0.0.1:{port}/alexa"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses:\s+(\d+)", r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"):
        found = re.search(pattern, out)
        if found:
            errors += sum(int(g) for g in found.groups())
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale, "errors": errors, "requests": total}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per server (default 10, at most 60)")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare, 2)
        return 0
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install wrk", file=sys.stderr)
        return 2
    seconds = max(2, min(60, args.seconds))
    work = Path(tempfile.mkdtemp(prefix="closer-bench-"))
    body, headers = signed_request(work)
    script = work / "post.lua"
    lua_script(script, body, headers)
    skill_port, bare_port = free_port(), free_port()
    closer = [sys.executable, "-c", "import sys; from skill.cli import main; sys.exit(main())"]
    procs = [
        subprocess.Popen(closer + ["serve", "--port", str(skill_port), "--workers", "2", "--skill-id", SKILL_ID,
                                   "--trust-roots", str(work / "roots.pem"), "--cert-cache", str(work / "certs"),
                                   "--db", str(work / "bench.db")], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, __file__, "--serve-bare", str(bare_port)], cwd=ROOT,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
    ]
    try:
        wait_up(skill_port)
        wait_up(bare_port)
        check = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{skill_port}/alexa", data=body, headers=headers))
        assert check.status == 200 and b"outputSpeech" in check.read(), "skill did not answer the signed request"
        run_wrk(skill_port, script, 2)  # warm-up
        run_wrk(bare_port, script, 2)
        skill = run_wrk(skill_port, script, seconds)
        bare = run_wrk(bare_port, script, seconds)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(work, ignore_errors=True)
    ratio = skill["rps"] / bare["rps"]
    print(f"wrk -t2 -c16 -d{seconds}s on loopback, gunicorn sync workers x2, {os.cpu_count()} CPUs")
    print(f"{'server':<32}{'req/s':>10}{'p99 ms':>10}{'errors':>8}{'requests':>10}")
    print(f"{'closer serve (signed NextIntent)':<32}{skill['rps']:>10.0f}{skill['p99_ms']:>10.2f}{skill['errors']:>8}{skill['requests']:>10}")
    print(f"{'bare Flask (small JSON)':<32}{bare['rps']:>10.0f}{bare['p99_ms']:>10.2f}{bare['errors']:>8}{bare['requests']:>10}")
    goals = ratio >= 0.6 and skill["p99_ms"] <= 15 and skill["errors"] == 0
    print(f"ratio {ratio:.2f} (goal >= 0.60); skill p99 {skill['p99_ms']:.2f} ms (goal <= 15); errors {skill['errors']} (goal 0)")
    print("goals met" if goals else "goals NOT met")
    return 0 if goals else 1


if __name__ == "__main__":
    sys.exit(main())
