"""Clipped n-gram and skip-bigram overlaps for many (peer, model) pairs at once.

For pair k the script's hit is ``sum over grams g of min(peer[g], model[g])``
and its counts are how many grams each side made. Every gram gets an integer
id; each pair's grams from both sides become keys ``(pair, gram, side)``, one
sort brings equal (pair, gram) together with the summary's copies first, and
each such run adds the smaller of its two sides' sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bench.metrics.rouge155.reading import Readings

_FITS = 1 << 62  # keys (pair * span + gram) * 2 + side must stay below int64's limit


@dataclass
class Grams:
    """Every text's grams, text by text: text k's are ``ids[starts[k]:starts[k+1]]``."""

    ids: np.ndarray  # int64
    starts: np.ndarray  # int64, texts + 1

    @property
    def counts(self) -> np.ndarray:
        return np.diff(self.starts)


def _grams(ids: np.ndarray, valid: np.ndarray, per_text: np.ndarray) -> Grams:
    return Grams(ids[valid], np.concatenate(([0], np.cumsum(per_text))).astype(np.int64))


def _positions(readings: Readings) -> tuple[np.ndarray, np.ndarray]:
    """Each token's position and the end of its text."""
    lengths = readings.lengths
    ends = np.repeat(readings.starts[1:], lengths)
    return np.arange(len(readings.flat), dtype=np.int64), ends


def ngram_grams(readings: Readings, n: int) -> Grams:
    """The n-grams ``createNGram`` makes: one per position with n tokens left in its text."""
    flat = readings.flat
    position, ends = _positions(readings)
    width = int(flat.max()) + 1 if len(flat) else 1
    ids = flat.copy()
    for k in range(1, n):
        following = np.zeros_like(ids)
        following[: len(ids) - k] = flat[k:]
        if int(ids.max(initial=0)) + 1 > _FITS // width:
            _, ids = np.unique(ids, return_inverse=True)  # renumber densely before it overflows
            ids = ids.ravel().astype(np.int64)
        ids = ids * width + following
    per_text = np.maximum(readings.lengths - n + 1, 0)
    return _grams(ids, position + n <= ends, per_text)


def skip_grams(readings: Readings, distance: int, unigrams: bool) -> Grams:
    """The skip-bigrams (and -u unigrams) ``createSkipBigram`` makes.

    Bigram (i, j) for i < j <= i + distance + 1 (any j when distance < 0); with
    -u also a unigram at every position but the text's last.
    """
    flat = readings.flat
    position, ends = _positions(readings)
    width = int(flat.max()) + 1 if len(flat) else 1
    longest = int(readings.lengths.max(initial=0))
    reach = longest - 1 if distance < 0 else min(distance + 1, max(longest - 1, 0))
    columns = [flat] if unigrams else []  # unigram ids < width <= bigram ids
    valid = [position + 1 < ends] if unigrams else []
    for gap in range(1, reach + 1):
        following = np.zeros_like(flat)
        following[: len(flat) - gap] = flat[gap:]
        columns.append(flat * width + following + width)
        valid.append(position + gap < ends)
    if not columns:
        return Grams(np.zeros(0, np.int64), np.zeros(len(readings.starts), np.int64))
    # Position-major order keeps every text's grams together.
    ids, ok = np.stack(columns, axis=1).ravel(), np.stack(valid, axis=1)
    made = np.concatenate(([0], np.cumsum(ok.sum(axis=1))))
    return _grams(ids, ok.ravel(), made[readings.starts[1:]] - made[readings.starts[:-1]])


def ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + size)`` for every (start, size)."""
    total = int(sizes.sum())
    offsets = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    return np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, sizes)


def overlaps(grams: Grams, peers: np.ndarray, models: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair (peer text, model text): clipped hits, peer gram count, model gram count."""
    counts = grams.counts
    peer_n, model_n = counts[peers], counts[models]
    hits = np.zeros(len(peers), np.int64)
    ids = grams.ids
    if not len(ids) or not (peer_n.any() and model_n.any()):
        return hits, peer_n, model_n
    if int(ids.max()).bit_length() > _GRAM_BITS:
        _, ids = np.unique(ids, return_inverse=True)  # renumber densely (rare: a huge vocabulary)
        ids = ids.ravel().astype(np.int64)
    gram_bits = max(int(ids.max()).bit_length(), 1)
    chunk = 1 << (62 - gram_bits - 1)  # pairs per pass, so (pair, gram, side) fits in an int64
    for start in range(0, len(peers), chunk):
        part = slice(start, start + chunk)
        hits[part] = _chunk_hits(ids, grams.starts, peers[part], models[part], peer_n[part], model_n[part],
                                 gram_bits)
    return hits, peer_n, model_n


_GRAM_BITS = 40


def _chunk_hits(ids, starts, peers, models, peer_n, model_n, gram_bits: int) -> np.ndarray:
    """Keys (pair << gram_bits + 1) | (gram << 1) | side, sorted: the summary's copies of a gram
    come right before the reference's, so a run with both sides has one even key followed by
    that key + 1. Each such run adds min(#summary, #reference) copies: 1 unless both repeat."""
    shift = gram_bits + 1
    pair = np.arange(len(peers), dtype=np.int64) << shift
    keys = np.concatenate((
        np.repeat(pair, peer_n) | (ids[ranges(starts[peers], peer_n)] << 1),
        np.repeat(pair, model_n) | (ids[ranges(starts[models], model_n)] << 1) | 1,
    ))
    keys.sort()
    boundary = np.flatnonzero((np.diff(keys) == 1) & ((keys[:-1] & 1) == 0))
    weight = np.ones(len(boundary))
    before, after = boundary - 1, boundary + 2
    repeated = (before >= 0) & (keys[np.maximum(before, 0)] == keys[boundary])
    repeated &= (after < len(keys)) & (keys[np.minimum(after, len(keys) - 1)] == keys[boundary] + 1)
    if repeated.any():  # both sides repeat this gram: count their copies
        q = boundary[repeated]
        from_peer = q + 1 - np.searchsorted(keys, keys[q], "left")
        from_model = np.searchsorted(keys, keys[q + 1], "right") - q - 1
        weight[repeated] = np.minimum(from_peer, from_model)
    return np.bincount(keys[boundary] >> shift, weights=weight, minlength=len(peers)).astype(np.int64)
