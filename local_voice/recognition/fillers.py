"""Silence and noise loops only where a word can begin (search construction; no decoding here).

pocketsphinx lets silence and noise ("<sil>", "[NOISE]") come between any two words of a grammar
by giving EVERY state of the compiled grammar a loop of each. A JSGF grammar compiles to many
states that only hand on to others by empty arcs (the joins of alternatives and optional words:
1,714 of the menu's 2,519 states), and each loop costs a search tree of its own, a third of
the grammar's memory (menu: 18 MB with loops everywhere, 12 MB with none).

A state left only by empty arcs needs no loop: the compiled grammar's empty arcs are already
closed (one arc from each state to every state it reaches), and the search hands every word end
on through them at once, so silence there is the same silence taken at the states it leads to.
The loops go on the states where a word (or the end) follows, with the probabilities pocketsphinx
itself gives them (`silprob` for silence, `fillprob` for noise); the decoder then adds none.
"""

from __future__ import annotations

import os
import tempfile

FILLERS = (("<sil>", "silprob"), ("[NOISE]", "fillprob"))
TOP_RULE = "command"  # the public rule grammar.py and template_grammar.py write


def word_states(fsg_text: str) -> set[int]:
    """The states of a grammar (in pocketsphinx's FSG text format) a word leaves, and the start and end."""
    states: set[int] = set()
    for line in fsg_text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] in ("START_STATE", "FINAL_STATE"):
            states.add(int(parts[1]))
        elif parts[0] == "TRANSITION" and len(parts) == 5:  # from, to, probability, word (4 fields: empty)
            states.add(int(parts[1]))
    return states


def grammar_with_fillers(decoder, jsgf_text: str):
    """The JSGF grammar compiled by the decoder, with silence and noise loops only where words begin."""
    from pocketsphinx import Jsgf

    fd, path = tempfile.mkstemp(suffix=".gram")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(jsgf_text)
        grammar = Jsgf(path)
        # As the decoder compiles a JSGF string itself: its language weight on the arcs, empty arcs
        # closed. (Decoder.parse_jsgf weighs the arcs otherwise, and decodes differently.)
        fsg = grammar.build_fsg(grammar.get_rule(f"{grammar.get_name()}.{TOP_RULE}"), decoder.get_logmath(), float(decoder.config["lw"]))
        fsg.writefile(path)  # the compiled grammar is only readable this way from Python
        with open(path, encoding="utf-8") as handle:
            states = word_states(handle.read())
    finally:
        os.unlink(path)
    config = decoder.config
    for word, prob in FILLERS:
        if decoder.lookup_word(word):
            for state in sorted(states):
                fsg.add_silence(word, state, float(config[prob]))
    return fsg
