"""Where a sentence is cut for Piper, which renders a whole utterance before its first sample and
holds the activations of all of it: a reply's opening words on their own (`opening`), clauses at
commas (`clauses`), and a very long clause between phrases (`phrase_cut`). Cuts fall where a
listener hears a phrase break: after a comma, before a conjunction or a word that starts a phrase,
never between a preposition or article and what follows it."""

from __future__ import annotations

OPENING_WORDS = (3, 5)  # a reply's first uncached sentence starts with this many of its words rendered alone
CLAUSE_WORDS = 12     # Piper renders at most about this many words at once where commas allow: its memory
                      # (the whole utterance's activations) and its time to first sample grow with the length
LONG_CLAUSE = 16      # without a length in characters, a clause with no comma longer than this is cut
PIECE_SECONDS = 5.5   # the most speech Piper renders at once. onnxruntime's arena keeps the activations of
                      # the longest render, about 20 MB a second of speech on a 155 MB base, in steps
                      # (bench/tts.py: 4.7 s 235 MB, 5.5 s 248 MB, 6.5 s 295 MB, 8.7 s 344 MB); the longest
                      # pieces were 12 words of 75 characters, 7 s at the calm pace, 8 s and more when slower
CHARS_A_WORD = 5.6    # how long a piece lasts is counted in characters (spaces and marks included) and
COMMA_CHARS = 15      # a comma inside it counts as this many more: Piper pauses there. Words are a poor
                      # measure: 12 words lasted 4.7 s (65 characters) to 7.1 s (75, with a comma) at the
                      # calm pace, about 13.5 characters a second and a comma 1 s

# Words a phrase starts with: an opening cut before one of these falls between phrases, where a
# listener hears a breath-sized join as natural (before "your partner", "and tell", "about a day").
_PHRASE_STARTS = {
    "and", "but", "or", "so", "because", "when", "while", "if", "then", "that", "which", "who", "as",
    "about", "at", "for", "from", "in", "into", "of", "on", "to", "with", "without", "after", "before",
    "the", "a", "an", "your", "each", "one", "this", "what", "how",
}
_PREPOSITIONS = {"about", "at", "for", "from", "in", "into", "of", "on", "to", "with", "without", "after", "before"}
_CONJUNCTIONS = {"and", "but", "or", "so", "because", "when", "while", "if", "then", "that", "which", "who", "as"}
# Words that belong to what comes before them, so a cut never falls just before one: "the two | of you",
# "part | of", "a little | more".
_BINDS_BACK = {"of", "more", "else", "too", "together", "up", "out", "again"}
_PARTICLES = {"up", "out", "back", "down", "off", "over"}  # "grew up in", "find out about": the preposition stays


def starts_phrase(plain: list[str], i: int, kind: set[str]) -> bool:
    """Whether the i-th (lowercase) word starts a phrase of this kind: not one inside another
    phrase's start ("in | a way", "for | the"), so a cut never strands a preposition or article."""
    if kind is _PREPOSITIONS and plain[i - 1] in _PARTICLES:
        return False
    return plain[i] in kind and plain[i - 1] not in _PHRASE_STARTS and plain[i] not in _BINDS_BACK


def piece_chars(wpm: float, seconds: float = PIECE_SECONDS) -> int:
    """The most characters (`_chars`) Piper renders at once at a speaking rate: about `seconds` of speech
    (74 at the calm 145 words a minute, 59 at the slowest pace, 89 at the fastest)."""
    return max(30, int(seconds * float(wpm) / 60.0 * CHARS_A_WORD))


def _chars(words: list[str]) -> int:
    """The length of a piece in characters, a comma (semicolon, colon) inside it counted as COMMA_CHARS more."""
    return len(" ".join(words)) + COMMA_CHARS * sum(1 for w in words[:-1] if w.endswith((",", ";", ":")))


def clauses(sentence: str, max_words: int = CLAUSE_WORDS, max_chars: int | None = None) -> list[str]:
    """A sentence cut after its commas (semicolons, colons) into pieces of at most max_words (and max_chars)
    where it can be; a piece longer than max_chars (without it, LONG_CLAUSE words) with no comma in reach
    is cut between phrases (`phrase_cut`), that cut marked by a trailing comma the text did not have
    (see `Voice._pieces`)."""
    words = sentence.split()
    limit = max_chars if max_chars else None
    too_long = (lambda piece: _chars(piece) > limit) if limit else (lambda piece: len(piece) > LONG_CLAUSE)
    if len(words) <= max_words and not too_long(words) and (limit is None or len(words) <= LONG_CLAUSE):
        return [sentence]
    pieces: list[list[str]] = [[]]
    for word in words:
        pieces[-1].append(word)
        if word.endswith((",", ";", ":")):
            pieces.append([])
    merged: list[list[str]] = []
    for piece in (p for p in pieces if p):
        if merged and len(merged[-1]) + len(piece) <= max_words and not too_long(merged[-1] + piece):
            merged[-1] += piece
        else:
            merged.append(list(piece))
    out: list[str] = []
    for piece in merged:
        while too_long(piece) and (cut := phrase_cut(piece, limit or _chars(piece[:LONG_CLAUSE]))) is not None:
            out.append(" ".join(piece[:cut]) + ",")
            piece = piece[cut:]
        out.append(" ".join(piece))
    return out


def phrase_cut(words: list[str], max_chars: int) -> int | None:
    """Where to cut a run of words with no comma so the first part has at most max_chars (and each part at
    least three words): before a conjunction, else a preposition, else another word that starts a phrase
    ("your", "each", "what"), nearest the middle; else between any two words, nearest the middle, but
    never after a preposition or article ("of | the") nor before a word that binds back ("two | of you").
    None only for a run too short to cut."""
    plain = [w.lower().strip("\"'()") for w in words]
    allowed = [i for i in range(3, len(words) - 2) if _chars(words[:i]) < max_chars]  # its comma added
    if not allowed:
        return None
    middle = _chars(words) / 2
    nearest = lambda i: abs(_chars(words[:i]) - middle)  # noqa: E731
    for kind in (_CONJUNCTIONS, _PREPOSITIONS, _PHRASE_STARTS):
        found = [i for i in allowed if starts_phrase(plain, i, kind)]
        if found:
            return min(found, key=nearest)
    found = [i for i in allowed if plain[i - 1] not in _PHRASE_STARTS and plain[i] not in _BINDS_BACK]
    return min(found or allowed, key=nearest)


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
