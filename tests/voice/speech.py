"""Synthesized test speech: espeak-ng voices and rates, optional light background noise."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import numpy as np

from local_voice.wavio import Audio, read_wav, to_int16

VOICES = [("en-us", 165), ("en+f3", 140), ("en-gb-x-rp", 190), ("en+m3", 175), ("en-us+f2", 155), ("en", 205)]

TABLE_TALK = [
    "how was your day at work",
    "pass me the salt please",
    "i think we should visit your mother next week",
    "did you remember to call the plumber",
    "this pasta is really good",
    "we need to buy more milk tomorrow",
    "what time does the movie start on saturday",
    "my boss was in a strange mood today",
    "the kids were so loud at the park",
    "i ran into an old friend at the supermarket",
    "let's paint the bedroom a lighter colour",
    "do you want some more wine",
    "the neighbours dog barked all night",
    "i finished reading that book you gave me",
    "we should plan a trip to the coast this summer",
    "remind me to water the plants",
    "the train was late again this morning",
    "your sister sent a lovely card",
    "could you help me with the dishes after dinner",
    "the weather has been awful all week",
    "what did the doctor say about your knee",
    "i love the way you cooked the chicken",
    "we have to pay the electricity bill",
    "my phone battery keeps dying",
    "tell me about your meeting with the new client",
]


def have_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def synth(text: str, cache: Path, voice: str = "en-us", rate: int = 165) -> Path:
    """A WAV of espeak-ng speaking text (cached by content)."""
    key = hashlib.sha1(f"{voice}|{rate}|{text}".encode()).hexdigest()[:16]
    path = cache / f"{key}.wav"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True, capture_output=True)
    return path


def with_noise(audio: Audio, snr_db: float = 25.0, seed: int = 0, lead: float = 0.3) -> Audio:
    """Pad with `lead` seconds either side and mix in pink-ish background noise at snr_db below the speech."""
    rng = np.random.default_rng(seed)
    x = audio.samples.astype(np.float32) / 32768.0
    pad = np.zeros(int(lead * audio.rate), np.float32)
    x = np.concatenate([pad, x, pad])
    white = rng.normal(0, 1, len(x)).astype(np.float32)
    noise = np.convolve(white, np.ones(8) / 8, mode="same")  # a duller, room-like hiss
    speech_power = float(np.mean(audio.samples.astype(np.float32) ** 2)) / 32768.0**2
    noise *= np.sqrt(speech_power / (10 ** (snr_db / 10)) / max(1e-12, float(np.mean(noise**2))))
    return Audio(to_int16(x + noise), audio.rate)


def load(path: Path, noise: bool = False, seed: int = 0) -> Audio:
    audio = read_wav(path)
    return with_noise(audio, seed=seed) if noise else audio
