"""Where a sentence is cut for Piper, which renders a whole utterance before its first sample and
holds the activations of all of it: a reply's opening words on their own (`opening`), clauses at
commas (`clauses`), and a very long clause between phrases (`phrase_cut`). Cuts fall where a
listener hears a phrase break: after a comma, before a conjunction or a word that starts a phrase,
never between a preposition or article and what follows it."""

from __future__ import annotations

OPENING_WORDS = (3, 5)  # a reply's first uncached sentence starts with this many of its words rendered alone
CLAUSE_WORDS = 12     # Piper renders at most about this many words at once where commas allow: its memory
                      # (the whole utterance's activations) and its time to first sample grow with the length
LONG_CLAUSE = 16      # a clause with no comma longer than this is cut between phrases (Voice passes a length
                      # for its pace instead: `piece_words`)
PIECE_SECONDS = 5.0   # the most speech Piper renders at once: onnxruntime's arena keeps the largest render's
                      # activations, about 20 MB a second of speech on a 155 MB base, in steps (bench/tts.py:
                      # 4.7 s 235 MB, 5.5 s 248 MB, 6.5 s 295 MB, 8.7 s 344 MB), so its peak follows the
                      # longest piece of a session, which at the slowest pace was 16 words, 8 s

# Words a phrase starts with: an opening cut before one of these falls between phrases, where a
# listener hears a breath-sized join as natural (before "your partner", "and tell", "about a day").
_PHRASE_STARTS = {
    "and", "but", "or", "so", "because", "when", "while", "if", "then", "that", "which", "who", "as",
    "about", "at", "for", "from", "in", "into", "of", "on", "to", "with", "without", "after", "before",
    "the", "a", "an", "your", "each", "one", "this", "what", "how",
}
_PREPOSITIONS = {"about", "at", "for", "from", "in", "into", "of", "on", "to", "with", "without", "after", "before"}
_CONJUNCTIONS = {"and", "but", "or", "so", "because", "when", "while", "if", "then", "that", "which", "who", "as"}


def starts_phrase(plain: list[str], i: int, kind: set[str]) -> bool:
    """Whether the i-th (lowercase) word starts a phrase of this kind: not one inside another
    phrase's start ("in | a way", "for | the"), so a cut never strands a preposition or article."""
    return plain[i] in kind and plain[i - 1] not in _PHRASE_STARTS


def piece_words(wpm: float, seconds: float = PIECE_SECONDS) -> int:
    """The most words Piper renders at once at a speaking rate: about `seconds` of speech (12 at the calm
    145 words a minute, 9 at the slowest pace, 14 at the fastest)."""
    return max(6, int(seconds * float(wpm) / 60.0))


def clauses(sentence: str, max_words: int = CLAUSE_WORDS, longest: int = LONG_CLAUSE) -> list[str]:
    """A sentence cut after its commas (semicolons, colons) into pieces of at most max_words where it can be;
    a piece longer than `longest` (no comma in reach) is cut between phrases (`phrase_cut`), that cut marked by a
    trailing comma the text did not have (see `Voice._pieces`)."""
    words = sentence.split()
    if len(words) <= min(max_words, longest):
        return [sentence]
    pieces: list[list[str]] = [[]]
    for word in words:
        pieces[-1].append(word)
        if word.endswith((",", ";", ":")):
            pieces.append([])
    merged: list[list[str]] = []
    for piece in (p for p in pieces if p):
        if merged and len(merged[-1]) + len(piece) <= max_words:
            merged[-1] += piece
        else:
            merged.append(list(piece))
    out: list[str] = []
    for piece in merged:
        while len(piece) > longest and (cut := phrase_cut(piece, longest)) is not None:
            out.append(" ".join(piece[:cut]) + ",")
            piece = piece[cut:]
        out.append(" ".join(piece))
    return out


def phrase_cut(words: list[str], max_words: int) -> int | None:
    """Where to cut a run of words with no comma so the first part has at most max_words (and each part at
    least three): before a conjunction, else a preposition, else another word that starts a phrase ("your",
    "each", "what"), nearest the middle; else between any two words, nearest the middle, but never after a
    preposition or article ("of | the"). None only for a run too short to cut."""
    middle = len(words) // 2
    plain = [w.lower().strip("\"'()") for w in words]
    allowed = range(3, min(max_words, len(words) - 3) + 1)
    for kind in (_CONJUNCTIONS, _PREPOSITIONS, _PHRASE_STARTS):
        found = [i for i in allowed if starts_phrase(plain, i, kind)]
        if found:
            return min(found, key=lambda i: abs(i - middle))
    found = [i for i in allowed if plain[i - 1] not in _PHRASE_STARTS]
    return min(found, key=lambda i: abs(i - middle)) if found else None


def text_has(text: str, piece: str) -> bool:
    """Whether a piece ending in a comma is in the text as it stands (its comma is the text's own)."""
    return f"{piece} " in f"{text} " and piece.endswith(",")


def opening(clause: str, shortest: int = OPENING_WORDS[0], longest: int = OPENING_WORDS[1]) -> tuple[str, str] | None:
    """(opening words, rest) of a long clause, or None: Piper renders a whole utterance before its first
    sample, so a reply's first words are rendered on their own and play while the rest renders.

    The cut is at a comma among the first words (after a name, the name alone: "Sam," | "you go first."), else before a conjunction, else before another word
    that starts a phrase, else after four words; the rest keeps at least three words. An opening cut
    without a comma is rendered ending in one, so Piper gives it a rising, going-on intonation and not
    the fall of a sentence's end; the join adds no pause of its own (see Voice._sentence)."""
    words = clause.split()
    if len(words) < 4:
        return None
    last = min(longest, len(words) - 3)
    cut = next((i + 1 for i in range(0, last) if words[i].endswith((",", ";", ":"))), None)
    if cut is None and len(words) < shortest + 3 + 1:
        return None
    if cut is None:
        plain = [w.lower().strip("\"'()") for w in words]
        cut = next((i for i in range(shortest, last + 1) if starts_phrase(plain, i, _CONJUNCTIONS)), None)
        if cut is None:
            cut = next((i for i in range(shortest, last + 1) if starts_phrase(plain, i, _PHRASE_STARTS)), None)
        if cut is None:
            cut = min(4, last)
    return " ".join(words[:cut]), " ".join(words[cut:])
