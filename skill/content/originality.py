"""Originality: no run of eight words shared between any string in prompts/ and any seed file."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .findings import ERROR, Finding
from .scalars import all_strings

RUN = 8
SEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'"})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def seeds_dir() -> Path:
    """The seeds folder: $CLOSER_SEEDS, else <repo>/../shared/seeds."""
    return Path(os.environ.get("CLOSER_SEEDS") or SEEDS_DIR)


def normalize_words(text: str) -> list[str]:
    """Lowercase words with punctuation stripped and apostrophes straightened."""
    return _WORD.findall(text.lower().translate(_QUOTES))


def runs(word_list: list[str], size: int = RUN):
    """Every run of `size` consecutive words, as tuples."""
    return (tuple(word_list[i:i + size]) for i in range(len(word_list) - size + 1))


def seed_files(folder: Path) -> list[Path]:
    """Every file under the seeds folder."""
    return sorted(p for p in folder.rglob("*") if p.is_file())


def seed_runs(folder: Path) -> dict[tuple, str]:
    """Every eight-word run in every seed file, mapped to the first file holding it."""
    table: dict[tuple, str] = {}
    for file in seed_files(folder):
        text = file.read_text(encoding="utf-8", errors="replace")
        for run in runs(normalize_words(text)):
            table.setdefault(run, file.name)
    return table


def check_originality(root: Path, seeds: Path | None = None) -> tuple[list[Finding], dict]:
    """Findings for every shared run, and a summary of what was compared."""
    folder = seeds or seeds_dir()
    if not folder.is_dir() and seeds is None and not os.environ.get("CLOSER_SEEDS"):
        # A clone without the seed articles beside it (any newcomer's) has nothing to compare
        # against: say so and go on, rather than fail a check that could not run.
        skipped = f"skipped, no seed articles at {folder} (set CLOSER_SEEDS to check)"
        return [], {"seeds": str(folder), "seed_files": 0, "skipped": skipped}
    if not folder.is_dir():  # a folder someone named and mistyped is an error, not a skip
        message = f"seeds folder not found: {folder}"
        return [Finding(ERROR, str(folder), 0, "originality", message)], {"seeds": str(folder), "seed_files": 0}
    files = seed_files(folder)
    if not files:
        return [Finding(ERROR, str(folder), 0, "originality", f"seeds folder is empty: {folder}")], \
            {"seeds": str(folder), "seed_files": 0}
    table = seed_runs(folder)
    findings = []
    strings = all_strings(root)
    for s in strings:
        for run in dict.fromkeys(runs(normalize_words(s.text))):
            if run in table:
                findings.append(Finding(ERROR, s.path, s.line, "originality",
                                        f"{s.key or 'text'}: shares eight words with seed {table[run]}: "
                                        f"'{' '.join(run)}'"))
                break
    summary = {"seeds": str(folder), "seed_files": len(files),
               "strings": len(strings), "shared_runs": len(findings)}
    return findings, summary
