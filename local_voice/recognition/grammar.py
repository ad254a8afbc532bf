"""Compiling grammars (no decoding here): a JSGF grammar of the live phrasings, and a tight
command language model (ARPA trigrams) of the same phrasings for the check decode.

Both are plain text built from a `CommandSet`; the pocketsphinx backend loads them.
"""

from __future__ import annotations

from . import ngram
from .commands import SLOT, CommandSet, RecognizerError


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



def jsgf(commands: CommandSet, live: list[str]) -> str:
    """A JSGF grammar of every live phrasing, slots as shared rules of their values."""
    if commands.compact and commands.templates is not None:
        from .template_grammar import template_jsgf

        return template_jsgf(commands, live)
    rules, seqs, used_types = [], [], {}
    for name in live:
        for phrase in commands.grammar_items(name):
            words = []
            for w in phrase.words:
                m = SLOT.fullmatch(w)
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
        values = commands.values.get(slot_type) or []
        if not values:
            raise RecognizerError(f"no values for slot type {slot_type}")
        rules.append(f"<{rule}> = {_factor([tuple(v.split()) for v in values])};")
    # The JSGF compiler copies a slot rule at every place it is used (a first-name slot is
    # ~150 words with their own search trees), so phrases with the same slots in the same order
    # share ONE copy of each: "( our names are | i'm | ... ) <names> ( and | and he's | ... )
    # <names>" instead of a copy per phrasing. This also lets the parts mix ("my name is sam and
    # he's called alex"); the catalog's matcher still decides what such a sentence means.
    plain, shapes = [], {}
    for seq in seqs:
        cuts = [i for i, w in enumerate(seq) if w.startswith("<")]
        if not cuts:
            plain.append(seq)
            continue
        bounds = [-1] + cuts + [len(seq)]
        parts = [seq[bounds[k] + 1:bounds[k + 1]] for k in range(len(bounds) - 1)]
        shape = tuple(seq[i] for i in cuts)
        slots = shapes.setdefault(shape, [[] for _ in parts])
        for k, part in enumerate(parts):
            slots[k].append(part)
    alts = [_factor(plain)] if plain else []
    for shape, parts in shapes.items():
        pieces = []
        for k, part in enumerate(parts):
            text = _factor(list(dict.fromkeys(part)))
            if text:
                pieces.append(f"( {text} )")
            if k < len(shape):
                pieces.append(shape[k])
        alts.append(" ".join(pieces))
    body = alts[0] if len(alts) == 1 else "( " + " | ".join(alts) + " )"
    head = ["#JSGF V1.0;", "grammar closer;", f"public <command> = {body};"]
    return "\n".join(head + rules) + "\n"


def skip_sentences(commands: CommandSet, live: list[str], weight: float = 0.02) -> list[tuple[list[str], float]]:
    """Training sentences with a skip word before or after a command ("okay next", "next please"),
    so the check model allows what the grammar and the matcher allow; each weighs little."""
    if commands.templates is None or not commands.templates.skip_words:
        return []
    out = []
    for name in live:
        firsts = [list(p.words) for p in commands.phrases.get(name, [])[:2] if not p.slot_names]
        for skip in commands.templates.skip_words:
            for words in firsts:
                out += [(skip.split() + words, weight), (words + skip.split(), weight)]
    return out


def sentences_for(commands: CommandSet, live: list[str]) -> list[tuple[list[str], float]]:
    """Weighted training sentences for a command language model: every live phrase, slots filled.

    Each phrasing weighs 1 in all, shared among its fillings, so a phrase with a hundred
    names does not drown the others. Big slot types (first names) are filled one slot at a
    time (the others with their first value): the n-grams then allow every combination.
    """
    out: list[tuple[list[str], float]] = []
    for name in live:
        for phrase in commands.lm_items(name):
            expanded = commands.expansions(phrase)
            if expanded is not None:
                out.extend((text.split(), phrase.weight / len(expanded)) for text, _ in expanded)
                continue
            filled: list[list[str]] = []
            for slot in phrase.slot_names:
                for value in commands.slot_values(phrase, slot):
                    words = []
                    for w in phrase.words:
                        m = SLOT.fullmatch(w)
                        if not m:
                            words.append(w)
                        else:
                            vals = commands.slot_values(phrase, m.group(1))
                            words.extend((value if m.group(1) == slot else vals[0]).split())
                    filled.append(words)
            out.extend((words, phrase.weight / len(filled)) for words in filled)
    return out


def arpa(sentences: list[tuple[list[str], float]], extra_unigrams: list[str] = (), extra_mass: float = 0.0, backoff: float = 0.1) -> str:
    """The tight command model: `extra_unigrams` (the garbage phones) share `extra_mass` of the
    unigram probability equally; `backoff` is small, so unseen continuations stay unlikely."""
    return ngram.arpa(sentences, {w: 1.0 for w in extra_unigrams}, extra_mass, backoff)


