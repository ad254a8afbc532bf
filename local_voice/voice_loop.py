"""The hands-free loop: microphone (or WAV files) in, engine, speaker (or WAV files) out.

Half-duplex: the microphone is not listened to while the companion speaks, so it never
hears itself. While the partners talk (the engine says `listen: conversation`), only
commands count and anything else is ignored without a word; with `--wake-word`, a
command must then begin with that word ("closer, next"). Timer cues are delivered as
the engine asks (`wake_at`); a pause holds them.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

import numpy as np

from .companion import Companion
from .recognize import CommandSet, Phrase, RecognizerError, Result, build_commands, open_recognizer
from .tts import SpeechError
from .voice import RATE, Voice
from .wavio import WavError, read_wav, write_wav

log = logging.getLogger("closer.voice")
NO_RESULT = Result(None, None, {}, 0.0)


def wake_commands(commands: CommandSet, wake: str) -> CommandSet:
    """The same commands, each preceded by the wake word."""
    words = tuple(wake.lower().split())
    phrases = {name: [Phrase(p.intent, words + tuple(p.words), dict(p.slots)) for p in items]
               for name, items in commands.phrases.items()}
    return CommandSet(phrases, commands.values, commands.always)


class Listener:
    """Chooses the grammar for the step: plain commands, or wake-word commands while partners talk."""

    def __init__(self, stt: str | None, model: str | None, wake_word: str | None, notice=None):
        commands = build_commands()
        self.plain = open_recognizer(stt, model, None, commands, say=notice)
        self.wake_word = None if not wake_word or wake_word.lower() == "none" else wake_word.lower()
        self.wake = None
        if self.wake_word:
            self.wake = open_recognizer("pocketsphinx" if self.plain.backend == "pocketsphinx" else stt, model, None,
                                        wake_commands(commands, self.wake_word))
        self.active = self.plain

    def prepare(self, companion: Companion) -> None:
        """Before listening: the grammar of what can be said at this step."""
        last = companion.last or {}
        conversation = last.get("listen") == "conversation"
        self.active = self.wake if (conversation and self.wake is not None) else self.plain
        self.active.set_expect(companion.expect or None)
        self.active.reset()

    def recognize(self, pcm: bytes) -> Result:
        return self.active.recognize(pcm) or NO_RESULT


def respond(companion: Companion, result: Result, now: float) -> dict | None:
    """What the engine says to an utterance; None when conversation should be left alone."""
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
        if names := (companion.memory.get("names") or []):
            voice.private_words = {n.lower() for n in names}
        audio = voice.render(out)
        clock[0] += len(audio) / RATE
        if out_dir is None or not len(audio):
            return None
        path = out_dir / f"{turn[0]:03d}-{label}.wav"
        write_wav(path, audio, RATE)
        return str(path)

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
        ticked = []
        while (cue := companion.tick(clock[0])) is not None:
            ticked.append(cue)
            speak(cue, "cue")
        out = respond(companion, result, clock[0])
        heard = {"text": result.text, "intent": result.intent}
        path = speak(out, "reply") if out else None
        print(json.dumps(_record(out, heard, path, ticked)), flush=True)
        if out and out["end"]:
            break
    companion.end()
    return status


def run_live(args, companion: Companion) -> int:
    """Microphone and speaker: listen, answer, keep time, recover from an unplugged device."""
    from . import audio

    try:
        in_dev = audio.pick_device(args.input_device, "input")
        out_dev = audio.pick_device(args.output_device, "output")
        listener = Listener(args.stt, args.model, args.wake_word, notice=lambda m: print(m, file=sys.stderr))
        voice = Voice(args.voice)
    except (audio.AudioError, RecognizerError, SpeechError) as err:
        print(f"closer local: {err}", file=sys.stderr)
        return 1
    print("Closer Together is listening. Say 'stop' to end, or press Ctrl-C.", file=sys.stderr)

    def speak(out: dict) -> None:
        if names := (companion.memory.get("names") or []):
            voice.private_words = {n.lower() for n in names}
        samples = voice.render(out)
        if len(samples):
            audio.play(samples, RATE, out_dev)

    out = companion.launch()
    try:
        while True:
            try:
                speak(out)
                if out["end"]:
                    break
                out = _listen(companion, listener, audio, in_dev)
            except audio.AudioError as err:
                print(f"Audio trouble: {err}. Waiting for the device to come back...", file=sys.stderr)
                in_dev, out_dev = _wait_for_devices(audio, args)
                out = companion.intent("AMAZON.RepeatIntent")
    except KeyboardInterrupt:
        pass
    finally:
        companion.end()
    return 0


def _listen(companion: Companion, listener: Listener, audio, in_dev) -> dict:
    """Open the microphone until a command (or a timer cue) needs an answer."""
    listener.prepare(companion)
    recognizer = listener.active
    reprompt_at = time.time() + 12.0
    with audio.Microphone(in_dev) as mic:
        while True:
            pcm = mic.read()
            if recognizer.accept(pcm):
                result = recognizer.result() or NO_RESULT
                out = respond(companion, result, time.time())
                if out is not None:
                    return out
            due = companion.wake_at
            if due is not None and time.time() >= due and not recognizer.in_speech:
                cue = companion.tick()
                if cue is not None:
                    return cue
            last = companion.last or {}
            if last.get("listen") == "command" and last.get("reprompt") and time.time() >= reprompt_at \
                    and not recognizer.in_speech:
                reprompt_at = float("inf")
                return {**last, "segments": [{"type": "text", "text": last["reprompt"]}], "say": last["reprompt"]}


def _wait_for_devices(audio, args, interval: float = 2.0):
    while True:
        time.sleep(interval)
        try:
            return audio.pick_device(args.input_device, "input"), audio.pick_device(args.output_device, "output")
        except audio.AudioError:
            continue
