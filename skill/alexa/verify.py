"""Alexa request verification on `cryptography`: certificate URL, chain, signature, timestamp, skill id.

Each failure raises VerificationError with a short reason; the app turns it into a 400.
Rules follow Amazon's "Host a Custom Skill as a Web Service" page (verify that the request was sent
by Alexa): https://developer.amazon.com/docs/custom-skills/host-a-custom-skill-as-a-web-service.html
"""

from __future__ import annotations

import base64
import binascii
import collections
import datetime as dt
import hashlib
import logging
import os
import posixpath
import threading
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path
from typing import Callable

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError as ChainError

log = logging.getLogger("closer.alexa.verify")

ECHO_SAN = "echo-api.amazon.com"
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
REQUEST_TOLERANCE_S = 150
SKILL_EVENT_TOLERANCE_S = 3600
MAX_CHAIN_BYTES = 64 * 1024
DOWNLOAD_TIMEOUT_S = 5.0
MEMORY_CACHE_SIZE = 16


class VerificationError(Exception):
    """A request failed verification; `reason` is short and safe to log and return."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_cert_url(url: str) -> None:
    """Raise unless the SignatureCertChainUrl has Amazon's form."""
    if not url:
        raise VerificationError("missing SignatureCertChainUrl")
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise VerificationError("bad certificate URL") from None
    if parts.scheme.lower() != "https":
        raise VerificationError("certificate URL not https")
    if (parts.hostname or "").lower() != CERT_HOST or parts.username or parts.password:
        raise VerificationError("certificate URL host not s3.amazonaws.com")
    if port is not None and port != 443:
        raise VerificationError("certificate URL port not 443")
    path = urllib.parse.unquote(parts.path)
    normal = posixpath.normpath(path) if path else ""
    if path.endswith("/") and not normal.endswith("/"):
        normal += "/"
    if not normal.startswith(CERT_PATH_PREFIX):
        raise VerificationError("certificate URL path not under /echo.api/")


def cache_name(url: str) -> str:
    """File name of a chain in --cert-cache: the SHA-256 hex digest of the URL as sent, plus .pem."""
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest() + ".pem"


def download_chain(url: str, timeout: float = DOWNLOAD_TIMEOUT_S, limit: int = MAX_CHAIN_BYTES) -> bytes:
    """Fetch a PEM chain with a timeout and a size limit."""
    request = urllib.request.Request(url, headers={"User-Agent": "closer-together"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 (URL checked first)
        data = reply.read(limit + 1)
    if len(data) > limit:
        raise VerificationError("certificate chain too large")
    return data


def load_roots(extra_file: str | None = None, system: bool = True) -> list[x509.Certificate]:
    """Trusted roots: the system bundle (certifi or Debian's) plus any extra PEM file."""
    roots: list[x509.Certificate] = []
    if system:
        for candidate in _system_bundles():
            try:
                with warnings.catch_warnings():  # some bundled roots have non-positive serials
                    warnings.simplefilter("ignore")
                    roots.extend(x509.load_pem_x509_certificates(Path(candidate).read_bytes()))
                break
            except (OSError, ValueError):
                continue
    if extra_file:
        roots.extend(x509.load_pem_x509_certificates(Path(extra_file).read_bytes()))
    return roots


def _system_bundles() -> list[str]:
    paths = []
    try:
        import certifi

        paths.append(certifi.where())
    except ImportError:
        pass
    paths += ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"]
    return [p for p in paths if os.path.exists(p)]


def parse_timestamp(value) -> float:
    """Epoch seconds from an ISO-8601 string or an epoch number (seconds or milliseconds)."""
    if isinstance(value, bool) or value is None:
        raise VerificationError("missing timestamp")
    if isinstance(value, (int, float)):
        return value / 1000.0 if value > 1e11 else float(value)
    if not isinstance(value, str):
        raise VerificationError("bad timestamp")
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        stamp = dt.datetime.fromisoformat(text)
    except ValueError:
        raise VerificationError("bad timestamp") from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp.timestamp()


def application_id(envelope: dict) -> str | None:
    """The applicationId from context.System (preferred) or the session."""
    for path in (("context", "System", "application"), ("session", "application")):
        node = envelope
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and isinstance(node.get("applicationId"), str):
            return node["applicationId"]
    return None


class _Chain:
    """A validated chain's signing key and the window in which every certificate of it is in date."""

    __slots__ = ("key", "not_before", "not_after")

    def __init__(self, key, not_before: float, not_after: float):
        self.key, self.not_before, self.not_after = key, not_before, not_after


class Verifier:
    """Checks one request; thread-safe.

    Per request: the signature over the raw body, the signing chain's validity window against the
    clock, the timestamp and the skill id. Chain validation (parsing, path building to a trusted
    root, SAN) is cached: URL -> validated chain for the last MEMORY_CACHE_SIZE URLs (a URL is only
    ever cached after passing check_cert_url), and the validation itself is keyed by the SHA-256 of
    the chain bytes, so the same bytes are never validated twice and different bytes always are."""

    def __init__(
        self,
        skill_id: str | None = None,
        verify_signature: bool = True,
        trust_roots: str | None = None,
        cert_cache: str | None = None,
        system_roots: bool = True,
        fetch: Callable[[str], bytes] = download_chain,
        clock: Callable[[], float] = time.time,
    ):
        self.skill_id = skill_id
        self.verify_signature = verify_signature
        self.cert_cache = Path(cert_cache) if cert_cache else None
        self.fetch = fetch
        self.clock = clock
        self._roots = load_roots(trust_roots, system=system_roots) if verify_signature else []
        self._store = Store(self._roots) if self._roots else None
        self._chains: collections.OrderedDict[str, _Chain] = collections.OrderedDict()
        self._validated: collections.OrderedDict[bytes, _Chain] = collections.OrderedDict()
        self._lock = threading.Lock()

    def verify(self, headers, body: bytes, envelope: dict) -> None:
        """Raise VerificationError unless the request passes every configured check."""
        if self.verify_signature:
            self._check_signature(headers, body)
            self._check_timestamp(envelope)
        if self.skill_id is not None:
            if application_id(envelope) != self.skill_id:
                raise VerificationError("wrong skill id")

    def _check_timestamp(self, envelope: dict) -> None:
        request = envelope.get("request") if isinstance(envelope.get("request"), dict) else {}
        stamp = parse_timestamp(request.get("timestamp"))
        kind = request.get("type") if isinstance(request.get("type"), str) else ""
        tolerance = SKILL_EVENT_TOLERANCE_S if kind.startswith("AlexaSkillEvent.") else REQUEST_TOLERANCE_S
        if abs(self.clock() - stamp) > tolerance:
            raise VerificationError("timestamp outside tolerance")

    def _check_signature(self, headers, body: bytes) -> None:
        url = (headers.get("SignatureCertChainUrl") or "").strip()
        signature = headers.get("Signature-256")
        if not signature:
            raise VerificationError("missing Signature-256")
        with self._lock:
            chain = self._chains.get(url)
            if chain is not None:
                self._chains.move_to_end(url)
        if chain is None:
            check_cert_url(url)  # a cached URL passed this already; the check is a pure function of it
        try:
            raw = base64.b64decode(signature.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise VerificationError("signature not base64") from None
        if chain is None:
            chain = self._chain(url)
        now = self.clock()
        if not (chain.not_before <= now <= chain.not_after):
            raise VerificationError("signing certificate out of date")
        try:
            chain.key.verify(raw, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise VerificationError("bad signature") from None

    def _chain(self, url: str) -> _Chain:
        """The validated chain for a checked URL: from the --cert-cache directory, else downloaded."""
        pem = self._read_cached(url)
        if pem is None:
            try:
                pem = self.fetch(url)
            except VerificationError:
                raise
            except Exception as exc:  # network errors of any kind
                log.warning("certificate download failed: %s", type(exc).__name__)
                raise VerificationError("certificate chain unavailable") from None
            self._write_cached(url, pem)
        digest = hashlib.sha256(pem).digest()
        with self._lock:
            chain = self._validated.get(digest)
        if chain is None:
            chain = self._validate(pem)  # raises for a bad chain: nothing is cached then
        with self._lock:
            self._validated[digest] = chain
            self._validated.move_to_end(digest)
            self._chains[url] = chain
            self._chains.move_to_end(url)
            for cache in (self._chains, self._validated):
                while len(cache) > MEMORY_CACHE_SIZE:
                    cache.popitem(last=False)
        return chain

    def _read_cached(self, url: str) -> bytes | None:
        if not self.cert_cache:
            return None
        path = self.cert_cache / cache_name(url)
        try:
            if path.stat().st_size > MAX_CHAIN_BYTES:
                return None
            return path.read_bytes()
        except OSError:
            return None

    def _write_cached(self, url: str, pem: bytes) -> None:
        if not self.cert_cache:
            return
        try:
            self.cert_cache.mkdir(parents=True, exist_ok=True)
            tmp = self.cert_cache / (cache_name(url) + f".{os.getpid()}.tmp")
            tmp.write_bytes(pem)
            os.replace(tmp, self.cert_cache / cache_name(url))
        except OSError as exc:
            log.warning("could not write certificate cache: %s", type(exc).__name__)

    def _validate(self, pem: bytes) -> _Chain:
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError:
            raise VerificationError("certificate chain unparsable") from None
        leaf, intermediates = certs[0], certs[1:]
        now = dt.datetime.fromtimestamp(self.clock(), dt.timezone.utc)
        if not (leaf.not_valid_before_utc <= now <= leaf.not_valid_after_utc):
            raise VerificationError("signing certificate out of date")
        if ECHO_SAN not in san_names(leaf):
            raise VerificationError("signing certificate lacks echo-api.amazon.com")
        if self._store is None:
            raise VerificationError("no trusted roots")
        verifier = PolicyBuilder().store(self._store).time(now).build_server_verifier(x509.DNSName(ECHO_SAN))
        try:
            path = verifier.verify(leaf, intermediates)
        except ChainError:
            raise VerificationError("certificate chain not trusted") from None
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise VerificationError("signing key not RSA")
        # Cached, the chain is only good while every certificate on the verified path is in date.
        path = list(path) or [leaf]
        return _Chain(key, max(c.not_valid_before_utc for c in path).timestamp(),
                      min(c.not_valid_after_utc for c in path).timestamp())


def san_names(cert: x509.Certificate) -> list[str]:
    """DNS names in a certificate's Subject Alternative Names (lowercase)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [name.lower() for name in san.get_values_for_type(x509.DNSName)]
