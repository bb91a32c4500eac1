"""The rouge155 metric: its keys, signature and numbers, and the XSum paper's table reproduced."""

from __future__ import annotations

import pytest

from bench.api.metric import ScoreItem
from bench.metrics.rouge155 import Rouge155Options, Rouge155Scorer
from bench.metrics.rouge155.metric import Rouge155Metric, Rouge155Settings
from rouge155_helpers import require_release

@pytest.fixture(autouse=True)
def _release_installed() -> None:
    require_release()  # the exception lists and stopwords come from the installed release


SYSTEMS = ("lead", "ext-oracle", "ptgen", "convs2s", "topic-convs2s")
# Narayan, Cohen and Lapata (EMNLP 2018), Table 4: ROUGE-1, ROUGE-2, ROUGE-L F1 on the XSum test set.
PUBLISHED = {
    "lead": (16.30, 1.60, 11.95),
    "ext-oracle": (29.79, 8.81, 22.66),
    "ptgen": (29.70, 9.21, 23.24),
    "convs2s": (31.27, 11.07, 25.23),
    "topic-convs2s": (31.89, 11.54, 25.75),
}


def items(texts, references, target="standfirst"):
    return [ScoreItem(str(k), target, t, (r,)) for k, (t, r) in enumerate(zip(texts, references), start=1)]


def test_keys_follow_the_options_and_the_signature_names_every_option() -> None:
    metric = Rouge155Metric(Rouge155Settings(n=3, wlcs_weight=1.2, skip_distance=4, skip_unigrams="both"))
    assert [k.name for k in metric.keys()] == ["rouge155-1", "rouge155-2", "rouge155-3", "rouge155-L",
                                               "rouge155-W", "rouge155-S4", "rouge155-SU4"]
    assert metric.signature() == [("rouge155", "-c95-r1000-n3-m-fA-p0.5-w1.2-2=4-U"), ("lines", "lines"),
                                  ("ids", "files2rouge")]
    assert Rouge155Metric(Rouge155Settings(stem=False, eval_ids="ids")).signature()[::2] == [
        ("rouge155", "-c95-r1000-n2-fA-p0.5"), ("ids", "ids.A")]


@pytest.mark.parametrize("bad", [dict(length_words=5, length_bytes=5), dict(skip_unigrams="only"), dict(n=-1),
                                 dict(formula="C"), dict(nonsense=1), dict(exception_order=("adj", "adj"))])
def test_settings_reject_what_the_script_would_refuse(bad) -> None:
    with pytest.raises(ValueError):
        Rouge155Settings(**bad)


def test_metric_gives_the_scripts_per_document_values_as_p_r_f() -> None:
    texts = ["Police said the man was arrested.", "Fire destroys a school in Leeds"]
    refs = ["A man has been arrested, police say.", "A fire has destroyed a Leeds primary school."]
    metric = Rouge155Metric(Rouge155Settings())
    units = Rouge155Scorer(Rouge155Options()).score_units(texts, [[r] for r in refs])
    got = metric.score(items(texts, refs))
    for k, row in enumerate(units["ROUGE-1"].tolist()):
        assert (got[k]["rouge155-1"]["r"], got[k]["rouge155-1"]["p"], got[k]["rouge155-1"]["f"]) == \
            tuple(v / 100000 for v in row)


def test_split_sentences_puts_each_sentence_on_its_own_line_for_rouge_l() -> None:
    text, ref = "Storms hit the coast. Thousands lose power.", "Thousands lose power as storms hit the coast."
    as_lines = Rouge155Metric(Rouge155Settings()).score(items([text], [ref]))[0]["rouge155-L"]
    split = Rouge155Metric(Rouge155Settings(sentences="split")).score(items([text], [ref]))[0]["rouge155-L"]
    assert split["r"] > as_lines["r"]  # the union LCS over two summary sentences finds more


def test_xsum_papers_table_is_reproduced_to_every_published_digit(shared_data) -> None:
    """The defaults (-c 95 -r 1000 -n 2 -m, files2rouge ids, the sorted exception DB) give
    Narayan et al.'s ROUGE-1/2/L F1 for all five systems, as the script reports them."""
    folder = shared_data / "xsum_test_outputs"
    gold = (folder / "gold-test-sentences.txt").read_text(encoding="utf-8").split("\n")[:-1]
    metric = Rouge155Metric(Rouge155Settings())
    table = {}
    for system in SYSTEMS:
        texts = (folder / f"{system}-test-output.txt").read_text(encoding="utf-8").split("\n")[:-1]
        found = metric.script_averages(items(texts, gold))
        table[system] = tuple(float(f"{found[k]['f']['mean'] * 100:.2f}")
                              for k in ("rouge155-1", "rouge155-2", "rouge155-L"))
    assert table == PUBLISHED


def run_dir(output):
    [path] = [p for p in output.iterdir() if p.is_dir()]
    return path


def test_bench_score_reproduces_the_xsum_table_and_keeps_it_off_rouge_score_boards(shared_data, tmp_path) -> None:
    """`bench score` on the official outputs, rouge155 as the primary metric: the script's
    averages (results: comparisons.rouge155) print the published digits, the plain means sit
    in the scores, and the board is keyed by rouge155's signature, not rouge-score's."""
    import json

    from bench.cli import main

    folder = shared_data / "xsum_test_outputs"
    out = tmp_path / "runs"
    code = main(["score", "-r", str(folder / "gold-test-sentences.txt"),
                 "-p", *[str(folder / f"{s}-test-output.txt") for s in SYSTEMS], "--name", *SYSTEMS,
                 "--oracle", "ext-oracle", "--target", "standfirst", "-o", str(out), "-q",
                 "--set", "metrics.rouge155={}", "--set", "primary=rouge155-L"])
    assert code == 0
    results = json.loads((run_dir(out) / "results.json").read_text())
    block = results["targets"]["standfirst"]
    script = block["comparisons"]["rouge155"]
    assert script["script_args"] == "-c 95 -r 1000 -n 2 -m -f A -p 0.5" and script["eval_ids"] == "files2rouge"
    table = {s: tuple(float(f"{script['systems'][s]['averages'][k]['f']['mean'] * 100:.2f}")
                      for k in ("rouge155-1", "rouge155-2", "rouge155-L")) for s in SYSTEMS}
    assert table == PUBLISHED
    lead = block["systems"]["lead"]["scores"]
    assert lead["rouge155-1"]["f"]["mean"] == pytest.approx(0.16298, abs=5e-6)  # the plain mean, beside
    assert lead["rouge1"]["f"]["mean"] == pytest.approx(0.16008, abs=5e-5)  # rouge-score's, beside
    assert block["signature"].startswith("rouge155:-c95-r1000-n2-m-fA-p0.5|lines:lines|ids:files2rouge|")
    board = tmp_path / "board.json"
    assert main(["leaderboard", str(run_dir(out)), "-o", str(board)]) == 0
    assert "rouge155" in board.with_suffix(".md").read_text(encoding="utf-8")
