"""Text is read as text, exactly as written: nothing coerced, guessed or dropped
without a line saying so (issue 16, part 2). Each case either comes out with the
right value or stops with one line (exit 2) that names the file, line or field."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from run_helpers import bench, news_articles, write_config, write_jsonl

from bench.cli import main as cli_main
from bench.config import DatasetConfig
from bench.data import load_dataset_from_config
from bench.errors import DataError

BOTH = ["headline", "standfirst"]
LEAD = [{"name": "lead-1", "type": "lead", "sentences": 1}]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    """Six real BBC articles: id, headline, standfirst, body."""
    return [{k: r[k] for k in ("id", "headline", "standfirst", "body")} for r in news_articles(6)]


def load(source: Path, targets: list[str] = BOTH, **settings: Any):
    return load_dataset_from_config(DatasetConfig(source=str(source), **settings), targets, 1234)


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI; it must exit 2 with exactly one stderr line, which is returned."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        sys.exit(cli_main(argv))
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert exited.value.code == 2 and len(lines) == 1, err
    assert lines[0].startswith("bench: error: ") and "Traceback" not in err
    return lines[0]


def run_ok(config: Path, output: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    capsys.readouterr()
    assert cli_main(["run", str(config), "-o", str(output), "-q", "--no-cache"]) == 0
    return sorted(output.iterdir())[-1], capsys.readouterr().err


def test_csv_ids_with_leading_zeros_are_recorded_as_written(
    rows: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_csv(tmp_path / "a.csv", [{**r, "id": f"{i:03d}"} for i, r in enumerate(rows)])
    run_dir, _ = run_ok(write_config(tmp_path / "c.yaml", data, LEAD), tmp_path / "runs", capsys)
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    assert results["dataset"]["ids"] == ["000", "001", "002", "003", "004", "005"]
    predicted = [json.loads(line)["id"] for line in (run_dir / "predictions.jsonl").read_text().splitlines()]
    assert set(predicted) == {"000", "001", "002", "003", "004", "005"}


@pytest.mark.parametrize("word", ["NA", "null", "N/A", "None", "nan", "NULL", "#N/A"])
def test_headlines_that_read_like_missing_values_are_text(word: str, rows: list[dict[str, Any]], tmp_path: Path) -> None:
    changed = [dict(r) for r in rows]
    changed[2]["headline"] = word
    for path in (write_csv(tmp_path / "a.csv", changed), write_jsonl(tmp_path / "a.jsonl", changed)):
        dataset = load(path, on_empty="skip")
        assert dataset.articles[2].headline == word
        assert dataset.skipped == {} and len(dataset.articles) == 6


def test_an_empty_csv_cell_is_an_empty_reference_not_the_text_nan(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    changed = [dict(r) for r in rows]
    changed[4]["standfirst"] = ""
    path = write_csv(tmp_path / "a.csv", changed)
    with pytest.raises(DataError, match=rf"article '{rows[4]['id']}' has an empty standfirst"):
        load(path)
    assert load(path, on_empty="skip").skipped == {"empty_standfirst": [rows[4]["id"]]}


@pytest.mark.parametrize(
    ("value", "said"),
    [({"a": 1}, "field 'id' is a JSON object"), (["x"], "field 'id' is list"), (3.0, "field 'id' is float (3.0)"),
     (True, "field 'id' is bool")],
)
def test_an_id_that_is_not_text_or_a_whole_number_is_refused_naming_its_line(
    value: Any, said: str, rows: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = [dict(r) for r in rows]
    changed[1]["id"] = value
    data = write_jsonl(tmp_path / "a.jsonl", changed)
    line = one_line_error(["run", str(write_config(tmp_path / "c.yaml", data, LEAD)), "-o", str(tmp_path / "r")], capsys)
    assert f"a.jsonl:2: {said}; an id must be text or a whole number" in line
    assert not (tmp_path / "r").exists()


def test_whole_number_and_date_like_ids_keep_the_text_written(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    """pyarrow's JSON reader (under datasets) would turn "2019-01-01" into a timestamp."""
    ids = [7, "2019-01-01", "2019-01-02T10:00:00", "007", "1e3", 12345678901234567890]
    path = write_jsonl(tmp_path / "a.jsonl", [{**r, "id": i} for r, i in zip(rows, ids)])
    assert load(path).ids == ["7", "2019-01-01", "2019-01-02T10:00:00", "007", "1e3", "12345678901234567890"]


def test_a_parquet_column_of_whole_numbers_gives_their_digits(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"id": pa.array([10, 2, 300, 4, 5, 6], pa.int64()),
                      **{k: [r[k] for r in rows] for k in ("headline", "standfirst", "body")}})
    pq.write_table(table, tmp_path / "a.parquet")
    assert load(tmp_path / "a.parquet").ids == ["10", "2", "300", "4", "5", "6"]
    pq.write_table(table.set_column(0, "id", pa.array([1.5] * 6)), tmp_path / "b.parquet")
    with pytest.raises(DataError, match=r"b\.parquet: column 'id' \(the ids\) holds double values"):
        load(tmp_path / "b.parquet")


def test_fields_id_naming_a_missing_column_is_refused_not_numbered(
    rows: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = write_jsonl(tmp_path / "a.jsonl", rows)
    config = write_config(tmp_path / "c.yaml", data, LEAD, dataset={"fields": {"id": "key"}})
    line = one_line_error(["run", str(config), "-o", str(tmp_path / "r")], capsys)
    assert "a.jsonl: dataset.fields.id names the column 'key', which is not there" in line
    assert "fix the mapping, or remove it to number the rows" in line


def test_rows_without_any_id_column_are_numbered_and_a_note_says_so(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "a.jsonl", [{k: v for k, v in r.items() if k != "id"} for r in rows])
    done = bench("run", str(write_config(tmp_path / "c.yaml", data, LEAD)), "-o", str(tmp_path / "runs"), "-q")
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if "numbered by row" in line]
    assert len(notes) == 1 and notes[0].startswith("note: ") and "map one with dataset.fields.id" in notes[0]
    run_dir = sorted((tmp_path / "runs").iterdir())[-1]
    dataset = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))["dataset"]
    assert dataset["ids"] == [f"row-{i}" for i in range(6)] and dataset["ids_numbered_by_row"] is True


@pytest.mark.parametrize("ending", ["\r", "\r\n", "\n"])
def test_seed_files_load_the_same_whatever_their_line_endings(
    ending: str, rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Old Mac files end lines in a bare CR; they are not malformed."""
    article = rows[0]
    lines = [article["headline"], article["standfirst"], *article["body"].split("\n")]
    (tmp_path / "unix").mkdir()
    (tmp_path / "unix" / "a.txt").write_bytes("\n".join(lines).encode("utf-8"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.txt").write_bytes(ending.join(lines).encode("utf-8"))
    unix, other = load(tmp_path / "unix"), load(tmp_path / "other")
    assert other.articles == unix.articles and other.fingerprint == unix.fingerprint
    assert other.articles[0].headline == article["headline"] and "\r" not in other.articles[0].body


def test_a_jsonl_file_with_old_mac_line_endings_loads(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("\r".join(json.dumps(r) for r in rows) + "\r", encoding="utf-8")
    assert load(tmp_path / "a.jsonl").ids == [r["id"] for r in rows]


def test_a_line_separator_inside_a_json_string_is_text_not_a_line_break(
    rows: list[dict[str, Any]], tmp_path: Path
) -> None:
    changed = [dict(r) for r in rows]
    changed[0]["headline"] = "Before\u2028after and \x85 too"
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in changed), encoding="utf-8")
    assert load(path).articles[0].headline == "Before\u2028after and \x85 too"


def test_a_300000_character_reference_is_refused_like_a_long_body(
    rows: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = [dict(r) for r in rows]
    changed[3]["standfirst"] = "Words go on. " * 23_077  # 300,000 characters once the last space goes
    data = write_jsonl(tmp_path / "a.jsonl", changed)
    line = one_line_error(["run", str(write_config(tmp_path / "c.yaml", data, LEAD)), "-o", str(tmp_path / "r")], capsys)
    assert f"a.jsonl:4: article '{rows[3]['id']}' has a 300,000-character standfirst" in line
    assert "over dataset.max_reference_chars (20,000); fix the row, or raise the limit" in line
    # Raised on purpose, the limit lets long-form references through.
    assert len(load(tmp_path / "a.jsonl", max_reference_chars=400_000).articles) == 6


def test_an_unscored_long_reference_is_not_refused(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    changed = [dict(r) for r in rows]
    changed[3]["headline"] = "Words go on. " * 23_077
    assert len(load(write_jsonl(tmp_path / "a.jsonl", changed), targets=["standfirst"]).articles) == 6


def test_an_empty_reference_line_in_bench_score_is_refused_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "gold.txt").write_text("a reference\nanother one\n   \nthe last\n", encoding="utf-8")
    (tmp_path / "sys.txt").write_text("a\nb\nc\nd\n", encoding="utf-8")
    argv = ["score", "-r", str(tmp_path / "gold.txt"), "-p", str(tmp_path / "sys.txt"), "-o", str(tmp_path / "r")]
    line = one_line_error(argv, capsys)
    assert "gold.txt:3: empty reference; every line must hold a reference" in line
    assert not (tmp_path / "r").exists()


def test_an_empty_jsonl_reference_in_bench_score_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_jsonl(tmp_path / "gold.jsonl", [{"id": "a", "references": ["x", "y"]}, {"id": "b", "references": ["z", ""]}])
    write_jsonl(tmp_path / "sys.jsonl", [{"id": "a", "prediction": "x"}, {"id": "b", "prediction": "z"}])
    argv = ["score", "-r", str(tmp_path / "gold.jsonl"), "-p", str(tmp_path / "sys.jsonl"), "-o", str(tmp_path / "r")]
    assert "gold.jsonl:2: empty 'references'" in one_line_error(argv, capsys)


def test_a_reference_that_is_a_number_is_refused_not_turned_into_text(
    rows: list[dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = [dict(r) for r in rows]
    changed[5]["standfirst"] = 2024
    data = write_jsonl(tmp_path / "a.jsonl", changed)
    line = one_line_error(["run", str(write_config(tmp_path / "c.yaml", data, LEAD)), "-o", str(tmp_path / "r")], capsys)
    assert "a.jsonl:6: field 'standfirst' is int, expected text, or a list of texts for several references" in line


def test_a_csv_file_with_old_mac_line_endings_loads(rows: list[dict[str, Any]], tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [{**r, "id": f"{i:03d}"} for i, r in enumerate(rows)])
    path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    dataset = load(path)
    assert dataset.ids[:2] == ["000", "001"] and dataset.articles[0].headline == rows[0]["headline"]


def test_a_csv_header_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,headline,headline,body\n1,A,B,Text.\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"a\.csv:1: column\(s\) \['headline'\] appear twice in the header"):
        load(tmp_path / "a.csv")
