"""The prediction cache: a re-run calls no summarizer, a changed setting
recomputes only what it affects, and concurrent writers lose nothing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import pytest
from run_helpers import news_articles, plugin_env, run_dirs, write_config, write_seeds

from bench.api import Article, Source, Summarizer, SummarizerSettings, register_summarizer
from bench.api.summarizer import get_summarizer_class
from bench.cache import PredictionCache, PredictionKeys
from bench.cli import main as cli_main
from bench.config import load_config
from bench.runs.runner import run

PROJECT = Path(__file__).resolve().parents[1]
CALLS: list[tuple[str, str, str]] = []
BUILT: list[str] = []


class CountingSettings(SummarizerSettings):
    words: int = 8


@register_summarizer("test-counting")
class CountingSummarizer(Summarizer):
    """The first ``words`` body words; records every article it is asked for."""

    Settings = CountingSettings

    def __init__(self, settings: CountingSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        BUILT.append(settings.name)

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        CALLS.extend((self.name, target, a.id) for a in articles)
        return [" ".join(a.body.split()[: self.settings.words]) for a in articles]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_seeds(tmp_path / "seeds", news_articles(8))


def _run(config_path: Path, output: Path, overrides: list[str] | None = None, **options):  # type: ignore[no-untyped-def]
    CALLS.clear()
    BUILT.clear()
    messages: list[str] = []
    outcome = run(load_config(config_path, overrides), output, show_progress=False, log=messages.append, **options)
    return outcome, messages


SUMMARIZERS = [
    {"name": "a", "type": "test-counting", "words": 8},
    {"name": "b", "type": "test-counting", "words": 12},
    {"name": "lead-1", "type": "lead"},
]


def test_rerun_of_unchanged_config_calls_no_summarizer(tmp_path: Path, data: Path) -> None:
    config = write_config(tmp_path / "c.yaml", data, SUMMARIZERS)
    first, _ = _run(config, tmp_path / "runs")
    assert len(CALLS) == 2 * 2 * 8 and BUILT == ["a", "b"]
    assert first.results["cache"]["misses"] == 3 * 2 * 8 and first.results["cache"]["hits"] == 0

    second, _ = _run(config, tmp_path / "runs")
    assert CALLS == [] and BUILT == []  # not even constructed: a model would not be loaded
    assert second.results["cache"]["hits"] == 3 * 2 * 8 and second.results["cache"]["misses"] == 0
    assert second.results["cache"]["by_summarizer"]["a"] == {"hits": 16, "misses": 0, "resumed": 0, "failed": 0}
    assert second.results["targets"] == first.results["targets"]
    for name in ("scores.jsonl", "predictions.jsonl"):
        assert (second.directory.path / name).read_bytes() == (first.directory.path / name).read_bytes()


def test_changing_one_setting_recomputes_only_that_summarizer(tmp_path: Path, data: Path) -> None:
    config = write_config(tmp_path / "c.yaml", data, SUMMARIZERS)
    _run(config, tmp_path / "runs")
    changed, _ = _run(config, tmp_path / "runs", ["summarizers.a.words=5"])
    assert {name for name, _, _ in CALLS} == {"a"} and len(CALLS) == 16
    assert changed.results["cache"]["by_summarizer"]["b"]["hits"] == 16
    # The display name is not part of what a deterministic summarizer writes.
    renamed, _ = _run(config, tmp_path / "runs", ["summarizers.b.name=bee"])
    assert {name for name, _, _ in CALLS} == set()  # a is back to 8 words: cached too
    assert renamed.results["cache"]["misses"] == 0


def test_more_articles_recompute_only_the_new_ones(tmp_path: Path, data: Path) -> None:
    config = write_config(tmp_path / "c.yaml", data, SUMMARIZERS[:1], targets=["headline"])
    small, _ = _run(config, tmp_path / "runs", ["dataset.limit=4"])
    seen = {i for _, _, i in CALLS}
    large, _ = _run(config, tmp_path / "runs", ["dataset.limit=7"])
    new = set(large.results["dataset"]["ids"]) - set(small.results["dataset"]["ids"])
    assert new and {i for _, _, i in CALLS} == new and not (new & seen)


def test_seed_is_in_the_key_only_for_seeded_summarizers() -> None:
    article = Article(id="x", body="One. Two.", headline="h", standfirst="s")
    lead, rand = get_summarizer_class("lead"), get_summarizer_class("random")
    lead_settings = {"name": "l", "type": "lead", "sentences": 1}
    rand_settings = {"name": "r", "type": "random", "sentences": 1}
    assert PredictionKeys(lead, lead_settings, 1).key("headline", article) == \
        PredictionKeys(lead, lead_settings, 2).key("headline", article)
    assert PredictionKeys(rand, rand_settings, 1).key("headline", article) != \
        PredictionKeys(rand, rand_settings, 2).key("headline", article)
    # The random baseline seeds its choice with its name, so the name counts for it.
    assert PredictionKeys(rand, rand_settings, 1).key("headline", article) != \
        PredictionKeys(rand, {**rand_settings, "name": "r2"}, 1).key("headline", article)
    assert PredictionKeys(lead, lead_settings, 1).key("headline", article) != \
        PredictionKeys(lead, lead_settings, 1).key("standfirst", article)
    assert PredictionKeys(lead, lead_settings, 1).key("headline", article) != \
        PredictionKeys(lead, lead_settings, 1).key("headline", Article(id="x", body="One. Three."))


def test_oracle_keys_cover_the_references_others_do_not() -> None:
    a = Article(id="x", body="One. Two.", headline="h1", standfirst="s")
    b = Article(id="x", body="One. Two.", headline="h2", standfirst="s")
    oracle = PredictionKeys(get_summarizer_class("oracle"), {"name": "o", "type": "oracle"}, 1)
    lead = PredictionKeys(get_summarizer_class("lead"), {"name": "l", "type": "lead"}, 1)
    assert oracle.key("headline", a) != oracle.key("headline", b)
    assert lead.key("headline", a) == lead.key("headline", b)


def test_a_summarizer_can_add_to_its_identity(tmp_path: Path) -> None:
    class WeightsSettings(SummarizerSettings):
        weights: str

    class Weighted(CountingSummarizer):
        Settings = WeightsSettings  # type: ignore[assignment]

        @classmethod
        def cache_identity(cls, settings: WeightsSettings) -> dict[str, str]:  # type: ignore[override]
            return {"weights_sha": Path(settings.weights).read_text()}

    weights = tmp_path / "w.bin"
    weights.write_text("v1")
    article = Article(id="x", body="One.")
    settings = {"name": "w", "type": "t", "weights": str(weights)}
    before = PredictionKeys(Weighted, settings, 1).key("headline", article)
    weights.write_text("v2")
    assert PredictionKeys(Weighted, settings, 1).key("headline", article) != before


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEADLINE_BENCH_CACHE", str(tmp_path / "cache"))
    config = write_config(tmp_path / "c.yaml", data, SUMMARIZERS[:1])
    outcome, _ = _run(config, tmp_path / "runs", use_cache=False)
    assert len(CALLS) == 16 and not (tmp_path / "cache").exists()
    assert outcome.results["cache"]["enabled"] is False and outcome.results["cache"]["misses"] == 16
    _run(config, tmp_path / "runs")
    _run(config, tmp_path / "runs", use_cache=False)
    assert len(CALLS) == 16  # the cache was filled, but --no-cache does not read it


def test_cache_dir_from_config_and_environment(tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEADLINE_BENCH_CACHE")
    config = write_config(tmp_path / "c.yaml", data, SUMMARIZERS[:1], cache={"dir": str(tmp_path / "from-config")})
    outcome, _ = _run(config, tmp_path / "runs")
    assert outcome.results["cache"]["path"] == str(tmp_path / "from-config" / "predictions.sqlite3")
    monkeypatch.setenv("HEADLINE_BENCH_CACHE", str(tmp_path / "from-env"))
    outcome, _ = _run(config, tmp_path / "runs")
    assert outcome.results["cache"]["path"] == str(tmp_path / "from-env" / "predictions.sqlite3")
    assert len(CALLS) == 16  # a different cache: computed again


def test_cache_info_and_clear(tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["cache", "info"]) == 0
    assert "no prediction cache" in capsys.readouterr().out
    config = write_config(tmp_path / "c.yaml", data, SUMMARIZERS)
    _run(config, tmp_path / "runs")
    assert cli_main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert "predictions: 48" in out and "test-counting" in out and "lead" in out
    assert cli_main(["cache", "clear", "--type", "lead"]) == 0
    assert "removed 16 cached predictions of type 'lead'" in capsys.readouterr().out
    assert cli_main(["cache", "clear"]) == 0
    assert "removed 32 cached predictions" in capsys.readouterr().out
    _run(config, tmp_path / "runs")
    assert len(CALLS) == 32


def test_a_damaged_cache_is_a_warning_not_a_failure(tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "predictions.sqlite3").write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("HEADLINE_BENCH_CACHE", str(cache_dir))
    config = write_config(tmp_path / "c.yaml", data, SUMMARIZERS[:1])
    outcome, messages = _run(config, tmp_path / "runs")
    assert len(outcome.results["targets"]["headline"]["systems"]["a"]["scores"]) == 4
    assert any("unusable" in m and "bench cache clear" in m for m in messages)
    assert cli_main(["cache", "clear"]) == 0
    assert "removed the damaged cache" in capsys.readouterr().out
    _run(config, tmp_path / "runs")
    assert (cache_dir / "predictions.sqlite3").is_file() and len(CALLS) == 16


def test_two_processes_writing_one_cache_lose_nothing() -> None:
    result = subprocess.run([sys.executable, str(PROJECT / "benchmarks" / "cache_concurrency.py"),
                             "--records", "3000", "--batch", "8"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["lost"] == 0 and report["wrong"] == 0 and report["integrity"] == "ok"
    assert report["records"] == report["expected_records"] == 4500


def test_two_runs_sharing_a_cache_at_once(tmp_path: Path, data: Path) -> None:
    config = write_config(tmp_path / "c.yaml", data, [{"name": "slow", "type": "test-slow", "delay": 0.01},
                                                      {"name": "lead-1", "type": "lead"}], batch_size=2)
    env = plugin_env()
    procs = [subprocess.Popen([sys.executable, "-m", "bench", "run", str(config), "-o", str(tmp_path / f"runs{i}"),
                               "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
             for i in range(2)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    scores = [(run_dirs(tmp_path / f"runs{i}")[0] / "scores.jsonl").read_bytes() for i in range(2)]
    assert scores[0] == scores[1]
    with PredictionCache(Path(env["HEADLINE_BENCH_CACHE"])) as cache:
        assert cache.integrity() == "ok" and cache.info()["records"] == 2 * 2 * 8
    import bench_test_plugins  # noqa: F401  (registers test-slow in this process)

    third, _ = _run(config, tmp_path / "runs3")
    assert third.results["cache"]["misses"] == 0 and (third.directory.path / "scores.jsonl").read_bytes() == scores[0]


def test_cache_rows_are_plain_sqlite(tmp_path: Path) -> None:
    with PredictionCache(tmp_path) as cache:
        cache.put_many([("k1", "text one"), ("k2", "text two")], "lead")
        cache.put_many([("k1", "changed")], "lead")  # equal keys mean equal predictions: the first stays
        assert cache.get_many(["k1", "k2", "k3"]) == {"k1": "text one", "k2": "text two"}
    with sqlite3.connect(tmp_path / "predictions.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_clearing_a_busy_cache_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A cache another run is writing is busy, not damaged: its files must survive 'clear'."""

    from bench.cache import store

    with PredictionCache(tmp_path) as cache:
        cache.put_many([("k", "text")], "lead")
    holder = sqlite3.connect(tmp_path / store.DB_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process mid-write
    real_init = store.PredictionCache.__init__
    monkeypatch.setattr(store.PredictionCache, "__init__", lambda self, d, timeout_s=60.0: real_init(self, d, 0.2))
    try:
        assert cli_main(["cache", "clear", "--dir", str(tmp_path)]) == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "in use by another run" in capsys.readouterr().err
    assert (tmp_path / store.DB_NAME).is_file()


def test_shared_code_is_part_of_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """Editing the splitter or tokenizers must not leave stale predictions behind."""
    from bench.cache import keys

    cls = get_summarizer_class("lead")
    assert "bench.tokenizers.sentences" in keys.code_modules(cls)  # found from lead's imports, not listed
    before = PredictionKeys(cls, {"name": "l", "type": "lead"}, 1).key("headline", Article(id="a", body="B."))
    real = keys.code_modules
    monkeypatch.setattr(keys, "code_modules",  # as if that code had changed
                        lambda c: {n: p for n, p in real(c).items() if n != "bench.tokenizers.sentences"})
    after = PredictionKeys(cls, {"name": "l", "type": "lead"}, 1).key("headline", Article(id="a", body="B."))
    assert before != after
