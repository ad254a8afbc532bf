"""A sound device made of a recording and a simulated clock, with the sounddevice API the loop uses.

`closer local --mic-file` plugs this in where PortAudio would be (`audio.use_backend`), so
the live loop runs unchanged: the same `Microphone`, `StreamPlayer`, device picking and
recovery. The microphone hears the recording at the simulated time: a block read moves
the clock on by its length, and so does every sample written to the speaker, so the
audio under a reply is never read (the microphone is closed while the companion speaks,
as in the half-duplex live loop). The end of the recording ends the loop
(`audio.InputEnded`). A fault plan (`audio_faults.FaultPlan`) makes the device fail on cue.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable

from .audio import InputEnded
from .audio_faults import DeviceFault, FaultPlan
from .recording import RATE, Recording
from .sim_clock import SimulatedClock

OUTPUT_LATENCY = 0.1  # seconds, a typical USB speaker's; the loop waits this long after a reply (drain)


class VirtualSoundDevice:
    """Stands in for the `sounddevice` module: one microphone (the recording) and one speaker (a sink)."""

    PortAudioError = DeviceFault

    def __init__(self, recording: Recording, clock: SimulatedClock, faults: FaultPlan | None = None,
                 on_play: Callable[[bytes], None] | None = None, offset: float = 0.0):
        self.recording = recording
        self.offset = offset  # where in the recording the clock's start falls (a restart part-way through)
        self.clock = clock
        self.faults = faults or FaultPlan()
        self.on_play = on_play
        self.default = SimpleNamespace(device=(0, 1))
        self.open_streams = 0

    @property
    def position(self) -> float:
        """Seconds into the recording at the simulated time now."""
        return self.clock.elapsed + self.offset

    def query_devices(self):
        if self.position >= self.recording.seconds:
            raise InputEnded()  # still waiting for a device when the recording ran out
        if self.faults.unplugged(self.position):
            return []
        return [
            {"name": f"recording {self.recording.path.name}", "max_input_channels": 1, "max_output_channels": 0},
            {"name": "virtual speaker", "max_input_channels": 0, "max_output_channels": 1},
        ]

    def RawInputStream(self, samplerate, blocksize, device=None, channels=1, dtype="int16", **_):
        self._check(samplerate, channels, dtype)
        self.faults.on_open(self.position, "input")
        return _Input(self, int(blocksize))

    def RawOutputStream(self, samplerate, device=None, channels=1, dtype="int16", **_):
        self._check(samplerate, channels, dtype)
        self.faults.on_open(self.position, "output")
        return _Output(self)

    @staticmethod
    def _check(samplerate, channels, dtype) -> None:
        if int(samplerate) != RATE or int(channels) != 1 or dtype != "int16":
            raise DeviceFault(f"Invalid sample rate or format ({samplerate} Hz, {channels} ch, {dtype})")


class _Stream:
    def __init__(self, device: VirtualSoundDevice):
        self.device = device
        self.active = False

    def start(self) -> None:
        self.active = True
        self.device.open_streams += 1

    def stop(self) -> None:
        if self.active:
            self.active = False
            self.device.open_streams -= 1

    def close(self) -> None:
        self.stop()


class _Input(_Stream):
    def __init__(self, device: VirtualSoundDevice, blocksize: int):
        super().__init__(device)
        self.blocksize = blocksize

    def read(self, frames: int):
        dev = self.device
        at = dev.position
        if at >= dev.recording.seconds:
            raise InputEnded()
        overflowed = dev.faults.on_read(at)
        if overflowed:  # the blocks the computer was too busy to take are gone
            dev.clock.advance(0.2)
            at = dev.position
        data = dev.recording.read(at, frames)
        data += b"\0" * (frames * 2 - len(data))
        dev.clock.advance(frames / RATE)
        return data, overflowed


class _Output(_Stream):
    latency = OUTPUT_LATENCY

    def write(self, data) -> bool:
        dev = self.device
        data = bytes(data)
        fail, underflowed = dev.faults.on_write(dev.position)
        if fail:  # half of it was heard, then the device gave up
            half = (len(data) // 4) * 2
            self._play(data[:half])
            raise DeviceFault("Unanticipated host error: output stream write failed")
        self._play(data)
        return underflowed

    def _play(self, data: bytes) -> None:
        if self.device.on_play is not None:
            self.device.on_play(data)
        self.device.clock.advance(len(data) / 2 / RATE)
