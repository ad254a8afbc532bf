"""A conversation-transcript driver (tests/conversations/replay.py) for the voice loop: each
user line is spoken by espeak-ng, recognized from the WAV, answered by the companion and
rendered to audio, as `closer local --audio-in` does for one file."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from local_voice import voice_loop as VL
from local_voice.companion import Companion
from local_voice.voice import Voice
from local_voice.wavio import read_wav

from .conftest import synth

CONVERSATIONS = Path(__file__).resolve().parent.parent / "conversations"
if str(CONVERSATIONS) not in sys.path:
    sys.path.insert(0, str(CONVERSATIONS))

import replay  # noqa: E402

VOICES = [("en-us", 165), ("en+f3", 150)]


class VoiceDriver:
    name = "voice"

    def __init__(self, db_path: Path, listener: VL.Listener, voice: Voice, speech_dir: Path, seed: int = replay.SEED):
        self.db_path, self.listener, self.voice, self.speech_dir, self.seed = db_path, listener, voice, speech_dir, seed
        self.companion: Companion | None = None
        self.now = 0.0
        self.turn = 0
        self.spoken_seconds = 0.0

    def _open(self) -> None:
        from skill.store import Store

        self.companion = Companion(Store(self.db_path), household="device:test", clock=lambda: self.now, seed=self.seed)

    def _speak(self, out: dict | None) -> None:
        if not out or not out.get("say"):
            return
        VL._names_private(self.voice, self.companion)
        audio = self.voice.render(out)
        seconds = len(audio) / 16000
        assert seconds > 0.2 and np.abs(audio).max() > 1000, f"no speech rendered for {out['say'][:80]!r}"
        self.spoken_seconds += seconds

    def launch(self, now: float) -> dict:
        self.now = now
        self._open()
        out = self.companion.launch(now)
        self._speak(out)
        return replay._normalize(out)

    def say(self, text: str, now: float) -> dict:
        self.now = now
        voice, rate = VOICES[self.turn % len(VOICES)]
        self.turn += 1
        pcm = read_wav(synth(text, self.speech_dir, voice, rate)).pcm()
        self.listener.prepare(self.companion)
        result = self.listener.recognize(pcm)
        cues = []
        while (cue := self.companion.tick(now)) is not None:
            cues.append(cue)
            self._speak(cue)
        out = VL.respond(self.companion, result, now)
        self._speak(out)
        if out is None:  # conversation left alone: nothing said
            out = {"say": "", "end": False, "listen": "conversation", "expect": []}
        return replay._normalize(out, result.intent, [c["say"] for c in cues])

    def tick(self, now: float) -> dict:
        self.now = now
        cues = []
        while (cue := self.companion.tick(now)) is not None:
            cues.append(cue)
            self._speak(cue)
        if not cues:
            return replay._normalize({"say": ""})
        last = dict(cues[-1])
        last["say"] = " ".join(c["say"] for c in cues)
        return replay._normalize(last, None, [c["say"] for c in cues])

    def relaunch(self, now: float) -> dict:
        self.close()
        return self.launch(now)

    def close(self) -> None:
        if self.companion is not None:
            self.now = max(self.now, 0.0)
            self.companion.end()
            self.companion.store.close()
            self.companion = None
