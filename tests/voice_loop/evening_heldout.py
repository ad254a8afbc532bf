"""A kitchen evening written without looking at the grammar, to measure the live loop honestly.

The commands below were written on 1 Dec 2026 by the `kitchen` helper as a couple would say
them at the table, BEFORE reading skill/intents.yaml or its templates, and were not changed
after the first run: they are held out, never to tune the grammar or the recognizer on (a
phrasing that is missed is reported, not added). The table talk is the held-out talk of
tests/voice/speech.py (never used to tune rejection) spoken by its held-out voices, and real
people reading (LibriVox and pocketsphinx's own recordings, `tests/voice/real_speech.py`)
where they have been fetched. Commands are spoken by the Piper voice at three speeds and by
two held-out espeak-ng voices.

Each command is said after the reply before it has finished: the gap after a command is the
time its reply may take at the calm pace, plus a breath (what a couple waits), checked after
the run against the replies actually played (`late_commands`).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from voice.speech import HELD_OUT_TALK, HELD_OUT_VOICES  # noqa: E402

from .kitchen import RATE, KitchenRecording, Said  # noqa: E402

# (what is said, the intent meant, seconds of room until the next command)
CHECK_IN = [
    ("could we do our check in now", "StartCheckInIntent", 70),
    ("okay i think that's me finished", "DoneIntent", 25),
    ("that's all from me", "DoneIntent", 40),
    ("can we have a different question", "AMAZON.NextIntent", 35),
    ("hang on a second", "AMAZON.PauseIntent", 20),
    ("okay we're back", "AMAZON.ResumeIntent", 35),
    ("sorry could you say that again", "AMAZON.RepeatIntent", 40),
    ("i'm done", "DoneIntent", 25),
    ("let's leave it there for tonight", "AMAZON.StopIntent", 20),
]
EXERCISE = [
    ("can we try the listening exercise", "StartExerciseIntent", 290),
    ("okay what's next", "AMAZON.NextIntent", 35),
    ("go on", "AMAZON.NextIntent", 35),
    ("that's enough for tonight thanks", "AMAZON.StopIntent", 20),
]
SHORT_CHECK_IN = [
    ("start the check in please", "StartCheckInIntent", 70),
    ("done", "DoneIntent", 25),
    ("skip this one", "AMAZON.NextIntent", 35),
    ("what was the question again", "AMAZON.RepeatIntent", 40),
    ("i've finished", "DoneIntent", 25),
    ("we're going to stop now", "AMAZON.StopIntent", 20),
]
COMMAND_VOICES = ["piper", "piper:1.15", "piper:0.9", "en-gb-scotland:160", "en-us+m3:185"]
TALK_VOICES = [f"{name}:{rate}" for name, rate in HELD_OUT_VOICES] + ["piper:1.05"]


def real_speech() -> list[np.ndarray]:
    """Real people talking (fetched by scripts/setup --test), as float samples; empty when not fetched."""
    from voice import real_speech as real

    from local_voice.wavio import read_wav

    folder = real.available()
    if folder is None:
        return []
    clips = []
    for name in sorted(set(real.SPEECH.values())):
        try:
            clips.append(read_wav(folder / name, RATE).samples.astype(np.float32))
        except Exception:  # a damaged download: that clip is left out
            continue
    return clips


def talk(r: KitchenRecording, rng: random.Random, people: list[np.ndarray]) -> None:
    """One remark between the partners: synthesized held-out talk, or a real person now and then."""
    if people and rng.random() < 0.3:
        index = rng.randrange(len(people))
        span = r._speak(people[index], -30.0)
        r.talk_spans.append(span)
        r.talk_said.append((*span, f"(real speech #{index})", "person"))
    else:
        r.talk(rng.choice(HELD_OUT_TALK), rng.choice(TALK_VOICES))


def talk_between(r: KitchenRecording, seconds: float, rng: random.Random, people: list[np.ndarray]) -> None:
    """`seconds` after a command: quiet while its reply plays, then the partners talk, ending in quiet."""
    end = r.now + seconds
    r.room(min(4.0, seconds))
    while end - r.now > 10.0:
        if rng.random() < 0.5:
            talk(r, rng, people)
            r.room(rng.uniform(1.0, 3.0))
        else:
            r.room(min(end - r.now - 8.0, rng.uniform(3.0, 8.0)))
    r.room(max(0.0, end - r.now))


def session(r: KitchenRecording, script, rng: random.Random, people: list[np.ndarray]) -> list[Said]:
    said = []
    for text, intent, gap in script:
        said.append(r.command(text, intent, rng.choice(COMMAND_VOICES)))
        talk_between(r, gap, rng, people)
    return said


def kitchen(r: KitchenRecording, seconds: float, rng: random.Random, people: list[np.ndarray]) -> None:
    """The kitchen without the companion: talk, dishes, the tap, long quiet."""
    end = r.now + seconds
    while end - r.now > 30.0:
        roll = rng.random()
        if roll < 0.5:
            for _ in range(rng.randint(1, 3)):
                talk(r, rng, people)
                r.room(rng.uniform(0.8, 2.5))
        elif roll < 0.65:
            r.dishes(rng.uniform(4.0, 12.0))
        elif roll < 0.75:
            r.tap(rng.uniform(5.0, 15.0))
        r.room(min(end - r.now - 25.0, rng.uniform(20.0, 60.0)))
    r.room(max(0.0, end - r.now))


def evening(r: KitchenRecording, rng: random.Random) -> list[Said]:
    """About 18 minutes: kitchen, a check-in, kitchen, the listening exercise, a short check-in, kitchen."""
    people = real_speech()
    kitchen(r, 60.0, rng, people)
    said = session(r, CHECK_IN, rng, people)
    kitchen(r, 60.0, rng, people)
    said += session(r, EXERCISE, rng, people)
    said += session(r, SHORT_CHECK_IN, rng, people)
    kitchen(r, 45.0, rng, people)
    return said


def late_commands(commands: list[Said], lines: list[dict]) -> list[Said]:
    """Commands that began while a reply was still playing (the recording's gap was too short)."""
    spans = [(line["at"], line["at"] + line["seconds"]) for line in lines]
    return [c for c in commands if any(a < c.start < b for a, b in spans)]
