"""The voice loop's clock: the real one, or a simulated one that a recording drives.

The live loop reads the time for timer cues, reprompts and a timed turn's start, and
sleeps while a reply drains or while it waits for an unplugged device. Both go through a
clock, so the same loop can run on a recording (`closer local --mic-file`) in simulated
time: every block read from the recording and every sample played moves the simulated
clock on by its length, and `speed` says how fast that runs against the wall
(1: real time, 30: thirty times faster, 0: as fast as the computer goes).
"""

from __future__ import annotations

import time


class RealClock:
    """Wall time: what a Pi in the kitchen runs on."""

    simulated = False

    def now(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def advance(self, seconds: float) -> None:
        """Real audio takes its own time; nothing to do."""


class SimulatedClock:
    """Time that moves only when audio is read or played (or the loop sleeps), `speed` times faster than the wall."""

    simulated = True

    def __init__(self, start: float, speed: float = 0.0):
        if speed < 0:
            raise ValueError("speed must be 0 (as fast as possible) or more")
        self.start = float(start)
        self.speed = float(speed)
        self._now = float(start)
        self._wall_start = time.monotonic()

    def now(self) -> float:
        return self._now

    @property
    def elapsed(self) -> float:
        """Simulated seconds since the clock started."""
        return self._now - self.start

    def advance(self, seconds: float) -> None:
        """Move on by `seconds`; with a speed, wait until the wall has caught up (pacing, not per-call sleeps, so no drift)."""
        if seconds <= 0:
            return
        self._now += seconds
        if self.speed > 0:
            due = self._wall_start + self.elapsed / self.speed
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)
