"""Request verification: every check that must fail does, the signed happy path passes."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
from cryptography import x509

from skill.alexa import verify as v

from .conftest import CERT_URL, SKILL_ID, envelope, put_chain, signed_headers

REAL_CHAIN = Path("/work/shared/corpus/certs/echo-api-cert-7.pem")


@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
])
def test_good_cert_urls(url):
    v.check_cert_url(url)


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../invalid.path/cert.pem",
    "https://evil@s3.amazonaws.com/echo.api/cert.pem",
    "https://s3.amazonaws.com.evil.org/echo.api/cert.pem",
    "",
])
def test_bad_cert_urls(url):
    with pytest.raises(v.VerificationError):
        v.check_cert_url(url)


def test_real_amazon_chain_parses_and_names_echo_api():
    certs = x509.load_pem_x509_certificates(REAL_CHAIN.read_bytes())
    assert len(certs) >= 2
    assert "echo-api.amazon.com" in v.san_names(certs[0])


def test_real_amazon_chain_validates_in_its_lifetime_and_not_after(tmp_path):
    """The real chain validates against its own root at a date inside its validity, and is out of date now."""
    pem = REAL_CHAIN.read_bytes()
    root = x509.load_pem_x509_certificates(pem)[-1]
    roots = tmp_path / "root.pem"
    roots.write_bytes(root.public_bytes(__import__("cryptography").hazmat.primitives.serialization.Encoding.PEM))
    in_life = Verifier(roots, clock=lambda: 1577836800.0)  # 2020-01-01
    chain = in_life._validate(pem)
    assert chain.not_after > 1577836800.0
    with pytest.raises(v.VerificationError, match="out of date"):
        Verifier(roots, clock=time.time)._validate(pem)


def test_real_amazon_chain_against_the_system_roots():
    """Amazon Root CA 1 is in the system bundle; the 2019 chain reaches it."""
    verifier = v.Verifier(clock=lambda: 1577836800.0)
    if verifier._store is None:
        pytest.skip("no system CA bundle on this machine")
    verifier._validate(REAL_CHAIN.read_bytes())


def Verifier(roots, clock):
    return v.Verifier(trust_roots=str(roots), system_roots=False, clock=clock)


def test_timestamp_forms():
    assert v.parse_timestamp("2015-05-13T12:34:56Z") == 1431520496.0
    assert v.parse_timestamp(1431520496000) == 1431520496.0
    with pytest.raises(v.VerificationError):
        v.parse_timestamp("yesterday")
    with pytest.raises(v.VerificationError):
        v.parse_timestamp(None)


def test_disk_cache_consulted_before_download(tmp_path, pki, trust_file):
    calls = []
    put_chain(tmp_path / "cache", CERT_URL, pki["good"], pki["inter"])
    verifier = v.Verifier(trust_roots=trust_file, cert_cache=str(tmp_path / "cache"), system_roots=False, fetch=lambda u: calls.append(u))
    body = json.dumps(envelope()).encode()
    verifier.verify(signed_headers(body, pki["good"]), body, json.loads(body))
    assert calls == []


def test_download_fills_the_cache_and_is_not_repeated(tmp_path, pki, trust_file):
    calls = []

    def fetch(url):
        calls.append(url)
        return pki["good"].pem + pki["inter"].pem

    verifier = v.Verifier(trust_roots=trust_file, cert_cache=str(tmp_path / "cache"), system_roots=False, fetch=fetch)
    for _ in range(3):
        body = json.dumps(envelope()).encode()
        verifier.verify(signed_headers(body, pki["good"]), body, json.loads(body))
    assert calls == [CERT_URL]
    assert (tmp_path / "cache" / v.cache_name(CERT_URL)).exists()


def test_download_failure_is_a_verification_error(pki, trust_file):
    def fetch(url):
        raise OSError("network down")

    verifier = v.Verifier(trust_roots=trust_file, system_roots=False, fetch=fetch)
    body = json.dumps(envelope()).encode()
    with pytest.raises(v.VerificationError, match="unavailable"):
        verifier.verify(signed_headers(body, pki["good"]), body, json.loads(body))


def test_download_has_a_size_cap(tmp_path):
    """The real downloader against a local server (Amazon's S3 cannot be reached from here)."""
    import http.server
    import threading

    class Big(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x" * (v.MAX_CHAIN_BYTES + 10))

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Big)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(v.VerificationError, match="too large"):
            v.download_chain(f"http://127.0.0.1:{server.server_port}/x.pem", timeout=2)
    finally:
        server.shutdown()


# ---------------------------------------------------------------- through HTTP, as in the list


@pytest.fixture()
def secured(make_app, tmp_path, pki, trust_file):
    cache = tmp_path / "certcache"
    put_chain(cache, CERT_URL, pki["good"], pki["inter"])
    app = make_app(verify=True, skill_id=SKILL_ID, trust_roots=trust_file, cert_cache=str(cache), system_roots=False)
    app.config["cache_dir"] = cache
    return app.test_client(), cache


def _body(**kw) -> bytes:
    return json.dumps(envelope(**kw)).encode()


def test_signed_request_from_trusted_chain_is_answered(secured, pki, post):
    client, _ = secured
    body = _body()
    reply = post(client, body, signed_headers(body, pki["good"]))
    assert reply.status_code == 200
    assert "outputSpeech" in reply.get_json()["response"]


def _case(name, pki, cache):
    body = _body()
    good = signed_headers(body, pki["good"])
    if name == "unsigned":
        return body, {"Content-Type": "application/json"}
    if name == "signature of another body":
        return body, signed_headers(_body(), pki["good"])
    if name == "garbage signature":
        return body, dict(good, **{"Signature-256": base64.b64encode(b"\x00" * 256).decode()})
    if name == "signature not base64":
        return body, dict(good, **{"Signature-256": "!!!not base64!!!"})
    if name in ("untrusted chain", "wrong SAN", "expired certificate"):
        leaf = {"untrusted chain": pki["untrusted"], "wrong SAN": pki["wrong_san"], "expired certificate": pki["expired"]}[name]
        url = f"https://s3.amazonaws.com/echo.api/{name.replace(' ', '-')}.pem"
        put_chain(cache, url, leaf, pki["inter"] if leaf is not pki["untrusted"] else pki["other_root"])
        return body, signed_headers(body, leaf, url)
    if name == "timestamp 200 s old":
        body = _body(ts=time.time() - 200)
        return body, signed_headers(body, pki["good"])
    if name == "timestamp 200 s ahead":
        body = _body(ts=time.time() + 200)
        return body, signed_headers(body, pki["good"])
    if name == "wrong skill id":
        body = _body(skill_id="amzn1.ask.skill.someone-else")
        return body, signed_headers(body, pki["good"])
    if name == "malformed JSON":
        body = b'{"version": "1.0", "request": '
        return body, signed_headers(body, pki["good"])
    raise AssertionError(name)


REASONS = {
    "unsigned": "missing Signature-256",
    "signature of another body": "bad signature",
    "garbage signature": "bad signature",
    "signature not base64": "signature not base64",
    "untrusted chain": "certificate chain not trusted",
    "wrong SAN": "signing certificate lacks echo-api.amazon.com",
    "expired certificate": "signing certificate out of date",
    "timestamp 200 s old": "timestamp outside tolerance",
    "timestamp 200 s ahead": "timestamp outside tolerance",
    "wrong skill id": "wrong skill id",
    "malformed JSON": "malformed JSON",
}


@pytest.mark.parametrize("name", [
    "unsigned", "signature of another body", "garbage signature", "signature not base64", "untrusted chain",
    "wrong SAN", "expired certificate", "timestamp 200 s old", "timestamp 200 s ahead", "wrong skill id", "malformed JSON",
])
def test_each_failure_is_a_400_with_a_reason(secured, pki, post, name, caplog):
    client, cache = secured
    body, headers = _case(name, pki, cache)
    reply = post(client, body, headers)
    assert reply.status_code == 400, name
    assert reply.get_json()["error"] == REASONS[name]
    assert any("rejected request" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
])
def test_bad_certificate_url_forms_are_400(secured, pki, post, url):
    client, cache = secured
    put_chain(cache, url, pki["good"], pki["inter"])  # even a cached good chain must not be used
    body = _body()
    reply = post(client, body, signed_headers(body, pki["good"], url))
    assert reply.status_code == 400


def test_skill_event_allows_an_hour(secured, pki, post):
    client, _ = secured
    body = _body(kind="AlexaSkillEvent.SkillPermissionAccepted", ts=time.time() - 1800, session=False)
    assert post(client, body, signed_headers(body, pki["good"])).status_code == 200
    body = _body(kind="AlexaSkillEvent.SkillPermissionAccepted", ts=time.time() - 4000, session=False)
    assert post(client, body, signed_headers(body, pki["good"])).status_code == 400


def test_oversized_body_is_413(secured, pki, post):
    client, _ = secured
    body = b'{"pad": "' + b"x" * (1536 * 1024) + b'"}'
    reply = post(client, body, signed_headers(body, pki["good"]))
    assert reply.status_code == 413


def test_no_verify_warns_on_every_request(make_app, post, caplog):
    client = make_app(verify=False).test_client()
    for _ in range(2):
        assert post(client, envelope()).status_code == 200
    warnings = [r for r in caplog.records if "--no-verify" in r.getMessage()]
    assert len(warnings) >= 3  # at start and on each request


# ---------------------------------------------------------------- the chain cache keeps every per-request check


def test_cached_chain_is_rechecked_against_the_clock(tmp_path, pki, trust_file):
    """Validation is cached, but each request re-checks the signing certificate's dates and the signature."""
    now = [time.time()]
    put_chain(tmp_path / "cache", CERT_URL, pki["good"], pki["inter"])
    verifier = v.Verifier(trust_roots=trust_file, cert_cache=str(tmp_path / "cache"), system_roots=False,
                          clock=lambda: now[0])
    body = json.dumps(envelope()).encode()
    verifier.verify(signed_headers(body, pki["good"]), body, json.loads(body))
    with pytest.raises(v.VerificationError, match="bad signature"):
        verifier.verify(signed_headers(b"another body", pki["good"]), body, json.loads(body))
    now[0] = pki["good"].cert.not_valid_after_utc.timestamp() + 1
    body = json.dumps(envelope(ts=now[0])).encode()
    with pytest.raises(v.VerificationError, match="out of date"):
        verifier.verify(signed_headers(body, pki["good"]), body, json.loads(body))


def test_validation_is_keyed_by_the_chain_bytes(tmp_path, pki, trust_file, monkeypatch):
    """Two URLs serving the same bytes validate once; other bytes validate again; a bad chain is never cached."""
    cache = tmp_path / "cache"
    other = "https://s3.amazonaws.com/echo.api/other-name.pem"
    put_chain(cache, CERT_URL, pki["good"], pki["inter"])
    put_chain(cache, other, pki["good"], pki["inter"])
    verifier = v.Verifier(trust_roots=trust_file, cert_cache=str(cache), system_roots=False)
    calls = []
    real = verifier._validate
    monkeypatch.setattr(verifier, "_validate", lambda pem: calls.append(pem) or real(pem))
    for url in (CERT_URL, other, CERT_URL, other):
        body = json.dumps(envelope()).encode()
        verifier.verify(signed_headers(body, pki["good"], url), body, json.loads(body))
    assert len(calls) == 1
    bad = "https://s3.amazonaws.com/echo.api/wrong-san.pem"
    put_chain(cache, bad, pki["wrong_san"], pki["inter"])
    for _ in range(2):
        body = json.dumps(envelope()).encode()
        with pytest.raises(v.VerificationError, match="lacks echo-api"):
            verifier.verify(signed_headers(body, pki["wrong_san"], bad), body, json.loads(body))
    assert len(calls) == 3


def test_a_bad_url_is_refused_even_after_its_chain_was_used(tmp_path, pki, trust_file):
    """Only URLs that passed the URL check are cached, so the cache never lets a bad URL form through."""
    cache = tmp_path / "cache"
    put_chain(cache, CERT_URL, pki["good"], pki["inter"])
    verifier = v.Verifier(trust_roots=trust_file, cert_cache=str(cache), system_roots=False)
    body = json.dumps(envelope()).encode()
    verifier.verify(signed_headers(body, pki["good"]), body, json.loads(body))
    bad = CERT_URL.replace("https://", "http://")
    put_chain(cache, bad, pki["good"], pki["inter"])
    with pytest.raises(v.VerificationError, match="not https"):
        verifier.verify(signed_headers(body, pki["good"], bad), body, json.loads(body))
