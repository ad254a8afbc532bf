"""The hands-free loop: microphone (or WAV files) in, engine, speaker (or WAV files) out.

Half-duplex: the microphone is not listened to while the companion speaks, so it never
hears itself. While the partners talk (the engine says `listen: conversation`), only
commands count and anything else is ignored without a word; with `--wake-word`, a
command must then begin with that word ("closer, next"). Timer cues are delivered as
the engine asks (`wake_at`); a pause holds them.

Quick replies without cutting anyone off:
- The recognizer's endpointer (`recognition.endpoint`, the one endpointer) ends an utterance
  after `QUIET` seconds clearly below the speech, so a finished command is answered soon
  after it ends. When what was heard so far is no complete command (a thinking pause inside
  "our names are ... Sam and Alex" leaves only a prefix), the listener holds on for `HOLD`
  more seconds; if speech resumes, the whole utterance, pause included, is decoded again as one.
- A reply is played as it is rendered: the first sentence starts playing while the rest
  is rendered in a thread (`speak_stream`); fixed phrases come from a disk cache filled
  at start (`Voice.prerender`), and the speech engine is started before it is needed.
"""

from __future__ import annotations

import json
import logging
import queue
import sys
import threading
import time
from collections import deque
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from .companion import Companion
from .idle import SessionMarker, idle_expect, is_idle, respond_idle, with_wake_intent
from .idle import WAKE_INTENT, launch as launch_session
from .recognition import BLOCK, QUIET, Quiet  # noqa: F401  (the loop's block and quick end, one endpointer)
from .recognition import RATE as REC_RATE
from .recognition import CommandSet, Phrase, RecognizerError, Result, build_commands, open_recognizer
from .recovery import Playback, Recovery
from .sim_clock import RealClock
from .tts import SpeechError
from .voice import RATE, Voice, fixed_lines
from .wavio import WavError, read_wav, write_wav

log = logging.getLogger("closer.voice")
NO_RESULT = Result(None, None, {}, 0.0)

HOLD = 0.8          # after an utterance that is no command: wait this long for more of it
# A command is said on its own: this much quiet must follow it (beyond the endpointer's QUIET)
# before it is answered. The endpointer ends an utterance at any 0.12 s dip, so a phrase in the
# middle of a story ("...we could stop at..." heard as "stop") also ends as an utterance; in the
# kitchen evenings every reply to table talk was such a phrase with the talk going on within
# this time, while a couple addressing the companion waits for its answer.
ALONE_AFTER = 0.35
# ...and this much before it, after other speech: the tail of a remark ("...keeps dying" heard as
# "repeat that") follows the words before it after a dip the endpointer cuts at, a command does not.
ALONE_BEFORE = 0.35
# Speech this loud in the microphone's very first block was going on when it opened, so it began
# under the reply: cut in on. Only the first block: a couple answering the moment a reply ends
# starts a few tens of milliseconds later, with all of the command still to come (a 0.15 s
# window lost such commands whole in the kitchen evenings).
CUT_IN_SECONDS, CUT_IN_DBFS = BLOCK, -42.0
# Quiet before the question is asked again. Any fixed time collides with some command (the
# half-duplex loop loses a command said under the reminder): 20 s fixed one evening and broke
# another, so it stays at 12 s (issue 20: see bench/evening_causes.py, "loop, timing").
REPROMPT_AFTER = 12.0
MAX_MERGE = 6.0     # never re-decode more than this many seconds as one utterance
WAKE_PREFIX = "wake:"
ALWAYS_PLAIN = ("SafetyIntent",)  # heard without the wake word too


def with_wake(commands: CommandSet, wake: str) -> CommandSet:
    """One command set holding both the plain commands and the wake-word ones (as 'wake:<intent>').

    One recognizer (one acoustic model in memory) serves both: the step's grammar picks which.
    `always` is left empty: the listener names every live intent itself.
    """
    words = tuple(wake.lower().split())
    phrases = dict(commands.phrases)
    for name, items in commands.phrases.items():
        phrases[WAKE_PREFIX + name] = [Phrase(WAKE_PREFIX + name, words + tuple(p.words), dict(p.slots)) for p in items]
    templates = commands.templates
    if templates is not None:
        for name, items in list(templates.by_intent.items()):
            templates = templates.with_intent(WAKE_PREFIX + name, [f"{wake.lower()} ({t})" for t in items],
                                              templates.slot_types.get(name))
    return commands.derive(phrases=phrases, always=[], templates=templates)


class Listener:
    """Chooses the grammar for the step (plain commands, or wake-word commands while partners talk)
    and turns a stream of audio blocks into decisions, holding on after an unfinished phrase."""

    def __init__(self, stt: str | None, model: str | None, wake_word: str | None, notice=None,
                 quiet: float = QUIET, hold: float = HOLD, commands: CommandSet | None = None,
                 alone_after: float = ALONE_AFTER):
        base = with_wake_intent(commands or build_commands())
        self.always = list(base.always)
        self.all_intents = list(base.intents)
        self.not_over_talk = set(base.not_over_talk)  # from the catalog (over_talk: false)
        self.wake_word = None if not wake_word or wake_word.lower() == "none" else wake_word.lower()
        # The listener names every live intent itself (the always layer too, but not while idle).
        self.commands = with_wake(base, self.wake_word) if self.wake_word else base.derive(always=[])
        first = [name for name in ("AMAZON.StopIntent",) if name in base.phrases] or base.intents[:1]
        # A small first grammar: the step's own is set before every listen.
        self.recognizer = open_recognizer(stt, model, first, self.commands, say=notice)
        self.backend = self.recognizer.backend
        self.recognizer.end_quickly(quiet)  # the recognizer's endpointer ends a command after this much quiet
        self.hold = hold
        self.alone_after = alone_after
        self._pending: Result | None = None  # a command heard, answered once the quiet after it holds
        self._pending_until = 0.0
        self._last_loud = -1e9   # when the last loud block was heard (seconds since prepare)
        self._prev_end = -1e9    # the last loud block of the utterance before this one
        self._utt_first: float | None = None  # the first loud block of this one
        self._gap_before = 1e9   # quiet between the last utterance to end and the one before it
        self.waking = False
        self.reprompted: dict | None = None
        self._buffer: deque[bytes] = deque()
        self._buffered = 0
        self._held: Result | None = None
        self._held_until = 0.0
        self._resumed = False
        self._heard = 0.0  # seconds of audio fed since prepare()
        self.turn: tuple[str, Result | None, float] = ("launch", None, 0.0)  # set by listen_once

    # back-compatible names
    @property
    def active(self):
        return self.recognizer

    @property
    def plain(self):
        return self.recognizer

    def live_for(self, companion: Companion) -> list[str]:
        if is_idle(companion):  # after "stop": only start phrases and safety
            self.waking = False
            return idle_expect(companion, self.all_intents)
        last = companion.last or {}
        expect = [n for n in (companion.expect or []) if n in self.all_intents]
        names = (expect + [n for n in self.always if n not in expect]) if expect else \
            [n for n in self.all_intents if n != WAKE_INTENT]
        talking = last.get("listen") == "conversation"
        if talking:
            names = [n for n in names if n not in self.not_over_talk]
        self.waking = bool(self.wake_word) and talking
        if not self.waking:
            return names
        # Asking for help is never held back by a missing wake word.
        return [WAKE_PREFIX + n for n in names] + [n for n in names if n in ALWAYS_PLAIN]

    def warm_up(self, steps: Iterable[tuple]) -> None:
        """Build every step's search, (expected intents, listen mode[, mode]), before the first listen.

        The microphone opens only after a step's search is live, so one built on the spot would
        make a couple answering at once lose their first words. The recognizer keeps the last
        `max_searches` built (the usual modes, given last; the one needed first, the menu, last of all).
        The widest steps are built first: a step an intent or two narrower then shares their search
        instead of building one that is dropped again (the peak memory of start-up)."""
        steps = list(steps)
        for step in sorted(steps, key=lambda step: len(step[0]), reverse=True) + steps:
            self.recognizer.set_expect(self.live_for(_Usual(*step)))

    def prepare(self, companion: Companion) -> None:
        """Before listening: the grammar of what can be said at this step."""
        self.recognizer.set_expect(self.live_for(companion))
        self.recognizer.reset()  # a fresh endpointer: the room's floor is measured again
        self._buffer.clear()
        self._buffered = 0
        self._held = None
        self._pending = None
        self._last_loud, self._prev_end, self._utt_first, self._gap_before = -1e9, -1e9, None, 1e9
        self._resumed = False
        self._heard = 0.0
        self._cut_in = False  # speech was already going on when the microphone opened

    def _plain(self, result: Result | None) -> Result:
        if result is None:
            return NO_RESULT
        if result.intent and result.intent.startswith(WAKE_PREFIX):
            return Result(result.text, result.intent[len(WAKE_PREFIX):], result.slots, result.confidence)
        return result

    def recognize(self, pcm: bytes) -> Result:
        """One clip, one utterance (the `--audio-in` front end)."""
        return self._plain(self.recognizer.recognize(pcm))

    @property
    def in_speech(self) -> bool:
        """Someone is speaking, or may be about to finish a phrase: no cue or reprompt now."""
        return self.recognizer.in_speech or self._held is not None or self._pending is not None

    def _keep(self, pcm: bytes) -> None:
        self._buffer.append(pcm)
        self._buffered += len(pcm)
        limit = int(MAX_MERGE * REC_RATE * 2)
        while self._buffered - len(self._buffer[0]) >= limit:
            self._buffered -= len(self._buffer.popleft())

    def _trim(self, seconds: float = 0.5) -> None:
        limit = int(seconds * REC_RATE * 2)
        while self._buffer and self._buffered - len(self._buffer[0]) >= limit:
            self._buffered -= len(self._buffer.popleft())

    @property
    def quiet(self) -> Quiet | None:
        return self.recognizer.quiet

    def _utterance_end(self, pcm: bytes) -> Result | None:
        """Feed the recognizer; a result when its endpointer ended an utterance."""
        rec = self.recognizer
        if not rec.accept(pcm):
            return None
        result = rec.result() or NO_RESULT
        while (more := rec.result()) is not None:
            result = more
        first = self._utt_first if self._utt_first is not None else self._heard
        self._gap_before, self._prev_end, self._utt_first = first - self._prev_end, self._last_loud, None
        return result

    def feed(self, pcm: bytes) -> Result | None:
        """Stream one block; a Result when an utterance has been decided on, else None.

        A command is decided on only once `alone_after` seconds of quiet have followed it; when
        speech comes back sooner, it was part of talk: the whole (command and what followed) is
        decoded again once that utterance ends, and answered only if it is itself a command."""
        if self._pending is None:
            return self._settle(self._feed(pcm))
        self._keep(pcm)
        self._heard += len(pcm) / (2.0 * REC_RATE)
        result = self._utterance_end(pcm)
        self._track_loud()
        if result is not None or (self.quiet is not None and self.quiet.resumed):
            # Speech came back: the command was a phrase inside talk, unless the whole is one command.
            pending, self._pending = self._pending, None
            if result is None:
                self._hold(NO_RESULT, resumed=True)
                return None
            whole = self.recognizer.recognize(b"".join(self._buffer))
            if not whole.intent:
                self._trim(0.0)
                return None
            return self._settle(self._plain(whole))
        if self._heard >= self._pending_until:
            pending, self._pending = self._pending, None
            self._trim(0.0)
            return pending
        return None

    def _settle(self, result: Result | None) -> Result | None:
        """A command waits for the quiet after it (see `feed`); anything else is decided at once."""
        if result is None or not result.intent or not self.alone_after:
            if result is not None:
                self._trim(0.0)
            return result
        # The command's audio stays in the buffer: if the words go on after a breath, the
        # whole (command and what followed) is decoded as one.
        self._pending, self._pending_until = result, self._heard + self.alone_after
        return None

    def _track_loud(self) -> None:
        """Note a loud block: when speech was last heard, and where the utterance now going on began."""
        if self.quiet is None or self.quiet.loud_run <= 0:
            return
        if self._utt_first is None:
            self._utt_first = self._heard - (self.quiet.loud_run - 1) * BLOCK
        self._last_loud = self._heard

    def _hold(self, result: Result, resumed: bool = False) -> None:
        self._held, self._held_until, self._resumed = result, self._heard + self.hold, resumed

    def _run_on(self, result: Result) -> bool:
        """A command utterance that followed other speech too closely to be said on its own."""
        return bool(result.intent) and self._gap_before < ALONE_BEFORE

    def _feed(self, pcm: bytes) -> Result | None:
        self._keep(pcm)
        if self._heard < CUT_IN_SECONDS - 1e-9 and Quiet.level(pcm) > CUT_IN_DBFS:
            self._cut_in = True
        self._heard += len(pcm) / (2.0 * REC_RATE)
        result = self._utterance_end(pcm)
        self._track_loud()
        if self._cut_in:
            # Half-duplex: what was being said when the microphone opened began under the reply,
            # so only its end is here ("...after dinner" once heard as "done"): never a command.
            if result is not None or (not self.recognizer.in_speech and self._heard > 1.0):
                self._cut_in = False
                if result is not None:
                    self._trim(0.0)
                    return None
        if self._held is not None:
            if result is not None:
                # The phrase went on after a pause: decode it whole, pause included.
                whole = self.recognizer.recognize(b"".join(self._buffer))
                best = whole if whole.intent else result
                if not whole.intent and self._run_on(result):
                    best = NO_RESULT  # a command word ending a remark, not a command said on its own
                if best.intent or self._buffered >= MAX_MERGE * REC_RATE * 2:
                    self._held = None
                    return self._plain(best)
                # Still no command: it may go on again after another pause.
                self._hold(best)
                return None
            if self.quiet is not None and self.quiet.resumed:
                self._resumed = True
            if self._resumed and not self.recognizer.in_speech and self.quiet is not None \
                    and self.quiet.run >= self.quiet.quiet_blocks:
                # It went on too briefly for the detector to open an utterance of its own
                # ("start a | check in" with a breath after "a"), and has ended: decode it whole.
                whole = self.recognizer.recognize(b"".join(self._buffer))
                held, self._held = self._held, None
                return self._plain(whole if whole.intent else held)
            if not self._resumed and not self.recognizer.in_speech and self._heard >= self._held_until:
                held, self._held = self._held, None
                return self._plain(held)
            return None
        if result is not None:
            if self._run_on(result):
                result = NO_RESULT  # a command word ending a remark, not a command said on its own
            if result.intent or not self.hold:
                return self._plain(result)
            self._hold(result)
            return None
        if not self.recognizer.in_speech and (self.quiet is None or self.quiet.loud == 0):
            self._trim()
        return None


class _Usual:
    """A step as the listener reads it from the companion: what may be said, the listen mode, the mode."""

    def __init__(self, expect: list[str], listen: str, mode: str | None = None):
        self.expect = list(expect)
        self.last = {"listen": listen, "expect": list(expect), "mode": mode}
        self.state = {"mode": mode} if mode else None


def usual_steps() -> list[tuple[list[str], str] | tuple[list[str], str, str]]:
    """Every step's (expected intents, listen mode[, dialogue mode]), the menu (needed first) last.

    From the engine's mode tables (each mode's expect list, with and without a running timer or
    a pending invitation) when it has them, else from its expect lists."""
    try:
        from skill.engine import modes
    except ImportError:
        modes = None
    if modes is not None and hasattr(modes, "expect") and hasattr(modes, "TABLES"):
        steps: list = []
        variants = ({}, {"run": {"timer": {"end": 0}}}, {"invitation": True})
        usual = ("idle", "running", "paused", "menu")  # the last three stay built; rarer modes first
        for mode in sorted(modes.TABLES, key=lambda m: usual.index(m) if m in usual else -1):
            listen = "conversation" if mode == "running" else "command"
            for extra in variants:
                step = (modes.expect({"mode": mode, **extra}), listen, mode)
                if step not in steps:
                    steps.append(step)
        return steps
    from skill.engine import core

    idle = (["StartCheckInIntent", "StartExerciseIntent", "WakeIntent", "SafetyIntent"], "command", "idle")
    rare = [(getattr(core, n), "command") for n in ("CONFIRM", "SAFETY") if isinstance(getattr(core, n, None), list)]
    return rare + [idle, (core.RUN, "conversation"), (core.PAUSED, "command"), (core.MENU, "command")]


def respond(companion: Companion, result: Result, now: float) -> dict | None:
    """What the engine says to an utterance; None when conversation should be left alone."""
    if is_idle(companion):
        return respond_idle(companion, result, now)
    if result.intent:
        return companion.intent(result.intent, result.slots, now=now)
    if (companion.last or {}).get("listen") == "conversation":
        return None  # the partners were talking to each other
    return companion.intent("AMAZON.FallbackIntent", now=now)


def _record(out: dict | None, heard: dict | None, path: str | None, ticked: list[dict]) -> dict:
    fields = ("say", "reprompt", "end", "prompt", "expect", "listen", "pace", "timer")
    record = {key: (out or {}).get(key) for key in fields}
    if out is None:
        record.update({"say": "", "end": False, "expect": [], "listen": "conversation"})
    record["heard"] = heard
    record["audio"] = path
    if ticked:
        record["ticked"] = [t["say"] for t in ticked]
    return record


def _names_private(voice: Voice, companion: Companion) -> None:
    if names := (companion.memory.get("names") or []):
        voice.private_words = {w.lower() for n in names for w in str(n).split()}


def run_files(args, companion: Companion) -> int:
    """`--audio-in`: each WAV is one utterance; replies are written as WAVs; stdout is JSONL."""
    out_dir = Path(args.audio_out) if args.audio_out else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    clock = [time.time()]
    companion.clock = lambda: clock[0]
    try:
        listener = Listener(args.stt, args.model, args.wake_word, notice=lambda m: print(m, file=sys.stderr))
        voice = Voice(args.voice)
    except (RecognizerError, SpeechError) as err:
        print(f"closer local: {err}", file=sys.stderr)
        return 1
    status = 0
    turn = [0]

    def speak(out: dict, label: str) -> str | None:
        _names_private(voice, companion)
        audio = voice.render(out)
        clock[0] += len(audio) / RATE
        companion.played(clock[0])
        if out_dir is None or not len(audio):
            return None
        path = out_dir / f"{turn[0]:03d}-{label}.wav"
        write_wav(path, audio, RATE)
        return str(path)

    try:
        out = companion.launch()
        print(json.dumps(_record(out, None, speak(out, "launch"), [])), flush=True)
        for file in args.audio_in:
            turn[0] += 1
            try:
                audio = read_wav(file)
            except WavError as err:
                print(json.dumps({"file": file, "error": str(err)}), flush=True)
                status = 2
                continue
            listener.prepare(companion)
            result = listener.recognize(audio.pcm())
            clock[0] += audio.seconds
            ticked, cue_paths = [], []
            while (cue := companion.tick(clock[0])) is not None:
                ticked.append(cue)
                cue_paths.append(speak(cue, f"cue{len(ticked)}"))
            out = respond(companion, result, clock[0])
            heard = {"text": result.text, "intent": result.intent}
            path = speak(out, "reply") if out else None
            record = _record(out, heard, path, ticked)
            if ticked:
                record["ticked_audio"] = cue_paths
            print(json.dumps(record), flush=True)
            # An ended session goes idle: the next file may start another one.
    except SpeechError as err:
        print(f"closer local: {err}", file=sys.stderr)
        return 1
    finally:
        companion.end()
    return status


# --------------------------------------------------------------------------- speaking


def speak_stream(chunks: Iterable[np.ndarray], write: Callable[[np.ndarray], None],
                 on_first: Callable[[], None] | None = None) -> int:
    """Play a reply while it is still being rendered: the first non-empty chunk is rendered here
    and written at once; the rest is rendered in a thread and written as it comes. Returns samples written."""
    it: Iterator[np.ndarray] = iter(chunks)
    first = None
    for chunk in it:
        if len(chunk):
            first = chunk
            break
    if first is None:
        return 0
    pending: queue.Queue = queue.Queue(maxsize=64)
    done = object()

    def render_rest() -> None:
        try:
            for chunk in it:
                if len(chunk):
                    pending.put(chunk)
        except BaseException as exc:  # handed to the player, raised there
            pending.put(exc)
        finally:
            pending.put(done)

    worker = threading.Thread(target=render_rest, name="closer-render", daemon=True)
    worker.start()
    if on_first is not None:
        on_first()
    write(first)
    written = len(first)
    try:
        while (item := pending.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            write(item)
            written += len(item)
    finally:
        worker.join(timeout=5.0)
    return written


class StreamPlayer:
    """One output stream kept open: replies are written into it as they are rendered."""

    def __init__(self, device: int | None = None, rate: int = RATE, sleep: Callable[[float], None] = time.sleep):
        self.device, self.rate = device, rate
        self.sleep = sleep  # the loop's clock: simulated when the microphone is a recording
        self._stream = None

    def _open(self):
        from . import audio

        sd = audio._sd()
        try:
            self._stream = sd.RawOutputStream(samplerate=self.rate, device=self.device, channels=1, dtype="int16")
            self._stream.start()
        except Exception as exc:
            self._stream = None
            raise audio.AudioError(f"cannot open the speaker ({exc})") from None
        return self._stream

    def write(self, samples: np.ndarray) -> None:
        from . import audio

        stream = self._stream or self._open()
        try:
            stream.write(np.ascontiguousarray(samples, dtype="<i2").tobytes())
        except Exception as exc:
            self.close()
            raise audio.AudioError(f"cannot play audio ({exc})") from None

    def drain(self) -> None:
        """Wait until what was written has been heard (half-duplex: then the microphone opens)."""
        if self._stream is not None:
            self.sleep(float(getattr(self._stream, "latency", 0.1) or 0.1) + 0.05)

    def play(self, chunks: Iterable[np.ndarray], on_first=None, written: Callable[[np.ndarray], None] | None = None) -> int:
        """Play a reply as it renders; `written` hears of each chunk once the speaker took it. Returns samples played."""
        def write(samples: np.ndarray) -> None:
            self.write(samples)
            if written is not None:
                written(samples)

        count = speak_stream(chunks, write, on_first)
        if count:
            self.drain()
        return count

    def close(self) -> None:
        from .audio import close_stream

        close_stream(self._stream)
        self._stream = None


def prerender_in_background(voice: Voice, paces: Iterable[int] | None = None) -> tuple[threading.Thread, threading.Event]:
    """Fill the cache with every fixed line of prompts/ (system phrases first) at the pace being spoken,
    without holding up the greeting; replies being rendered go first."""
    stop = threading.Event()

    def work() -> None:
        try:
            voice.prerender(fixed_lines(), paces, stop)
        except Exception as exc:  # only a cache: never let it end the session
            log.warning("pre-rendering stopped: %s", type(exc).__name__)

    thread = threading.Thread(target=work, name="closer-prerender", daemon=True)
    thread.start()
    return thread, stop


# --------------------------------------------------------------------------- the live loop


def run_live(args, companion: Companion, clock=None, report: Callable[..., None] | None = None) -> int:
    """Microphone and speaker: listen, answer, keep time, recover from an unplugged device.

    `clock` (default: the wall) is the loop's time; `report(kind, out, listener, samples)` hears of
    every reply once it has been played, or cut off (`interrupted=True`); `--mic-file --jsonl` prints them."""
    from . import audio

    clock = clock or RealClock()
    companion.clock = clock.now
    try:
        in_dev = audio.pick_device(args.input_device, "input")
        out_dev = audio.pick_device(args.output_device, "output")
        listener = Listener(args.stt, args.model, args.wake_word, notice=lambda m: print(m, file=sys.stderr))
        voice = Voice(args.voice, live=True)
        voice.warm_up()
    except (audio.AudioError, RecognizerError, SpeechError) as err:
        print(f"closer local: {err}", file=sys.stderr)
        return 1
    listener.warm_up(usual_steps())  # before any audio plays: building a search holds the interpreter
    prerendering, stop_prerender = prerender_in_background(voice)
    player = StreamPlayer(out_dev, sleep=clock.sleep)
    recovery = Recovery()
    print("Closer Together is listening. 'Stop' ends a session and it waits for 'start a check in' "
          "or 'Closer Together'; Ctrl-C quits.", file=sys.stderr)

    def speak(out: dict, kind: str) -> None:
        _names_private(voice, companion)
        playback = Playback(voice, out)
        try:
            samples = player.play(playback.chunks(), written=playback.wrote)
        except audio.AudioError:
            recovery.interrupted(playback)
            if report is not None:
                report(kind, out, listener, playback.samples, interrupted=True)
            raise
        companion.played()
        if report is not None:
            report(kind, out, listener, samples)

    marker = SessionMarker()
    out, kind = launch_session(companion, marker), "launch"
    try:
        while True:  # never ends on "stop": an ended session goes idle and waits for a start phrase
            try:
                if out is not None:
                    speak(out, kind)
                marker.update(companion)
                with audio.Microphone(in_dev, block_seconds=BLOCK) as mic:
                    out = listen_once(companion, listener, mic.read, clock=clock.now)
                    kind = listener.turn[0]
            except audio.AudioError as err:
                player.close()
                # One clear line for the journal: the device's trouble, never anything that was said.
                log.warning("Audio trouble: %s. Waiting for the device to come back...", err)
                in_dev, out_dev = _wait_for_devices(audio, args, sleep=clock.sleep)
                player = StreamPlayer(out_dev, sleep=clock.sleep)
                out, kind = recovery.after_outage(companion)
                log.warning("Audio is back%s.", ": repeating where we were" if out is not None else "; listening again")
    except (KeyboardInterrupt, audio.InputEnded):
        pass
    finally:
        stop_prerender.set()
        # Let a line being rendered finish: a daemon thread still inside onnxruntime while the
        # interpreter shuts down aborts the process (exit -6 at the end of a soak), and a service
        # sees a crash where there was a clean stop.
        prerendering.join(timeout=30.0)
        player.close()
        companion.end()
        marker.clear()
    return 0


def listen_once(companion: Companion, listener: Listener, read: Callable[[], bytes | None],
                clock: Callable[[], float] = time.time, reprompt_after: float = REPROMPT_AFTER) -> dict | None:
    """Read blocks until a command (or a timer cue, or a reprompt) needs an answer.

    `read()` returns the next block of 16 kHz mono int16 audio (None: the stream ended).
    `listener.turn` then says why: ("reply", the Result answered, when its speech ended on
    `clock`), ("cue", None, now) or ("reprompt", None, now)."""
    listener.prepare(companion)
    reprompt_at = clock() + reprompt_after
    spoke_at = clock()
    while True:
        pcm = read()
        if pcm is None:
            return None
        result = listener.feed(pcm)
        if listener.quiet is not None and listener.quiet.loud_run:
            spoke_at = clock()  # the last loud block: where an utterance's speech ended
        if result is not None and result.intent:
            # Always listening without a wake word: speech that is no command is the room (table
            # talk, a clink taken for a word) and gets no "sorry?"; a misheard answer gets the
            # step's reprompt once the room has been quiet a while.
            out = respond(companion, result, clock())
            if out is not None:
                listener.turn = ("reply", result, spoke_at)
                return out
        busy = listener.in_speech
        if busy:
            reprompt_at = max(reprompt_at, clock() + reprompt_after)  # never straight after talk
        due = companion.wake_at
        if due is not None and clock() >= due and not busy:
            cue = companion.tick(clock())
            if cue is not None:
                listener.turn = ("cue", None, clock())
                return cue
        last = companion.last or {}
        # Paused: they asked for a moment, so no reminder; in the kitchen evening one began just as
        # "resume" was said, and the half-duplex loop lost the command under it.
        paused = (companion.state or {}).get("mode") == "paused"
        if last.get("listen") == "command" and last.get("reprompt") and clock() >= reprompt_at and not busy \
                and listener.reprompted is not companion.last and not is_idle(companion) and not paused:
            listener.reprompted = companion.last  # once per question, not every 12 s
            listener.turn = ("reprompt", None, clock())
            return {**last, "segments": [{"type": "text", "text": last["reprompt"]}], "say": last["reprompt"]}


def _wait_for_devices(audio, args, interval: float = 2.0, sleep: Callable[[float], None] = time.sleep):
    while True:
        sleep(interval)
        try:
            return audio.pick_device(args.input_device, "input"), audio.pick_device(args.output_device, "output")
        except audio.AudioError:
            continue
