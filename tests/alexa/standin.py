"""Amazon's Timers and Settings APIs, stood in over local HTTPS.

Amazon cannot be reached from here, so tests point context.System.apiEndpoint at this server
(certificate from the test PKI): it records every call and answers as Amazon's references describe.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import ssl
import threading

import pytest

from . import certs


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    """A JSON API stood in: every call is recorded in `calls` (method, path, authorization, body)."""

    calls: list = []

    def _reply(self, status, payload=None):
        body = json.dumps(payload).encode() if payload is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.calls.append({"method": self.command, "path": self.path, "auth": self.headers.get("Authorization"),
                           "body": json.loads(body) if body else None})

    def log_message(self, *args):
        pass


class StandIn(RecordingHandler):
    """Amazon's Timers and Settings APIs, stood in: records every call, answers as the references describe."""

    calls: list = []
    fail = False
    zone = "America/New_York"

    def do_POST(self):
        self._record()
        if self.fail:
            return self._reply(500, {"code": "INTERNAL", "message": "stand-in failure"})
        timer = {"id": f"timer-{len(self.calls)}", "status": "ON", "duration": "PT3M",
                 "triggerTime": "2030-01-01T00:00:00Z", "createdTime": "2030-01-01T00:00:00Z", "updatedTime": "2030-01-01T00:00:00Z"}
        self._reply(200, timer)

    def do_GET(self):
        self._record()
        if self.path.startswith("/v2/devices/") and self.path.endswith("/settings/System.timeZone"):
            return self._reply(200, self.zone)  # the Settings API answers a bare JSON string
        self._reply(200, {"timers": [
            {"id": "t-on", "status": "ON", "duration": "PT3M", "createdTime": "2030-01-01T00:00:00Z", "updatedTime": "2030-01-01T00:00:00Z"},
            {"id": "t-paused", "status": "PAUSED", "duration": "PT3M", "createdTime": "2030-01-01T00:00:00Z", "updatedTime": "2030-01-01T00:00:00Z"},
        ], "totalCount": 2})

    def do_DELETE(self):
        self._record()
        self._reply(200, {})


@contextlib.contextmanager
def serve_https(handler: type, folder, pki):
    """Run `handler` on a free local port over TLS (a leaf of the test PKI); yields its url and CA file."""
    leaf = certs.make_leaf(pki["inter"], ips=["127.0.0.1"], dns=["localhost"])
    (folder / "cert.pem").write_bytes(leaf.pem + pki["inter"].pem)
    (folder / "key.pem").write_bytes(certs.key_pem(leaf))
    (folder / "ca.pem").write_bytes(pki["root"].pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield {"url": f"https://127.0.0.1:{server.server_port}", "ca": str(folder / "ca.pem")}
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def api(tmp_path_factory, pki):
    with serve_https(StandIn, tmp_path_factory.mktemp("standin"), pki) as where:
        yield where


def timer_calls() -> list:
    """The recorded calls to the Timers API (the Settings API's time zone look-up is not one)."""
    return [c for c in StandIn.calls if c["path"].startswith("/v1/alerts")]
