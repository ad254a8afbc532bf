"""Compiling the safety pass's language model (no decoding here; `safety_pass.py` decodes).

The command grammar forces every sound onto a command, so it cannot hear a disclosure said in a
person's own words. The safety pass decodes each utterance a second time with a language model
of two parts, compiled from data and cached on disk:

- disclosure language: sentences drawn from the catalog's disclosure grammar
  (skill/disclosures.yaml through skill/safety_language.py): every family's cores, its whole
  sentences, and the cores wrapped in the words people put around them. Nothing is hard-coded
  here: when the grammar grows, the hash changes and the model is rebuilt.
- everyday language, so ordinary talk decodes to ordinary words and not to the nearest
  disclosure: the grammar's own table talk ("she beat me at chess"), the catalog's command
  phrasings, the questions the companion asks (prompts/), and the commonest words of general
  English (from the unigram probabilities of pocketsphinx's own en-us language model) as a loop.

The model is a trigram ARPA file and a pronouncing dictionary of only its words, written to
`<cache>/safety-pass/<hash>/`, where the hash covers the data files, this builder's settings and
the acoustic model's dictionary. Building takes a few seconds once; later starts only load it.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
from pathlib import Path

from . import ngram

VERSION = 4  # bump when the way the model is built changes (it is part of the cache key)
GENERAL_WORDS = 6000  # the commonest general-English words kept as the everyday loop
GENERAL_MASS = 0.30  # unigram probability shared by those words (by their own frequencies)
FOREGROUND_SHARE = 0.6  # of the sentence weight: disclosure language; the rest is everyday language
PER_TEMPLATE = 60  # sentences drawn from each disclosure template (a fair spread, not all)
BACKOFF = 1.0  # Witten-Bell: the mass left for unseen continuations grows with the words seen after a context


def cache_root() -> Path:
    """Where compiled models are kept: $CLOSER_SAFETY_CACHE, else the user's cache directory."""
    override = os.environ.get("CLOSER_SAFETY_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("closer-together", appauthor=False)) / "safety-pass"


def _model_dir() -> Path:
    from pocketsphinx import get_model_path

    return Path(get_model_path()) / "en-us"


def _sources() -> list[Path]:
    """The data the model is built from: a change in any of them means a new model."""
    from skill.catalog import CATALOG_PATH
    from skill.safety_language import DATA_PATH

    root = Path(DATA_PATH).resolve().parent.parent
    prompts = sorted((root / "prompts").rglob("*.yaml")) if (root / "prompts").is_dir() else []
    return [Path(DATA_PATH), Path(CATALOG_PATH), *[p for p in prompts if "safety" not in p.parts]]


def model_key() -> str:
    """The hash the compiled model is kept under."""
    digest = hashlib.sha256()
    digest.update(repr((VERSION, GENERAL_WORDS, GENERAL_MASS, FOREGROUND_SHARE, PER_TEMPLATE, BACKOFF)).encode())
    for path in [Path(__file__), Path(ngram.__file__), *_sources()]:  # this builder's own code too
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    dictionary = _model_dir() / "cmudict-en-us.dict"
    digest.update(str(dictionary.stat().st_size).encode())
    return digest.hexdigest()[:20]


def compiled(root: Path | None = None) -> Path:
    """The directory holding `safety.lm` and `safety.dict` for the current data, built if missing."""
    folder = (root or cache_root()) / model_key()
    if (folder / "safety.lm").exists() and (folder / "safety.dict").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    if not _build_apart(folder):
        _write(folder)
    return folder


def _write(folder: Path) -> None:
    lm, dictionary = build()
    # written under temporary names, then renamed: a second process never reads half a model
    for name, text in (("safety.dict", dictionary), ("safety.lm", lm)):
        tmp = folder / f".{name}.{os.getpid()}"
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(folder / name)


def _build_apart(folder: Path) -> bool:
    """Build the model in a child process; False when that could not be done (then build here).

    Building holds about 190 MB at its peak (every template walked, 6,000 general words counted);
    done inside the companion, that would be the process's peak memory for the whole evening
    (bench/kitchen_evening.py starts with an empty cache: 246 MB). The child's memory goes with it."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH")) if p))
    try:
        done = subprocess.run([sys.executable, "-m", "local_voice.recognition.safety_model", str(folder)],
                              cwd=str(root), env=env, capture_output=True, timeout=900)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0 and (folder / "safety.lm").exists() and (folder / "safety.dict").exists()


# ---- the sentences -------------------------------------------------------------------------------

def disclosure_sentences(seed: int = 7) -> list[list[str]]:
    """Sentences drawn from every template of the disclosure grammar (cores, whole sentences,
    said-alone ones, and the voice templates that wrap cores in the words around them)."""
    from skill import safety_language as sl

    language = sl.load()
    templates = [t for family in sl.FAMILIES for t in
                 language.anywhere.get(family, []) + language.said_alone.get(family, [])
                 + language.sentences.get(family, []) + language.near.get(family, [])]
    templates += language.voice_templates()
    walker = _Walker(language.rules, random.Random(seed))
    out: list[list[str]] = []
    for template in templates:
        out += walker.sentences(template, PER_TEMPLATE)
    # the near_someone cores are found after a person named a few words before: "he ... <core>"
    people = [" ".join(p) for p in sorted(language.people)]
    for family in sl.FAMILIES:
        for template in language.near.get(family, []):
            for k, core in enumerate(walker.sentences(template, 12)):
                out.append(people[k % len(people)].split() + core)
    return out


class _Walker:
    """Random paths through a template: each alternative equally likely at every fork, each optional
    part taken half the time, so every word of every alternative gets its n-grams (the templates
    stand for millions of sentences; they are walked, never expanded)."""

    def __init__(self, rules: dict[str, str], rng: random.Random):
        from skill import templates as tpl

        self.tpl, self.rules, self.rng = tpl, rules, rng
        self._parsed: dict[str, object] = {}

    def _node(self, text: str):
        if text not in self._parsed:
            self._parsed[text] = self.tpl.parse(text)
        return self._parsed[text]

    def sentences(self, template: str, n: int) -> list[list[str]]:
        node = self._node(template)
        found: dict[tuple, None] = {}
        for _ in range(n * 2):
            if len(found) >= n:
                break
            words = self._walk(node, 0)
            if words is not None and words:
                found.setdefault(tuple(words))
        return [list(w) for w in found]

    def _walk(self, node, depth: int) -> list[str] | None:
        tpl = self.tpl
        if depth > 40:
            return None
        if isinstance(node, tpl.Word):
            return node.text.split()
        if isinstance(node, tpl.Slot):
            return None  # slot sentences are left out (the disclosure grammar has none)
        if isinstance(node, tpl.RuleRef):
            body = self.rules.get(node.name)
            return None if body is None else self._walk(self._node(body), depth + 1)
        if isinstance(node, tpl.Alt):
            if node.optional and self.rng.random() < 0.5:
                return []
            return self._walk(self.rng.choice(node.options), depth + 1)
        out: list[str] = []
        for item in node.items:
            part = self._walk(item, depth + 1)
            if part is None:
                return None
            out += part
        return out


# The grammar's precision rules, as everyday language: "you" is never the one who hurts (partners say
# "you scared me" to each other) and a thing never is ("it frightens me"). Each disclosure drawn with
# a pronoun for its subject is also kept with "you" or "it" there, as table talk, so the model has
# no reason to prefer "he scared me" over "you scared me": only the sound decides.
_NOT_A_PERSON = {"he": ("you", "it"), "she": ("you", "it"), "they": ("you", "it"), "he's": ("you're", "it's"),
                 "she's": ("you're", "it's"), "they're": ("you're", "it's"), "he'll": ("you'll", "it'll"),
                 "she'll": ("you'll", "it'll"), "he'd": ("you'd", "it'd"), "she'd": ("you'd", "it'd")}


def not_a_disclosure(disclosures: list[list[str]]) -> list[list[str]]:
    out = []
    for k, words in enumerate(disclosures):
        swaps = _NOT_A_PERSON.get(words[0]) if words else None
        if swaps:
            out.append([swaps[k % 2], *words[1:]])
    return out


def everyday_sentences() -> list[list[str]]:
    """Table talk: the grammar's everyday templates, the commands and the companion's questions."""
    import yaml

    from skill import safety_language as sl
    from skill import templates as tpl
    from skill.catalog import load_catalog

    language = sl.load()
    walker = _Walker(language.rules, random.Random(11))
    out = [s for t in language.everyday for s in walker.sentences(t, PER_TEMPLATE)]
    catalog = load_catalog()
    for intent in catalog.intents:
        if intent.name == sl.INTENT:
            continue
        out += [p.split() for p in intent.phrases if "{" not in p]
    for path in _sources()[2:]:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        out += [tpl.normalize(text).split() for text in _strings(data)]
    return [s for s in out if s]


def _strings(data) -> list[str]:
    """Every `text`-like string in a content file (questions, steps), not ids or keys."""
    if isinstance(data, dict):
        return [s for k, v in data.items() if k not in ("id", "kind", "theme", "contexts") for s in _strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v)]
    if isinstance(data, str) and " " in data.strip():
        return [data]
    return []


def general_words(limit: int = GENERAL_WORDS) -> dict[str, float]:
    """The commonest words of general English with their unigram probabilities (en-us.lm.bin)."""
    from pocketsphinx import Config, LogMath, NGramModel

    model = NGramModel(Config(), LogMath(), str(_model_dir() / "en-us.lm.bin"))
    log_base = math.log10(1.0001)
    scores = []
    with open(_model_dir() / "cmudict-en-us.dict", encoding="utf-8") as handle:
        for line in handle:
            word = line.split(" ", 1)[0]
            if "(" in word or not word.replace("'", "").isalpha():
                continue
            scores.append((model.prob([word]), word))
    del model
    scores.sort(reverse=True)
    return {w: 10 ** (s * log_base) for s, w in scores[:limit]}


# ---- the model ---------------------------------------------------------------------------------

def build() -> tuple[str, str]:
    """(ARPA text, dictionary text) for the current data."""
    pronunciations = _read_dictionary()
    fore, back = disclosure_sentences(), everyday_sentences()
    for word in {w for s in fore + back for w in s} - set(pronunciations):
        guess = guess_pronunciation(word, pronunciations)
        if guess:
            pronunciations[word] = [guess]
    back += not_a_disclosure(fore)
    said = lambda words: all(w in pronunciations for w in words)  # noqa: E731
    fore, back = [s for s in fore if said(s)], [s for s in back if said(s)]
    general = {w: p for w, p in general_words().items() if w in pronunciations}
    # a grammar word no drawn sentence happened to use is still in the vocabulary, as a rare word
    rare = min(general.values(), default=1e-6)
    for word in _grammar_words() - {w for s in fore for w in s}:
        if word in pronunciations:
            general.setdefault(word, rare)
    # weights in sentence units (they sum to the number of sentences), so Witten-Bell's counts of
    # words seen after a context compare with the context's own count
    n = len(fore) + len(back)
    weighted = [(s, n * FOREGROUND_SHARE / len(fore)) for s in fore] + [(s, n * (1 - FOREGROUND_SHARE) / len(back)) for s in back]
    lm = ngram.arpa(weighted, general, GENERAL_MASS, BACKOFF)
    vocab = {w for s, _ in weighted for w in s} | set(general)
    lines = []
    for word in sorted(vocab):
        for n, pron in enumerate(pronunciations[word]):
            lines.append(f"{word} {pron}" if n == 0 else f"{word}({n + 1}) {pron}")
    return lm, "\n".join(lines) + "\n"


def _grammar_words() -> set[str]:
    from skill import safety_language as sl
    from skill import templates as tpl

    language = sl.load()
    found: set[str] = set()
    for family in sl.FAMILIES:
        for template in (language.anywhere.get(family, []) + language.said_alone.get(family, [])
                         + language.sentences.get(family, []) + language.near.get(family, [])):
            found |= tpl.words(template, language.rules)
    return found


_VOICELESS = {"P", "T", "K", "F", "TH"}
_SIBILANT = {"S", "Z", "SH", "ZH", "CH", "JH"}


def guess_pronunciation(word: str, prons: dict[str, list[str]], depth: int = 0) -> str | None:
    """A pronunciation for a word the dictionary lacks, from words it has: an -s, -'s, -ed or -ing
    form ("coerces", "messaged", "manhandling") or a compound ("stepdad", "headbutted")."""
    def known(w: str) -> str | None:
        if w in prons:
            return prons[w][0]
        return guess_pronunciation(w, prons, depth + 1) if depth < 1 and len(w) > 2 else None

    for suffix in ("'s", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            base = known(word[: -len(suffix)])
            if base:
                last = base.split()[-1]
                return base + (" IH Z" if last in _SIBILANT else " S" if last in _VOICELESS else " Z")
    if word.endswith("ed"):
        for stem in (word[:-2], word[:-1], word[:-3] if word[-3:-2] == word[-4:-3] else None):
            base = known(stem) if stem else None
            if base:
                last = base.split()[-1]
                return base + (" IH D" if last in ("T", "D") else " T" if last in _VOICELESS | {"SH", "CH"} else " D")
    if word.endswith("ing"):
        for stem in (word[:-3], word[:-3] + "e", word[:-4] if word[-4:-3] == word[-5:-4] else None):
            base = known(stem) if stem else None
            if base:
                return base + " IH NG"
    for cut in range(3, len(word) - 2):
        a, b = prons.get(word[:cut]), known(word[cut:]) if depth == 0 else prons.get(word[cut:], [None])[0]
        if a and b:
            return f"{a[0]} {b}"
    return None


def _read_dictionary() -> dict[str, list[str]]:
    prons: dict[str, list[str]] = {}
    with open(_model_dir() / "cmudict-en-us.dict", encoding="utf-8") as handle:
        for line in handle:
            word, _, pron = line.strip().partition(" ")
            base = word.split("(", 1)[0] if word.endswith(")") else word
            if pron.strip():
                prons.setdefault(base, []).append(" ".join(pron.split()))
    return prons


if __name__ == "__main__":  # the child process of `_build_apart`
    import sys

    _write(Path(sys.argv[1]))
