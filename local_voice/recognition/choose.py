"""Choosing a backend: Vosk when a model is found (or asked for), else pocketsphinx."""

from __future__ import annotations

from .base import Recognizer
from .commands import CommandSet, RecognizerError, build_commands
from .sphinx import PocketsphinxRecognizer
from .vosk import VoskRecognizer


def open_recognizer(stt: str | None = None, model: str | None = None, expect: list[str] | None = None,
                    commands: CommandSet | None = None, say=None) -> Recognizer:
    """The recognizer to use: Vosk when a model is found (or asked for), else pocketsphinx, saying so."""
    from local_voice.models import find_vosk_model

    commands = commands or build_commands()
    say = say or (lambda message: None)
    if stt == "pocketsphinx":
        return with_safety_pass(PocketsphinxRecognizer(commands, expect))
    found = find_vosk_model(model)
    if found is None:
        if stt == "vosk" or model:
            where = model or "the models directory or $CLOSER_VOSK_MODEL"
            raise RecognizerError(f"no Vosk model found in {where}; run `closer models fetch` or use --stt pocketsphinx")
        say("No Vosk model found; using pocketsphinx (run `closer models fetch` for better accuracy).")
        return with_safety_pass(PocketsphinxRecognizer(commands, expect))
    return VoskRecognizer(commands, found, expect)


def with_safety_pass(recognizer: Recognizer) -> Recognizer:
    """The recognizer with the safety pass attached (safety_pass.py), unless CLOSER_SAFETY_PASS=0."""
    from .safety_pass import enabled, shared

    if enabled():
        recognizer.safety = shared()
    return recognizer
