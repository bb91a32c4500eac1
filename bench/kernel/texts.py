"""Distinct texts of a batch of pairs: each text is prepared and tokenized once."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from bench.kernel import native


def index_texts(preds: Sequence[str], refs: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(distinct texts in first-seen order, each pair's prediction text index, each
    pair's reference text index) for pairs (preds[k], refs[k])."""
    kernel = native()
    if kernel is not None:
        return kernel.index_texts(list(preds), list(refs))[:3]
    texts: dict[str, int] = {}
    pred_tid = np.fromiter((texts.setdefault(p, len(texts)) for p in preds), dtype=np.int32, count=len(preds))
    ref_tid = np.fromiter((texts.setdefault(r, len(texts)) for r in refs), dtype=np.int32, count=len(refs))
    return list(texts), pred_tid, ref_tid
