"""The command language models kept on disk, so start-up does not rebuild them every time.

A mode's model is built from the catalog's covering sentences (a few seconds in pure Python
on a loaded machine, for eight modes); its file is named by a hash of everything it is built
from (every intent's training phrases and weights, slot values, skip words, the live intents,
the model's parameters and this format's version), so a changed catalog simply builds a new
one. The files hold only catalog phrasings, never anything anyone said.

`CLOSER_GRAMMAR_CACHE` names another folder; `off` (or an unwritable folder) builds each
model in a temporary file instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from . import lexicon, stop_path
from .commands import CommandSet
from .grammar import arpa, sentences_for, skip_sentences

FORMAT = 4  # bump when the way a model is built changes (4: stop's short forms weigh more)


def cache_dir() -> Path | None:
    chosen = os.environ.get("CLOSER_GRAMMAR_CACHE")
    if chosen and chosen.lower() in ("off", "0", "no"):
        return None
    if chosen:
        return Path(chosen)
    try:
        from platformdirs import user_cache_dir
    except ImportError:
        return None
    return Path(user_cache_dir("closer-together", appauthor=False)) / "grammars"


def fingerprint(commands: CommandSet) -> str:
    """A hash of every intent's training phrases, the slot values and the skip words (memoized on the set)."""
    found = getattr(commands, "_lm_fingerprint", None)
    if found is None:
        digest = hashlib.sha1()
        for name in sorted(set(commands.phrases) | set(commands.lm_phrases)):
            for p in commands.lm_items(name):
                digest.update(f"{name}|{' '.join(p.words)}|{p.weight!r}|{sorted(p.slots.items())}\n".encode())
        digest.update(json.dumps(commands.values, sort_keys=True).encode())
        skips = commands.templates.skip_words if commands.templates is not None else ()
        digest.update(json.dumps(list(skips)).encode())
        found = digest.hexdigest()
        commands._lm_fingerprint = found
    return found


def build(commands: CommandSet, live: list[str], garbage_mass: float, backoff: float) -> str:
    sentences = sentences_for(commands, live) + skip_sentences(commands, live) + stop_path.lm_sentences(commands, live)
    return arpa(sentences, lexicon.garbage_words(), garbage_mass, backoff)


def add_command_lm(decoder, name: str, commands: CommandSet, live: list[str], garbage_mass: float, backoff: float) -> None:
    """Load the live intents' command language model into the decoder as search `name`."""
    key = hashlib.sha1(json.dumps([FORMAT, fingerprint(commands), sorted(live), garbage_mass, backoff]).encode())
    folder = cache_dir()
    if folder is not None:
        path = folder / f"{key.hexdigest()[:24]}.arpa"
        if path.exists():
            decoder.add_lm_file(name, str(path))
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, part = tempfile.mkstemp(suffix=".part", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(build(commands, live, garbage_mass, backoff))
            os.replace(part, path)  # whole or not at all, even with two processes building at once
            decoder.add_lm_file(name, str(path))
            return
        except OSError:
            pass
    fd, path = tempfile.mkstemp(suffix=".arpa")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(build(commands, live, garbage_mass, backoff))
        decoder.add_lm_file(name, path)
    finally:
        os.unlink(path)
