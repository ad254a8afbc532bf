"""Command recognition restricted to what can be said now.

One interface, two backends:

- `PocketsphinxRecognizer`: the English model inside the pocketsphinx wheel. Each
  utterance is decoded whole once it has ended: a JSGF grammar of the step's phrasings
  proposes a command, and a looser command language model with a loop of garbage phones
  must hear the same command, so table talk (which that decode hears as garbage or as
  stray command words) gives no intent.
- `VoskRecognizer`: a Vosk model with a phrase-list grammar plus "[unk]"; anything
  decoded as "[unk]", outside the phrase table, or below a word-confidence threshold
  gives no intent.

Both share the streaming front: `accept(pcm)` feeds 16 kHz mono int16 audio, a voice
activity endpointer finds where an utterance starts and ends, and `result()` hands
back the last utterance's `Result` (or None). `set_expect(intents)` switches the
grammar between utterances without reloading the model.

Privacy: free speech is never transcribed. The recognizers only ever produce catalog
phrasings (or garbage tokens, which are dropped at once); `Result.text` is None
whenever no command was recognized. Nothing here logs what was said.
"""

from __future__ import annotations

import json
import logging
import re
from collections import deque
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

RATE = 16000
NAMES_PATH = Path(__file__).resolve().parent / "names.txt"
FIRST_NAME = "AMAZON.FirstName"
_SLOT = re.compile(r"\{(\w+)\}")
_EXPAND_LIMIT = 400  # expand a slot phrase into plain phrases only up to this many


class RecognizerError(Exception):
    """A recognizer that cannot start (missing model, unusable grammar), with a clear message."""


@dataclass
class Result:
    """What one utterance meant. `text` is the recognized command phrase, never free speech."""

    text: str | None
    intent: str | None
    slots: dict = field(default_factory=dict)
    confidence: float = 0.0

    def as_dict(self) -> dict:
        return {"text": self.text, "intent": self.intent, "slots": dict(self.slots), "confidence": round(float(self.confidence), 3)}


NO_COMMAND = Result(None, None, {}, 0.0)


def load_first_names(path: Path = NAMES_PATH) -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#") and line not in names:
            names.append(line)
    return names


# --------------------------------------------------------------------------- phrases


@dataclass(frozen=True)
class Phrase:
    """One phrasing of an intent; `words` may hold {slot} markers."""

    intent: str
    words: tuple[str, ...]
    slots: dict  # slot name -> value type

    @property
    def slot_names(self) -> list[str]:
        return [m.group(1) for w in self.words for m in [_SLOT.fullmatch(w)] if m]


class CommandSet:
    """The phrasings a recognizer may hear, per intent, with slot values; built from the catalog."""

    def __init__(self, phrases: dict[str, list[Phrase]], values: dict[str, list[str]], always: list[str] | None = None,
                 not_over_talk: list[str] | None = None):
        self.phrases = phrases
        self.values = values
        self.always = list(always or [])
        self.not_over_talk = list(not_over_talk or [])  # left out while the partners talk (catalog over_talk: false)

    @classmethod
    def from_catalog(cls, catalog, first_names: list[str] | None = None) -> CommandSet:
        values = {k: list(v) for k, v in catalog.slot_values.items()}
        values[FIRST_NAME] = list(first_names if first_names is not None else load_first_names())
        phrases: dict[str, list[Phrase]] = {}
        for intent in catalog.intents:
            items = [Phrase(intent.name, tuple(p.split()), dict(intent.slots)) for p in intent.phrases]
            if items:
                phrases[intent.name] = items
        return cls(phrases, values, catalog.always_live, catalog.not_over_talk)

    @classmethod
    def from_mapping(cls, mapping: dict[str, list[str]], always: list[str] | None = None) -> CommandSet:
        """Plain phrases per intent (any language, no slots): for tests and other models."""
        return cls({name: [Phrase(name, tuple(p.split()), {}) for p in items] for name, items in mapping.items()}, {}, always)

    @property
    def intents(self) -> list[str]:
        return list(self.phrases)

    def live(self, expect: list[str] | None) -> list[str]:
        if expect is None:
            return self.intents
        unknown = [name for name in expect if name not in self.phrases and name != "AMAZON.FallbackIntent"]
        if unknown:
            raise RecognizerError(f"unknown intent(s): {', '.join(unknown)}")
        names = [n for n in expect if n in self.phrases]
        return names + [n for n in self.always if n not in names and n in self.phrases]

    def restrict(self, keep_word) -> CommandSet:
        """A copy without the phrases and slot values the model cannot say (keep_word(word) is False)."""
        values = {k: [v for v in vals if all(keep_word(w) for w in v.split())] for k, vals in self.values.items()}
        phrases = {}
        for name, items in self.phrases.items():
            ok = [p for p in items if all(_SLOT.fullmatch(w) or keep_word(w) for w in p.words)]
            if ok:
                phrases[name] = ok
        return CommandSet(phrases, values, self.always, self.not_over_talk)

    def slot_values(self, phrase: Phrase, slot: str) -> list[str]:
        return self.values.get(phrase.slots.get(slot, ""), [])

    def expansions(self, phrase: Phrase) -> list[tuple[str, dict]] | None:
        """Every concrete text of a phrase with its slots, or None when there would be too many."""
        names = phrase.slot_names
        if not names:
            return [(" ".join(phrase.words), {})]
        choices = [self.slot_values(phrase, s) for s in names]
        total = 1
        for c in choices:
            total *= len(c)
        if total == 0 or total > _EXPAND_LIMIT:
            return None if total else []
        out = []
        for combo in product(*choices):
            filled = dict(zip(names, combo))
            text = " ".join(filled.get(m.group(1), w) if (m := _SLOT.fullmatch(w)) else w for w in phrase.words)
            out.append((text, filled))
        return out

    def lookup(self, text: str, live: list[str]) -> tuple[str, dict] | None:
        """The intent and slots of an exactly recognized phrase, if it is live."""
        said = " ".join(text.split())
        for name in live:
            for phrase in self.phrases.get(name, []):
                found = self._match(phrase, said)
                if found is not None:
                    return name, found
        return None

    def _match(self, phrase: Phrase, said: str) -> dict | None:
        names = phrase.slot_names
        if not names:
            return {} if said == " ".join(phrase.words) else None
        parts = []
        for w in phrase.words:
            m = _SLOT.fullmatch(w)
            parts.append(f"(?P<{m.group(1)}>.+?)" if m else re.escape(w))
        found = re.fullmatch(r"\s".join(parts), said)
        if not found:
            return None
        slots = {k: v.strip() for k, v in found.groupdict().items()}
        for slot, value in slots.items():
            if value not in self.slot_values(phrase, slot):
                return None
        return slots


# --------------------------------------------------------------------------- endpointing


class Segmenter:
    """Voice activity endpointing over a stream: emits ('start', pcm), ('speech', pcm), ('end', pcm).

    The pcm given with 'start' includes `preroll` seconds before speech began; the one with
    'end' holds `postroll` seconds after it ended, so decoders see some context either side.
    """

    def __init__(self, window: float = 0.45, ratio: float = 0.9, vad_mode: int = 1, preroll: float = 0.25, postroll: float = 0.2):
        from pocketsphinx import Endpointer

        self.ep = Endpointer(window=window, ratio=ratio, vad_mode=vad_mode, sample_rate=RATE)
        # The endpointer reports speech as starting when its window has filled with enough
        # speech, about `window` seconds after the first voiced frame: measured on clips
        # that start with speech, anything less cut the first phones off ("next" lost its n).
        self.lag = window
        self.frame_bytes = self.ep.frame_bytes
        self.preroll = int(preroll * RATE) * 2
        self.postroll = int(postroll * RATE) * 2
        self._pending = b""
        self._history: deque[bytes] = deque()
        self._history_bytes = 0
        self._consumed = 0  # bytes given to the endpointer so far
        self._keep = int(RATE * 2 * (window + preroll + postroll + 1.0))
        self.speech_end_time: float | None = None

    def _remember(self, frame: bytes) -> None:
        self._history.append(frame)
        self._history_bytes += len(frame)
        while self._history_bytes - len(self._history[0]) >= self._keep:
            self._history_bytes -= len(self._history.popleft())

    def _slice(self, start: int, stop: int) -> bytes:
        """Raw bytes between absolute byte offsets, as far as the history still holds them."""
        base = self._consumed - self._history_bytes
        data = b"".join(self._history)
        lo, hi = max(0, start - base), max(0, min(len(data), stop - base))
        return data[lo:hi] if hi > lo else b""

    def feed(self, pcm: bytes):
        self._pending += pcm
        n = self.frame_bytes
        while len(self._pending) >= n:
            frame, self._pending = self._pending[:n], self._pending[n:]
            yield from self._frame(frame)

    def _frame(self, frame: bytes):
        was = self.ep.in_speech
        self._remember(frame)
        self._consumed += len(frame)
        speech = self.ep.process(frame)
        if speech is None:
            return
        if not was:
            start = int(self.ep.speech_start * RATE) * 2
            yield "start", self._slice(start - self.preroll - int(self.lag * RATE) * 2, start) + speech
        elif self.ep.in_speech:
            yield "speech", speech
        if not self.ep.in_speech:
            end = int(self.ep.speech_end * RATE) * 2
            self.speech_end_time = self.ep.speech_end
            yield "end", (speech if was else b"") + self._slice(end, end + self.postroll)

    def flush(self):
        """End of the stream: close an utterance still open."""
        tail, self._pending = self._pending, b""
        if self.ep.in_speech:
            rest = self.ep.end_stream(tail) or b""
            self.speech_end_time = self.ep.speech_end
            yield "end", rest + b"\0" * self.postroll


def _rms(pcm: bytes) -> float:
    x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
    return float(np.sqrt(np.mean(x * x))) if len(x) else 0.0


def _frame_energy(pcm: bytes) -> np.ndarray:
    """Energy in dB of each whole 10 ms frame of 16 kHz int16 audio (the decoders' frame rate)."""
    x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
    hop = RATE // 100
    n = len(x) // hop
    return 10 * np.log10(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1) + 1.0)


def speech_span(pcm: bytes, **kwargs) -> tuple[int, int] | None:
    """Byte offsets of the first speech start and last speech end in a clip, or None if silent."""
    seg = Segmenter(**kwargs)
    first = last = None
    padded = pcm + b"\0" * (seg.frame_bytes * 40)
    for kind, _ in seg.feed(padded):
        if kind == "start" and first is None:
            first = max(0, int((seg.ep.speech_start - seg.lag) * RATE) * 2)
        if kind == "end":
            last = int(seg.ep.speech_end * RATE) * 2
    for kind, _ in seg.flush():
        last = int(seg.ep.speech_end * RATE) * 2
    if first is None:
        return None
    return first, max(last or len(pcm), first)


# --------------------------------------------------------------------------- recognizer interface


class Recognizer:
    """Streaming command recognizer. Subclasses provide the decoder (`_compile`, `_begin`, `_feed`, `_end`)."""

    backend = "none"

    def __init__(self, commands: CommandSet, expect: list[str] | None = None, window: float = 0.45, dither: float = 6.0):
        self.commands = commands
        self.window = window
        self._dither = dither
        self._rng = np.random.default_rng(0)
        self._segmenter = Segmenter(window=window)
        self._results: deque[Result] = deque()
        self._in_utt = False
        self.live: list[str] = []
        self.set_expect(expect)

    # -- public API
    def set_expect(self, intents: list[str] | None) -> None:
        """Listen for these intents (plus the always-live ones) from the next utterance on."""
        live = self.commands.live(intents)
        if live != self.live or not hasattr(self, "_grammar_key"):
            self._grammar_key = self._compile(live)
            self.live = live

    def accept(self, pcm: bytes) -> bool:
        """Feed audio; True when an utterance ended during it (then call `result()`)."""
        ended = False
        for kind, data in self._segmenter.feed(pcm):
            ended |= self._on(kind, data)
        return ended

    def flush(self) -> bool:
        """End of input: finish an utterance still open. True if one ended."""
        ended = False
        for kind, data in self._segmenter.flush():
            ended |= self._on(kind, data)
        return ended

    def result(self) -> Result | None:
        """The oldest finished utterance's result not yet taken, or None."""
        return self._results.popleft() if self._results else None

    @property
    def in_speech(self) -> bool:
        return self._in_utt

    def reset(self) -> None:
        """Forget any partial utterance and queued results (e.g. after the companion spoke)."""
        if self._in_utt:
            self._end()
        self._in_utt = False
        self._results.clear()
        self._segmenter = Segmenter(window=self.window)

    def recognize(self, pcm: bytes) -> Result:
        """One clip, one utterance: decode from the first speech to the last (pauses included)."""
        # Silence either side first: the endpointer needs some before speech to see it
        # start (a clip that begins with speech would otherwise lose its first word).
        pad = b"\0" * (int(0.5 * RATE) * 2)
        pcm = pad + pcm[: len(pcm) - len(pcm) % 2] + pad
        span = speech_span(pcm, window=self.window)
        if span is None:
            # Too short for the endpointer's window (a quick "yes"): decode the clip if it
            # has any sound in it at all.
            if _rms(pcm) < 10.0:
                return NO_COMMAND
            span = (len(pad), len(pcm) - len(pad))
        margin = int(0.25 * RATE) * 2
        clip = pcm[max(0, span[0] - margin) : span[1] + margin]
        self._begin()
        self._feed(self._dithered(clip))
        return self._finish()

    # -- internals
    def _on(self, kind: str, data: bytes) -> bool:
        if kind == "start":
            self._begin()
            self._in_utt = True
        if not self._in_utt:
            return False
        if data:
            self._feed(self._dithered(data))
        if kind == "end":
            self._in_utt = False
            self._results.append(self._finish())
            return True
        return False

    def _dithered(self, pcm: bytes) -> bytes:
        """Add faint noise: digital silence (all zeros) upsets the decoders' normalisation."""
        if not self._dither or not pcm:
            return pcm
        x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
        x += self._rng.normal(0.0, self._dither, x.shape).astype(np.float32)
        return np.clip(np.round(x), -32768, 32767).astype("<i2").tobytes()

    def _finish(self) -> Result:
        text, confidence = self._end()
        if not text:
            return NO_COMMAND
        found = self.commands.lookup(text, self.live)
        if found is None:
            return NO_COMMAND
        intent, slots = found
        return Result(" ".join(text.split()), intent, slots, confidence)

    def _compile(self, live: list[str]):
        raise NotImplementedError

    def _begin(self) -> None:
        raise NotImplementedError

    def _feed(self, pcm: bytes) -> None:
        raise NotImplementedError

    def _end(self) -> tuple[str | None, float]:
        """Close the utterance: (recognized command text or None, confidence 0..1)."""
        raise NotImplementedError


# --------------------------------------------------------------------------- a command language model


def sentences_for(commands: CommandSet, live: list[str]) -> list[tuple[list[str], float]]:
    """Weighted training sentences for a command language model: every live phrase, slots filled.

    Each phrasing weighs 1 in all, shared among its fillings, so a phrase with a hundred
    names does not drown the others. Big slot types (first names) are filled one slot at a
    time (the others with their first value): the n-grams then allow every combination.
    """
    out: list[tuple[list[str], float]] = []
    for name in live:
        for phrase in commands.phrases.get(name, []):
            expanded = commands.expansions(phrase)
            if expanded is not None:
                out.extend((text.split(), 1.0 / len(expanded)) for text, _ in expanded)
                continue
            filled: list[list[str]] = []
            for slot in phrase.slot_names:
                for value in commands.slot_values(phrase, slot):
                    words = []
                    for w in phrase.words:
                        m = _SLOT.fullmatch(w)
                        if not m:
                            words.append(w)
                        else:
                            vals = commands.slot_values(phrase, m.group(1))
                            words.extend((value if m.group(1) == slot else vals[0]).split())
                    filled.append(words)
            out.extend((words, 1.0 / len(filled)) for words in filled)
    return out


def arpa(sentences: list[tuple[list[str], float]], extra_unigrams: list[str] = (), extra_mass: float = 0.0, backoff: float = 0.1) -> str:
    """A trigram ARPA language model (Witten-Bell backoff over weighted counts), written without external tools.

    `extra_unigrams` share `extra_mass` of the unigram probability (the garbage phones);
    `backoff` scales the mass left for unseen continuations (small: a tight command model).
    """
    import math
    from collections import defaultdict

    follow = [defaultdict(lambda: defaultdict(float)) for _ in range(3)]  # order -> context -> word -> count
    for words, weight in sentences:
        seq = ["<s>"] + list(words) + ["</s>"]
        for n in range(3):
            for i in range(max(0, 1 - n) if n == 0 else 0, len(seq) - n):
                gram = tuple(seq[i : i + n + 1])
                if gram == ("<s>",):
                    continue
                follow[n][gram[:-1]][gram[-1]] += weight
    unigram_counts = follow[0][()]
    words_seen = sorted(unigram_counts)
    vocab = words_seen + [w for w in extra_unigrams if w not in unigram_counts]
    total = sum(unigram_counts.values())
    base = 1.0 - extra_mass
    uni = {w: base * unigram_counts[w] / total for w in words_seen}
    for w in extra_unigrams:
        uni[w] = extra_mass / max(1, len(extra_unigrams))
    probs: list[dict] = [{}, {}, {}]
    alphas: list[dict] = [{}, {}, {}]

    def backed(w: str, ctx: tuple) -> float:
        if not ctx:
            return uni.get(w, 0.0)
        if ctx + (w,) in probs[len(ctx)]:
            return probs[len(ctx)][ctx + (w,)]
        return alphas[len(ctx)].get(ctx, 1.0) * backed(w, ctx[1:])

    for n in (1, 2):
        for ctx, nexts in follow[n].items():
            c, types = sum(nexts.values()), len(nexts)
            seen_mass = lower_mass = 0.0
            for w, cw in nexts.items():
                p = cw / (c + backoff * types)
                probs[n][ctx + (w,)] = p
                seen_mass += p
                lower_mass += backed(w, ctx[1:])
            alphas[n][ctx] = (1.0 - seen_mass) / max(1e-9, 1.0 - lower_mass)
    log10 = lambda x: math.log10(x) if x > 0 else -99.0  # noqa: E731
    lines = ["\\data\\", f"ngram 1={len(vocab) + 1}", f"ngram 2={len(probs[1])}", f"ngram 3={len(probs[2])}", "", "\\1-grams:"]
    lines.append(f"-99.0000 <s> {log10(alphas[1].get(('<s>',), 1.0)):.4f}")
    for w in vocab:
        a = alphas[1].get((w,))
        lines.append(f"{log10(uni[w]):.4f} {w}" + (f" {log10(a):.4f}" if a is not None else ""))
    lines += ["", "\\2-grams:"]
    for gram, p in sorted(probs[1].items()):
        a = alphas[2].get(gram)
        lines.append(f"{log10(p):.4f} {' '.join(gram)}" + (f" {log10(a):.4f}" if a is not None else ""))
    lines += ["", "\\3-grams:"]
    lines += [f"{log10(p):.4f} {' '.join(g)}" for g, p in sorted(probs[2].items())]
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- pocketsphinx

_PHONES = (
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH"
).split()
_VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
_GARBAGE_PREFIX = "zzgarbage"
# Words whose AH is usually the unstressed schwa, not the STRUT vowel (see _add_british_pronunciations).
_WEAK_WORDS = frozenset("a and does from of the us what what's".split())


def _factor(seqs: list[tuple[str, ...]]) -> str:
    """JSGF for a set of token sequences, sharing common prefixes (fewer active paths, faster search)."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    ends = False
    for seq in seqs:
        if not seq:
            ends = True
        else:
            groups.setdefault(seq[0], []).append(seq[1:])
    alts = []
    for head, rests in groups.items():
        tail = _factor(rests)
        alts.append(f"{head} {tail}".strip() if tail else head)
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "( " + " | ".join(alts) + " )"
    return f"[ {body} ]" if ends else body


class PocketsphinxRecognizer(Recognizer):
    """A JSGF grammar of the live phrasings decides what was said; a second search checks it.

    The grammar decode alone forces any sound onto its nearest phrase. So the same audio is
    decoded again by a tight command language model (n-grams of the live phrasings plus a
    loop of garbage phones). With `agreement="intent"` (the default) the grammar's answer is
    kept only when its phrase accounts for all the loud speech in the clip, and the looser
    decode, by itself, heard a complete live phrase of the same intent; that check is tried
    on the audio as it is and, when it fails, with its frequencies scaled by `check_warps`
    (speaker normalisation). With a number for `agreement`, the two word sequences must be
    at least that similar. Table talk comes out of the looser decode as words that form no
    phrase.

    Both searches live in ONE decoder (one copy of the acoustic model, ~75 MB less than two
    decoders); switching between them per utterance is cheap. Both only know command words:
    free speech is never transcribed.
    """

    backend = "pocketsphinx"
    # The endpointer's start (speech_start - window) lands ~0.45 s before the first phone,
    # its end right at the last one. Each clip is decoded with batch cepstral mean
    # normalisation, so long silence around a short word drags the mean towards silence
    # and the word's features away from the model: a short command was often 70% silence.
    # But where the endpointer puts the start varies from clip to clip (a fixed cut lost the
    # "n" of "next"), so the clip is then trimmed by its own frame energy (`_trim`) to where
    # speech is, plus this much.
    trim_margins = (0.1, 0.15)
    # The longest phrasing ("my name is ... and my partner is ...") takes about 5 s said at
    # 110 words a minute with long names; an utterance of twice that is the partners talking.
    # It is neither kept nor decoded: its audio is dropped as it comes, which also spares the
    # loop seconds of decoding after a long story.
    max_command_seconds = 10.0

    def __init__(self, commands: CommandSet, expect: list[str] | None = None, garbage_weight: float = 0.01,
                 backoff: float = 0.01, agreement: float | str = "intent", verify: bool = True, max_searches: int = 3,
                 hmm: str | None = None, dictionary: str | None = None, decoder_options: dict | None = None,
                 check_warps: tuple[float, ...] = (0.94, 1.06), max_unplaced: float = 0.3, **kwargs):
        try:
            from pocketsphinx import Decoder, get_model_path
        except ImportError:
            raise RecognizerError("pocketsphinx is not installed (pip install pocketsphinx)") from None
        model = Path(get_model_path()) / "en-us"
        config = dict(
            hmm=hmm or str(model / "en-us"),
            dict=dictionary or str(model / "cmudict-en-us.dict"),
            lm=None,
            samprate=RATE,
            loglevel="FATAL",
            bestpath=False,
        )
        config.update(decoder_options or {})
        try:
            self.decoder = Decoder(**config)
        except (RuntimeError, ValueError) as exc:
            raise RecognizerError(f"pocketsphinx could not load its model ({exc})") from None
        self.verify = verify
        self.garbage_weight = garbage_weight
        self.backoff = backoff
        self.agreement = agreement
        self.check_warps = tuple(check_warps)
        self.max_unplaced = max_unplaced  # seconds of speech a phrase may leave unexplained
        self._searches: dict[tuple, str] = {}  # live intents -> search name, least recently used first
        self._built = 0
        self.max_searches = max_searches
        self._utt: list[bytes] = []
        self._kept, self._too_long = 0, False
        if verify:
            self._add_garbage_words(self.decoder)
        known = self._make_pronounceable(commands, self.decoder)
        self._add_british_pronunciations(commands, self.decoder)
        super().__init__(commands.restrict(known), expect, **kwargs)

    @property
    def checker(self):
        """The decoder the check search runs in: the same one (kept for callers of the old two-decoder API)."""
        return self.decoder if self.verify else None

    @staticmethod
    def _add_garbage_words(decoder) -> None:
        for i, phone in enumerate(_PHONES):
            decoder.add_word(f"{_GARBAGE_PREFIX}{phone.lower()}", phone, update=(i == len(_PHONES) - 1))

    @staticmethod
    def _add_british_pronunciations(commands: CommandSet, decoder) -> None:
        """Second pronunciations for what British, Scottish and Caribbean English say unlike the
        model's American dictionary; slot values are left as they are.

        - LOT (AA, not before R): the rounded British one (AO), as in "stop" said st-o-p. A
          British "stop" was heard as "help" (espeak-ng's en+f3 voice).
        - R after a vowel, before a consonant or at the end, is not said ("start" as st-aa-t;
          a final ER as AH): "start a check in" was heard as "stop a check in".
        - STRUT (AH) in a one-syllable content word: the open one (AA). "I'm done" in British,
          Scottish and Caribbean voices was heard as "move on" or "hold on" (9 of 30 clips in
          15 espeak-ng voices missed; 2 of 30 with this)."""
        words = {w for items in commands.phrases.values() for p in items for w in p.words if not _SLOT.fullmatch(w)}
        variants = {}
        for word in sorted(words):
            phones = (decoder.lookup_word(word) or "").split()
            # AA before R is the START vowel ("start", "partner"), long in British English too: left alone.
            lot = [i for i, ph in enumerate(phones) if ph == "AA" and (i + 1 == len(phones) or phones[i + 1] != "R")]
            strut = [ph for ph in phones if ph in _VOWELS] == ["AH"] and word not in _WEAK_WORDS
            alternate = [("AO" if i in lot else "AA" if strut and ph == "AH" else ph) for i, ph in enumerate(phones)]
            alternate = _non_rhotic(alternate)
            if alternate != phones:
                n = 2
                while decoder.lookup_word(f"{word}({n})") is not None:
                    n += 1
                variants[f"{word}({n})"] = " ".join(alternate)
        for i, (word, pron) in enumerate(variants.items()):
            decoder.add_word(word, pron, update=(i == len(variants) - 1))

    @staticmethod
    def _make_pronounceable(commands: CommandSet, decoder):
        """Add words missing from the dictionary when they are plurals or compounds of known words."""
        words = {w for items in commands.phrases.values() for p in items for w in p.words if not _SLOT.fullmatch(w)}
        words |= {w for vals in commands.values.values() for v in vals for w in v.split()}
        lookup = decoder.lookup_word
        missing = sorted(w for w in words if lookup(w) is None)
        prons: dict[str, str] = {}
        for word in missing:
            if word.endswith("s") and lookup(word[:-1]):
                prons[word] = lookup(word[:-1]) + " Z"
                continue
            for cut in range(2, len(word) - 1):
                a, b = lookup(word[:cut]), lookup(word[cut:])
                if a and b:
                    prons[word] = f"{a} {b}"
                    break
        added = list(prons)
        for i, word in enumerate(added):
            decoder.add_word(word, prons[word], update=(i == len(added) - 1))
        unknown = len(missing) - len(added)
        if unknown:
            log.info("pocketsphinx: %d catalog word(s) not pronounceable, their phrases are left out", unknown)
        return lambda w: lookup(w) is not None

    def _jsgf(self, live: list[str]) -> str:
        rules, seqs, used_types = [], [], {}
        for name in live:
            for phrase in self.commands.phrases.get(name, []):
                words = []
                for w in phrase.words:
                    m = _SLOT.fullmatch(w)
                    if m:
                        slot_type = phrase.slots.get(m.group(1), "")
                        rule = used_types.setdefault(slot_type, f"slot{len(used_types)}")
                        words.append(f"<{rule}>")
                    else:
                        words.append(w)
                seqs.append(tuple(words))
        seqs = list(dict.fromkeys(seqs))
        if not seqs:
            raise RecognizerError("no phrases to listen for at this step")
        for slot_type, rule in used_types.items():
            values = self.commands.values.get(slot_type) or []
            if not values:
                raise RecognizerError(f"no values for slot type {slot_type}")
            rules.append(f"<{rule}> = {_factor([tuple(v.split()) for v in values])};")
        # The JSGF compiler copies a slot rule at every place it is used (a first-name slot is
        # ~150 words with their own search trees), so phrases that end the same way from their
        # first slot on share ONE copy of that ending: "( our names are | we are | ... )
        # <names> and <names>" instead of six copies of the names. About halves the memory.
        plain, tails = [], {}
        for seq in seqs:
            cut = next((i for i, w in enumerate(seq) if w.startswith("<")), None)
            if cut is None:
                plain.append(seq)
            else:
                tails.setdefault(seq[cut:], []).append(seq[:cut])
        alts = [_factor(plain)] if plain else []
        for tail, heads in tails.items():
            lead = _factor(heads)
            alts.append(f"( {lead} ) {' '.join(tail)}" if lead else " ".join(tail))
        body = alts[0] if len(alts) == 1 else "( " + " | ".join(alts) + " )"
        head = ["#JSGF V1.0;", "grammar closer;", f"public <command> = {body};"]
        return "\n".join(head + rules) + "\n"

    def _compile(self, live: list[str]):
        key = tuple(sorted(live))
        name = self._searches.pop(key, None)
        if name is None:
            # A bounded cache: each step's searches hold ~10-30 MB (the check model most of
            # it), so the least recently used step's are dropped before a new one is built;
            # the decoder's freed memory is then reused and the peak stays flat.
            while len(self._searches) >= max(1, self.max_searches):
                old = self._searches.pop(next(iter(self._searches)))
                self.decoder.remove_search(old)
                if self.verify:
                    self.decoder.remove_search(f"{old}_check")
            self._built += 1
            name = f"step{self._built}"
            try:
                self.decoder.add_jsgf_string(name, self._jsgf(live))
                if self.verify:
                    self._add_command_lm(f"{name}_check", live)
            except (ValueError, RuntimeError) as exc:
                raise RecognizerError(f"pocketsphinx rejected the grammar ({exc})") from None
        self._searches[key] = name  # (re)inserted last: the most recently used
        self._search = name
        return key

    def _add_command_lm(self, name: str, live: list[str]) -> None:
        import os
        import tempfile

        garbage = [f"{_GARBAGE_PREFIX}{p.lower()}" for p in _PHONES]
        text = arpa(sentences_for(self.commands, live), garbage, self.garbage_weight, self.backoff)
        fd, path = tempfile.mkstemp(suffix=".arpa")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.decoder.add_lm_file(name, path)
        finally:
            os.unlink(path)

    def _trim(self, pcm: bytes) -> bytes:
        """The clip from shortly before its first loud frame to shortly after its last one.

        Loud: 10 ms frames within 35 dB of the loudest and 12 dB above the quietest tenth
        (the room's floor), so steady background noise is not taken for speech.
        """
        energy = _frame_energy(pcm)
        n, hop = len(energy), RATE // 100
        if n < 10:
            return pcm
        floor = float(np.percentile(energy, 10))
        loud = np.flatnonzero(energy > max(energy.max() - 35.0, floor + 12.0))
        if len(loud) == 0:
            return pcm
        lead, tail = (int(t * 100) for t in self.trim_margins)
        start, stop = max(0, loud[0] - lead), min(n, loud[-1] + 1 + tail)
        return pcm[start * hop * 2 : stop * hop * 2]

    def _decode(self, search: str, pcm: bytes):
        d = self.decoder
        d.activate_search(search)
        d.start_utt()
        d.process_raw(pcm, False, True)
        d.end_utt()
        return d.hyp()

    # Every utterance, streamed or not, is decoded whole once it has ended: trimmed, then with
    # batch cepstral mean normalisation over the clip itself. Decoding while the audio came in
    # looked cheaper, but pocketsphinx cannot do batch CMN on a stream: the first streamed
    # utterance switches its feature module to live CMN for good (its config still says
    # batch), and from then on every decode, the checks too, normalised with a running mean
    # carried over from earlier utterances. Measured on the held-out sample (bench/recognition.py
    # --held-out): 121 of 156 commands heard as meant with batch CMN, 110 once a streamed
    # utterance had switched it.
    def _begin(self) -> None:
        self._utt, self._kept, self._too_long = [], 0, False

    def _feed(self, pcm: bytes) -> None:
        if self._too_long:
            return
        self._kept += len(pcm)
        if self._kept > self.max_command_seconds * RATE * 2:
            self._utt, self._too_long = [], True
            return
        self._utt.append(pcm)

    def _end(self) -> tuple[str | None, float]:
        if self._too_long:  # nothing was kept; the next utterance's _begin starts afresh
            return None, 0.0
        audio, self._utt = self._trim(b"".join(self._utt)), []
        hyp = self._decode(self._search, audio)
        text = " ".join(w for w in (hyp.hypstr.split() if hyp else []) if not w.startswith("<"))
        if not text:
            return None, 0.0
        if not self.verify:
            return text, 1.0
        if self.agreement == "intent":
            mine = self.commands.lookup(text, self.live)
            if mine is None:
                return None, 0.0
            # A phrase must account for all the speech: the grammar labels whatever it cannot
            # place as silence, so "can you believe the price of petrol" came out as "can you
            # repeat that" followed by a second of loud "silence".
            if self._unplaced_speech(audio, self.decoder.seg()) > self.max_unplaced:
                return None, 0.0
            # Speaker normalisation for the check: when the plain check disagrees, the audio is
            # checked again with its frequencies scaled a little down and up (like a longer or
            # shorter vocal tract; VTLN done by resampling). One of those checks must still
            # hear the grammar's phrase whole. (Also taking a check that heard 70% of the
            # phrase's words gained 5 of 156 held-out commands and let one more of 120
            # table-talk clips through, so it is not done.)
            for factor in (1.0, *self.check_warps):
                if self._check_intent(warp(audio, factor)) == mine[0]:
                    return text, 1.0
            return None, 0.0
        heard = self._check_words(audio)
        del audio
        agreement = _similarity(text.split(), heard)
        heard.clear()
        if agreement < float(self.agreement):
            return None, agreement
        return text, agreement

    def _check_intent(self, audio: bytes) -> str | None:
        """The intent the check search heard as a complete live phrase, or None; its words are dropped at once."""
        heard = self._check_words(audio)
        found = self.commands.lookup(" ".join(heard), self.live) if heard else None
        heard.clear()
        return found[0] if found else None

    def _check_words(self, audio: bytes) -> list[str]:
        check = self._decode(f"{self._search}_check", audio)
        return [w for w in (check.hypstr.split() if check else []) if not w.startswith("<") and not w.startswith("[")]

    @staticmethod
    def _unplaced_speech(audio: bytes, segments) -> float:
        """Seconds of loud audio (within 15 dB of the clip's loudest 10 ms) that the grammar's
        alignment put in silence or filler rather than in a word of the phrase."""
        energy = _frame_energy(audio)
        n = len(energy)
        if n == 0:
            return 0.0
        loud = energy > energy.max() - 15.0
        frames = 0
        for seg in segments:
            word = seg.word
            if word.startswith("<") or word.startswith("[") or word.startswith("+"):
                lo, hi = max(0, seg.start_frame), min(n, seg.end_frame + 1)
                if hi > lo:
                    frames += int(loud[lo:hi].sum())
        return frames / 100.0


def _non_rhotic(phones: list[str]) -> list[str]:
    """British-style pronunciation: R after AA/AO before a consonant or at the end dropped, a final ER as AH."""
    out = []
    for i, ph in enumerate(phones):
        after = phones[i + 1] if i + 1 < len(phones) else None
        if ph == "R" and out and out[-1] in ("AA", "AO") and (after is None or after not in _VOWELS):
            continue
        out.append("AH" if ph == "ER" and after is None and i > 0 else ph)
    return out


def warp(pcm: bytes, factor: float) -> bytes:
    """The clip with every frequency scaled by `factor` (and its length by 1/factor), by linear resampling."""
    if factor == 1.0 or not pcm:
        return pcm
    x = np.frombuffer(pcm[: len(pcm) - len(pcm) % 2], "<i2").astype(np.float32)
    n = int(len(x) / factor)
    y = np.interp(np.arange(n, dtype=np.float64) * factor, np.arange(len(x)), x)
    return np.clip(np.round(y), -32768, 32767).astype("<i2").tobytes()


def _similarity(a: list[str], b: list[str]) -> float:
    """Word-sequence similarity in [0, 1] (garbage phones count as unmatched words)."""
    import difflib

    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


# --------------------------------------------------------------------------- vosk


class VoskRecognizer(Recognizer):
    """Vosk with a phrase-list grammar and "[unk]"; switches grammar with SetGrammar, no model reload."""

    backend = "vosk"

    def __init__(self, commands: CommandSet, model_path: str | Path, expect: list[str] | None = None,
                 min_confidence: float = 0.6, model=None, **kwargs):
        try:
            import vosk
        except ImportError:
            raise RecognizerError("vosk is not installed (pip install vosk)") from None
        vosk.SetLogLevel(-1)
        if model is None:
            path = Path(model_path)
            if not (path / "am").is_dir() and not (path / "final.mdl").exists():
                raise RecognizerError(f"{path} is not a Vosk model directory (no am/ inside)")
            try:
                model = vosk.Model(str(path))
            except Exception as exc:  # vosk raises a bare Exception
                raise RecognizerError(f"Vosk could not load the model in {path} ({exc})") from None
        self.model = model
        self.min_confidence = min_confidence
        self._rec = None
        self._vosk = vosk
        known = lambda w: model.vosk_model_find_word(w) >= 0  # noqa: E731
        super().__init__(commands.restrict(known), expect, **kwargs)

    def grammar_phrases(self, live: list[str]) -> list[str]:
        """The phrase list for Vosk: every live phrase expanded, slot phrases too big to expand as fragments."""
        out: list[str] = []
        for name in live:
            for phrase in self.commands.phrases.get(name, []):
                expanded = self.commands.expansions(phrase)
                if expanded is not None:
                    out.extend(text for text, _ in expanded)
                    continue
                # Too many combinations (names): give the words between slots and the slot values as
                # separate phrases; Vosk's grammar lets phrases follow one another, and `lookup`
                # accepts only a full, valid phrase afterwards.
                chunk: list[str] = []
                for w in phrase.words:
                    m = _SLOT.fullmatch(w)
                    if m:
                        if chunk:
                            out.append(" ".join(chunk))
                        chunk = []
                        out.extend(self.commands.slot_values(phrase, m.group(1)))
                    else:
                        chunk.append(w)
                if chunk:
                    out.append(" ".join(chunk))
        out = list(dict.fromkeys(out))
        if not out:
            raise RecognizerError("no phrases to listen for at this step")
        return out + ["[unk]"]

    def _compile(self, live: list[str]):
        grammar = json.dumps(self.grammar_phrases(live), ensure_ascii=False)
        if self._rec is None:
            self._rec = self._vosk.KaldiRecognizer(self.model, float(RATE), grammar)
            self._rec.SetWords(True)
        else:
            self._rec.SetGrammar(grammar)
        return tuple(live)

    def _begin(self) -> None:
        self._rec.Reset()

    def _feed(self, pcm: bytes) -> None:
        self._rec.AcceptWaveform(pcm)

    def _end(self) -> tuple[str | None, float]:
        out = json.loads(self._rec.FinalResult())
        words = out.get("result") or []
        text = out.get("text", "")
        if not text or "[unk]" in text.split():
            return None, 0.0
        confidence = min((float(w.get("conf", 0.0)) for w in words), default=0.0)
        if confidence < self.min_confidence:
            return None, confidence
        return text, confidence


# --------------------------------------------------------------------------- choosing a backend


def build_commands(exercise_names: list[str] | None = None):
    """The catalog's command set, with exercise names from content."""
    from skill.catalog import load_catalog

    names = exercise_names if exercise_names is not None else content_exercise_names()
    return CommandSet.from_catalog(load_catalog(names))


def content_exercise_names(root: Path | None = None) -> list[str]:
    """The `names` of every exercise, ritual and ladder in prompts/."""
    import yaml

    root = root or Path(__file__).resolve().parent.parent / "prompts"
    names: list[str] = []
    for kind in ("exercises", "rituals", "ladder"):
        for path in sorted((root / kind).glob("*.yaml")):
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError):
                continue
            for name in data.get("names") or [] if isinstance(data, dict) else []:
                if str(name) not in names:
                    names.append(str(name))
    return names


def open_recognizer(stt: str | None = None, model: str | None = None, expect: list[str] | None = None,
                    commands: CommandSet | None = None, say=None) -> Recognizer:
    """The recognizer to use: Vosk when a model is found (or asked for), else pocketsphinx, saying so."""
    from local_voice.models import find_vosk_model

    commands = commands or build_commands()
    say = say or (lambda message: None)
    if stt == "pocketsphinx":
        return PocketsphinxRecognizer(commands, expect)
    found = find_vosk_model(model)
    if found is None:
        if stt == "vosk" or model:
            where = model or "the models directory or $CLOSER_VOSK_MODEL"
            raise RecognizerError(f"no Vosk model found in {where}; run `closer models fetch` or use --stt pocketsphinx")
        say("No Vosk model found; using pocketsphinx (run `closer models fetch` for better accuracy).")
        return PocketsphinxRecognizer(commands, expect)
    return VoskRecognizer(commands, found, expect)
