"""Synthesized test speech: espeak-ng voices and rates, optional light background noise."""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np

from local_voice.wavio import Audio, read_wav, to_int16

FIRST_NAME = "AMAZON.FirstName"


def command_sample(commands, per_intent: int | None, seed: int = 7, random_names: bool = False) -> list[tuple[str, str]]:
    """(intent, text) pairs: `per_intent` phrasings of every intent (all with None), slots filled with
    known values; name slots with the first two names, or with a random pair each time."""
    rng = random.Random(seed)
    names = commands.values.get(FIRST_NAME) or ["sam", "alex"]
    out = []
    for intent in commands.intents:
        texts = []
        for phrase in commands.phrases[intent]:
            expanded = commands.expansions(phrase)
            if expanded is None:
                a, b = rng.sample(names, 2) if random_names else names[:2]
                expanded = [(" ".join(a if w == "{nameA}" else b if w == "{nameB}" else w for w in phrase.words), {})]
            texts.extend(t for t, _ in expanded)
        chosen = texts if per_intent is None else rng.sample(texts, min(per_intent, len(texts)))
        out.extend((intent, t) for t in chosen)
    return out

VOICES = [("en-us", 165), ("en+f3", 140), ("en-gb-x-rp", 190), ("en+m3", 175), ("en-us+f2", 155), ("en", 205)]

TABLE_TALK = [
    "how was your day at work",
    "pass me the salt please",
    "i think we should visit your mother next week",
    "did you remember to call the plumber",
    "this pasta is really good",
    "we need to buy more milk tomorrow",
    "what time does the movie start on saturday",
    "my boss was in a strange mood today",
    "the kids were so loud at the park",
    "i ran into an old friend at the supermarket",
    "let's paint the bedroom a lighter colour",
    "do you want some more wine",
    "the neighbours dog barked all night",
    "i finished reading that book you gave me",
    "we should plan a trip to the coast this summer",
    "remind me to water the plants",
    "the train was late again this morning",
    "your sister sent a lovely card",
    "could you help me with the dishes after dinner",
    "the weather has been awful all week",
    "what did the doctor say about your knee",
    "i love the way you cooked the chicken",
    "we have to pay the electricity bill",
    "my phone battery keeps dying",
    "tell me about your meeting with the new client",
]


# More ordinary dinner-table talk, including sentences that carry command words inside
# them ("we should stop at the shop"). TABLE_TALK and TABLE_TALK_MORE tune the rejection;
# HELD_OUT_TALK and HELD_OUT_VOICES are only ever used to check it.
TABLE_TALK_MORE = [
    'we should stop at the shop on the way home',
    "i'm done with work for the week",
    'did you finish the report',
    'can you pass the bread',
    'what are we doing this weekend',
    'i think the next train is at eight',
    "let's go back to that restaurant sometime",
    'your mother called again',
    'we need to fix the back door',
    'the kids want pizza on friday',
    'did you see the news today',
    "i'm so tired tonight",
    'how is your sister getting on',
    'this soup needs a little more salt',
    'we could go for a walk after dinner',
    'i was stuck in traffic for an hour',
    'the dog needs a bath',
    'are you going to the gym tomorrow',
    'i think it might rain later',
    'my back is sore from gardening',
    'we should repeat that holiday next year',
    "please don't forget the bins",
    'what do you want for dessert',
    'the meeting ran over again',
    "i can't believe how fast the year went",
    'i saw a fox in the garden this morning',
    'that film was better than i expected',
    'do we have any plans for sunday',
    'i need to get my hair cut',
    'the car is making a funny noise',
    'should we invite your brother over',
    'i really liked that new cafe',
    "it's been a long day hasn't it",
    'your turn to do the washing up',
    'we are out of coffee',
    "i'll pick up the kids on tuesday",
    'the rent goes up next month',
    "let's keep the heating low this winter",
    'have you heard from the landlord',
    'i might start running again',
    "that's a good idea actually",
    'what time is your flight',
    'the garden looks lovely in the evening',
    'i forgot my keys at the office',
    'can we talk about the holidays later',
    'okay so what happened next',
    "i don't know what to get your dad for his birthday",
    'the baby finally slept through the night',
    'wait until you hear what my boss said',
    'we should play cards with the neighbours',
    'the bus was packed this morning',
    'he said he would call back tomorrow',
    'no i think it was on thursday',
    'yes that sounds right to me',
    'hold the door for me will you',
    'tell me again how you met them',
    'the printer at work broke again',
    "i'm thinking of learning to play the piano",
    'where did you put the scissors',
    "we've got a wedding in june",
]

HELD_OUT_TALK = [
    "i'm done with this chapter already",
    "let's stop for lunch at the farm shop",
    'could you help me move the sofa',
    'the new neighbours seem friendly',
    'my phone needs charging',
    'shall we order takeaway tonight',
    'i was thinking about our trip to spain',
    'the cat brought in a mouse again',
    "it's your turn to walk the dog",
    'we went back to the old house today',
    "i can't find my glasses anywhere",
    'the potatoes are nearly ready',
    'did the parcel arrive',
    'i need a new pair of shoes',
    'what did you think of the match',
    'the office is moving to a new building',
    "let's try the other road next time",
    "i'm finished with the crossword",
    'could you check the oven',
    'my knee has been fine lately',
    'you should call your grandmother',
    'that was a lovely dinner thank you',
    'the school wants us to come in on monday',
    'the heating is broken again',
    'i keep forgetting to book the dentist',
    'what shall we watch after dinner',
    'we should go to bed early tonight',
    'next week is going to be busy',
    'i heard the bakery is closing down',
    'your friend from college sent a message',
    'help me remember to buy batteries',
    'the milk has gone off',
    'i had a really weird dream last night',
    'can you believe the price of petrol',
    'we could paint the fence on saturday',
    'the doctor said it was nothing serious',
    'we need a bigger table for christmas',
    'how about a glass of red',
    "i'm going to bake bread this weekend",
    'it was so quiet in town today',
    'tell your mum i said hello',
    'the kids are growing up so fast',
    'the plumber is coming at nine',
    'do you fancy a cup of tea',
    'i think we should save some money for the summer',
    'pass me the pepper would you',
    'the band was playing really loud',
    'my manager wants the slides by friday',
    "there's a concert in the park next month",
    "let's keep going with the garden tomorrow",
    'i found an old photo of us',
    "we're going to need more chairs",
    'the roads were icy this morning',
    'i spoke to the bank about the mortgage',
    'can we visit the museum on sunday',
    'the football is on later',
    "i'm starting to like this song",
    'she never answers her phone',
    'are the tomatoes from our garden',
    'what a strange thing to say',
]

HELD_OUT_VOICES = [("en-gb-scotland", 160), ("en-us+m3", 185), ("en+f4", 150), ("en-029", 170),
                   ("en-gb-x-gbclan+f2", 145), ("en-us-nyc", 200), ("en-gb-x-gbcwmd", 175)]


def have_espeak() -> bool:
    return shutil.which("espeak-ng") is not None


def synth(text: str, cache: Path, voice: str = "en-us", rate: int = 165) -> Path:
    """A WAV of espeak-ng speaking text (cached by content)."""
    key = hashlib.sha1(f"{voice}|{rate}|{text}".encode()).hexdigest()[:16]
    path = cache / f"{key}.wav"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(path), text], check=True, capture_output=True)
    return path


def with_noise(audio: Audio, snr_db: float = 25.0, seed: int = 0, lead: float = 0.3) -> Audio:
    """Pad with `lead` seconds either side and mix in pink-ish background noise at snr_db below the speech."""
    rng = np.random.default_rng(seed)
    x = audio.samples.astype(np.float32) / 32768.0
    pad = np.zeros(int(lead * audio.rate), np.float32)
    x = np.concatenate([pad, x, pad])
    white = rng.normal(0, 1, len(x)).astype(np.float32)
    noise = np.convolve(white, np.ones(8) / 8, mode="same")  # a duller, room-like hiss
    speech_power = float(np.mean(audio.samples.astype(np.float32) ** 2)) / 32768.0**2
    noise *= np.sqrt(speech_power / (10 ** (snr_db / 10)) / max(1e-12, float(np.mean(noise**2))))
    return Audio(to_int16(x + noise), audio.rate)


def load(path: Path, noise: bool = False, seed: int = 0) -> Audio:
    audio = read_wav(path)
    return with_noise(audio, seed=seed) if noise else audio
