"""The pieces under `closer local --mic-file`, without a recognizer: the simulated clock, the
recording read by time (any WAV, converted a minute at a time), the virtual device's
half-duplex timing, the fault plan, and precise messages for options that cannot be used."""

from __future__ import annotations

import argparse
import time
import wave

import numpy as np
import pytest

from local_voice import audio, mic_file
from local_voice.audio_faults import DeviceFault, FaultPlan, FaultPlanError
from local_voice.recording import Recording
from local_voice.sim_clock import SimulatedClock
from local_voice.virtual_device import VirtualSoundDevice
from local_voice.wavio import read_wav


def write(path, samples: np.ndarray, rate: int, channels: int = 1) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())


def test_simulated_clock_runs_at_its_speed():
    fast = SimulatedClock(1000.0, speed=0)
    began = time.monotonic()
    fast.advance(3600.0)
    assert fast.now() == 4600.0 and time.monotonic() - began < 0.5, "speed 0 never waits"
    paced = SimulatedClock(0.0, speed=20)
    began = time.monotonic()
    for _ in range(10):
        paced.advance(0.4)
    # at least the 0.2 s it should wait; the upper bound leaves room for a busy machine's late wake-ups
    assert 0.18 <= time.monotonic() - began <= 1.2, "4 simulated seconds at 20x take about 0.2 s, not 4"


def test_any_wav_is_read_by_time_as_16k_mono(tmp_path):
    rate = 44100
    t = np.arange(int(130 * rate)) / rate  # longer than one conversion chunk
    tone = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    stereo = np.stack([tone, tone], axis=1).reshape(-1)
    path = tmp_path / "stereo44k.wav"
    write(path, stereo, rate, channels=2)
    whole = read_wav(path).samples
    with Recording(path) as rec:
        assert abs(rec.seconds - 130.0) < 0.01
        for at in (0.0, 59.99, 60.0, 100.0):
            got = np.frombuffer(rec.read(at, 480), "<i2")
            want = whole[int(round(at * 16000)): int(round(at * 16000)) + 480]
            assert len(got) == 480 and np.max(np.abs(got.astype(int) - want)) < 200, at
        assert rec.read(200.0, 480) == b"", "past the end: nothing"
        temp = rec._temp
    assert temp is not None and not temp.exists(), "the converted copy is deleted on close"


def test_the_microphone_is_closed_while_the_speaker_plays(tmp_path):
    ramp = (np.arange(16000 * 10) % 30000).astype(np.int16)
    write(tmp_path / "ramp.wav", ramp, 16000)
    clock = SimulatedClock(0.0, 0)
    with Recording(tmp_path / "ramp.wav") as rec:
        device = VirtualSoundDevice(rec, clock)
        mic = device.RawInputStream(16000, 480)
        data, overflowed = mic.read(480)
        assert np.array_equal(np.frombuffer(data, "<i2"), ramp[:480]) and not overflowed
        device.RawOutputStream(16000).write(np.zeros(16000 * 2, "<i2").tobytes())  # a 2 s reply
        data, _ = mic.read(480)
        assert np.array_equal(np.frombuffer(data, "<i2"), ramp[480 + 32000: 960 + 32000]), "audio under the reply is skipped"
        clock.advance(8.0)
        with pytest.raises(audio.InputEnded):
            mic.read(480)


def test_fault_plan_fires_on_cue(tmp_path):
    plan = FaultPlan.parse("mic-error@1, unplug@3+2, overflow@6, speaker-error@7, underflow@8")
    assert [f.kind for f in plan.faults] == ["mic-error", "unplug", "overflow", "speaker-error", "underflow"]
    assert plan.on_read(0.5) is False
    with pytest.raises(DeviceFault):
        plan.on_read(1.2)
    assert plan.on_read(1.3) is False, "a raise fires once"
    assert plan.unplugged(3.5) and not plan.unplugged(5.0)
    assert plan.on_read(6.1) is True and plan.on_read(6.2) is False
    assert plan.on_write(7.5) == (True, False) and plan.on_write(8.0) == (False, True)
    for bad, why in (("unplug@3", "length"), ("explode@3", "KIND"), ("mic-error", "KIND@SECONDS")):
        with pytest.raises(FaultPlanError, match=why):
            FaultPlan.parse(bad)


@pytest.mark.parametrize("option, value, message", [
    ("speed", -1.0, "--speed must be 0"),
    ("mic_clock", "yesterday evening", "--mic-clock 'yesterday evening'"),
    ("audio_faults", "unplug@3", "an unplug needs its length"),
    ("mic_file", "/nowhere/evening.wav", "cannot read the recording"),
])
def test_options_that_cannot_be_used_get_one_line(tmp_path, capsys, option, value, message):
    write(tmp_path / "ok.wav", np.zeros(1600, np.int16), 16000)
    args = argparse.Namespace(mic_file=str(tmp_path / "ok.wav"), speed=0.0, mic_from=None, mic_clock=None,
                              audio_faults=None, audio_out=None, jsonl=True)
    setattr(args, option, value)
    assert mic_file.run(args, companion=None) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
