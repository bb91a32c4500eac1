"""ROUGE-L and ROUGE-W hits as the script counts them.

For each reference (model) sentence the script marks, for every summary
(peer) sentence, the model positions on one longest common subsequence: the
one its backtrack finds (diagonal on equal tokens, else up when
``c[i-1][j] >= c[i][j-1]``, else left). The union of the marks is then counted
in model order, and a mark counts only while that token still has unused
occurrences in both texts' unigram counts (each hit uses one up). ROUGE-W does
the same with its weighted DP, and adds ``run ** w`` for every run of counted
marks, with the script's own idea of where a run ends.

The LCS table comes from the bit-parallel algorithm (Hyyrö 2004) on Python
integers: ``c[i][j]`` is ``j`` minus the set bits among the low ``j`` bits of
row ``i``, so the backtrack reads any cell it needs without the full table.
ROUGE-W's table holds floats and its ties depend on their rounding, so it is
filled cell by cell, with the script's floating-point operations in its order.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np

from bench.metrics.rouge155.counts import ranges

WORD_BITS = 64


def _rows(model: Sequence[int], peer: Sequence[int]) -> list[int]:
    masks: dict[int, int] = {}
    for j, token in enumerate(peer):
        masks[token] = masks.get(token, 0) | (1 << j)
    full = (1 << len(peer)) - 1
    row = full
    rows = [row]
    for token in model:
        u = row & masks.get(token, 0)
        row = ((row + u) | (row - u)) & full
        rows.append(row)
    return rows


def lcs_length(model: Sequence[int], peer: Sequence[int]) -> int:
    """Length of a longest common subsequence."""
    if not model or not peer:
        return 0
    return len(peer) - _rows(model, peer)[-1].bit_count()


def lcs_positions(model: Sequence[int], peer: Sequence[int]) -> list[int]:
    """Model positions on the LCS the script's backtrack (``markLCS``) walks."""
    if not model or not peer:
        return []
    rows = _rows(model, peer)
    i, j = len(model), len(peer)
    marked = []
    while i and j:
        if model[i - 1] == peer[j - 1]:
            i -= 1
            j -= 1
            marked.append(i)
            continue
        low = (1 << (j - 1)) - 1
        up = j - (rows[i - 1] & (low | (1 << (j - 1)))).bit_count()  # c[i-1][j]
        left = (j - 1) - (rows[i] & low).bit_count()  # c[i][j-1]
        if up >= left:
            i -= 1
        else:
            j -= 1
    return marked


def lcs_lengths(flat: np.ndarray, starts: np.ndarray, peers: np.ndarray, models: np.ndarray) -> np.ndarray:
    """LCS lengths of many (text, text) pairs, one 64-bit word per pair, all pairs per step.

    The LCS length is symmetric, so the shorter text of each pair gives the bits;
    pairs whose shorter text exceeds 64 tokens go through ``lcs_length``.
    """
    lengths = np.diff(starts)
    out = np.zeros(len(peers), np.int64)
    peer_shorter = lengths[peers] <= lengths[models]
    bit_text = np.where(peer_shorter, peers, models)
    row_text = np.where(peer_shorter, models, peers)
    bit_len = lengths[bit_text]
    for k in np.flatnonzero(bit_len > WORD_BITS):
        a, b = int(row_text[k]), int(bit_text[k])
        out[k] = lcs_length(flat[starts[a] : starts[a + 1]].tolist(), flat[starts[b] : starts[b + 1]].tolist())
    fast = np.flatnonzero((bit_len > 0) & (bit_len <= WORD_BITS))
    if len(fast):
        out[fast] = _word_lcs(flat, starts, bit_text[fast], row_text[fast])
    return out


def _word_lcs(flat: np.ndarray, starts: np.ndarray, bit_text: np.ndarray, row_text: np.ndarray) -> np.ndarray:
    lengths = np.diff(starts)
    width = int(flat.max()) + 1
    # Per bit text, token -> mask of its positions (the bit-parallel "match vectors").
    texts = np.unique(bit_text)
    position = ranges(starts[texts], lengths[texts])
    owner = np.repeat(texts, lengths[texts])
    keys = owner * width + flat[position]
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    bits = np.left_shift(np.uint64(1), (position - starts[owner])[order].astype(np.uint64))
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    table_keys, table_masks = keys[first], np.bitwise_or.reduceat(bits, first)
    # Each pair's row tokens, longest rows first, so step i works on a prefix.
    order = np.argsort(-lengths[row_text], kind="stable")
    row_len = lengths[row_text[order]]
    row_start = np.concatenate(([0], np.cumsum(row_len)[:-1]))
    row_tokens = flat[ranges(starts[row_text[order]], row_len)]
    lookup = np.repeat(bit_text[order], row_len) * width + row_tokens
    at = np.minimum(np.searchsorted(table_keys, lookup), len(table_keys) - 1)
    masks = np.where(table_keys[at] == lookup, table_masks[at], np.uint64(0))
    bit_len = lengths[bit_text[order]].astype(np.uint64)
    full = np.where(bit_len == WORD_BITS, np.uint64(~np.uint64(0)),
                    (np.uint64(1) << np.minimum(bit_len, 63)) - np.uint64(1))
    v = full.copy()
    active = len(row_len)
    for i in range(int(row_len[0]) if len(row_len) else 0):
        while active and row_len[active - 1] <= i:
            active -= 1
        head = v[:active]
        u = head & masks[row_start[:active] + i]
        v[:active] = ((head + u) | (head - u)) & full[:active]
    out = np.empty(len(order), np.int64)
    out[order] = bit_len.astype(np.int64) - _popcount(v)
    return out


def _popcount(words: np.ndarray) -> np.ndarray:
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(words).astype(np.int64)
    table = np.array([bin(i).count("1") for i in range(256)], np.int64)
    return table[words.view(np.uint8).reshape(len(words), 8)].sum(axis=1)


@lru_cache(maxsize=4096)
def weight(length: float, power: float) -> float:
    """``wlcsWeight``: length ** power, with C's pow as Perl's ``**`` calls it."""
    return float(length) ** power


def wlcs_positions(model: Sequence[int], peer: Sequence[int], power: float) -> list[int]:
    """Model positions on the weighted LCS the script's ``wlcs_inner`` and ``markLCS`` find."""
    m, n = len(model), len(peer)
    if not m or not n:
        return []
    gain = [weight(k, power) for k in range(min(m, n) + 2)]
    c = [[0.0] * (n + 1) for _ in range(m + 1)]
    run = [[0] * (n + 1) for _ in range(m + 1)]
    for i in range(1, m + 1):
        above, here, run_above, run_here = c[i - 1], c[i], run[i - 1], run[i]
        token = model[i - 1]
        for j in range(1, n + 1):
            if token == peer[j - 1]:
                k = run_above[j - 1]
                here[j] = above[j - 1] + gain[k + 1] - gain[k]
                run_here[j] = k + 1
            elif above[j] >= here[j - 1]:
                here[j] = above[j]
            else:
                here[j] = here[j - 1]
    i, j = m, n
    marked = []
    while i and j:
        if model[i - 1] == peer[j - 1]:
            i -= 1
            j -= 1
            marked.append(i)
        elif c[i - 1][j] >= c[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return marked


def document_lcs(
    model: list[list[int]], peer: list[list[int]], model_counts: dict[int, int], peer_counts: dict[int, int]
) -> tuple[int, int]:
    """``lcs()``: (hits, model length) of one reference; the count dicts are used up in place."""
    hits = 0
    base = 0
    for sentence in model:
        base += len(sentence)
        mask = _union_mask(sentence, peer, lcs_positions)
        for j, token in enumerate(sentence):
            if mask[j] and model_counts.get(token, 0) > 0 and peer_counts.get(token, 0) > 0:
                hits += 1
                model_counts[token] -= 1
                peer_counts[token] -= 1
    return hits, base


def document_wlcs(
    model: list[list[int]],
    peer: list[list[int]],
    model_counts: dict[int, int],
    peer_counts: dict[int, int],
    power: float,
) -> tuple[float, float]:
    """``wlcs()``: (weighted hits, weighted model length) of one reference."""
    hits: float = 0
    base: float = 0
    for sentence in model:
        base += weight(len(sentence), power)
        mask = _union_mask(sentence, peer, lambda a, b: wlcs_positions(a, b, power))
        run = 0
        last = len(sentence) - 1
        for j, token in enumerate(sentence):
            if mask[j] and model_counts.get(token, 0) > 0 and peer_counts.get(token, 0) > 0:
                run += 1
                # The script closes a run at an unmarked next position or the sentence end;
                # a marked next position that fails the count check extends the run.
                if (j < last and not mask[j + 1]) or j == last:
                    hits += weight(run, power)
                    run = 0
                model_counts[token] -= 1
                peer_counts[token] -= 1
    return hits, base


def _union_mask(sentence: list[int], peer: list[list[int]], positions) -> list[bool]:
    mask = [False] * len(sentence)
    if sentence:
        for other in peer:
            for k in positions(sentence, other):
                mask[k] = True
    return mask
