"""BERTScore: checked against a hand computation and against the bert_score package
(the reference implementation) with a tiny local BERT, and with the packaged MiniLM."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from bench.api.metric import ScoreItem, get_metric_class
from bench.errors import ConfigError, UserError
from bench.metrics.bertscore import BERTScoreMetric, BERTScoreSettings, default_layer

CANDIDATES = [
    "The government will raise taxes next year.",
    "Police arrested three people in London.",
    "Shares fell sharply after the warning.",
    "Scientists say",
    "The minister told reporters the plan would cut waiting times and help millions of patients.",
]
REFERENCES = [
    ["The government announced on Thursday that it would raise taxes."],
    ["Three people were arrested after the match.", "Police held three men in London."],
    ["Shares in the company fell after it warned on profits."],
    ["The new drug could help millions of patients."],
    ["Waiting times will fall, the minister said."],
]


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_bert import build_tiny_bert

    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert") / "model")


@pytest.fixture(scope="module")
def baseline_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("baseline") / "tiny.tsv"
    rows = ["LAYER,P,R,F"] + [f"{i},{0.5 + i / 100},{0.55 + i / 100},{0.52 + i / 100}" for i in range(4)]
    path.write_text("\n".join(rows) + "\n")
    return path


def items(candidates=CANDIDATES, references=REFERENCES) -> list[ScoreItem]:
    return [ScoreItem(str(i), "headline", c, tuple(r)) for i, (c, r) in enumerate(zip(candidates, references))]


def ours(model: Path | str, **settings) -> list[tuple[float, float, float]]:
    metric = BERTScoreMetric(BERTScoreSettings(model=str(model), device="cpu", **settings))
    return [(s["bertscore"]["p"], s["bertscore"]["r"], s["bertscore"]["f"]) for s in metric.score(items())]


def reference(model: Path | str, layer: int, idf: bool, baseline: Path | None = None):
    """bert_score.score, one pair per batch (its padded batches let masked zeros win a max)."""
    import bert_score

    P, R, F = bert_score.score(
        CANDIDATES, REFERENCES, model_type=str(model), num_layers=layer, idf=idf, batch_size=1, nthreads=0,
        device="cpu", rescale_with_baseline=baseline is not None, baseline_path=str(baseline) if baseline else None,
        lang="en" if baseline else None,
    )
    return [(float(p), float(r), float(f)) for p, r, f in zip(P, R, F)]


@pytest.mark.parametrize("layer, idf, rescale", [(2, False, False), (2, True, False), (3, True, True), (1, False, True)])
def test_bertscore_equals_the_bert_score_package(tiny_bert: Path, baseline_file: Path, layer, idf, rescale) -> None:
    pytest.importorskip("bert_score")
    baseline = baseline_file if rescale else None
    got = ours(tiny_bert, layer=layer, idf=idf, baseline=str(baseline) if baseline else None)
    expected = reference(tiny_bert, layer, idf, baseline)
    for mine, theirs in zip(got, expected):
        assert mine == pytest.approx(theirs, abs=1e-6)


def _embeddings(model_path: Path, sentence: str, layer: int):
    """Hidden state ``layer`` of the full model (not cut), and the token ids, straight from transformers."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModel.from_pretrained(model_path).eval()
    ids = tokenizer(sentence.strip(), return_tensors="pt")
    with torch.no_grad():
        hidden = model(**ids, output_hidden_states=True).hidden_states[layer][0]
    return ids["input_ids"][0].tolist(), hidden.double().tolist(), tokenizer


def _cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b))
    return dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_bertscore_equals_a_hand_computation_with_idf(tiny_bert: Path) -> None:
    """Greedy matching written out: every candidate token's best cosine over the reference tokens
    (and back), weighted by idf = log((M + 1) / (df + 1)) over the M references, [CLS]/[SEP] at 0."""
    layer = 2
    all_refs = [r for refs in REFERENCES for r in refs]
    token_sets = [set(_embeddings(tiny_bert, r, layer)[0]) for r in all_refs]
    m = len(all_refs)

    def idf(token: int) -> float:
        df = sum(token in tokens for tokens in token_sets)
        return math.log((m + 1) / (df + 1))

    got = ours(tiny_bert, layer=layer, idf=True)
    for index in (0, 2, 4):
        c_ids, c_emb, _ = _embeddings(tiny_bert, CANDIDATES[index], layer)
        r_ids, r_emb, _ = _embeddings(tiny_bert, REFERENCES[index][0], layer)
        best_c = [max(_cosine(c, r) for r in r_emb) for c in c_emb]
        best_r = [max(_cosine(c, r) for c in c_emb) for r in r_emb]
        p = sum(idf(t) * s for t, s in zip(c_ids, best_c)) / sum(idf(t) for t in c_ids)
        r = sum(idf(t) * s for t, s in zip(r_ids, best_r)) / sum(idf(t) for t in r_ids)
        assert got[index] == pytest.approx((p, r, 2 * p * r / (p + r)), abs=1e-6)


def test_without_idf_every_token_weighs_one_and_special_tokens_none(tiny_bert: Path) -> None:
    layer = 1
    c_ids, c_emb, tokenizer = _embeddings(tiny_bert, CANDIDATES[0], layer)
    r_ids, r_emb, _ = _embeddings(tiny_bert, REFERENCES[0][0], layer)
    special = {tokenizer.cls_token_id, tokenizer.sep_token_id}
    best_c = [max(_cosine(c, r) for r in r_emb) for t, c in zip(c_ids, c_emb) if t not in special]
    best_r = [max(_cosine(c, r) for c in c_emb) for t, r in zip(r_ids, r_emb) if t not in special]
    p, r = sum(best_c) / len(best_c), sum(best_r) / len(best_r)
    assert ours(tiny_bert, layer=layer)[0] == pytest.approx((p, r, 2 * p * r / (p + r)), abs=1e-6)


def test_with_several_references_each_of_p_r_f_is_the_best_over_them(tiny_bert: Path) -> None:
    singles = [
        BERTScoreMetric(BERTScoreSettings(model=str(tiny_bert), layer=2, device="cpu")).score(
            [ScoreItem("x", "headline", CANDIDATES[1], (ref,))]
        )[0]["bertscore"]
        for ref in REFERENCES[1]
    ]
    both = ours(tiny_bert, layer=2)[1]
    # 1e-6: a sentence padded in a batch of others gets embeddings equal to ~1e-9, not bit for bit
    assert both == pytest.approx(tuple(max(s[c] for s in singles) for c in "prf"), abs=1e-6)


def test_idf_counts_each_article_once_however_many_systems_are_scored_together(tiny_bert: Path) -> None:
    metric = BERTScoreMetric(BERTScoreSettings(model=str(tiny_bert), layer=2, idf=True, device="cpu"))
    other = [c.upper() for c in CANDIDATES]  # a second system on the same articles
    alone = metric.score(items())
    together = metric.score(items() + items(other))
    for a, b in zip(alone, together):
        assert a["bertscore"] == pytest.approx(b["bertscore"], abs=1e-6)


def test_an_empty_output_scores_zero(tiny_bert: Path) -> None:
    metric = BERTScoreMetric(BERTScoreSettings(model=str(tiny_bert), layer=2, device="cpu"))
    (row,) = metric.score([ScoreItem("x", "headline", "  ", ("Police held three men.",))])
    assert row == {"bertscore": {"p": 0.0, "r": 0.0, "f": 0.0}}


def test_scores_do_not_depend_on_the_order_of_items(tiny_bert: Path) -> None:
    metric = BERTScoreMetric(BERTScoreSettings(model=str(tiny_bert), layer=2, idf=True, device="cpu", batch_size=2))
    forward = metric.score(items())
    backward = metric.score(items()[::-1])[::-1]
    assert forward == backward


def test_the_signature_names_model_layer_idf_and_rescaling(tiny_bert: Path, baseline_file: Path) -> None:
    plain = dict(BERTScoreMetric(BERTScoreSettings(model=str(tiny_bert), layer=2)).signature())
    assert plain["bertscore"].startswith("local:model@") and plain["bert-layer"] == "2"
    assert plain["bert-idf"] == "no" and plain["bert-rescale"] == "no"
    other = dict(BERTScoreMetric(BERTScoreSettings(model=str(tiny_bert), layer=3, idf=True, baseline=str(baseline_file))).signature())
    assert other["bert-layer"] == "3" and other["bert-idf"] == "refs" and other["bert-rescale"].startswith("baseline-")
    assert dict(BERTScoreMetric(BERTScoreSettings()).signature())["bertscore"].startswith("all-MiniLM-L6-v2@gt-")
    (key,) = BERTScoreMetric(BERTScoreSettings()).keys()
    assert key.name == "bertscore" and key.columns == ("p", "r", "f") and key.rankable and key.primary_column == "f"


def test_layers_default_to_the_ones_bert_score_tuned() -> None:
    assert default_layer("roberta-large") == 17 and default_layer("FacebookAI/roberta-large") == 17
    assert default_layer("bert-base-uncased") == 9 and default_layer("microsoft/deberta-xlarge-mnli") == 40
    assert BERTScoreMetric(BERTScoreSettings()).layer == 6
    with pytest.raises(ConfigError, match="layer"):
        BERTScoreMetric(BERTScoreSettings(model="someone/unknown-encoder"))


def test_a_layer_beyond_the_model_is_a_one_line_error(tiny_bert: Path) -> None:
    metric = BERTScoreMetric(BERTScoreSettings(model=str(tiny_bert), layer=9, device="cpu"))
    with pytest.raises(UserError, match="layer 9") as error:
        metric.score(items())
    assert "\n" not in str(error.value)


def test_a_hub_id_not_in_the_cache_is_one_clear_line_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    metric = BERTScoreMetric(BERTScoreSettings(model="someone/not-downloaded-encoder", layer=4))
    with pytest.raises(UserError) as error:
        metric.score(items())
    message = str(error.value)
    assert "not in the local Hugging Face cache" in message and "\n" not in message


def test_a_bad_baseline_file_is_a_config_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("nothing,here\n1,2\n")
    with pytest.raises(ConfigError, match="LAYER,P,R,F"):
        BERTScoreMetric(BERTScoreSettings(baseline=str(bad)))
    with pytest.raises(ConfigError, match="cannot be read"):
        BERTScoreMetric(BERTScoreSettings(baseline=str(tmp_path / "missing.tsv")))


def test_the_packaged_minilm_default_equals_bert_score_on_real_headlines(shared_data: Path) -> None:
    """The offline default (all-MiniLM-L6-v2 layer 6) on real BBC headlines against their standfirsts."""
    pytest.importorskip("bert_score")
    import json

    from bench.models.minilm import minilm_path

    rows = [json.loads(line) for _, line in zip(range(12), (shared_data / "bbc_2004_2005.jsonl").open())]
    cands, refs = [r["headline"] for r in rows], [[r["standfirst"]] for r in rows]
    metric = BERTScoreMetric(BERTScoreSettings(idf=True, device="cpu"))
    got = metric.score([ScoreItem(r["id"], "headline", c, tuple(ref)) for r, c, ref in zip(rows, cands, refs)])
    import bert_score

    P, R, F = bert_score.score(
        cands, refs, model_type=str(minilm_path("the test")), num_layers=6, idf=True, batch_size=1, nthreads=0, device="cpu"
    )
    for row, p, r, f in zip(got, P, R, F):
        assert (row["bertscore"]["p"], row["bertscore"]["r"], row["bertscore"]["f"]) == pytest.approx(
            (float(p), float(r), float(f)), abs=1e-6
        )


def test_bertscore_is_registered_and_importing_it_loads_no_torch() -> None:
    assert get_metric_class("bertscore") is BERTScoreMetric
    code = "import sys, bench.metrics.bertscore; print('torch' in sys.modules, 'transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_roberta_style_text_is_encoded_with_a_prefix_space_as_bert_score_intends(tmp_path: Path, monkeypatch) -> None:
    """bert_score encodes RoBERTa/GPT-2 text with add_prefix_space=True (its published layers and
    baselines were made so). Under transformers 5 that argument to encode() is ignored, so the
    reference is given the intended encoding explicitly; the algorithm must then agree exactly."""
    bert_score = pytest.importorskip("bert_score")
    from tiny_bert import build_tiny_roberta

    path = build_tiny_roberta(tmp_path / "roberta")
    metric = BERTScoreMetric(BERTScoreSettings(model=str(path), layer=2, device="cpu"))
    got = [(s["bertscore"]["p"], s["bertscore"]["r"], s["bertscore"]["f"]) for s in metric.score(items())]
    encoder = metric._encoder
    plain = encoder.tokenizer.convert_ids_to_tokens(encoder.tokenize("Police arrested"))
    assert plain[1].startswith("Ġ")  # the first word carries its space, like every other word

    def sent_encode(tokenizer, sentence):
        return encoder.tokenize(sentence)

    monkeypatch.setattr(bert_score.utils, "sent_encode", sent_encode)
    expected = reference(path, 2, idf=False)
    for mine, theirs in zip(got, expected):
        assert mine == pytest.approx(theirs, abs=1e-6)
