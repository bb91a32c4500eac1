"""Standard corpora by name (bench/tasks/*.yaml), the dataset-format registry,
and targets that are only what a config scores.

Offline, each Hub task runs on a small Parquet file with that Hub dataset's
exact schema (column names and types), written here from real shared-data
articles, and read through the code path the Hub uses: ``datasets``' Parquet
builder, and ``datasets.load_dataset(repo, data_files=..., split=...)`` on a
folder laid out as the Hub's Parquet export, with the task's own mapping.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from run_helpers import bbc_articles, news_articles, write_config, write_jsonl

from bench.cli import main as cli_main
from bench.config import DatasetConfig, validate_config
from bench.data import load_dataset_from_config
from bench.data.tasks import all_tasks, task_run_config
from bench.errors import DataError
from bench.tokenizers.sentences import split_sentences

HUB_TASKS = ("xsum", "cnn_dailymail", "gigaword", "xlsum_english")
LOCAL_TASKS = ("bbc_2004_2005", "xsum_test_subset", "wikinews_en", "wikinews_2019_2020")


def read_jsonl(path: Path, n: int) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(next(handle)) for _ in range(n)]


def hub_shaped(task: str, shared: Path, several: bool = False) -> "Any":
    """A pyarrow table with the Hub dataset's exact schema, from real articles.
    ``several`` adds a second reference the way such data has it."""
    import pyarrow as pa

    string = pa.string()
    if task == "xsum":  # EdinburghNLP/xsum: document, summary, id
        rows = read_jsonl(shared / "xsum_test_subset.jsonl", 24)
        columns = {"document": [r["body"] for r in rows], "summary": [r["standfirst"] for r in rows],
                   "id": [r["id"] for r in rows]}
        extra = {"summary_2": [r["headline"] for r in rows]}
    elif task == "cnn_dailymail":  # abisee/cnn_dailymail 3.0.0: article, highlights, id
        rows = read_jsonl(shared / "wikinews_en.jsonl", 24)
        highlights = ["\n".join(split_sentences(r["standfirst"])) for r in rows]
        columns = {"article": [r["body"] for r in rows], "highlights": highlights, "id": [r["id"] for r in rows]}
        if several:  # a column of lists
            lists = pa.array([[h, r["headline"]] for h, r in zip(highlights, rows)], pa.list_(string))
            return pa.table({**columns, "highlights": lists})
        extra = {}
    elif task == "gigaword":  # Harvard/gigaword: document, summary (no id)
        rows = bbc_articles(shared, 24)
        columns = {"document": [split_sentences(r["body"])[0] for r in rows], "summary": [r["headline"] for r in rows]}
        extra = {"summary_2": [r["standfirst"] for r in rows]}
    else:  # csebuetnlp/xlsum: id, url, title, summary, text
        rows = read_jsonl(shared / "xsum_test_subset.jsonl", 24)
        columns = {"id": [r["id"] for r in rows], "url": [r["url"] for r in rows], "title": [r["headline"] for r in rows],
                   "summary": [r["standfirst"] for r in rows], "text": [r["body"] for r in rows]}
        extra = {}
    if several:
        columns.update(extra)
    return pa.table({name: pa.array(values, string) for name, values in columns.items()})


def write_parquet(table: Any, path: Path) -> Path:
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path


def bench_run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    output = Path(argv[argv.index("-o") + 1])
    before = set(output.glob("*")) if output.exists() else set()
    assert cli_main(["run", *argv, "-q"]) == 0, capsys.readouterr().err
    (run_dir,) = set(output.glob("*")) - before
    return json.loads((run_dir / "results.json").read_text(encoding="utf-8"))


def one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        sys.exit(cli_main(argv))
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert exited.value.code == 2 and len(lines) == 1, lines
    return lines[0]


# --- the task files ------------------------------------------------------------


def test_every_shipped_task_is_complete_and_its_baselines_run() -> None:
    tasks = all_tasks()
    assert set(HUB_TASKS) | set(LOCAL_TASKS) <= set(tasks)
    assert len([t for t in tasks if t.startswith("xlsum_")]) == 45
    for name, task in tasks.items():
        assert task.license and task.citation and task.description, name
        config = validate_config(task_run_config(name) if task.hub else
                                 {**task_run_config(name), "dataset": {"task": name, "source": "x.jsonl"}})
        assert config.dataset.task == name and config.targets == task.targets
        if task.hub:
            assert config.dataset.source.startswith("hf:") and config.dataset.split == "test"
            assert task.baselines is not None and task.baselines.scores and task.baselines.source, name
            assert task.baselines.target in task.targets


def test_xlsum_tasks_score_with_the_unicode_tokenizer_and_read_their_own_language() -> None:
    for name, task in all_tasks().items():
        if name.startswith("xlsum_"):
            config = validate_config(task_run_config(name))
            assert config.scoring.tokenizer == "unicode"
            assert config.dataset.data_files == f"{name.removeprefix('xlsum_')}/test/*.parquet"
    english = all_tasks()["xlsum_english"].baselines.scores[0]
    assert (english.rouge1, english.rouge2, english.rougeL) == (37.601, 15.1536, 29.8817)


def test_a_config_setting_wins_over_the_task(tmp_path: Path) -> None:
    config = validate_config({
        "name": "x", "dataset": {"task": "xlsum_english", "split": "validation"}, "summarizers": [{"name": "l", "type": "lead"}],
        "targets": ["headline"], "scoring": {"tokenizer": "rouge-score"},
    })
    assert config.dataset.split == "validation" and config.targets == ["headline"]
    assert config.scoring.tokenizer == "rouge-score"
    assert config.dataset.fields == {"id": "id", "headline": "title", "standfirst": "summary", "body": "text"}


# --- Hub tasks on exact-schema Parquet, offline -----------------------------------


@pytest.mark.parametrize(("task", "several"), [
    *((t, False) for t in HUB_TASKS),
    *((t, True) for t in ("xsum", "cnn_dailymail", "gigaword")),  # XL-Sum has one summary per article
])
def test_a_hub_task_runs_by_name_on_a_parquet_file_with_its_schema(
    task: str, several: bool, shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_parquet(hub_shaped(task, shared_data, several), tmp_path / f"{task}.parquet")
    spec = all_tasks()[task]
    argv = ["--task", task, "--set", f"dataset.source={data}", "-o", str(tmp_path / "runs")]
    second = {"xsum": ("standfirst", "[summary, summary_2]"), "gigaword": ("headline", "[summary, summary_2]")}
    if several and task in second:
        argv += ["--set", f"dataset.fields.{second[task][0]}={second[task][1]}"]
    results = bench_run(argv, capsys)
    assert results["dataset"]["task"] == task and results["dataset"]["n_articles"] == 24
    assert sorted(results["targets"]) == sorted(spec.targets)
    expected_refs = "2" if several else "1"
    for target in spec.targets:
        assert results["dataset"]["references"][target] == {expected_refs if target == spec.baselines.target else "1": 24}
        assert set(results["targets"][target]["systems"]) == {s["name"] for s in spec.summarizers}
    assert ("tok:unicode" in results["signature"]) == (task == "xlsum_english")
    if task == "gigaword":
        assert results["dataset"]["ids"][:2] == ["row-0", "row-1"] and results["dataset"]["ids_numbered_by_row"]


@pytest.mark.parametrize("task", ["xsum", "gigaword", "xlsum_english"])
def test_a_hub_task_reads_its_data_files_from_a_folder_laid_out_as_the_hub_export(
    task: str, shared_data: Path, tmp_path: Path
) -> None:
    """``datasets.load_dataset(repo, data_files=the task's pattern, split=test)``, the
    call made online, on a local folder: only the task's files (and language) are read."""
    spec = all_tasks()[task]
    pattern = spec.dataset["data_files"]
    table = hub_shaped(task, shared_data)
    write_parquet(table, tmp_path / "repo" / pattern.replace("*", "0000"))
    write_parquet(table.slice(0, 5), tmp_path / "repo" / pattern.replace("*", "0000").replace("test", "train"))
    if task == "xlsum_english":
        write_parquet(table.slice(0, 3), tmp_path / "repo" / "arabic" / "test" / "0000.parquet")
    config = DatasetConfig(task=task, source=f"hf:{tmp_path / 'repo'}", revision=None)
    dataset = load_dataset_from_config(config, spec.targets, 1)
    assert len(dataset.articles) == 24 and dataset.format == "hf"
    local = load_dataset_from_config(DatasetConfig(task=task, source=str(write_parquet(table, tmp_path / "t.parquet"))),
                                     spec.targets, 1)
    assert dataset.fingerprint == local.fingerprint  # the Hub path and a local copy read the same articles


def test_cnn_dailymail_highlights_keep_one_sentence_a_line(shared_data: Path, tmp_path: Path) -> None:
    table = hub_shaped("cnn_dailymail", shared_data)
    data = write_parquet(table, tmp_path / "cnn.parquet")
    dataset = load_dataset_from_config(DatasetConfig(task="cnn_dailymail", source=str(data)), ["standfirst"], 1)
    highlights = table.column("highlights").to_pylist()
    multi = [i for i, h in enumerate(highlights) if "\n" in h]
    assert multi, "the wikinews lead paragraphs give several sentences"
    for i in multi:
        assert dataset.articles[i].standfirst == highlights[i]  # the line breaks are the sentence ends
    xsum_like = DatasetConfig(source=str(data), fields={"standfirst": "highlights", "body": "article"},
                              reference_sentences="split")
    joined = load_dataset_from_config(xsum_like, ["standfirst"], 1)
    assert joined.articles[multi[0]].standfirst == highlights[multi[0]].replace("\n", " ")


def test_a_gigaword_shaped_file_is_scored_on_the_headline_only(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Gigaword has no standfirst column: asking for one is one line naming what to map."""
    data = write_parquet(hub_shaped("gigaword", shared_data), tmp_path / "g.parquet")
    results = bench_run(["--task", "gigaword", "--set", f"dataset.source={data}", "-o", str(tmp_path / "runs")], capsys)
    assert list(results["targets"]) == ["headline"]
    line = one_line_error(["run", "--task", "gigaword", "--set", f"dataset.source={data}",
                           "--set", "targets=[headline, standfirst]", "-o", str(tmp_path / "r")], capsys)
    assert "g.parquet: no column 'standfirst' for the article standfirst; columns are ['document', 'summary']" in line
    assert line.endswith("map it with dataset.fields.standfirst")


# --- local tasks, names, listing --------------------------------------------------


def test_local_tasks_read_the_shared_data_beside_the_checkout(shared_data: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    for task in LOCAL_TASKS:
        config = DatasetConfig(task=task)
        assert Path(config.source) == shared_data / all_tasks()[task].local_file
    results = bench_run(["--task", "wikinews_en", "-o", str(tmp_path / "runs")], capsys)
    assert results["dataset"]["n_articles"] == 40 and results["name"] == "wikinews_en"


def test_a_local_task_without_its_data_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HEADLINE_BENCH_DATA", str(tmp_path / "empty"))
    line = one_line_error(["run", "--task", "bbc_2004_2005", "-o", str(tmp_path / "r")], capsys)
    assert f"task 'bbc_2004_2005' reads {tmp_path / 'empty' / 'bbc_2004_2005.jsonl'}, which is not there" in line
    assert "HEADLINE_BENCH_DATA" in line and not (tmp_path / "r").exists()


def test_an_unknown_task_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "unknown task 'xsumm'; 'bench list' shows the tasks" in one_line_error(
        ["run", "--task", "xsumm", "-o", str(tmp_path / "r")], capsys)
    config = write_config(tmp_path / "c.yaml", "x.jsonl", [{"name": "l", "type": "lead"}])
    raw = config.read_text().replace("source: x.jsonl", "task: xsumm")
    config.write_text(raw)
    assert "dataset: unknown task 'xsumm'" in one_line_error(["run", str(config), "-o", str(tmp_path / "r")], capsys)


def test_task_with_a_config_runs_the_configs_summarizers_on_the_tasks_data(
    shared_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path / "c.yaml", "elsewhere.jsonl", [{"name": "lead-2", "type": "lead", "sentences": 2}],
                          name="mine", targets=["headline"])
    results = bench_run([str(config), "--task", "wikinews_en", "-o", str(tmp_path / "runs")], capsys)
    assert results["name"] == "mine-wikinews_en" and results["dataset"]["task"] == "wikinews_en"
    assert sorted(results["targets"]) == ["headline", "standfirst"]  # the task's targets, not the config's
    assert list(results["targets"]["headline"]["systems"]) == ["lead-2"]


def test_bench_list_shows_formats_and_tasks(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("json", "csv", "parquet", "seeds", "hf", *HUB_TASKS, *LOCAL_TASKS):
        assert f"\n  {name} " in out, name
    assert "hf:abisee/cnn_dailymail:3.0.0" in out


def test_a_new_format_is_one_registered_class(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow as pa

    from bench.data import formats

    class TabSeparated(formats.DatasetFormat):
        name = "tsv-test"
        description = "tab-separated values, one article a line"
        suffixes = (".tsv",)

        def read(self, source: str, config: DatasetConfig, wanted: dict[str, formats.Role]) -> formats.RawTable:
            header, *rows = [line.split("\t") for line in Path(source).read_text(encoding="utf-8").splitlines()]
            table = pa.table({h: [r[i] for r in rows] for i, h in enumerate(header)})
            return formats.RawTable.from_table(table.select([n for n in wanted if n in header]), header, source)

    monkeypatch.setitem(formats.REGISTRY.registered, "tsv-test", TabSeparated)
    (tmp_path / "a.tsv").write_text("id\theadline\tbody\n7\tA title\tThe body. Two.\n", encoding="utf-8")
    dataset = load_dataset_from_config(DatasetConfig(source=str(tmp_path / "a.tsv")), ["headline"], 1)
    assert dataset.format == "tsv-test" and dataset.articles[0].headline == "A title"
    assert DatasetConfig(source="x", format="tsv-test").format == "tsv-test"
    assert cli_main(["list"]) == 0 and "tsv-test" in capsys.readouterr().out


# --- targets are what the config scores -------------------------------------------


def test_a_source_without_headlines_runs_when_only_the_standfirst_is_scored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{k: r[k] for k in ("id", "standfirst", "body")} for r in news_articles(10)]
    data = write_jsonl(tmp_path / "a.jsonl", rows)
    config = write_config(tmp_path / "c.yaml", data, [{"name": "lead-1", "type": "lead"}], targets=["standfirst"])
    results = bench_run([str(config), "-o", str(tmp_path / "runs")], capsys)
    assert list(results["targets"]) == ["standfirst"]
    both = write_config(tmp_path / "both.yaml", data, [{"name": "lead-1", "type": "lead"}])
    line = one_line_error(["run", str(both), "-o", str(tmp_path / "r")], capsys)
    assert "a.jsonl: no column 'headline' for the article headline" in line
    assert line.endswith("map it with dataset.fields.headline")


def test_an_unscored_target_mapped_to_a_missing_column_is_still_an_error(tmp_path: Path) -> None:
    rows = [{k: r[k] for k in ("id", "standfirst", "body")} for r in news_articles(3)]
    config = DatasetConfig(source=str(write_jsonl(tmp_path / "a.jsonl", rows)), fields={"headline": "title"})
    with pytest.raises(DataError, match=r"no column 'title' for the article headline.*fix dataset\.fields\.headline"):
        load_dataset_from_config(config, ["standfirst"], 1)


def test_an_unscored_column_that_is_not_text_is_left_out_with_a_note(tmp_path: Path) -> None:
    import pyarrow as pa

    rows = news_articles(3)
    table = pa.table({"id": [r["id"] for r in rows], "headline": [1, 2, 3], "standfirst": [r["standfirst"] for r in rows],
                      "body": [r["body"] for r in rows]})
    dataset = load_dataset_from_config(DatasetConfig(source=str(write_parquet(table, tmp_path / "a.parquet"))),
                                       ["standfirst"], 1)
    assert dataset.articles[0].references("headline") == ()
    assert any("column 'headline' does not hold text, and the headline is not scored: left out" in n
               for n in dataset.notes)
    with pytest.raises(DataError, match=r"column 'headline' \(the headline\) holds int64 values"):
        load_dataset_from_config(DatasetConfig(source=str(tmp_path / "a.parquet")), ["headline"], 1)
