"""`closer local --mic-file FILE.wav`: the live loop, with a long recording as the microphone.

The recording is played into the very loop a kitchen Pi runs (`voice_loop.run_live`):
streaming endpointing, the hold after an unfinished phrase, a grammar per step, timer cues,
reprompts, idle listening after "stop", and a microphone that is closed while the
companion speaks (so what was said under a reply is never heard). Only the sound device
and the clock differ: a virtual device reads the recording at the simulated time
(`virtual_device.py`), and the clock runs `--speed` times faster than real time (0: as fast
as the computer goes). `--mic-from S` starts S seconds in (as a restarted service would
hear the room), `--mic-clock` sets the local time the recording began, and
`--audio-faults` makes the device fail on cue (`audio_faults.py`).

Every reply, once played, is one line: with `--jsonl` a JSON object
`{"at", "began", "kind", "heard", "say", "seconds", "mode", "expect", ...}` (kind: launch, reply, cue, reprompt, repeat;
`"interrupted": true` when the speaker failed part-way through, `seconds` then what was played) where `at` is the second of the recording
at which the utterance it answers ended (for a cue, a reprompt or the greeting: where
it began), `began` where the reply started playing, `heard` the intent (never the words), `seconds` the reply's length, `expect` the
intents the step after it listens for.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from .recording import RATE, Recording
from .wavio import WavError, write_wav


class MicFileError(ValueError):
    """A --mic-file option that cannot be used, with a message fit to print."""


def parse_when(text: str | None) -> float:
    """The local time a recording began: epoch seconds or an ISO date and time (default: now)."""
    if text is None or text == "":
        return time.time()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        raise MicFileError(f"--mic-clock {text!r}: give epoch seconds or a date and time like 2026-12-01T18:30") from None


class Transcript:
    """Each played reply as a line (JSON with --jsonl), and as a WAV with --audio-out."""

    def __init__(self, device, companion, jsonl: bool, out_dir: Path | None, stream=None):
        self.device, self.companion, self.jsonl, self.out_dir = device, companion, jsonl, out_dir
        self.stream = stream or sys.stdout
        self.count = 0
        self._audio: list[bytes] = []
        self._began: float | None = None

    def heard_sound(self, data: bytes) -> None:
        """The virtual speaker's sink: where each reply began, and its audio when it is kept."""
        if self._began is None:
            self._began = self.device.position
        if self.out_dir is not None:
            self._audio.append(data)

    def __call__(self, kind: str, out: dict, listener, samples: int, interrupted: bool = False) -> None:
        began = self._began if self._began is not None else self.device.position
        heard = None
        at = began
        if kind == "reply":
            _, result, when = listener.turn
            heard = result.intent if result is not None else None
            clock = self.device.clock
            at = when - clock.start + self.device.offset
        # `began`: where in the recording the reply started playing (the microphone reopens after it;
        # to the sample, so bench/loop_trace.py can replay the listen that followed block for block)
        record = {"at": round(at, 2), "began": round(began, 4), "kind": kind, "heard": heard, "say": out.get("say") or "",
                  "seconds": round(samples / RATE, 4), "listen": out.get("listen"), "end": bool(out.get("end")),
                  "mode": (self.companion.state or {}).get("mode"), "expect": list(self.companion.expect)}
        if interrupted:
            record["interrupted"] = True  # the speaker failed part-way; the rest is said again once it is back
        self.count += 1
        if self.out_dir is not None:
            path = self.out_dir / f"{self.count:04d}-{kind}.wav"
            write_wav(path, np.frombuffer(b"".join(self._audio), "<i2"), RATE)
            record["audio"] = str(path)
        self._audio, self._began = [], None
        if self.jsonl:
            line = json.dumps(record)
        else:
            said = f"heard {heard}: " if heard else f"({kind}) "
            line = f"{record['at']:9.2f} s  {said}{record['say']}"
        print(line, file=self.stream, flush=True)


def run(args, companion) -> int:
    """Run the live loop on the recording; exit status 2 for options or a file that cannot be used."""
    from . import audio
    from .audio_faults import FaultPlan, FaultPlanError
    from .sim_clock import SimulatedClock
    from .virtual_device import VirtualSoundDevice
    from .voice_loop import run_live

    try:
        speed = float(args.speed if args.speed is not None else 1.0)
        if speed < 0:
            raise MicFileError("--speed must be 0 (as fast as possible) or more (1 is real time)")
        start_from = float(args.mic_from or 0.0)
        if start_from < 0:
            raise MicFileError("--mic-from must be 0 or more seconds")
        began = parse_when(args.mic_clock)
        faults = FaultPlan.parse(args.audio_faults)
        recording = Recording(args.mic_file)
    except (MicFileError, FaultPlanError, WavError) as err:
        print(f"closer local: {err}", file=sys.stderr)
        return 2
    out_dir = Path(args.audio_out) if args.audio_out else None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
    if args.mic_clock:
        # The same recording at the same time of day picks the same questions: runs can be compared.
        companion.seed = int(began * 1000) % 1_000_000_007
    clock = SimulatedClock(began + start_from, speed)
    device = VirtualSoundDevice(recording, clock, faults, offset=start_from)
    transcript = Transcript(device, companion, bool(args.jsonl), out_dir)
    device.on_play = transcript.heard_sound
    audio.use_backend(device)
    try:
        return run_live(args, companion, clock=clock, report=transcript)
    finally:
        audio.use_backend(None)
        recording.close()
