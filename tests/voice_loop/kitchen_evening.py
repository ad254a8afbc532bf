"""Evenings in a kitchen, as a script for `KitchenRecording`, and how to score what the loop made of them.

An evening holds one session (a check-in, or the listening exercise with its timed turns and
chimes) among table talk, dishes, a running tap and long quiet. Commands follow the replies
they answer after a short gap (the gaps are long enough for the longest reply, so a command
is never said under one); the partners talk to each other between commands, as they would.
`score` matches the loop's JSON lines to the commands: heard as meant, and replies that
answer no command (table talk or noise taken for one).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from voice.speech import TABLE_TALK, TABLE_TALK_MORE  # noqa: E402

from .kitchen import KitchenRecording, Said  # noqa: E402

TALK = TABLE_TALK + TABLE_TALK_MORE
TALK_VOICES = ["en+f3:150", "en-us:165", "en+m3:175", "en-gb-x-rp:180", "en+f4:160", "piper:0.95"]
COMMAND_VOICES = ["piper", "piper:1.15", "en-us:165", "en+f3:150"]
ESPEAK_COMMAND_VOICES = ["en-us:165", "en+f3:150", "en+m3:170", "en-gb-x-rp:175"]

# (what is said, the intent meant, seconds until the next command). Gaps allow for the longest reply.
CHECK_IN = [
    ("start a check in", "StartCheckInIntent", 60),
    ("i'm done", "DoneIntent", 22),
    ("i'm done", "DoneIntent", 40),
    ("next question", "AMAZON.NextIntent", 40),
    ("pause", "AMAZON.PauseIntent", 18),
    ("resume", "AMAZON.ResumeIntent", 40),
    ("repeat that", "AMAZON.RepeatIntent", 40),
    ("i'm done", "DoneIntent", 22),
    ("stop", "AMAZON.StopIntent", 15),
]
# The listening exercise: the first turn is timed (three minutes, a chime before the end and at it).
EXERCISE = [
    ("start the listening exercise", "StartExerciseIntent", 290),
    ("next", "AMAZON.NextIntent", 35),
    ("next", "AMAZON.NextIntent", 35),
    ("stop", "AMAZON.StopIntent", 15),
]


def talk_between(r: KitchenRecording, seconds: float, rng: random.Random, talk_share: float = 0.5) -> None:
    """`seconds` of the partners talking to each other and the room, ending in 3 s of quiet."""
    end = r.now + seconds
    r.room(min(4.0, seconds))
    while end - r.now > 8.0:
        if rng.random() < talk_share:
            r.talk(rng.choice(TALK), rng.choice(TALK_VOICES))
            r.room(rng.uniform(1.0, 3.0))
        else:
            r.room(min(end - r.now - 6.0, rng.uniform(3.0, 8.0)))
    r.room(max(0.0, end - r.now))


def session(r: KitchenRecording, script, rng: random.Random, voices=COMMAND_VOICES) -> list[Said]:
    said = []
    for text, intent, gap in script:
        said.append(r.command(text, intent, rng.choice(voices)))
        talk_between(r, gap, rng)
    return said


def kitchen_quiet(r: KitchenRecording, seconds: float, rng: random.Random) -> None:
    """A stretch of kitchen without the companion: talk now and then, dishes, the tap, long quiet."""
    end = r.now + seconds
    while end - r.now > 30.0:
        roll = rng.random()
        if roll < 0.45:
            for _ in range(rng.randint(1, 3)):
                r.talk(rng.choice(TALK), rng.choice(TALK_VOICES))
                r.room(rng.uniform(0.8, 2.5))
        elif roll < 0.6:
            r.dishes(rng.uniform(4.0, 12.0))
        elif roll < 0.7:
            r.tap(rng.uniform(5.0, 15.0))
        r.room(min(end - r.now - 25.0, rng.uniform(20.0, 90.0)))
    r.room(max(0.0, end - r.now))


def evening(r: KitchenRecording, minutes: float, exercise: bool, rng: random.Random, voices=COMMAND_VOICES) -> list[Said]:
    """One evening of `minutes`: some kitchen first, the session, then the kitchen again."""
    start = r.now
    kitchen_quiet(r, rng.uniform(60.0, 120.0), rng)
    said = session(r, EXERCISE if exercise else CHECK_IN, rng, voices)
    kitchen_quiet(r, max(0.0, start + minutes * 60 - r.now), rng)
    return said


def score(commands: list[Said], lines: list[dict], late: float = 3.0) -> dict:
    """Commands heard as meant (a reply to that intent ending within `late` s of the command), and replies
    that answer no command. Lines are the loop's JSON lines (seconds into the recording)."""
    replies = [line for line in lines if line.get("kind") == "reply"]
    used = set()
    meant, missed = [], []
    for c in commands:
        match = next((i for i, line in enumerate(replies)
                      if i not in used and c.start - 0.5 <= line["at"] <= c.end + late), None)
        if match is not None:
            used.add(match)
        if match is not None and replies[match]["heard"] == c.intent:
            meant.append(c)
        else:
            missed.append((c, replies[match]["heard"] if match is not None else None))
    stray = [line for i, line in enumerate(replies) if i not in used]
    return {"commands": len(commands), "meant": len(meant), "missed": missed, "stray": stray}
