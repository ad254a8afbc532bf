"""The ambient bed played under a couple's conversation on Alexa: made here, from numbers, not recorded.

A slow pad (a soft chord whose notes swell and fade on their own long cycles) over pink noise
shaped like distant surf, all very quiet (about -30 dBFS RMS) so it sits under two people talking
without masking them. Deterministic: a fixed seed and fixed parameters give the same samples on
every machine; `lame` (Debian package `lame`) encodes them as constant-bitrate MP3, a format
Alexa's AudioPlayer streams. The first and last seconds fade so the loop, re-queued end to end,
has no click.

    python -m skill.alexa.bed_audio [--out skill/alexa/audio/bed.mp3] [--seconds 180]

(scripts/make-bed runs this; the MP3 is committed so a deployment needs neither numpy nor lame.)
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 44100
SECONDS = 180
BITRATE_KBPS = 48
SEED = 17
OUT = Path(__file__).resolve().parent / "audio" / "bed.mp3"
TARGET_RMS_DBFS = -30.0
FADE_S = 4.0
# A open-voiced chord (A2, E3, A3, C#4, E4): each note swells on its own slow cycle.
PAD_HZ = (110.0, 164.81, 220.0, 277.18, 329.63)


def pink_noise(samples: int, rng: np.random.Generator) -> np.ndarray:
    """Pink (1/f) noise by shaping white noise's spectrum."""
    white = rng.standard_normal(samples)
    spectrum = np.fft.rfft(white)
    freqs = np.fft.rfftfreq(samples, 1.0 / RATE)
    freqs[0] = freqs[1]
    spectrum /= np.sqrt(freqs)
    spectrum[freqs > 2500] *= np.exp(-(freqs[freqs > 2500] - 2500) / 1500)  # dull the top: surf heard from indoors
    noise = np.fft.irfft(spectrum, samples)
    return noise / np.max(np.abs(noise))


def pad(samples: int) -> np.ndarray:
    """The chord, each note's loudness swelling on a slow cycle that fits the loop a whole number of times."""
    t = np.arange(samples) / RATE
    length = samples / RATE
    out = np.zeros(samples)
    for n, hz in enumerate(PAD_HZ):
        cycles = 3 + n  # whole cycles per loop: the swell is seamless when the file repeats
        swell = 0.5 - 0.5 * np.cos(2 * np.pi * cycles * t / length + n)
        out += swell * (np.sin(2 * np.pi * hz * t) + 0.2 * np.sin(2 * np.pi * 2 * hz * t))
    return out / np.max(np.abs(out))


def make_samples(seconds: float = SECONDS, seed: int = SEED) -> np.ndarray:
    """The bed as 16-bit samples (mono)."""
    samples = int(seconds * RATE)
    rng = np.random.default_rng(seed)
    t = np.arange(samples) / RATE
    surf = pink_noise(samples, rng) * (0.6 + 0.4 * np.sin(2 * np.pi * t / 12.0))  # a wave every twelve seconds
    mix = 0.55 * pad(samples) + 0.45 * surf
    rms = np.sqrt(np.mean(mix ** 2))
    mix *= 10 ** (TARGET_RMS_DBFS / 20) / rms
    fade = int(FADE_S * RATE)
    ramp = np.linspace(0.0, 1.0, fade)
    mix[:fade] *= ramp
    mix[-fade:] *= ramp[::-1]
    return np.clip(mix * 32767, -32768, 32767).astype(np.int16)


def encode_mp3(samples: np.ndarray, out: Path, bitrate: int = BITRATE_KBPS) -> None:
    """Write WAV, then constant-bitrate MP3 with lame (no ID3 tag: the bytes depend only on the samples)."""
    lame = shutil.which("lame")
    if lame is None:
        raise SystemExit("lame is not installed (Debian: apt-get install lame)")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "bed.wav"
        with wave.open(str(wav), "wb") as handle:
            handle.setnchannels(1)
            handle.setsampwidth(2)
            handle.setframerate(RATE)
            handle.writeframes(samples.tobytes())
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([lame, "--quiet", "--cbr", "-b", str(bitrate), "-m", "m", "--resample", "44.1",
                        "--noreplaygain", "-t", str(wav), str(out)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args(argv)
    encode_mp3(make_samples(args.seconds), args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB, {args.seconds:.0f} s at {BITRATE_KBPS} kbps)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
