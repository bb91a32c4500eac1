"""The built-in baselines: lead, lead-words, random and the oracle, and what
the runner lets each of them see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import pytest

from bench.api import Article, Source, Summarizer
from bench.api.summarizer import _registered, get_summarizer_class
from bench.config import validate_config
from bench.api.engine import Job
from bench.engines.local import LocalEngine, build_summarizer
from bench.metrics.rouge import RougeScorer
from bench.runs.runner import run
from bench.tokenizers.sentences import split_sentences

BODY = (
    "Mr. Smith paid $1.13bn for the U.S. firm on Monday. Shares rose 5%.\n"
    '"It is a great deal," he said. Analysts were less sure.\n'
    "The deal closes in May."
)
SENTENCES = split_sentences(BODY)


def make(type_name: str, seed: int = 0, **settings) -> Summarizer:
    return build_summarizer({"name": type_name, "type": type_name, **settings}, seed)


def article(i: int = 0, body: str = BODY, headline: str = "Smith buys US firm", standfirst: str = "A deal.") -> Article:
    return Article(id=f"a{i}", body=body, headline=headline, standfirst=standfirst)


def test_the_body_has_five_sentences() -> None:
    assert len(SENTENCES) == 5 and SENTENCES[0].endswith("on Monday.")


# --- lead ----------------------------------------------------------------------------


def test_lead_takes_the_first_k_sentences() -> None:
    src = [article().source()]
    assert make("lead").summarize(src, "headline") == [SENTENCES[0]]
    assert make("lead", sentences=3).summarize(src, "standfirst") == [" ".join(SENTENCES[:3])]
    assert make("lead", sentences=10).summarize(src, "standfirst") == [" ".join(SENTENCES)]


def test_lead_per_target() -> None:
    lead = make("lead", sentences={"headline": 1, "standfirst": 2})
    src = [article().source()]
    assert lead.summarize(src, "headline") == [SENTENCES[0]]
    assert lead.summarize(src, "standfirst") == [" ".join(SENTENCES[:2])]
    # A mapping that names one target keeps the default (1) for the other.
    partial = make("lead", sentences={"standfirst": 3})
    assert partial.settings.sentences == {"headline": 1, "standfirst": 3}


def test_lead_one_output_per_article_in_order() -> None:
    batch = [article(0).source(), article(1, body="Only one sentence here").source()]
    assert make("lead").summarize(batch, "headline") == [SENTENCES[0], "Only one sentence here"]


# --- lead-words -------------------------------------------------------------------------


def test_lead_words_default_budgets_per_target() -> None:
    lw = make("lead-words")
    src = [article().source()]
    words = SENTENCES[0].split()
    assert lw.summarize(src, "headline") == [" ".join(words[:10])]
    assert lw.summarize(src, "standfirst") == [SENTENCES[0]]  # 11 words, under 30


def test_lead_words_word_budget() -> None:
    lw = make("lead-words", max_words={"headline": 4, "standfirst": 6})
    src = [article().source()]
    assert lw.summarize(src, "headline") == ["Mr. Smith paid $1.13bn"]
    assert lw.summarize(src, "standfirst") == ["Mr. Smith paid $1.13bn for the"]


def test_lead_words_char_budget_cuts_at_a_word_boundary() -> None:
    lw = make("lead-words", max_words=None, max_chars={"headline": 20, "standfirst": 200})
    src = [article().source()]
    (headline,) = lw.summarize(src, "headline")
    assert headline == "Mr. Smith paid"  # "Mr. Smith paid $1.13bn" would be 22 characters
    assert lw.summarize(src, "standfirst") == [SENTENCES[0]]


def test_lead_words_both_budgets_hold() -> None:
    lw = make("lead-words", max_words=5, max_chars=15)
    assert lw.summarize([article().source()], "headline") == ["Mr. Smith paid"]
    assert lw.summarize([article().source()], "standfirst") == ["Mr. Smith paid"]


# --- random ---------------------------------------------------------------------------


def corpus(n: int = 40) -> list[Source]:
    bodies = [" ".join(f"Sentence {j} of article {i}." for j in range(8)) for i in range(n)]
    return [Source(id=f"id{i}", body=b) for i, b in enumerate(bodies)]


def test_random_picks_body_sentences_seeded() -> None:
    sources = corpus()
    first = make("random", seed=1).summarize(sources, "headline")
    assert first == make("random", seed=1).summarize(sources, "headline")
    assert first != make("random", seed=2).summarize(sources, "headline")
    for source, text in zip(sources, first):
        assert text in split_sentences(source.body)
    # Not always the lead: it is a random sentence.
    assert sum(text.startswith("Sentence 0 ") for text in first) < len(first) / 2


def test_random_does_not_depend_on_batch_size_or_order() -> None:
    sources = corpus()
    whole = dict(zip((s.id for s in sources), make("random", seed=3).summarize(sources, "standfirst")))
    summarizer = make("random", seed=3)
    reversed_sources = sources[::-1]
    for i in range(0, len(reversed_sources), 7):
        batch = reversed_sources[i : i + 7]
        assert dict(zip((s.id for s in batch), summarizer.summarize(batch, "standfirst"))) == {
            s.id: whole[s.id] for s in batch
        }


def test_random_k_sentences_in_body_order() -> None:
    (text,) = make("random", seed=0, sentences=3).summarize([Source("x", BODY)], "standfirst")
    picked = split_sentences(text)
    assert len(picked) == 3
    assert [SENTENCES.index(s) for s in picked] == sorted(SENTENCES.index(s) for s in picked)


# --- oracle ---------------------------------------------------------------------------


def test_oracle_is_declared_an_oracle_and_the_rest_are_not() -> None:
    assert get_summarizer_class("oracle").is_oracle
    assert not any(get_summarizer_class(t).is_oracle for t in ("lead", "lead-words", "random"))


def test_oracle_picks_the_sentence_with_the_best_rouge() -> None:
    reference = "Analysts were not sure"
    oracle = make("oracle")
    (pick,) = oracle.summarize([article(headline=reference)], "headline")
    scorer = RougeScorer(["rouge1", "rouge2"])
    scores = [scorer.score(s, [reference]) for s in SENTENCES]
    mean_f = [(s["rouge1"]["f"] + s["rouge2"]["f"]) / 2 for s in scores]
    assert pick == SENTENCES[mean_f.index(max(mean_f))] == "Analysts were less sure."


def test_oracle_adds_sentences_while_they_help_up_to_the_limit() -> None:
    reference = "Smith paid $1.13bn for the firm. Analysts were less sure."
    (two,) = make("oracle").summarize([article(standfirst=reference)], "standfirst")
    assert two == f"{SENTENCES[0]} {SENTENCES[3]}"  # two sentences, in body order
    (one,) = make("oracle", max_sentences=1).summarize([article(standfirst=reference)], "standfirst")
    assert one in (SENTENCES[0], SENTENCES[3])
    # A sentence that adds nothing is not added: one matching sentence stays one.
    (single,) = make("oracle", max_sentences=3).summarize([article(standfirst="The deal closes in May.")], "standfirst")
    assert single == "The deal closes in May."


def test_oracle_with_no_overlap_falls_back_to_the_lead() -> None:
    (pick,) = make("oracle").summarize([article(headline="Zebras quantum xylophone")], "headline")
    assert pick == SENTENCES[0]


@pytest.mark.parametrize("data", ["made-up", "real"])
def test_oracle_is_at_least_as_good_as_every_single_sentence_on_news_articles(data, news_jsonl, request) -> None:
    source = news_jsonl if data == "made-up" else request.getfixturevalue("shared_data") / "bbc_2004_2005.jsonl"
    with source.open(encoding="utf-8") as handle:
        rows = [json.loads(next(handle)) for _ in range(25)]
    articles = [Article(id=r["id"], body=r["body"], headline=r["headline"], standfirst=r["standfirst"]) for r in rows]
    scorer = RougeScorer(["rouge1", "rouge2"])

    def objective(text: str, reference: str) -> float:  # what the oracle maximises
        scores = scorer.score(text, [reference])
        return (scores["rouge1"]["f"] + scores["rouge2"]["f"]) / 2

    picks = make("oracle").summarize(articles, "headline")
    for a, pick in zip(articles, picks):
        sentences = split_sentences(a.body)
        assert pick in sentences
        assert objective(pick, a.headline) == pytest.approx(max(objective(s, a.headline) for s in sentences))


# --- what each summarizer is given -------------------------------------------------------------

SEEN: list[tuple[str, str, type]] = []


class SpySummarizer(Summarizer):
    """Records what it is given; writes a fixed string."""

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        for a in articles:
            SEEN.append((self.name, target, type(a)))
            assert not hasattr(a, "headline") and not hasattr(a, "standfirst") and not hasattr(a, "reference")
        return ["spy" for _ in articles]


class SpyOracle(SpySummarizer):
    is_oracle = True

    def summarize(self, articles: Sequence[Article], target: str) -> list[str]:
        SEEN.extend((self.name, target, type(a)) for a in articles)
        return [a.reference(target) for a in articles]


@pytest.fixture(autouse=True)
def spies(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the spies for one test only, so no other test sees them."""
    monkeypatch.setitem(_registered, "test-spy", SpySummarizer)
    monkeypatch.setitem(_registered, "test-spy-oracle", SpyOracle)
    SEEN.clear()


def test_engine_gives_oracles_articles_and_others_only_sources() -> None:
    batch = [article(0), article(1)]
    engine = LocalEngine()
    for settings in ({"name": "spy", "type": "test-spy"}, {"name": "peek", "type": "test-spy-oracle"}):
        list(engine.generate(settings, 0, [Job("headline", batch), Job("standfirst", batch)]))
    assert {(name, t) for name, _, t in SEEN} == {("spy", Source), ("peek", Article)}


def test_a_run_never_gives_references_to_a_non_oracle(tmp_path: Path) -> None:
    rows = [{"id": f"a{i}", "headline": f"Head {i}", "standfirst": f"Stand {i}.", "body": BODY} for i in range(5)]
    data = tmp_path / "articles.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = validate_config({
        "name": "spy",
        "dataset": {"source": str(data)},
        "summarizers": [{"name": "spy", "type": "test-spy"}, {"name": "peek", "type": "test-spy-oracle"}],
        "scoring": {"bootstrap": 10},
        "batch_size": 2,
    })
    outcome = run(config, tmp_path / "runs", show_progress=False, use_cache=False)
    seen_by = {name: {t for n, _, t in SEEN if n == name} for name in ("spy", "peek")}
    assert seen_by == {"spy": {Source}, "peek": {Article}}
    assert len(SEEN) == 2 * 2 * 5
    systems = outcome.results["targets"]["headline"]["systems"]
    assert systems["peek"]["oracle"] is True and systems["spy"]["oracle"] is False
    assert systems["peek"]["scores"]["rouge1"]["f"]["mean"] == pytest.approx(1.0)
