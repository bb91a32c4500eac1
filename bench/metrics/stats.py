"""Summary statistics of a system's outputs, beside ROUGE (``system["stats"]``).

Lengths and the share over a per-target budget need only the outputs; the
rest compares each output with its article body:

- ``compression``: mean over articles of body words / output words;
- ``novel_ngrams``: share of the output's n-grams (n = 1..4) not in the body;
- ``coverage`` and ``density``: Grusky et al. (Newsroom, NAACL 2018) extractive
  fragments, found greedily as in the paper's code: coverage is the share of
  output words inside a fragment copied from the body, density the mean
  squared fragment length per output word;
- ``repetition``: share of the output's bigrams that repeat an earlier bigram
  of the same output (degenerate "fast, fast, fast" outputs).

Words are the scoring tokenizer's words, before stemming. Per-article values
are averaged over the articles where they are defined (a 1-word output has no
bigrams).
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

import numpy as np

def length_block(texts: Sequence[str]) -> dict[str, dict[str, float]]:
    words = np.array([len(t.split()) for t in texts], dtype=float)
    chars = np.array([len(t) for t in texts], dtype=float)
    if not len(texts):
        return {}
    return {
        "words": {"mean": float(words.mean()), "median": float(np.median(words))},
        "chars": {"mean": float(chars.mean()), "median": float(np.median(chars))},
    }


def over_budget(texts: Sequence[str], words: int, chars: int) -> float:
    """Share of outputs longer than ``words`` words or ``chars`` characters."""
    if not texts:
        return 0.0
    return sum(1 for t in texts if len(t.split()) > words or len(t) > chars) / len(texts)


def ngrams(tokens: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def fragments(body: Sequence[str], output: Sequence[str]) -> list[int]:
    """Lengths of the greedy extractive fragments of ``output`` in ``body``
    (Grusky et al. 2018): at each output position take the longest run that
    also occurs in the body, then continue after it."""
    positions: dict[str, list[int]] = {}
    for j, token in enumerate(body):
        positions.setdefault(token, []).append(j)
    found, i = [], 0
    while i < len(output):
        best, resume = 0, 0
        for j in positions.get(output[i], ()):
            if j < resume:
                continue  # inside a run already matched: the paper's code skips past it
            length = 1
            while i + length < len(output) and j + length < len(body) and output[i + length] == body[j + length]:
                length += 1
            best = max(best, length)
            resume = j + length
        if best:
            found.append(best)
        i += max(best, 1)
    return found


def repetition(tokens: Sequence[str]) -> float | None:
    grams = ngrams(tokens, 2)
    if not grams:
        return None
    return 1 - len(set(grams)) / len(grams)


def summary_stats(
    outputs: Sequence[str],
    bodies: Sequence[str] | None,
    words: Callable[[str], list[str]],
    budget: Mapping[str, int] | None,
) -> dict[str, object]:
    """The ``stats`` block for one system and target; body-based keys only with bodies,
    ``over_budget`` only with a length budget for the target."""
    stats: dict[str, object] = dict(length_block(outputs))
    if budget is not None:
        stats["over_budget"] = over_budget(outputs, budget["words"], budget["chars"])
    tokenized = [words(t) for t in outputs]
    rep = [r for r in map(repetition, tokenized) if r is not None]
    if rep:
        stats["repetition"] = float(np.mean(rep))
    if bodies is None:
        return stats
    compression, coverage, density = [], [], []
    novel: dict[int, list[float]] = {n: [] for n in range(1, 5)}
    for out, body_text in zip(tokenized, bodies):
        body = words(body_text)
        if not out:
            continue
        compression.append(len(body) / len(out))
        found = fragments(body, out)
        coverage.append(sum(found) / len(out))
        density.append(sum(f * f for f in found) / len(out))
        for n in novel:
            grams = ngrams(out, n)
            if grams:
                body_grams = set(ngrams(body, n))
                novel[n].append(sum(1 for g in grams if g not in body_grams) / len(grams))
    if compression:
        stats["compression"] = float(np.mean(compression))
        stats["coverage"] = float(np.mean(coverage))
        stats["density"] = float(np.mean(density))
    stats["novel_ngrams"] = {str(n): float(np.mean(v)) for n, v in novel.items() if v}
    return stats
