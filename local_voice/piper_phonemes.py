"""Text to a Piper voice's phoneme ids, with the `espeak-ng` program (run, never linked or imported).

A Piper voice (`.onnx` + `.onnx.json`) reads phoneme ids: each sentence's IPA from espeak-ng,
one id a code point (after Unicode decomposition, so a stress mark or a length mark is its own
id), the clause's punctuation kept as a symbol, framed as BOS, PAD after every symbol, EOS; the
ids come from the config's `phoneme_id_map`. This module builds those ids as piper-tts does, so
that our own renderer (`piper_onnx.py`) says what piper would say:
- espeak-ng prints a clause a line and drops the punctuation that ended it; piper keeps it
  ("," ":" ";" followed by a space, "." "?" "!" closing a sentence, "" after an ellipsis, ";" for
  a dash), so we find the same clause ends in the text (`clause_ends`);
- piper's espeak-ng (1.52, a fork bundled inside piper-tts with its own data) writes the
  palatal glide it inserts between a front vowel and the next vowel ("the end") as "ʲ", which
  Debian's espeak-ng 1.51 prints as nothing: we run espeak-ng twice, IPA and its own phoneme
  names, with a separator, and put "ʲ" where the names say ";" (the glide);
- piper's espeak-ng data (dictionaries) is newer too ("more" is "mˈɔːɹ" there, "mˈoːɹ" in
  Debian's): when piper-tts is installed we point the program at that data folder (files read by
  the GPL program, as it reads its own), else at the system's.
bench/piper_phonemes.py compares our ids with piper's own for hundreds of prompt lines.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import unicodedata
from functools import lru_cache
from pathlib import Path

BOS, EOS, PAD = "^", "$", "_"
GLIDE = "ʲ"
SEPARATOR = "|"  # between phonemes in espeak-ng's output; never a phoneme itself
TIMEOUT = 10.0

# A clause ends at punctuation followed by closing quotes or brackets, then a space or the end.
_CLAUSE_END = re.compile(r"(\.\.\.|…|[.?!,:;]|(?<=\s)[—–](?=\s))([\"'”’)\]]*)(?=\s|$)")
# What piper keeps of each, and whether it ends a sentence (each sentence is rendered on its own).
_KEPT = {".": (".", True), "?": ("?", True), "!": ("!", True), ",": (", ", False), ":": (": ", False),
         ";": ("; ", False), "—": ("; ", False), "–": ("; ", False), "...": ("", False), "…": ("", False)}


class PhonemeError(Exception):
    """espeak-ng could not phonemize (message fit to show a person)."""


@lru_cache(maxsize=1)
def espeak_data_root() -> str | None:
    """The folder holding piper-tts's own espeak-ng-data (located, never imported), or None."""
    spec = importlib.util.find_spec("piper")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / "espeak-ng-data" / "phontab").exists():
            return str(folder)
    return None


def clause_ends(text: str) -> list[tuple[str, bool]]:
    """(what piper keeps of the punctuation, ends a sentence) for each clause end espeak-ng finds.
    A full stop before a lowercase word ("St. near") does not end a clause for espeak-ng."""
    ends = []
    for match in _CLAUSE_END.finditer(text):
        mark = match.group(1)
        after = text[match.end():].lstrip()
        if mark == "." and after[:1].islower():
            continue
        ends.append(_KEPT[mark])
    return ends


def _espeak(text: str, voice: str) -> tuple[list, list]:
    """espeak-ng's clauses in IPA and in its own phoneme names: each clause a list of words, each word a
    list of phonemes ('' for a silent one). The two programs run at once (about 14 ms of CPU each here, mostly their start)."""
    program = shutil.which("espeak-ng")
    if not program:
        raise PhonemeError("espeak-ng is not installed (apt-get install espeak-ng)")
    command = [program, "-q", f"--sep={SEPARATOR}", "-v", voice]
    if espeak_data_root():
        command += ["--path", espeak_data_root()]
    try:
        runs = [subprocess.Popen(command + [mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, encoding="utf-8") for mode in ("--ipa", "-x")]
    except OSError as exc:
        raise PhonemeError(f"espeak-ng did not run ({exc})") from None
    outputs = []
    for run in runs:
        try:
            out, err = run.communicate(text, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            for r in runs:
                r.kill()
            raise PhonemeError("espeak-ng did not answer in time") from None
        if run.returncode != 0:
            raise PhonemeError(f"espeak-ng failed (exit {run.returncode}): {err.strip()[-200:]}")
        outputs.append([[word.split(SEPARATOR) for word in line.split()] for line in out.splitlines() if line.strip()])
    return outputs[0], outputs[1]


def _with_glides(ipa: list[list[list[str]]], names: list[list[list[str]]]) -> list[str]:
    """Each clause's IPA, a "ʲ" where espeak-ng's phoneme names show its glide (";")."""
    if [[len(w) for w in c] for c in ipa] != [[len(w) for w in c] for c in names]:
        return [" ".join("".join(w) for w in clause) for clause in ipa]  # cannot align: as printed
    return [" ".join("".join(GLIDE if (name == ";" and not phone) else phone for phone, name in zip(w, n))
                     for w, n in zip(clause, named)) for clause, named in zip(ipa, names)]


def sentences(text: str, voice: str = "en-us") -> list[str]:
    """The text's sentences as piper phonemizes them: IPA with the clauses' punctuation kept."""
    text = " ".join(text.split())
    if not text:
        return []
    clauses = _with_glides(*_espeak(text, voice))
    ends = clause_ends(text)
    out, current = [], ""
    for i, clause in enumerate(clauses):
        kept, closes = ends[i] if i < len(ends) else ("", True)
        current += re.sub(r"\([^)]*\)", "", clause) + kept  # language-switch flags, as piper drops them
        if closes:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return [s for s in out if s.strip()]


def to_ids(sentence: str, id_map: dict[str, list[int]], clusters: list[list[str]] | None = None) -> list[int]:
    """One sentence's phoneme ids: BOS, then each symbol and a PAD, then EOS; unknown symbols skipped."""
    symbols = list(unicodedata.normalize("NFD", sentence))
    if clusters:
        symbols = _merge(symbols, {tuple(c) for c in clusters})
    ids = list(id_map[BOS]) + list(id_map[PAD])
    for symbol in symbols:
        if symbol in id_map:
            ids += list(id_map[symbol]) + list(id_map[PAD])
    return ids + list(id_map[EOS])


def _merge(symbols: list[str], clusters: set[tuple[str, ...]]) -> list[str]:
    """Vowel clusters the voice knows as one symbol (longest first)."""
    longest = max(len(c) for c in clusters)
    out, i = [], 0
    while i < len(symbols):
        for size in range(min(longest, len(symbols) - i), 1, -1):
            if tuple(symbols[i:i + size]) in clusters:
                out.append("".join(symbols[i:i + size]))
                i += size
                break
        else:
            out.append(symbols[i])
            i += 1
    return out
