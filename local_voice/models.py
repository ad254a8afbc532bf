"""Where offline speech models live, how to find one, and `closer models fetch|list`.

A Vosk model is found, in order: `--model PATH`, `$CLOSER_VOSK_MODEL`, then the newest
model in the models directory (`<user data dir>/models`, or `$CLOSER_MODELS_DIR`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

MODEL_NAME = "vosk-model-small-en-us-0.15"
MODEL_URL = f"https://alphacephei.com/vosk/models/{MODEL_NAME}.zip"
MODEL_SHA256 = "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
ENV_MODEL = "CLOSER_VOSK_MODEL"
ENV_DIR = "CLOSER_MODELS_DIR"


def models_dir(override: str | None = None) -> Path:
    if override:
        return Path(override).expanduser()
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("closer-together", appauthor=False)) / "models"


def is_vosk_model(path: Path) -> bool:
    return path.is_dir() and (path / "am").is_dir() and (path / "conf").is_dir()


def installed_models(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if is_vosk_model(p))


def find_vosk_model(args_model: str | None = None, directory: str | None = None) -> Path | None:
    """The Vosk model to use, or None. An explicit --model or $CLOSER_VOSK_MODEL that is not a model is None too."""
    for candidate in (args_model, os.environ.get(ENV_MODEL)):
        if candidate:
            path = Path(candidate).expanduser()
            return path if is_vosk_model(path) else None
    models = installed_models(models_dir(directory))
    english = [p for p in models if "-en" in p.name]
    return (english or models or [None])[-1]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _progress(done: int, total: int | None, out=sys.stderr) -> None:
    if total:
        width = 30
        filled = int(width * done / total)
        out.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done / 1e6:5.1f} / {total / 1e6:.1f} MB")
    else:
        out.write(f"\r  {done / 1e6:5.1f} MB")
    out.flush()


def download(url: str, dest: Path, timeout: float = 30.0) -> None:
    with urllib.request.urlopen(url, timeout=timeout) as response, open(dest, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0) or None
        done = 0
        while True:
            block = response.read(1 << 16)
            if not block:
                break
            out.write(block)
            done += len(block)
            _progress(done, total)
    sys.stderr.write("\n")


def fetch(directory: Path, url: str = MODEL_URL, sha256: str = MODEL_SHA256, name: str = MODEL_NAME) -> Path:
    """Download, verify and unpack a model into directory; returns its path. Raises RuntimeError with a clear message."""
    target = directory / name
    if is_vosk_model(target):
        return target
    directory.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        archive = Path(tmp) / f"{name}.zip"
        print(f"Downloading {name} ...", file=sys.stderr)
        try:
            download(url, archive)
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise RuntimeError(f"could not download {name}: {reason}. No network? pocketsphinx works without it.") from None
        got = sha256_of(archive)
        if got != sha256:
            raise RuntimeError(f"checksum mismatch for {name}: expected {sha256}, got {got}; the download is damaged")
        try:
            with zipfile.ZipFile(archive) as zf:
                for member in zf.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise RuntimeError(f"refusing to unpack {member!r}: path outside the model folder")
                zf.extractall(tmp)
        except zipfile.BadZipFile:
            raise RuntimeError(f"{name}.zip is not a valid zip archive") from None
        unpacked = Path(tmp) / name
        if not is_vosk_model(unpacked):
            raise RuntimeError(f"{name}.zip does not contain a Vosk model folder named {name}")
        shutil.move(str(unpacked), target)
    return target


def run_fetch(args) -> int:
    directory = models_dir(getattr(args, "dir", None))
    try:
        path = fetch(directory)
    except RuntimeError as exc:
        print(f"closer models fetch: {exc}", file=sys.stderr)
        return 1
    print(f"Vosk model ready: {path}")
    return 0


def run_list(args) -> int:
    directory = models_dir(getattr(args, "dir", None))
    print(f"Models directory: {directory}")
    models = installed_models(directory)
    for path in models:
        print(f"  vosk  {path.name}")
    if os.environ.get(ENV_MODEL):
        env = Path(os.environ[ENV_MODEL])
        state = "ok" if is_vosk_model(env) else "not a Vosk model"
        print(f"  ${ENV_MODEL} = {env} ({state})")
    try:
        from pocketsphinx import get_model_path

        print(f"  pocketsphinx  en-us (bundled, {get_model_path()})")
    except ImportError:
        print("  pocketsphinx  not installed")
    if not models:
        print("No Vosk model installed: `closer models fetch` downloads the small English one.")
    return 0
