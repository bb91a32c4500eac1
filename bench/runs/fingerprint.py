"""The one recipe for "the same articles and references", shared by ``bench run``
and ``bench score``: per target, a hash of every scored article's id and its
reference texts, taken in id order.

It covers exactly what a score depends on besides the prediction, and nothing
a ``bench score`` cannot see (bodies, the other target's references), so a
``bench score`` of predictions against a dataset's standfirsts and a ``bench
run`` on the same articles have the same fingerprint for ``standfirst`` and
land on one leaderboard board. (A run's ``dataset.fingerprint`` stays the hash
of the whole articles, bodies included: it is what a resumed run checks.)
"""

from __future__ import annotations

import hashlib
import json
from typing import Mapping, Sequence


def reference_fingerprint(references: Mapping[str, Sequence[str]]) -> str:
    """``{id: references}`` of one target -> ``sha256:`` and 16 hex digits."""
    digest = hashlib.sha256()
    for article_id in sorted(references):
        digest.update(json.dumps([article_id, list(references[article_id])], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()[:16]


def reference_fingerprints(references: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """``{"target\\tid": references}`` -> ``{target: fingerprint}``, targets in first-seen order."""
    by_target: dict[str, dict[str, Sequence[str]]] = {}
    for key, texts in references.items():
        target, _, article_id = key.partition("\t")
        by_target.setdefault(target, {})[article_id] = texts
    return {target: reference_fingerprint(found) for target, found in by_target.items()}
