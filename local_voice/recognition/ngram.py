"""A trigram language model in ARPA form, written without external tools (compiling only).

Both of the recognizer's models are built this way: the tight command model (grammar.py)
and the safety pass's model (safety_model.py).
"""

from __future__ import annotations

import math
from collections import defaultdict


def arpa(sentences: list[tuple[list[str], float]], prior: dict[str, float] | None = None,
         prior_mass: float = 0.0, backoff: float = 0.1) -> str:
    """A trigram ARPA model over weighted sentences (Witten-Bell backoff).

    The unigrams are mixed with a prior distribution: `prior_mass` of the probability, spread by
    the prior's own weights (the garbage phones for commands, common English for the safety
    pass). `backoff` scales the mass left for unseen continuations (small: a tight model).
    """
    prior = prior or {}
    merged: dict[tuple, float] = defaultdict(float)  # slot fillings repeat many sentences: count each once
    for words, weight in sentences:
        merged[tuple(words)] += weight
    follow = [defaultdict(lambda: defaultdict(float)) for _ in range(3)]  # order -> context -> word -> count
    for words, weight in merged.items():
        seq = ["<s>", *words, "</s>"]
        for n in range(3):
            for i in range(len(seq) - n):
                gram = tuple(seq[i:i + n + 1])
                if gram != ("<s>",):
                    follow[n][gram[:-1]][gram[-1]] += weight
    counts = follow[0][()]
    total = sum(counts.values())
    prior_total = sum(prior.values()) or 1.0
    vocab = sorted(set(counts) | set(prior))
    uni = {w: (1 - prior_mass) * counts.get(w, 0.0) / total + prior_mass * prior.get(w, 0.0) / prior_total for w in vocab}
    probs: list[dict] = [{}, {}, {}]
    alphas: list[dict] = [{}, {}, {}]

    def lower(w: str, ctx: tuple) -> float:
        if not ctx:
            return uni.get(w, 0.0)
        if ctx + (w,) in probs[len(ctx)]:
            return probs[len(ctx)][ctx + (w,)]
        return alphas[len(ctx)].get(ctx, 1.0) * lower(w, ctx[1:])

    for n in (1, 2):
        for ctx, nexts in follow[n].items():
            c, types = sum(nexts.values()), len(nexts)
            seen = lowered = 0.0
            for w, cw in nexts.items():
                p = cw / (c + backoff * types)
                probs[n][ctx + (w,)] = p
                seen += p
                lowered += lower(w, ctx[1:])
            alphas[n][ctx] = (1.0 - seen) / max(1e-9, 1.0 - lowered)
    log10 = lambda x: math.log10(x) if x > 0 else -99.0  # noqa: E731
    lines = ["\\data\\", f"ngram 1={len(vocab) + 1}", f"ngram 2={len(probs[1])}", f"ngram 3={len(probs[2])}", "",
             "\\1-grams:", f"-99.0000 <s> {log10(alphas[1].get(('<s>',), 1.0)):.4f}"]
    for w in vocab:
        a = alphas[1].get((w,))
        lines.append(f"{log10(uni[w]):.4f} {w}" + (f" {log10(a):.4f}" if a is not None else ""))
    lines += ["", "\\2-grams:"]
    for gram, p in sorted(probs[1].items()):
        a = alphas[2].get(gram)
        lines.append(f"{log10(p):.4f} {' '.join(gram)}" + (f" {log10(a):.4f}" if a is not None else ""))
    lines += ["", "\\3-grams:"]
    lines += [f"{log10(p):.4f} {' '.join(g)}" for g, p in sorted(probs[2].items())]
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)
