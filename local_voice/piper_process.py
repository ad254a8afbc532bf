"""Piper neural speech, rendered by piper's own program running beside us as a separate process.

The fallback: by default our own code renders Piper voices in-process (`piper_onnx.py`, less memory
and a new pace at once); this one serves without onnxruntime or with CLOSER_PIPER_RENDERER=process.

The GPL boundary: piper-tts is GPL-3.0 and this project is Apache-2.0, so no module of ours
imports `piper`. We start its command-line program exactly as pip installed it
(`python -m piper`), keep it running, write one sentence a line to its standard input and
read each sentence's audio from the WAV file it writes into a private folder of ours (0700),
naming it on its standard error ("Wrote PATH"). The two programs share only text and audio
through pipes and files, as a program shares them with `espeak-ng` or `sox`.

One process loads the voice once (about a second here) and then renders a short sentence
in a few hundred milliseconds. Piper's speaking rate (its length scale) is fixed when the
program starts (its command line reads plain lines, no per-line settings), so a new pace needs
a new process. Only one runs at a time: each holds the model and onnxruntime's arena, which
keeps the activations of the longest sentence rendered (about 20 MB a second of speech on a
155 MB base), and two at once set the session's peak memory. The reply to "slower" should not
wait for a load, so the running process stands in at the old pace for live replies (which
are then not cached); once it has rested, it is closed and the new one loads while that reply
is heard. A reply asked for during those seconds waits for the new one. Cache filling
(`exact`) waits for the right pace. (piper's HTTP server takes a pace per request but was
measured larger and exposes the last sentence's phonemes on a local port: see README.)
"""

from __future__ import annotations

import atexit
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections import deque
from pathlib import Path

from .voices import VoiceInfo
from .wavio import Audio, WavError, read_wav

_WROTE = re.compile(r"Wrote (.+\.wav)\s*$")
_count_lock = threading.Lock()
START_TIMEOUT = 120.0   # a first start on a Pi 3 loading from an SD card is slow
RENDER_TIMEOUT = 60.0
IDLE_BEFORE_LOAD = 0.8  # seconds the running process rests before it is replaced by one at a new pace
LOAD_WAIT_MAX = 20.0    # ... or at most this long, when it never rests

# How fast each voice speaks at length scale 1 (words a minute over whole sentences) and how
# the rate follows the length scale (wpm ~ scale ** -exponent), measured with the 100-word
# calibration passage in bench/tts.py. Unknown voices get a typical Piper figure.
CALIBRATION = {"en_US-joe-medium": (247.0, 0.79)}
TYPICAL = (215.0, 0.79)


class PiperError(Exception):
    """Piper could not render (message fit to show a person)."""


def length_scale(voice_name: str, wpm: float) -> float:
    """Piper's length scale for a speaking rate in words a minute (rounded, so one process serves a pace)."""
    base, exponent = CALIBRATION.get(voice_name, TYPICAL)
    scale = (base / max(60.0, float(wpm))) ** (1.0 / exponent)
    return round(min(3.0, max(0.5, scale)), 2)


def speakable(text: str) -> str:
    """One line for piper: whitespace collapsed; empty when there is nothing to pronounce."""
    line = " ".join((text or "").split())
    return line if re.search(r"\w", line) else ""


def piper_environment(environ: dict | None = None) -> dict:
    """Our environment for piper, with onnxruntime's thread pool sized to the cores we may run on.

    piper gives onnxruntime default session options, whose pool has a thread per core of the
    machine, not of our CPU affinity: pinned to one core (bench/tts.py, or a busy Pi sharing its
    cores), the extra thread spins against the one doing the work and a 12-word render took about
    a third longer here. onnxruntime reads ORT_INTRA_OP_NUM_THREADS from the environment; a value
    the user set is kept."""
    env = dict(os.environ if environ is None else environ)
    if not env.get("ORT_INTRA_OP_NUM_THREADS"):
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        env["ORT_INTRA_OP_NUM_THREADS"] = str(max(1, cores))
    return env


class PiperProcess:
    """One running `python -m piper` for a voice at one length scale."""

    _shared: "PiperProcess | None" = None    # the one process that renders now
    _wanted: "Switch | None" = None           # a new pace to load once the running process has rested
    _shared_lock = threading.Lock()
    running: "weakref.WeakSet[PiperProcess]" = weakref.WeakSet()
    most_at_once = 0                          # the most piper processes that ran at once (bench, tests)

    def __init__(self, voice: VoiceInfo, scale: float):
        self.voice, self.scale = voice, scale
        self.folder = Path(tempfile.mkdtemp(prefix="closer-piper-"))  # mkdtemp makes it 0700
        command = [sys.executable, "-m", "piper", "--model", str(voice.model), "--config", str(voice.config),
                   "--output-dir", str(self.folder), "--output-dir-naming", "timestamp",
                   "--length-scale", f"{scale:.2f}"]
        try:
            self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1,
                                         cwd=str(self.folder), env=piper_environment())
        except OSError as exc:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise PiperError(f"could not start piper ({exc})") from None
        self.lines: queue.Queue = queue.Queue()
        self.recent: deque[str] = deque(maxlen=8)  # piper's last messages, for an error
        self.lock = threading.Lock()
        self.started = False
        self.last_done = time.monotonic()  # when it last finished a sentence
        self.served = 0  # sentences it has begun to render
        self.ready = threading.Event()  # it has rendered: the voice is loaded
        with _count_lock:
            PiperProcess.running.add(self)
            PiperProcess.most_at_once = max(PiperProcess.most_at_once, sum(1 for p in PiperProcess.running if p.alive))
        threading.Thread(target=self._read_stderr, name="closer-piper-log", daemon=True).start()

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)  # the process ended

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def render(self, text: str, rate_hz: int | None = None) -> Audio:
        """One line of text as audio (native rate, or resampled to rate_hz)."""
        line = speakable(text)
        if not line:
            raise PiperError("nothing to say")
        with self.lock:
            self.served += 1
            if not self.alive:
                raise PiperError(self._why_ended())
            try:
                self.proc.stdin.write(line + "\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                raise PiperError(self._why_ended()) from None
            deadline = time.monotonic() + (RENDER_TIMEOUT if self.started else START_TIMEOUT)
            while True:
                try:
                    message = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    self._close()  # the lock is held here
                    raise PiperError("piper did not answer in time") from None
                if message is None:
                    raise PiperError(self._why_ended())
                found = _WROTE.search(message)
                if found:
                    break
                self.recent.append(message.strip())
            self.started = True
            self.last_done = time.monotonic()
            self.ready.set()
            path = Path(found.group(1))
            try:  # still under the lock: close() waits for this, so the folder outlives the read
                return read_wav(path, rate_hz) if rate_hz else _read_native(path)
            except (OSError, WavError) as exc:
                raise PiperError(f"piper's audio could not be read ({exc})") from None
            finally:
                path.unlink(missing_ok=True)

    def _why_ended(self) -> str:
        try:
            self.proc.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            pass
        while True:
            try:
                message = self.lines.get_nowait()
            except queue.Empty:
                break
            if message:
                self.recent.append(message.strip())
        last = next((m for m in reversed(self.recent) if m), "")
        return f"piper stopped (exit {self.proc.returncode}){': ' + last[-200:] if last else ''}"

    def close(self) -> None:
        """End the process once a sentence it is rendering has been read."""
        held = self.lock.acquire(timeout=RENDER_TIMEOUT)
        try:
            self._close()
        finally:
            if held:
                self.lock.release()

    def _close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()  # piper ends when its input does
            self.proc.wait(timeout=3.0)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.folder, ignore_errors=True)

    def matches(self, voice: VoiceInfo, scale: float) -> bool:
        return self.voice.model == voice.model and self.scale == scale

    def _warm(self) -> None:
        try:
            self.render("Okay.")
        except PiperError:
            pass  # it ended: the next request starts another

    # -- the shared process: one at a time
    @classmethod
    def shared(cls, voice: VoiceInfo, scale: float, stand_in: bool = False) -> "PiperProcess":
        """The process to render with for this voice and scale. With stand_in, a running process at
        another scale of the same voice answers now, and is replaced by one at this scale once it has
        rested (`_switch_when_idle`); without, it is replaced at once. Never two at a time: each holds
        the model and its arena (about 160 to 250 MB), and two at once set the session's peak."""
        with cls._shared_lock:
            current = cls._shared
            if current is not None and current.alive and current.matches(voice, scale):
                return current
            usable = current is not None and current.alive and current.ready.is_set() \
                and current.voice.model == voice.model
            if stand_in and usable:
                if cls._wanted is None or cls._wanted.target != (voice.model, scale):
                    if cls._wanted is not None:
                        cls._wanted.done.set()  # another pace was asked meanwhile: that one is not loaded
                    cls._wanted = Switch((voice.model, scale))
                    threading.Thread(target=cls._switch_when_idle,
                                     args=(voice, scale, current, cls._wanted, current.served),
                                     name="closer-piper-switch", daemon=True).start()
                return current
            cls._replace(voice, scale)
            return cls._shared

    @classmethod
    def _replace(cls, voice: VoiceInfo, scale: float) -> None:
        """Close the running process, then start one for this scale (the class lock is held)."""
        if cls._wanted is not None:
            cls._wanted.done.set()
            cls._wanted = None
        if cls._shared is not None:
            cls._shared.close()  # waits for a sentence it is rendering
        cls._shared = cls(voice, scale)

    @classmethod
    def _switch_when_idle(cls, voice: VoiceInfo, scale: float, current: "PiperProcess", switch: "Switch",
                          served: int) -> None:
        """Replace the stand-in by a process at the new pace once it has rested a moment: the reply to
        "slower" is rendered ahead of playing, so the new voice loads while that reply is heard, and on
        one core it does not slow the reply down (bench/tts.py). A reply asked for while it loads waits
        for it rather than run a second process. `served`: the stand-in's count of sentences when it
        was handed out; it gives way only after it has rendered the one it was handed out for, so
        however late that render starts, it is never closed under it."""
        deadline = time.monotonic() + LOAD_WAIT_MAX
        while current.alive and time.monotonic() < deadline and not switch.done.is_set() and \
                (current.served <= served or current.lock.locked()
                 or time.monotonic() - current.last_done < IDLE_BEFORE_LOAD):
            time.sleep(0.05)
        with cls._shared_lock:
            if cls._wanted is not switch or cls._shared is not current:
                switch.done.set()
                return  # another pace was asked meanwhile, or an exact render replaced it
            cls._wanted = None  # done is set once the new one has loaded, below
            cls._replace(voice, scale)
            loading = cls._shared
        loading._warm()
        switch.done.set()

    @classmethod
    def close_shared(cls) -> None:
        with cls._shared_lock:
            if cls._wanted is not None:
                cls._wanted.done.set()
            if cls._shared is not None:
                cls._shared.close()
            cls._shared = cls._wanted = None


class Switch:
    """A pace change waiting for the running process to rest; `done` is set once the new process has
    loaded (or the change was given up for another)."""

    def __init__(self, target: tuple):
        self.target = target
        self.done = threading.Event()


def _close_at_exit() -> None:
    try:
        PiperProcess.close_shared()
    except BaseException:  # a second Ctrl-C while closing: piper ends with its input anyway
        pass


atexit.register(_close_at_exit)


def _read_native(path: Path) -> Audio:
    import wave

    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
    return read_wav(path, rate)


class PiperAtPace:
    """A Piper voice at a speaking rate in words a minute: what both renderers keep of it."""

    engine = "piper"

    def __init__(self, voice: VoiceInfo, wpm: float):
        self.info = voice
        self.wpm = wpm
        self.scale = length_scale(voice.name, wpm)
        self.native_rate = voice.sample_rate


class PiperSpeaker(PiperAtPace):
    """The speech interface of `tts.Speaker` for a Piper voice, rendered by piper's own program."""

    def render(self, text: str, rate_hz: int | None = None, cache: bool = False) -> Audio:
        return self.render_live(text, rate_hz, stand_in=False)[0]

    def render_live(self, text: str, rate_hz: int | None = None, stand_in: bool = True,
                    same_process: bool = False) -> tuple[Audio, bool]:
        """(audio, exact): with stand_in, right after a pace change the audio may come at the old
        pace while piper loads at the new one; exact says whether it is at this speaker's pace.
        same_process: render with the process of the last call while it runs (the rest of a
        sentence whose first piece a stand-in said keeps its pace, rather than change mid-sentence)."""
        from .tts import SpeechError

        if not speakable(text):
            raise SpeechError("nothing to say")
        for attempt in (1, 2):
            last = getattr(self, "last_process", None)
            if same_process and last is not None and last.alive:
                process = last
            else:
                process = PiperProcess.shared(self.info, self.scale, stand_in)
            self.last_process = process
            try:
                return process.render(text, rate_hz), process.scale == self.scale
            except PiperError as exc:
                if attempt == 2 or process.alive:
                    raise SpeechError(str(exc)) from None
                # A process that ended (killed, out of memory) is started again once.
        raise AssertionError("unreachable")

    def warm_up(self) -> None:
        """Start piper and load the voice now, before the first reply needs it."""
        self.render("Okay.")
