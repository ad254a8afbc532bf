"""Real recordings of people talking, for checking that ordinary speech gives no command.

The pocketsphinx source release on PyPI carries real recordings in its test data: five
sentences read from a LibriVox audiobook, a man saying "go forward ten meters", spoken digit
strings, and a few more; also three deliberately damaged WAV files. `fetch()` downloads that
release with pip (the project's one network source, the package registry), keeps only those
files and turns the raw ones into WAVs, in ~/.cache/closer-together/real-speech.

    .venv/bin/python -m tests.voice.real_speech          # fetch (scripts/setup --test does this)
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
import wave
from importlib import metadata
from pathlib import Path

CACHE = Path(os.environ.get("CLOSER_REAL_SPEECH", Path.home() / ".cache" / "closer-together" / "real-speech"))
# (path inside the release, name here): ordinary speech, none of it a command of ours.
SPEECH = {
    "test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav": "librivox-0870.wav",
    "test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav": "librivox-0880.wav",
    "test/data/librivox/sense_and_sensibility_01_austen_64kb-0890.wav": "librivox-0890.wav",
    "test/data/librivox/sense_and_sensibility_01_austen_64kb-0920.wav": "librivox-0920.wav",
    "test/data/librivox/sense_and_sensibility_01_austen_64kb-0930.wav": "librivox-0930.wav",
    "test/data/goforward.raw": "goforward.wav",
    "test/data/numbers.raw": "numbers.wav",
    "test/data/something.raw": "something.wav",
    "test/regression/chan3.raw": "chan3.wav",
    "test/data/tidigits/dhd.2934z.raw": "digits.wav",
    "test/data/forever/input_2_16k.wav": "forever-2.wav",
    "test/data/forever/input_4_16k.wav": "forever-4.wav",
}
DAMAGED = {"test/data/bad.wav": "damaged-bad.wav", "test/data/evil.wav": "damaged-evil.wav"}
DONE = "complete"


def available() -> Path | None:
    """The folder of recordings, or None when they have not been fetched."""
    return CACHE if (CACHE / DONE).exists() else None


def _raw_to_wav(raw: bytes, path: Path) -> None:
    with wave.open(str(path), "wb") as w:  # 16 kHz, 16-bit little-endian mono, as pocketsphinx keeps them
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(raw[: len(raw) - len(raw) % 2])


def fetch() -> Path:
    """Download the pocketsphinx source release and keep its recordings; returns the folder."""
    if available():
        return CACHE
    try:
        version = metadata.version("pocketsphinx")
    except metadata.PackageNotFoundError:
        version = None
    spec = f"pocketsphinx=={version}" if version else "pocketsphinx"
    with tempfile.TemporaryDirectory() as tmp:
        # `--no-binary pocketsphinx`, not `:all:`: pip still prepares the sdist's metadata, and with
        # `:all:` it would first compile its build requirements (Cython) from source, about four minutes.
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--no-binary", "pocketsphinx", spec, "-d", tmp], check=True, timeout=600)
        archive = next(Path(tmp).glob("pocketsphinx-*.tar.gz"))
        CACHE.mkdir(parents=True, exist_ok=True)
        wanted = {**SPEECH, **DAMAGED}
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                inner = member.name.split("/", 1)[-1]
                if inner not in wanted or not member.isfile():
                    continue
                data = tar.extractfile(member).read()
                target = CACHE / wanted[inner]
                if inner.endswith(".raw"):
                    _raw_to_wav(data, target)
                else:
                    target.write_bytes(data)
    missing = [name for name in {**SPEECH, **DAMAGED}.values() if not (CACHE / name).exists()]
    if missing:
        raise RuntimeError(f"the pocketsphinx release lacks {', '.join(missing)}")
    (CACHE / DONE).write_text(spec + "\n")
    return CACHE


if __name__ == "__main__":
    try:
        print(f"real speech recordings in {fetch()}")
    except Exception as exc:  # no network: the tests that need them say so and are skipped
        print(f"could not fetch the real speech recordings ({exc}); their tests will be skipped", file=sys.stderr)
        sys.exit(1)
