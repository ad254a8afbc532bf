"""Which phrasings of two intents SOUND alike, from the templates alone (no audio): every short
expansion is spelled in phones with the pocketsphinx US English dictionary, and pairs from
different intents whose phone strings are close (normalized edit distance) are listed. Stop is
compared with every intent (it is live at every step); the issue's pairs (next/back, yes/no,
pause/resume, stop/done) with each other. A close pair is a likely wrong intent by voice: give the
two intents distinct paths (drop or lengthen one side) where the phrasing is not essential.

    PYTHONPATH=. python bench/confusable_text.py [--max-words 3] [--threshold 0.34]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STOP = "AMAZON.StopIntent"
PAIRS = [("AMAZON.NextIntent", "AMAZON.PreviousIntent"), ("AMAZON.YesIntent", "AMAZON.NoIntent"),
         ("AMAZON.PauseIntent", "AMAZON.ResumeIntent"), (STOP, "DoneIntent")]


def load_dictionary() -> dict[str, list[str]]:
    import pocketsphinx

    path = Path(pocketsphinx.__file__).parent / "model" / "en-us" / "cmudict-en-us.dict"
    words: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if parts and "(" not in parts[0]:
            words.setdefault(parts[0], parts[1:])
    return words


def distance(a: list[str], b: list[str]) -> float:
    """Phone edit distance over the longer length (0 same, 1 nothing alike)."""
    previous = list(range(len(b) + 1))
    for i, pa in enumerate(a, 1):
        current = [i]
        for j, pb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (pa != pb)))
        previous = current
    return previous[-1] / max(len(a), len(b), 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-words", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.34)
    args = parser.parse_args(argv)
    from skill import templates as tpl
    from skill.catalog import load_catalog

    started = time.perf_counter()
    catalog, lexicon = load_catalog([]), load_dictionary()
    spelled: dict[str, list[tuple[str, list[str]]]] = {}
    unknown: set[str] = set()
    for intent in catalog.intents:
        if intent.slots or not intent.templates:
            continue
        forms = dict.fromkeys(f for t in intent.templates for f in tpl.expand(t, catalog.rules))
        items = []
        for form in forms:
            words = form.split()
            if len(words) > args.max_words:
                continue
            if any(w not in lexicon for w in words):
                unknown.update(w for w in words if w not in lexicon)
                continue
            items.append((form, [p for w in words for p in lexicon[w]]))
        spelled[intent.name] = items
    pairs = [(STOP, other) for other in spelled if other != STOP] + [p for p in PAIRS if p[0] != STOP]
    close = []
    for a, b in pairs:
        for form_a, phones_a in spelled.get(a, []):
            for form_b, phones_b in spelled.get(b, []):
                d = distance(phones_a, phones_b)
                if d <= args.threshold:
                    close.append((d, a, form_a, b, form_b))
    close.sort()
    print(f"forms of at most {args.max_words} words compared: "
          f"{sum(len(v) for v in spelled.values())}; phone distance <= {args.threshold}: {len(close)} pair(s)")
    for d, a, form_a, b, form_b in close:
        print(f"  {d:.2f}  {a}: {form_a!r}  ~  {b}: {form_b!r}")
    if unknown:
        print(f"words not in the dictionary (left out): {', '.join(sorted(unknown))}")
    print(f"{time.perf_counter() - started:.1f} s on a loaded, shared machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
