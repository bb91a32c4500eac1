"""Several references per target: read from a JSONL list, a Parquet column of
lists or several mapped columns; scored with multiref max (checked against
rouge-score's own ``score_multi``) or mean; used by the oracle; recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from run_helpers import news_articles, write_config, write_jsonl

from bench.api.article import Article
from bench.config import DatasetConfig, validate_config
from bench.data import load_dataset_from_config
from bench.metrics.rouge import sentence_lines
from bench.runs.runner import run
from bench.summarizers.oracle import OracleSettings, OracleSummarizer

SUMMARIZERS = [{"name": "lead-1", "type": "lead", "sentences": 1}, {"name": "lead-2", "type": "lead", "sentences": 2}]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    """40 made-up news articles (tests/news_fixture.py) whose standfirst has two human references: the
    standfirst itself and the headline (a shorter rewording of the same news)."""
    return [{"id": r["id"], "standfirst": [r["standfirst"], r["headline"]], "body": r["body"]}
            for r in news_articles(40)]


def load(source: Path, targets: list[str] | None = None, **settings: Any):
    return load_dataset_from_config(DatasetConfig(source=str(source), **settings), targets or ["standfirst"], 1)


def scored(tmp_path: Path, data: Path, multiref: str, backend: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    config = validate_config({
        "name": f"multi-{multiref}-{backend}", "dataset": {"source": str(data)}, "targets": ["standfirst"],
        "summarizers": SUMMARIZERS, "scoring": {"multiref": multiref, "backend": backend, "bootstrap": 100},
    })
    outcome = run(config, tmp_path / "runs", show_progress=False, use_cache=False)
    rows = [json.loads(line) for line in (outcome.directory.scores_path).read_text(encoding="utf-8").splitlines()]
    predictions = {(p["summarizer"], p["id"]): p["prediction"] for p in map(
        json.loads, outcome.directory.predictions_path.read_text(encoding="utf-8").splitlines())}
    return outcome.results, [{**r, "prediction": predictions[(r["summarizer"], r["id"])]} for r in rows]


@pytest.mark.parametrize("backend", ["fast", "rouge-score"])
def test_multiref_max_is_rouge_scores_score_multi(
    backend: str, rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    from rouge_score import rouge_scorer

    reference = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    summary_level = rouge_scorer.RougeScorer(["rougeLsum"], use_stemmer=True)
    refs = {r["id"]: r["standfirst"] for r in rows}
    results, score_rows = scored(tmp_path, write_jsonl(tmp_path / "a.jsonl", rows), "max", backend)
    assert len(score_rows) == 80
    for row in score_rows:
        expected = reference.score_multi(refs[row["id"]], row["prediction"])
        expected.update(summary_level.score_multi([sentence_lines(t) for t in refs[row["id"]]],
                                                  sentence_lines(row["prediction"])))
        for rouge_type, score in expected.items():
            got = row["scores"][rouge_type]
            assert (got["p"], got["r"], got["f"]) == pytest.approx(
                (score.precision, score.recall, score.fmeasure), abs=1e-12), (row["id"], rouge_type)
    assert results["dataset"]["references"] == {"standfirst": {"2": 40}}


def test_multiref_mean_is_the_mean_over_references_of_each_score(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    from rouge_score import rouge_scorer

    reference = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    refs = {r["id"]: r["standfirst"] for r in rows}
    _, score_rows = scored(tmp_path, write_jsonl(tmp_path / "a.jsonl", rows), "mean", "fast")
    for row in score_rows:
        each = [reference.score(ref, row["prediction"]) for ref in refs[row["id"]]]
        for rouge_type in ("rouge1", "rouge2", "rougeL"):
            mean = [sum(getattr(s[rouge_type], k) for s in each) / len(each) for k in ("precision", "recall", "fmeasure")]
            got = row["scores"][rouge_type]
            assert [got["p"], got["r"], got["f"]] == pytest.approx(mean, abs=1e-12)


def test_several_columns_a_list_column_and_a_parquet_list_give_the_same_articles(
    rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    as_list = load(write_jsonl(tmp_path / "list.jsonl", rows))
    columns = [{"id": r["id"], "sf": r["standfirst"][0], "hl": r["standfirst"][1], "body": r["body"]} for r in rows]
    as_columns = load(write_jsonl(tmp_path / "columns.jsonl", columns), fields={"standfirst": ["sf", "hl"]})
    table = pa.table({"id": [r["id"] for r in rows], "body": [r["body"] for r in rows],
                      "standfirst": pa.array([r["standfirst"] for r in rows], pa.list_(pa.string()))})
    pq.write_table(table, tmp_path / "lists.parquet")
    as_parquet = load(tmp_path / "lists.parquet")
    assert as_list.articles == as_columns.articles == as_parquet.articles
    assert as_list.fingerprint == as_columns.fingerprint == as_parquet.fingerprint
    assert as_list.articles[0].references("standfirst") == tuple(rows[0]["standfirst"])
    assert as_list.articles[0].standfirst == rows[0]["standfirst"][0]  # the first, for what shows one


def test_one_reference_in_a_list_is_the_article_a_plain_string_gives(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    plain = [{**r, "standfirst": r["standfirst"][0]} for r in rows]
    listed = [{**r, "standfirst": [r["standfirst"][0]]} for r in rows]
    a, b = load(write_jsonl(tmp_path / "a.jsonl", plain)), load(write_jsonl(tmp_path / "b.jsonl", listed))
    assert a.articles == b.articles and a.fingerprint == b.fingerprint
    assert load(write_jsonl(tmp_path / "c.jsonl", rows)).fingerprint != a.fingerprint  # a second reference counts


def test_single_reference_fingerprints_keep_the_recipe_they_had(shared_data: Path) -> None:
    """Runs made before several references existed stay on the same leaderboard boards."""
    import hashlib

    dataset = load_dataset_from_config(DatasetConfig(source=str(shared_data / "bbc_2004_2005.jsonl")),
                                       ["headline", "standfirst"], 1)
    digest = hashlib.sha256()
    for a in dataset.articles:
        digest.update(json.dumps([a.id, a.headline, a.standfirst, a.body], ensure_ascii=False).encode() + b"\n")
    assert dataset.fingerprint == "sha256:" + digest.hexdigest()[:16] == "sha256:5894e3ab4f00277d"


def test_empty_references_beside_real_ones_are_left_out_and_counted(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    changed = [dict(r) for r in rows[:5]]
    changed[1]["standfirst"] = [rows[1]["standfirst"][0], "", None]
    changed[3]["standfirst"] = ["  ", None]
    path = write_jsonl(tmp_path / "a.jsonl", changed)
    with pytest.raises(Exception, match=rf"article '{rows[3]['id']}' has an empty standfirst"):
        load(path)
    dataset = load(path, on_empty="skip")
    assert dataset.articles[1].references("standfirst") == (rows[1]["standfirst"][0],)
    assert dataset.skipped == {"empty_standfirst": [rows[3]["id"]]}
    record = dataset.record()
    assert record["dropped_empty_references"] == {"standfirst": 2}
    assert record["references"] == {"standfirst": {"1": 1, "2": 3}}
    assert any("2 empty standfirst reference(s) left out" in note for note in dataset.notes)


@pytest.mark.parametrize("rule", ["max", "mean"])
def test_the_oracle_chooses_by_every_reference(rule: str) -> None:
    """Checked against a brute force over the body's sentences with rouge-score:
    the oracle's first pick maximizes the mean of ROUGE-1 and ROUGE-2 F1, combined
    over the references by ``rule``."""
    from rouge_score import rouge_scorer

    from bench.summarizers.common import body_sentences

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)
    oracle = OracleSummarizer(OracleSettings(name="o", type="oracle", max_sentences=1, multiref=rule))
    changed = 0
    for r in news_articles(30):
        sentences = body_sentences(Article(id="x", body=r["body"]))
        refs = (r["headline"], sentences[len(sentences) // 2])  # the second one is a sentence of the body itself
        article = Article(id=r["id"], body=r["body"], headlines=refs)

        def objective(sentence: str) -> float:
            each = [(scorer.score(ref, sentence)["rouge1"].fmeasure + scorer.score(ref, sentence)["rouge2"].fmeasure)
                    / 2 for ref in refs]
            return max(each) if rule == "max" else sum(each) / len(each)

        best = max(range(len(sentences)), key=lambda i: (objective(sentences[i]), -i))
        picked = oracle.summarize([article], "headline")[0]
        assert objective(picked) == pytest.approx(objective(sentences[best]), abs=1e-12)
        single = oracle.summarize([Article(id=r["id"], body=r["body"], headline=r["headline"])], "headline")[0]
        changed += picked != single
    assert changed > 10  # the second reference really moves the oracle


def test_oracle_cache_keys_of_single_references_are_unchanged() -> None:
    from bench.cache.keys import PredictionKeys, _digest

    keys = PredictionKeys(OracleSummarizer, {"name": "o", "type": "oracle"}, 1)
    article = Article(id="x", body="One. Two.", headline="h", standfirst="s")
    assert keys.key("headline", article) == _digest([keys._base, "headline", ["x", "One. Two.", "h", "s"]])
    several = Article(id="x", body="One. Two.", headlines=("h", "h2"), standfirst="s")
    assert keys.key("headline", several) != keys.key("headline", article)


def test_a_run_config_with_several_references_end_to_end(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    """Through the command line: a JSONL list, both targets, the oracle among the systems."""
    from bench.cli import main as cli_main

    both = [{**r, "headline": r["standfirst"][1]} for r in rows[:12]]
    config = write_config(tmp_path / "c.yaml", write_jsonl(tmp_path / "a.jsonl", both),
                          [*SUMMARIZERS, {"name": "oracle", "type": "oracle"}])
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 0
    results = json.loads(next((tmp_path / "runs").glob("t-*/results.json")).read_text(encoding="utf-8"))
    assert results["dataset"]["references"] == {"headline": {"1": 12}, "standfirst": {"2": 12}}
    assert results["targets"]["standfirst"]["systems"]["oracle"]["oracle"] is True
    # The signature records the rule and the references per article (sacreBLEU's nrefs), per target and overall.
    assert "|multiref:max|nrefs:2|agg:mean|" in results["targets"]["standfirst"]["signature"]
    assert "nrefs" not in results["targets"]["headline"]["signature"]
    assert "|multiref:max|nrefs:1-2|agg:mean|" in results["signature"]
    assert "|multiref:max|nrefs:1-2|agg:mean|" in results["metrics"]["rouge"]["signature"]


def test_a_single_reference_signature_is_byte_identical_to_before(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    single = [{**r, "standfirst": r["standfirst"][0]} for r in rows[:12]]
    results, _ = scored(tmp_path, write_jsonl(tmp_path / "a.jsonl", single), "max", "fast")
    expected = ("rouge:1,2,L,Lsum|tok:rouge-score|stem:porter|lsum-split:bench-rules-2|multiref:max|agg:mean|"
                "bs:100|ci:95|seed:1234|v:0.1.0")
    assert results["signature"] == results["targets"]["standfirst"]["signature"] == expected


@pytest.mark.parametrize("rule", ["max", "mean"])
def test_the_compiled_oracle_picks_what_the_python_loop_picks_with_several_references(
    rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench.kernel import native

    if native() is None:
        pytest.skip("the compiled kernel is not built here (pip install -e .)")
    articles = [Article(id=r["id"], body=r["body"], headlines=(r["headline"], r["standfirst"]),
                        standfirsts=(r["standfirst"],)) for r in news_articles(60)]
    settings = OracleSettings(name="o", type="oracle", max_sentences={"headline": 2, "standfirst": 2}, multiref=rule)
    compiled = OracleSummarizer(settings).summarize(articles, "headline")
    monkeypatch.setenv("HEADLINE_BENCH_KERNEL", "python")
    assert OracleSummarizer(settings).summarize(articles, "headline") == compiled
