"""Loading articles: every format, field mapping, seeded subsets, and bad inputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.config import DatasetConfig
from bench.data import load_dataset_from_config
from bench.errors import DataError

PROJECT = Path(__file__).resolve().parents[1]
SEEDS = PROJECT / "seeds"
TARGETS = ["headline", "standfirst"]


def load(source: Path | str, targets: list[str] = TARGETS, run_seed: int = 1234, **settings):
    """Load through a ``DatasetConfig`` built from ``settings``, as a run does."""
    return load_dataset_from_config(DatasetConfig(source=str(source), **settings), targets, run_seed)


@pytest.fixture(scope="module")
def bbc_rows(news_jsonl: Path) -> list[dict]:
    """30 made-up news articles (id, headline, standfirst, body; tests/news_fixture.py)."""
    with news_jsonl.open(encoding="utf-8") as handle:
        return [json.loads(next(handle)) for _ in range(30)]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


# --- formats -----------------------------------------------------------------


def test_seeds_folder_holds_the_seed_article_byte_for_byte() -> None:
    files = sorted(SEEDS.glob("*.txt"))
    assert files[0].name == "000_5cc30fd78895ac76.txt"
    original = PROJECT.parent / "shared" / "seeds" / "000_5cc30fd78895ac76.txt"
    if not original.is_file():
        pytest.skip(f"{original} not found (it lives beside the checkout)")
    assert files[0].read_bytes() == original.read_bytes()


def test_seeds_folder_loads_headline_standfirst_and_body() -> None:
    dataset = load(SEEDS)
    lines = (SEEDS / "000_5cc30fd78895ac76.txt").read_text(encoding="utf-8").split("\n")
    first = dataset.articles[0]
    assert dataset.format == "seeds"
    assert first.id == "000_5cc30fd78895ac76"
    assert first.headline == lines[0].strip() == "Russia, Belarus start joint drills on Belarusian military ranges"
    assert first.standfirst == lines[1].strip()
    assert first.body.split("\n") == [line.strip() for line in lines[2:] if line.strip()]


def test_seeds_file_errors(tmp_path: Path) -> None:
    (tmp_path / "short.txt").write_text("Only a headline\nand a standfirst", encoding="utf-8")
    with pytest.raises(DataError, match=r"short\.txt: a seed article needs"):
        load(tmp_path)
    (tmp_path / "short.txt").unlink()
    with pytest.raises(DataError, match="no .txt articles"):
        load(tmp_path)
    (tmp_path / "bom.txt").write_bytes("\ufeffHeadline\nStandfirst.\nBody.\n".encode("utf-8"))
    assert load(tmp_path).articles[0].headline == "Headline"


def test_jsonl_csv_and_parquet_give_the_same_articles(tmp_path: Path, bbc_rows: list[dict]) -> None:
    import datasets

    jsonl = write_jsonl(tmp_path / "bbc.jsonl", bbc_rows)
    table = datasets.Dataset.from_list(bbc_rows)
    table.to_csv(str(tmp_path / "bbc.csv"), index=False)
    table.to_parquet(str(tmp_path / "bbc.parquet"))
    loaded = {fmt: load(tmp_path / f"bbc.{ext}") for fmt, ext in (("json", "jsonl"), ("csv", "csv"), ("parquet", "parquet"))}
    for fmt, dataset in loaded.items():
        assert dataset.format == fmt
        assert dataset.ids == [r["id"] for r in bbc_rows]
        assert dataset.total_rows == 30
    assert len({d.fingerprint for d in loaded.values()}) == 1
    first = loaded["csv"].articles[0]
    assert first.headline == bbc_rows[0]["headline"]
    assert first.standfirst == bbc_rows[0]["standfirst"]
    # Paragraphs come one a line, blank lines gone.
    expected = [p.strip() for p in bbc_rows[0]["body"].split("\n") if p.strip()]
    assert first.body.split("\n") == expected
    assert jsonl.exists()


def test_field_mapping(tmp_path: Path, bbc_rows: list[dict]) -> None:
    renamed = [{"key": r["id"], "title": r["headline"], "summary": r["standfirst"], "document": r["body"]} for r in bbc_rows]
    path = write_jsonl(tmp_path / "renamed.jsonl", renamed)
    fields = {"id": "key", "headline": "title", "standfirst": "summary", "body": "document"}
    dataset = load(path, fields=fields)
    assert dataset.ids == [r["id"] for r in bbc_rows]
    assert dataset.articles[3].headline == bbc_rows[3]["headline"]
    with pytest.raises(DataError, match=r"no column 'headline'.*map it with dataset\.fields\.headline"):
        load(path)
    with pytest.raises(DataError, match=r"no column 'heading'.*fix dataset\.fields"):
        load(path, fields={**fields, "headline": "heading"})


def test_rows_without_an_id_column_get_row_numbers(tmp_path: Path, bbc_rows: list[dict]) -> None:
    rows = [{k: r[k] for k in ("headline", "standfirst", "body")} for r in bbc_rows[:3]]
    assert load(write_jsonl(tmp_path / "noid.jsonl", rows)).ids == ["row-0", "row-1", "row-2"]


def test_explicit_format_overrides_the_suffix(tmp_path: Path, bbc_rows: list[dict]) -> None:
    path = write_jsonl(tmp_path / "articles.data", bbc_rows[:5])
    with pytest.raises(DataError, match="cannot tell the format"):
        load(path)
    assert len(load(path, format="json").articles) == 5


# --- limit, fingerprint ------------------------------------------------------------------


def test_limit_is_a_seeded_random_subset(tmp_path: Path, bbc_rows: list[dict]) -> None:
    path = write_jsonl(tmp_path / "bbc.jsonl", bbc_rows)
    all_ids = [r["id"] for r in bbc_rows]
    first = load(path, limit=10, run_seed=7)
    again = load(path, limit=10, run_seed=7)
    other = load(path, limit=10, run_seed=8)
    assert len(first.ids) == 10
    assert first.ids != all_ids[:10]  # never a silent first-N
    assert first.ids == again.ids and first.fingerprint == again.fingerprint
    assert first.ids != other.ids and first.fingerprint != other.fingerprint
    assert set(first.ids) <= set(all_ids)
    # Kept in dataset order, and recorded with the seed that chose them.
    assert first.ids == [i for i in all_ids if i in set(first.ids)]
    record = first.record()
    assert record["ids"] == first.ids and record["subset_seed"] == 7 and record["total_rows"] == 30
    # dataset.seed, when set, chooses instead of the run seed.
    assert load(path, limit=10, run_seed=99, seed=7).ids == first.ids
    assert load(path, limit=10, run_seed=7, seed=5).record()["subset_seed"] == 5
    # A limit at or above the size takes everything, in order.
    assert load(path, limit=30).ids == all_ids and load(path, limit=30).record()["subset_seed"] is None


def test_fingerprint_changes_with_content(tmp_path: Path, bbc_rows: list[dict]) -> None:
    base = load(write_jsonl(tmp_path / "a.jsonl", bbc_rows)).fingerprint
    assert base.startswith("sha256:")
    edited = [dict(r) for r in bbc_rows]
    edited[12]["standfirst"] += " Extra."
    assert load(write_jsonl(tmp_path / "b.jsonl", edited)).fingerprint != base
    reordered = bbc_rows[1:] + bbc_rows[:1]
    assert load(write_jsonl(tmp_path / "c.jsonl", reordered)).fingerprint != base
    # Formatting alone (key order, blank lines between paragraphs) does not change it.
    shuffled_keys = [dict(reversed(list(r.items()))) for r in bbc_rows]
    assert load(write_jsonl(tmp_path / "d.jsonl", shuffled_keys)).fingerprint == base


# --- bad articles ---------------------------------------------------------------


def test_duplicate_ids(tmp_path: Path, bbc_rows: list[dict]) -> None:
    rows = bbc_rows[:5] + [dict(bbc_rows[1])]
    with pytest.raises(DataError, match=rf"duplicate id '{bbc_rows[1]['id']}' \(rows 2 and 6\)"):
        load(write_jsonl(tmp_path / "dup.jsonl", rows))


def test_missing_column(tmp_path: Path, bbc_rows: list[dict]) -> None:
    rows = [{k: v for k, v in r.items() if k != "standfirst"} for r in bbc_rows[:5]]
    with pytest.raises(DataError, match=r"missing\.jsonl: no column 'standfirst' for the article standfirst"):
        load(write_jsonl(tmp_path / "missing.jsonl", rows))


def test_empty_body_names_the_article(tmp_path: Path, bbc_rows: list[dict]) -> None:
    rows = [dict(r) for r in bbc_rows[:5]]
    rows[2]["body"] = "  \n\n "
    with pytest.raises(DataError, match=rf"article '{rows[2]['id']}' has an empty body"):
        load(write_jsonl(tmp_path / "empty.jsonl", rows))


def test_empty_reference_is_an_error_or_skipped_and_counted(tmp_path: Path, bbc_rows: list[dict]) -> None:
    rows = [dict(r) for r in bbc_rows[:6]]
    rows[1]["headline"] = ""
    rows[4]["standfirst"] = None
    path = write_jsonl(tmp_path / "refs.jsonl", rows)
    with pytest.raises(DataError, match=rf"article '{rows[1]['id']}' has an empty headline.*on_empty: skip"):
        load(path)
    dataset = load(path, on_empty="skip")
    assert dataset.ids == [rows[i]["id"] for i in (0, 2, 3, 5)]
    assert dataset.skipped == {"empty_headline": [rows[1]["id"]], "empty_standfirst": [rows[4]["id"]]}
    assert dataset.record()["skipped"] == dataset.skipped and dataset.total_rows == 6
    # Only the targets being scored matter.
    assert len(load(path, targets=["standfirst"], on_empty="skip").articles) == 5


def test_wrong_value_type(tmp_path: Path, bbc_rows: list[dict]) -> None:
    rows = [dict(r) for r in bbc_rows[:3]]
    rows[0]["headline"] = 42
    with pytest.raises(DataError, match=r"types\.jsonl:1: field 'headline' is int, expected text"):
        load(write_jsonl(tmp_path / "types.jsonl", rows))
    # Since a target may have several references, a list of texts is not wrong: it is two references.
    rows[0]["headline"] = ["a", "list"]
    assert load(write_jsonl(tmp_path / "types.jsonl", rows)).articles[0].references("headline") == ("a", "list")


# --- bad files -------------------------------------------------------------------


def test_invalid_json_line_names_the_line(tmp_path: Path, bbc_rows: list[dict]) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps(r) for r in bbc_rows[:3]]
    path.write_text("\n".join([lines[0], "", lines[1], '{"id": "x", oops}', lines[2]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.jsonl:4: invalid JSON"):
        load(path)
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.jsonl:1: expected a JSON object per line, got list"):
        load(path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,headline,standfirst,body\na,Caf\u00e9,Good.,Body.\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1\.csv:2: not UTF-8.*re-encode"):
        load(path)


def test_empty_missing_and_broken_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(DataError, match="the file is empty"):
        load(tmp_path / "empty.jsonl")
    with pytest.raises(DataError, match="dataset file not found"):
        load(tmp_path / "nope.jsonl")
    (tmp_path / "broken.csv").write_text('id,headline,standfirst,body\n1,"unterminated\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"broken\.csv: could not be read as csv \(.*EOF inside string"):
        load(tmp_path / "broken.csv")
    (tmp_path / "junk.parquet").write_bytes(b"not a parquet file")
    with pytest.raises(DataError, match=r"junk\.parquet: could not be read as parquet"):
        load(tmp_path / "junk.parquet")


def test_error_messages_are_one_line(tmp_path: Path, bbc_rows: list[dict]) -> None:
    (tmp_path / "broken.csv").write_text('id,headline,standfirst,body\n1,"unterminated\n', encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(tmp_path / "broken.csv")
    assert "\n" not in str(caught.value)


def test_hub_source_offline_is_one_quick_line(tmp_path: Path) -> None:
    # In a subprocess so that the offline switch is seen when datasets is imported.
    script = (
        "from bench.config import DatasetConfig\n"
        "from bench.data import load_dataset_from_config\n"
        "from bench.errors import DataError\n"
        "try:\n"
        "    load_dataset_from_config(DatasetConfig(source='hf:no_such_dataset_xyz:cfg', split='test'), ['headline'], 1)\n"
        "except DataError as err:\n"
        "    print('DataError:', err)\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout + done.stderr
    assert lines[0].startswith("DataError: hf:no_such_dataset_xyz:cfg: could not load split 'test'")
    assert "local file" in lines[0]


def test_hub_source_needs_a_name() -> None:
    with pytest.raises(DataError, match="name the Hub dataset"):
        load("hf:")
