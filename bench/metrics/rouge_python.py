"""The pure-Python (numpy) path of the fast ROUGE scorer: runs where the compiled
kernel is not built, with the very same numbers.

- every distinct word is normalized (stemmed) once per scorer, and tokens become
  integer ids, kept in one numpy array;
- rougeN counts n-gram overlaps for all pairs at once with numpy;
- rougeL uses a bit-parallel LCS (Hyyrö 2004) on Python integers, one bit per
  reference token;
- rougeLsum with one sentence on each side is rougeL (same tokens; with a
  single reference sentence the duplicate guard never fires). Otherwise it is
  rouge-score's summary-level union LCS, including *which* LCS its backtrack
  picks and its per-token hit counters, read off the bit-parallel columns.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from bench.tokenizers.words import LINE_END, WordTokenizer

_DROPPED = -1
_LINE_END = -3


class PythonRouge:
    """Scores (prediction, reference) text pairs; see ``score``."""

    implementation = "python"

    def __init__(self, tokenizer: WordTokenizer) -> None:
        self.tokenizer = tokenizer
        self._ids = _WordIds(tokenizer)  # raw word -> token id (or _DROPPED)

    def score(self, texts: list[str], pred_tid: np.ndarray, ref_tid: np.ndarray, orders: list[int],
              want_l: bool, want_lsum: bool) -> np.ndarray:
        """(pairs x types x 3) precision, recall, F1 of pairs (texts[pred_tid[k]],
        texts[ref_tid[k]]); types are the rougeN ``orders``, then rougeL, then rougeLsum."""
        flat, lengths, tokens, sentences = self._encode(texts)
        columns = []
        for n in orders:
            hits = _ngram_overlaps(flat, lengths, pred_tid, ref_tid, n)
            columns.append(_prf(hits, np.maximum(lengths[pred_tid] - n + 1, 1),
                                np.maximum(lengths[ref_tid] - n + 1, 1)))
        lcs = None
        if want_l or want_lsum:
            lcs = _lcs_lengths(tokens, pred_tid.tolist(), ref_tid.tolist())
        if want_l:
            columns.append(_lcs_prf(lcs, lengths[pred_tid], lengths[ref_tid]))
        if want_lsum:
            hits = lcs.copy()
            for k, (p, r) in enumerate(zip(pred_tid.tolist(), ref_tid.tolist())):
                if p in sentences or r in sentences:
                    hits[k] = summary_level_hits(_lines(sentences, tokens, r), _lines(sentences, tokens, p))
            columns.append(_lcs_prf(hits, lengths[pred_tid], lengths[ref_tid]))
        if not columns:
            return np.zeros((len(pred_tid), 0, 3))
        return np.stack(columns, axis=1)

    def _encode(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[list[int]], dict[int, list[list[int]]]]:
        """Token ids of every text: (all ids in one array, ids per text as an array
        of lengths and as lists, and the ids per line of texts that do not have
        exactly one non-empty line).

        Lines are what rougeLsum sees as sentences; like rouge-score, empty lines
        are dropped and a line without words still counts."""
        words = self.tokenizer.words_by_line("\n".join(texts))
        all_ids = np.fromiter(map(self._ids.__getitem__, words), dtype=np.int64, count=len(words))
        # Every line ends with _LINE_END; a text's last line ends the text.
        line_ends = np.flatnonzero(all_ids == _LINE_END)
        last_line = np.cumsum([t.count("\n") + 1 for t in texts], dtype=np.int64) - 1
        kept = np.cumsum(all_ids >= 0)  # tokens kept up to and including each position
        bounds = np.concatenate([[0], kept[line_ends[last_line]]]).tolist()
        flat = all_ids[all_ids >= 0]
        as_list = flat.tolist()
        tokens = [as_list[a:b] for a, b in zip(bounds, bounds[1:])]
        sentences: dict[int, list[list[int]]] = {}
        for k, text in enumerate(texts):
            if not text:
                sentences[k] = []
            elif "\n" in text:
                raw_lines = text.split("\n")
                first = int(last_line[k]) - len(raw_lines) + 1
                begin = int(line_ends[first - 1]) + 1 if first else 0
                lines = []
                for raw, end in zip(raw_lines, line_ends[first : first + len(raw_lines)].tolist()):
                    if raw:  # rouge-score skips empty lines only
                        lines.append([i for i in all_ids[begin:end].tolist() if i >= 0])
                    begin = end + 1
                if len(lines) != 1:
                    sentences[k] = lines
        return flat, np.diff(bounds), tokens, sentences


class _WordIds(dict):
    """Raw word -> token id; a word is normalized (stemmed) the first time it is seen.
    Words that normalize to the same token share an id; dropped words get _DROPPED."""

    def __init__(self, tokenizer: WordTokenizer) -> None:
        super().__init__({LINE_END: _LINE_END})
        self._normalize = tokenizer.normalize
        self._token_ids: dict[str, int] = {}

    def __missing__(self, word: str) -> int:
        token = self._normalize(word)
        found = _DROPPED if not token else self._token_ids.setdefault(token, len(self._token_ids))
        self[word] = found
        return found


def _lines(sentences: dict[int, list[list[int]]], tokens: list[list[int]], tid: int) -> list[list[int]]:
    found = sentences.get(tid)
    return [tokens[tid]] if found is None else found


# ----- n-grams ---------------------------------------------------------------
def _ngram_overlaps(flat: np.ndarray, lengths: np.ndarray, pred_tid: np.ndarray,
                    ref_tid: np.ndarray, n: int) -> np.ndarray:
    """Per pair, sum over n-grams of min(count in prediction, count in reference).
    ``flat`` holds every text's token ids one after another; ``lengths`` their counts."""
    n_texts = len(lengths)
    text_of = np.repeat(np.arange(n_texts), lengths)
    starts = np.cumsum(lengths) - lengths
    position = np.arange(len(flat)) - starts[text_of]
    valid = position <= (lengths[text_of] - n)
    key = flat.copy()
    vocab = int(flat.max()) + 1 if len(flat) else 1
    for shift in range(1, n):
        if len(key):
            key = key[:-1] * vocab + flat[shift:]
            if len(key) and int(key.max()) >= 2**62 // max(vocab, 1):
                key = np.unique(key, return_inverse=True)[1].ravel()  # dense ids: the next product fits
    key, text_of = key[valid[: len(key)]], text_of[: len(key)][valid[: len(key)]]
    width = int(key.max()) + 1 if len(key) else 1
    if float(width) * max(n_texts, len(pred_tid)) >= 2**62:
        key = np.unique(key, return_inverse=True)[1].ravel()  # dense ids keep products small
        width = int(key.max()) + 1
    entries, counts = _unique_counts(text_of * width + key)
    entry_text = entries // width
    first = np.searchsorted(entry_text, np.arange(n_texts))
    size = np.searchsorted(entry_text, np.arange(n_texts), side="right") - first

    def gather(tids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        sizes = size[tids]
        pair = np.repeat(np.arange(len(tids)), sizes)
        offset = np.arange(int(sizes.sum())) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        index = np.repeat(first[tids], sizes) + offset
        return pair * width + entries[index] % width, counts[index]

    pred_keys, pred_counts = gather(pred_tid)
    ref_keys, ref_counts = gather(ref_tid)
    where = np.searchsorted(pred_keys, ref_keys)
    where[where == len(pred_keys)] = 0
    match = pred_keys[where] == ref_keys if len(pred_keys) else np.zeros(len(ref_keys), bool)
    shared = np.minimum(ref_counts[match], pred_counts[where[match]])
    return np.bincount(ref_keys[match] // width, weights=shared, minlength=len(pred_tid))


def _unique_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, return_counts=True)``, faster for keys grouped by text in
    ascending text order (only each text's few keys are out of order): numpy's
    stable sort (timsort) merges such blocks almost for free, several times
    faster than the quicksort inside np.unique."""
    keys = np.sort(keys, kind="stable")
    if not len(keys):
        return keys, np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[starts], np.diff(np.append(starts, len(keys)))


def _prf(hits: np.ndarray, pred_total: np.ndarray, ref_total: np.ndarray) -> np.ndarray:
    precision = hits / pred_total
    recall = hits / ref_total
    return np.stack([precision, recall, _fmeasure(precision, recall)], axis=1)


def _fmeasure(precision: np.ndarray, recall: np.ndarray) -> np.ndarray:
    # rouge_score.scoring.fmeasure, the same operations in the same order.
    total = precision + recall
    with np.errstate(invalid="ignore", divide="ignore"):
        f = 2 * precision * recall / total
    return np.where(total > 0, f, 0.0)


# ----- LCS -------------------------------------------------------------------
def _masks(tokens: list[int]) -> dict[int, int]:
    """Token id -> bit mask of its positions."""
    masks: dict[int, int] = {}
    for i, t in enumerate(tokens):
        masks[t] = masks.get(t, 0) | (1 << i)
    return masks


def _lcs_lengths(tokens: list[list[int]], pred_tid: list[int], ref_tid: list[int]) -> np.ndarray:
    """Bit-parallel LCS length of every (prediction, reference) pair (Hyyrö 2004)."""
    mask_cache: dict[int, dict[int, int]] = {}
    out = np.zeros(len(pred_tid))
    for k, (p, r) in enumerate(zip(pred_tid, ref_tid)):
        masks = mask_cache.get(r)
        if masks is None:
            masks = mask_cache[r] = _masks(tokens[r])
        m = len(tokens[r])
        full = (1 << m) - 1
        v = full
        get = masks.get
        for c in tokens[p]:
            u = v & get(c, 0)
            if u:
                v = (v + u) | (v - u)
        out[k] = m - (v & full).bit_count()
    return out


def _lcs_prf(lcs: np.ndarray, pred_len: np.ndarray, ref_len: np.ndarray) -> np.ndarray:
    empty = (pred_len == 0) | (ref_len == 0)
    lcs = np.where(empty, 0, lcs)
    return _prf(lcs, np.maximum(pred_len, 1), np.maximum(ref_len, 1))


def _lcs_columns(ref: list[int], can: list[int]) -> list[int]:
    """Bit vectors V_0..V_n: LCS(ref[:i], can[:j]) = i - popcount(V_j & (2**i - 1))."""
    masks = _masks(ref)
    v = (1 << len(ref)) - 1
    columns = [v]
    for c in can:
        u = v & masks.get(c, 0)
        if u:
            v = (v + u) | (v - u)
        columns.append(v)
    return columns


def lcs_indices(ref: list[int], can: list[int]) -> list[int]:
    """rouge-score's ``lcs_ind``: the reference indices of the one LCS its backtrack picks."""
    columns = _lcs_columns(ref, can)
    i, j = len(ref), len(can)
    picked = []
    while i > 0 and j > 0:
        if ref[i - 1] == can[j - 1]:
            picked.append(i - 1)
            i -= 1
            j -= 1
        else:
            left = i - (columns[j - 1] & ((1 << i) - 1)).bit_count()  # table[i][j-1]
            up = (i - 1) - (columns[j] & ((1 << (i - 1)) - 1)).bit_count()  # table[i-1][j]
            if left > up:
                j -= 1
            else:
                i -= 1
    return picked[::-1]


def summary_level_hits(ref_sents: list[list[int]], can_sents: list[list[int]]) -> int:
    """rouge-score's ``_summary_level_lcs`` hit count (union LCS, each token counted
    at most as often as it occurs on both sides)."""
    if not ref_sents or not can_sents:
        return 0
    ref_counts: Counter[int] = Counter()
    can_counts: Counter[int] = Counter()
    for s in ref_sents:
        ref_counts.update(s)
    for s in can_sents:
        can_counts.update(s)
    hits = 0
    for ref in ref_sents:
        union = sorted(set().union(*(lcs_indices(ref, can) for can in can_sents)))
        for token in (ref[i] for i in union):
            if can_counts[token] > 0 and ref_counts[token] > 0:
                hits += 1
                can_counts[token] -= 1
                ref_counts[token] -= 1
    return hits



# ----- several references -----------------------------------------------------
def combine(scores: np.ndarray, owner: np.ndarray, n: int, rule: str) -> np.ndarray:
    """Per prediction: per type the reference with the best F1 (first on ties, as
    rouge-score's ``score_multi``), or the mean over references. ``scores`` is
    (rows x types x 3); ``owner[row]`` is the prediction a row belongs to."""
    if rule == "mean":
        sums = np.zeros((n,) + scores.shape[1:])
        np.add.at(sums, owner, scores)
        return sums / np.bincount(owner, minlength=n)[:, None, None]
    out = np.empty((n,) + scores.shape[1:])
    for t in range(scores.shape[1]):
        best = np.full(n, -1)
        best_f = np.full(n, -np.inf)
        for k in range(len(owner)):  # first maximum wins, like np.argmax
            if scores[k, t, 2] > best_f[owner[k]]:
                best_f[owner[k]] = scores[k, t, 2]
                best[owner[k]] = k
        out[:, t] = scores[best, t]
    return out
