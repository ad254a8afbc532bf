"""Audio faults on purpose: a plan of what goes wrong with the sound device, and when.

Used by the virtual sound device (`virtual_device.py`) to prove the live loop's recovery
path without unplugging anything: `closer local --mic-file FILE --audio-faults PLAN`, and
the fault tests. A plan is a comma-separated list, times in seconds into the recording:

    mic-error@30        the next microphone read from 30 s on raises (the stream broke)
    speaker-error@45    the next reply played from 45 s on fails halfway through a sentence
    unplug@60+20        from 60 s to 80 s the device is gone: open streams fail, none can be
                        opened, and it is not listed; then it comes back
    overflow@90         the next microphone read from 90 s on reports an overflow (audio dropped)
    underflow@100       the next write to the speaker from 100 s on reports an underflow

Every fault but an unplug fires once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KINDS = ("mic-error", "speaker-error", "unplug", "overflow", "underflow")
_ITEM = re.compile(r"^(?P<kind>[a-z-]+)@(?P<at>\d+(?:\.\d+)?)(?:\+(?P<length>\d+(?:\.\d+)?))?$")


class FaultPlanError(ValueError):
    """A fault plan that cannot be read, with the offending item."""


class DeviceFault(Exception):
    """What the virtual device raises where PortAudio would raise its own error."""


@dataclass
class Fault:
    kind: str
    at: float
    length: float = 0.0
    fired: bool = False

    def covers(self, position: float) -> bool:
        return self.at <= position < self.at + self.length


@dataclass
class FaultPlan:
    faults: list[Fault] = field(default_factory=list)
    log: list[tuple[float, str]] = field(default_factory=list)  # (position, what happened): for tests and the report

    @classmethod
    def parse(cls, text: str | None) -> "FaultPlan":
        faults = []
        for item in (text or "").replace(" ", "").split(","):
            if not item:
                continue
            m = _ITEM.match(item)
            if not m or m["kind"] not in KINDS:
                raise FaultPlanError(f"cannot read the audio fault {item!r}: use KIND@SECONDS (unplug@SECONDS+LENGTH), "
                                     f"KIND one of {', '.join(KINDS)}")
            if m["kind"] == "unplug" and not m["length"]:
                raise FaultPlanError(f"an unplug needs its length: {item}+SECONDS")
            faults.append(Fault(m["kind"], float(m["at"]), float(m["length"] or 0.0)))
        return cls(faults)

    def unplugged(self, position: float) -> bool:
        for fault in self.faults:
            if fault.kind == "unplug" and fault.covers(position):
                if not fault.fired:
                    fault.fired = True
                    self.log.append((position, "unplug"))
                return True
        return False

    def _once(self, kind: str, position: float) -> bool:
        for fault in self.faults:
            if fault.kind == kind and not fault.fired and position >= fault.at:
                fault.fired = True
                self.log.append((position, kind))
                return True
        return False

    def on_read(self, position: float) -> bool:
        """Before a microphone read: raises for a broken stream; True when this read overflowed."""
        if self.unplugged(position):
            raise DeviceFault("Unanticipated host error: the input device was removed")
        if self._once("mic-error", position):
            raise DeviceFault("Unanticipated host error: input stream read failed")
        return self._once("overflow", position)

    def on_write(self, position: float) -> tuple[bool, bool]:
        """Before a write to the speaker: (fail halfway through it, report an underflow)."""
        if self.unplugged(position):
            raise DeviceFault("Unanticipated host error: the output device was removed")
        return self._once("speaker-error", position), self._once("underflow", position)

    def on_open(self, position: float, kind: str) -> None:
        if self.unplugged(position):
            raise DeviceFault(f"Error opening Raw{kind.capitalize()}Stream: Invalid device")

    @property
    def fired(self) -> list[str]:
        return [kind for _, kind in self.log]
