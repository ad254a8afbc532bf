""""Stop" above all: the exit gets paths of its own through the pocketsphinx decision.

The end of a session must never be missed and never be heard as anything else, so stop is not
decided like the other commands (bench/stop_voices.py measures it per voice):

1. In the command language model, its short forms ("stop", "okay stop", "stop please") weigh
   far more than their share. Every intent weighs the same in that model, and stop's share is
   spread over hundreds of sentences, while "start" opens most sentences of three intents: the
   Piper voice's bare "stop" came out as "start" (a sentence that is no command) in 18 of 24
   syntheses, and as "stop" in 18 of 24 once its forms weighed `LM_WEIGHT`.
2. Any hearing of stop vetoes every other intent. The grammar once heard a Piper "stop" as
   "done" and one scaled check agreed while the other heard "stop": that was taken as Done.
   Now the grammar's command stands only when no check heard stop.
3. When the language model itself hears stop and the grammar disagrees, one scaled check
   hearing stop as well decides for stop (two of the three looks at the clip).
4. When the language model hears a sentence that is no command but would be stop with "stop"
   for "start" ("start" alone) or "let's" for "what's" ("what's stop here"), a search of just those two sentences decides whether the
   model heard stop (`sound_alike`, `targeted_grammar`). On bare Piper "stop"s it chose stop
   in 18 of 24, on bare "start"s start in 24 of 24.
5. A short command decided on ("done", "wait", "both done") is searched once more against only
   "stop" and "quit", on the clip as it is and scaled: if any of those hears stop, the clip
   gets no answer. Piper's bare "stop" was heard as "done" by that search in 8 of 24
   syntheses, but by at least one of the three in 23 of 24; its "done" and "finished" were
   "done" in all three every time (32 of 32).

Nothing here sees free speech: only the intents the command searches already heard.
"""

from __future__ import annotations

from . import lexicon
from .commands import CommandSet

STOP = "AMAZON.StopIntent"
# Training weight of each short stop form in the command language model (an intent's whole
# share is 20, a one-word command's own sentence about 0.1 to 0.3). Tuned on the Piper voice at
# tempos 0.9 and 1.0 (bench/stop_voices.py --voices tune): 1 kept "start" for 16 of 24 bare
# "stop"s, 4 for 5 of 24.
LM_WEIGHT = 4.0
# Rule 4: words the language model heard in a stop phrase's place. "start" is never a command by
# itself; "what's" for "let's" made "what's stop here" and "what's call it a night" (Piper).
SOUND_ALIKE = {"start": "stop", "what's": "let's"}
# Rule 5: a short command decided on ("done", "wait", "both done") is checked against these
# one-word stops by a search of just the two; if any look at the clip hears stop, no answer.
STOP_WORDS = ("stop", "quit")
VETO_WORDS = 2
# Skip words that come with a bare "stop" often enough to weigh as much.
_AROUND = (("okay",), ("please",), ("now",))


def lm_sentences(commands: CommandSet, live: list[str]) -> list[tuple[list[str], float]]:
    """Extra training sentences for the command language model: stop's short forms, heavily weighted."""
    if STOP not in live:
        return []
    short = [tuple(p.words) for p in commands.lm_items(STOP) if len(p.words) <= 2 and "stop" in p.words]
    if ("stop",) not in short:
        return []
    forms = list(dict.fromkeys(short + [("okay", "stop"), ("stop", "please"), ("stop", "now")]))
    return [(list(words), LM_WEIGHT) for words in forms]


def sound_alike(words: list[str], commands: CommandSet, live: list[str]) -> str | None:
    """A live stop phrase the language model's sentence would be with "stop" for "start" (and the
    other SOUND_ALIKE words), or None.

    "start" is never a command by itself (the catalog keeps bare "start" out, since it sounds like
    "stop"), so a sentence that is no command until its "start" is read as "stop" is a stop that
    the model heard a little wrong, or a real "start": `targeted_grammar` tells the two apart."""
    if STOP not in live or not set(words) & set(SOUND_ALIKE) or any(w.startswith(lexicon.GARBAGE_PREFIX) for w in words):
        return None
    said = " ".join(SOUND_ALIKE.get(w, w) for w in words)
    found = commands.lookup(said, live)
    return said if found is not None and found[0] == STOP else None


def targeted_grammar(heard: list[str], stop_phrase: str) -> str:
    """A two-way JSGF grammar: the sentence as the language model heard it, or as stop."""
    return f"#JSGF V1.0;\ngrammar stopcheck;\npublic <s> = ( {' '.join(heard)} ) | ( {stop_phrase} );\n"


def veto_grammar(decided: str) -> str | None:
    """A two-way JSGF grammar (the short phrase decided on, or a one-word stop) to check a short
    command against stop, or None when the phrase is longer than `VETO_WORDS` or is stop."""
    words = decided.split()
    if not words or len(words) > VETO_WORDS or any(w in STOP_WORDS for w in words):
        return None
    return f"#JSGF V1.0;\ngrammar stopveto;\npublic <s> = ( {decided} ) | {' | '.join(STOP_WORDS)};\n"


def vote(lm: str | None, grammar: str, checks) -> str | None:
    """Stop's say over the grammar's intent: STOP, the grammar's intent, or None (no answer).

    `lm`: the intent the language model heard on the clip as it is (None: no live command);
    `grammar`: the grammar's intent; `checks`: the intents the scaled checks heard, one by one
    (an iterator, so checks that cannot change the answer are never decoded)."""
    if grammar == STOP:
        return STOP if lm == STOP or any(c == STOP for c in checks) else None
    heard = list(checks)
    if STOP in heard:
        # The grammar heard something else: with the language model on stop's side as well that
        # is two looks against one, stop; otherwise the clip is too unsure for any command.
        return STOP if lm == STOP else None
    if lm == STOP:
        return None
    return grammar if grammar in heard else None
