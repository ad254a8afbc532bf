"""The safety pass: every utterance is also checked for a disclosure said in a person's own words.

The command grammar only knows commands, so "he choked me last night" comes out of it as
nothing (or as the nearest command). Here the same audio is decoded once more, by a separate
small decoder whose language model (compiled in `safety_model.py`, cached by the data's hash)
knows the disclosure grammar and, so that ordinary talk decodes to ordinary words, everyday
language. Its word hypothesis then goes through the SAME text matcher the text front end uses
(`Catalog.match`, whose disclosure detector is skill/safety_language.py); only a match that is
SafetyIntent counts. Like the command recognizer's two searches, decodes must agree: the audio as
it is, and then two of four copies with its frequencies scaled a little (speaker normalisation),
must be heard as a disclosure, so one lucky word cannot stop a check-in over dinner. Every clip
first gets a faint noise floor (`noise_floor_db`): synthetic speech's digital silence misled the
acoustic front end.

Privacy: this is the one place where free speech is decoded into words, and they never leave
it. The hypothesis lives in memory for the length of one call: it is never logged, stored,
written to disk or returned. What comes out is the intent's slots ({"family": ...}) or None.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

from .commands import RATE, RecognizerError

INTENT = "SafetyIntent"


class SafetyPass:
    """A second decoder over an utterance's audio that answers only: a disclosure (its family), or not."""

    # Agreement: the audio as it is must be heard as a disclosure, and then at least `agree_needed`
    # of these frequency-scaled copies too (speaker normalisation by resampling, as the command
    # check does). Measured with bench/safety.py on the test set: one warp of two let 2 of 40 espeak
    # en-us table-talk sentences through; two of four 1 of 40 (Piper 54/60 heard, 0/60 false alarms);
    # three of four cost Piper 8 of 60 disclosures (46/60) and still let "yes that sounds right to
    # me" through as "... raped me", so two. Table talk whose first decode holds no disclosure costs
    # one decode.
    check_warps = (0.94, 1.06, 0.90, 1.10)
    agree_needed = 2

    # Faint room noise mixed into every clip before decoding, this many dB below its speech (None:
    # none). The acoustic model learnt from recorded speech, which always has a floor; synthetic
    # speech between words is near digital silence, and the feature front end's noise removal and
    # normalisation then misplace it (room noise at 20 dB had raised espeak-ng en-us from 16 to 22
    # of 30). Measured with bench/safety_words.py, on sentences and voices held out while choosing
    # it (fresh13+14, 51 disclosures and 78 everyday): espeak-ng en-us+m3 20 -> 35 heard, false
    # alarms 8 -> 6; en+f2 28 -> 31, 6 -> 3; on the test set (30 + 175 with table talk) en-us
    # 17 -> 21, en+f3 9 -> 10, en-gb 11 -> 13, Piper 25 -> 28, false alarms 5 -> 7 of 700 over the four.
    # 20 dB heard fewer (en-us 20, en+f3 8).
    noise_floor_db: float | None = 30.0

    # Search settings of the decoder (pocketsphinx's names), beyond its defaults.
    decoder_options: dict = {}

    def __init__(self, folder: Path | None = None, matcher=None, hmm: str | None = None, agree: bool = True,
                 options: dict | None = None):
        try:
            from pocketsphinx import Decoder, get_model_path
        except ImportError:
            raise RecognizerError("pocketsphinx is not installed (pip install pocketsphinx)") from None
        from . import safety_model

        folder = Path(folder) if folder else safety_model.compiled()
        config = dict(hmm=hmm or str(Path(get_model_path()) / "en-us" / "en-us"), dict=str(folder / "safety.dict"),
                      lm=str(folder / "safety.lm"), samprate=RATE, loglevel="FATAL", bestpath=False)
        config.update(self.decoder_options)
        config.update(options or {})
        try:
            self.decoder = Decoder(**config)
        except (RuntimeError, ValueError) as exc:
            raise RecognizerError(f"the safety pass could not load its model ({exc})") from None
        self.matcher = matcher or _catalog_matcher()
        self.agree = agree
        self._lock = threading.Lock()  # one decoder: one utterance at a time

    def hear(self, pcm: bytes) -> dict | None:
        """The disclosure's slots ({"family": ...}) when this clip discloses one, else None.

        Nothing of what was said is kept: the words exist only inside this call."""
        with self._lock:
            if self.noise_floor_db is not None:
                pcm = with_floor(pcm, self.noise_floor_db)
            found = self._check(pcm)
            if found is None or not self.agree:
                return found
            from .sphinx import warp

            agreed, left = 0, len(self.check_warps)
            for factor in self.check_warps:
                agreed += self._check(warp(pcm, factor)) is not None
                left -= 1
                if agreed >= self.agree_needed:
                    return found
                if agreed + left < self.agree_needed:
                    break
            return None

    def _check(self, pcm: bytes) -> dict | None:
        d = self.decoder
        d.start_utt()
        d.process_raw(pcm, False, True)
        d.end_utt()
        hyp = d.hyp()
        words = " ".join(w for w in (hyp.hypstr.split() if hyp else []) if not w.startswith(("<", "[", "+")))
        del hyp
        found = self.matcher(words) if words else None
        del words  # the hypothesis goes no further than this line
        return found


def with_floor(pcm: bytes, snr_db: float) -> bytes:
    """The clip with a faint, dull hiss mixed in `snr_db` below its own power, seeded by the audio
    (the same clip always sounds the same)."""
    import zlib

    import numpy as np

    x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
    if not len(x):
        return pcm
    rng = np.random.default_rng(zlib.crc32(pcm))
    noise = np.convolve(rng.normal(0.0, 1.0, len(x)), np.ones(8) / 8, mode="same").astype(np.float32)
    power = float(np.mean(x ** 2))
    noise *= np.sqrt(power / 10 ** (snr_db / 10) / max(1e-12, float(np.mean(noise ** 2))))
    return np.clip(np.round(x + noise), -32768, 32767).astype("<i2").tobytes()


@functools.lru_cache(maxsize=1)
def shared() -> SafetyPass:
    """One safety pass per process (its decoder is locked per utterance): recognizers opened one
    after another, as the voice loop and the tests do, share its model instead of loading it again."""
    return SafetyPass()


def _catalog_matcher():
    """The text front end's matcher (the catalog's), asked only whether a text is SafetyIntent."""
    from skill.catalog import load_catalog

    catalog = load_catalog()

    def safety_slots(text: str) -> dict | None:
        found = catalog.match(text, [INTENT])
        return dict(found.slots) if found is not None and found.intent == INTENT else None

    return safety_slots


def enabled() -> bool:
    """The safety pass runs unless CLOSER_SAFETY_PASS=0 (e.g. a test of the command grammar alone)."""
    return os.environ.get("CLOSER_SAFETY_PASS", "1") != "0"
