import io
import struct
import wave

import numpy as np
import pytest

from local_voice.wavio import WavError, read_wav, write_wav


def _wav(rate=16000, channels=1, width=2, frames=b""):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(frames)
    return buf.getvalue()


def _tone(rate, seconds=0.5, freq=440.0):
    t = np.arange(int(rate * seconds)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")


def test_16k_mono_passes_through_unchanged():
    x = _tone(16000)
    audio = read_wav(_wav(frames=x.tobytes()))
    assert audio.rate == 16000 and np.array_equal(audio.samples, x)


def test_stereo_44k_becomes_16k_mono_at_same_pitch_and_length():
    x = _tone(44100)
    stereo = np.stack([x, x], axis=1).reshape(-1)
    audio = read_wav(_wav(rate=44100, channels=2, frames=stereo.tobytes()))
    assert abs(audio.seconds - 0.5) < 0.01
    spectrum = np.abs(np.fft.rfft(audio.samples.astype(float)))
    peak = np.argmax(spectrum) * 16000 / len(audio.samples)
    assert abs(peak - 440) < 5


def test_8_and_24_bit_and_float():
    x = _tone(22050)
    eight = ((x.astype(np.int32) >> 8) + 128).astype(np.uint8)
    assert read_wav(_wav(rate=22050, width=1, frames=eight.tobytes())).samples.std() > 1000
    b = x.astype(np.int32) << 8
    raw24 = np.stack([b & 255, (b >> 8) & 255, (b >> 16) & 255], axis=1).astype(np.uint8).tobytes()
    assert read_wav(_wav(rate=22050, width=3, frames=raw24)).samples.std() > 1000
    f = (x.astype(np.float32) / 32768).tobytes()
    fmt = struct.pack("<HHIIHH", 3, 1, 22050, 22050 * 4, 4, 32)
    data = b"RIFF" + struct.pack("<I", 4 + 8 + 16 + 8 + len(f)) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(f)) + f
    assert read_wav(data).samples.std() > 1000


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"hello, I am plainly text", "not a WAV"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt \x99", "corrupt"),
        (_wav(frames=b""), "no audio"),
    ],
)
def test_unusable_files_raise_clear_errors(data, message):
    with pytest.raises(WavError, match=message):
        read_wav(data)


def test_missing_file(tmp_path):
    with pytest.raises(WavError, match="no such file"):
        read_wav(tmp_path / "nope.wav")


def test_write_then_read_round_trip(tmp_path):
    x = _tone(16000)
    write_wav(tmp_path / "a.wav", x)
    assert np.array_equal(read_wav(tmp_path / "a.wav").samples, x)


def test_a_damaged_header_gives_a_wav_error_never_another_exception():
    """Mutations of a valid file (bytes changed, chunk sizes wrong, cut short, an extra chunk that
    runs past the end) either still read as audio or raise WavError: never a traceback."""
    import random

    good = bytearray(_wav(frames=_tone(16000, 0.1).tobytes()))
    # a stray chunk whose size points past the end (the case Python's wave module fails on with RuntimeError)
    stray = bytes(good[:12]) + b"LIST" + struct.pack("<I", 10_000) + bytes(good[12:])
    cases = [stray, bytes(good[:30]), bytes(good[:44]) + b"\x01"]
    rng = random.Random(5)
    for _ in range(400):
        bad = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            bad[rng.randrange(12, 48)] = rng.randrange(256)
        cases.append(bytes(bad[: rng.choice([len(bad), rng.randrange(12, len(bad))])]))
    outcomes = {"audio": 0, "error": 0}
    for data in cases:
        try:
            read_wav(data)
            outcomes["audio"] += 1
        except WavError as exc:
            assert str(exc), "the error says what is wrong"
            outcomes["error"] += 1
    assert outcomes["error"] > 50, outcomes  # the mutations really did break files
