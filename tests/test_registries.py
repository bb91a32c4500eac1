"""Plug-in registries: built-ins added to pyproject.toml work without a reinstall,
word tokenizers come from a registry, the package has no import cycle and its
layers import downwards only, and Summarizer.stats() is a declared contract."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any, Sequence

import pytest
from pydantic import ValidationError

from bench.api import registry
from bench.api.article import Article, Source
from bench.api.introspect import find_module, imported_names
from bench.api.metric import get_metric_class, metric_types
from bench.api.summarizer import Summarizer, SummarizerSettings, get_summarizer_class, summarizer_types
from bench.errors import ConfigError, UnknownNameError

PROJECT = Path(__file__).resolve().parents[1]

SHOUT = '''
"""A built-in added after the last pip install."""
from bench.api import Summarizer


class ShoutSummarizer(Summarizer):
    description = "the first body line, shouted"

    def summarize(self, articles, target):
        return [a.body.split("\\n")[0].upper() for a in articles]
'''
TOY_METRIC = '''
from bench.api.metric import Metric, ScoreKey


class BodyLengthRatio(Metric):
    description = "prediction words over reference words"

    def keys(self):
        return [ScoreKey("len-ratio", ("ratio",), rankable=False, primary_column="ratio")]

    def signature(self):
        return [("len-ratio", "words")]

    def score(self, items):
        return [{"len-ratio": {"ratio": len(i.prediction.split()) / max(1, len(i.references[0].split()))}}
                for i in items]
'''


def copy_checkout(dest: Path) -> Path:
    """A source checkout of this project: the package and its pyproject.toml."""
    shutil.copytree(PROJECT / "bench", dest / "bench", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def add_entry(pyproject: Path, group: str, line: str) -> None:
    text = pyproject.read_text(encoding="utf-8")
    header = f'[project.entry-points."{group}"]\n'
    text = text.replace(header, header + line + "\n") if header in text else text + f"\n{header}{line}\n"
    pyproject.write_text(text, encoding="utf-8")


def bench_from(checkout: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != registry.PLUGINS_ENV}
    env["PYTHONPATH"] = str(checkout)
    return subprocess.run([sys.executable, "-m", "bench", *args], capture_output=True, text=True, env=env,
                          cwd=checkout, timeout=300)


def test_a_builtin_added_to_pyproject_works_without_reinstalling(tmp_path: Path) -> None:
    checkout = copy_checkout(tmp_path / "checkout")
    (checkout / "bench" / "summarizers" / "shout.py").write_text(SHOUT, encoding="utf-8")
    (checkout / "bench" / "metrics" / "toy_length.py").write_text(TOY_METRIC, encoding="utf-8")
    add_entry(checkout / "pyproject.toml", "bench.summarizers", 'shout = "bench.summarizers.shout:ShoutSummarizer"')
    add_entry(checkout / "pyproject.toml", "bench.metrics", 'len-ratio = "bench.metrics.toy_length:BodyLengthRatio"')
    # What pip installed knows nothing of them: only the checkout's pyproject.toml does.
    assert "shout" not in {ep.name for ep in entry_points(group="bench.summarizers")}

    listing = bench_from(checkout, "list")
    assert listing.returncode == 0, listing.stderr
    assert "the first body line, shouted" in listing.stdout
    lines = listing.stdout.splitlines()
    assert any(line.split()[0] == "len-ratio" and "prediction words over reference words" in line for line in lines)
    assert "    len-ratio    len-ratio (ratio, beside the ranks)" in lines  # its score key, on a line of its own

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("Rain floods roads\nRoads flooded after rain.\nRain fell all night.\n", "utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(f"name: t\ndataset: {{source: {seeds}}}\nsummarizers: [{{name: s, type: shout}}]\n"
                      "scoring: {bootstrap: 10}\n", encoding="utf-8")
    run = bench_from(checkout, "run", str(config), "-o", str(tmp_path / "runs"), "-q", "--no-cache")
    assert run.returncode == 0, run.stderr
    predictions = next((tmp_path / "runs").glob("t-*/predictions.jsonl")).read_text()
    assert "RAIN FELL ALL NIGHT." in predictions


@pytest.fixture
def checkout_pyproject(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This process reads its own entry points from a pyproject.toml the test writes."""
    path = copy_checkout(tmp_path) / "pyproject.toml"
    monkeypatch.setattr(registry, "source_pyproject", lambda: path)
    return path


def test_an_entry_removed_from_pyproject_is_gone(checkout_pyproject: Path) -> None:
    text = checkout_pyproject.read_text(encoding="utf-8")
    checkout_pyproject.write_text("\n".join(l for l in text.splitlines() if not l.startswith("textrank =")) + "\n")
    assert "textrank" in {ep.name for ep in entry_points(group="bench.summarizers")}  # stale metadata
    assert "textrank" not in summarizer_types() and "lead" in summarizer_types()
    with pytest.raises(UnknownNameError, match="unknown summarizer type 'textrank'"):
        get_summarizer_class("textrank")


def test_a_metric_added_to_pyproject_is_found(checkout_pyproject: Path, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "toy_metric_mod.py").write_text(TOY_METRIC, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    add_entry(checkout_pyproject, "bench.metrics", 'len-ratio = "toy_metric_mod:BodyLengthRatio"')
    assert metric_types()["len-ratio"] == "toy_metric_mod:BodyLengthRatio"
    cls = get_metric_class("len-ratio")
    assert cls.name == "len-ratio" and [k.name for k in cls(cls.Settings()).keys()] == ["len-ratio"]


def test_other_packages_entry_points_come_from_their_metadata(checkout_pyproject: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    real = registry.entry_points

    def with_third_party(group: str) -> list[EntryPoint]:
        extra = [EntryPoint("their-model", "their_pkg.models:TheirModel", group)] if group == "bench.summarizers" else []
        return [*real(group=group), *extra]

    monkeypatch.setattr(registry, "entry_points", with_third_party)
    assert summarizer_types()["their-model"] == "their_pkg.models:TheirModel"


def test_when_pyproject_cannot_be_read_a_missing_builtin_says_to_reinstall(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_declared", lambda path, mtime: None)  # e.g. Python 3.10 without tomli
    with pytest.raises(UnknownNameError) as caught:
        get_summarizer_class("just-added")
    message = str(caught.value)
    assert "\n" not in message and message.endswith(registry.REINSTALL_HINT)
    assert "run pip install -e . again" in message
    monkeypatch.setattr(registry, "source_pyproject", lambda: None)  # an installed wheel: metadata is the truth
    with pytest.raises(UnknownNameError) as caught:
        get_summarizer_class("just-added")
    assert "pip install" not in str(caught.value)


# -- word tokenizers -------------------------------------------------------------

def test_word_tokenizers_come_from_the_registry() -> None:
    from bench.tokenizers.registry import make_tokenizer, tokenizer_types
    from bench.tokenizers.unicode import UnicodeTokenizer
    from bench.tokenizers.words import RougeScoreTokenizer

    assert {"rouge-score", "unicode"} <= set(tokenizer_types())
    assert type(make_tokenizer("rouge-score")) is RougeScoreTokenizer
    assert type(make_tokenizer("unicode", use_stemmer=False)) is UnicodeTokenizer


def test_the_registered_rouge_score_tokenizer_matches_rouge_score() -> None:
    from nltk.stem import porter
    from rouge_score import tokenize

    from bench.tokenizers.registry import make_tokenizer

    text = "The Bank's U.S. operations grew 4.5% in 2004, analysts said; shares rallied."
    assert make_tokenizer("rouge-score").tokenize(text) == tokenize.tokenize(text, porter.PorterStemmer())


def test_a_plugin_tokenizer_is_chosen_by_name_in_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    from rouge_score import rouge_scorer

    from bench.config import ScoringConfig
    from bench.metrics.rouge import RougeScorer
    from bench.tokenizers import registry as tokenizers
    from bench.tokenizers.base import WordTokenizer

    monkeypatch.setattr(tokenizers, "_registered", dict(tokenizers._registered))

    @tokenizers.register_tokenizer("whitespace-test")
    class Whitespace(WordTokenizer):
        def words(self, text: str) -> list[str]:
            return text.lower().split()

        def _normalize(self, word: str) -> str | None:
            return word

    assert ScoringConfig(tokenizer="whitespace-test").tokenizer == "whitespace-test"
    prediction, reference = "Shares rose, sharply.", "shares rose sharply"
    ours = RougeScorer(["rouge1"], use_stemmer=False, tokenizer="whitespace-test").score(prediction, [reference])
    theirs = rouge_scorer.RougeScorer(["rouge1"], tokenizer=Whitespace(False)).score(reference, prediction)
    assert ours["rouge1"]["f"] == theirs["rouge1"].fmeasure == pytest.approx(1 / 3)
    with pytest.raises(ValidationError, match="unknown tokenizer 'nope'; registered tokenizers: .*rouge-score.*whitespace-test"):
        ScoringConfig(tokenizer="nope")


# -- imports: no cycle, layers point down -----------------------------------------

def bench_modules() -> list[str]:
    names = []
    for path in sorted((PROJECT / "bench").rglob("*.py")):
        parts = list(path.relative_to(PROJECT).with_suffix("").parts)
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def import_graph(nested: bool) -> dict[str, set[str]]:
    modules = bench_modules()
    known = set(modules)
    return {m: {n for n in imported_names(find_module(m), nested) if n in known and n != m} for m in modules}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_bench_module_imports_itself_through_others() -> None:
    """Lazy imports inside functions count: they only hide a cycle."""
    assert cycles(import_graph(nested=True)) == []


def test_the_import_cycle_finder_finds_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_contracts_import_only_contracts() -> None:
    allowed = ("bench.api", "bench.errors")
    for module, imports in import_graph(nested=True).items():
        if module.startswith("bench.api"):
            assert all(name == "bench" or name.startswith(allowed) for name in imports), (module, imports)


def test_the_http_summarizer_never_imports_the_model_package() -> None:
    code = ("import sys, bench.summarizers.openai_chat; "
            "print(sorted(m for m in sys.modules if m.startswith(('bench.models', 'torch', 'transformers'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    graph = import_graph(nested=True)
    assert not any(name.startswith("bench.models") for name in graph["bench.summarizers.openai_chat"])


# -- Summarizer.stats() ------------------------------------------------------------

class Counting(Summarizer):
    Settings = SummarizerSettings

    def __init__(self, settings: SummarizerSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self.seen = 0

    def summarize(self, articles: Sequence[Source | Article], target: str) -> list[str]:
        self.seen += len(articles)
        return [a.body.split(".")[0] for a in articles]

    def stats(self) -> dict[str, Any]:
        return {"inputs": self.seen, "truncated": 0, "note": "counted"}


def test_stats_is_part_of_the_contract_and_the_local_engine_records_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from bench.api import summarizer as api
    from bench.api.engine import Job, merge_stats
    from bench.engines.local import LocalEngine

    assert Summarizer.stats is not None and get_summarizer_class("lead").stats is Summarizer.stats
    monkeypatch.setitem(api._registered, "test-counting-stats", Counting)
    monkeypatch.setitem(api._registered, "test-plain", type("Plain", (Counting,), {"stats": Summarizer.stats}))
    jobs = [Job("headline", [Article(id=str(i), body=f"Body {i}. More.") for i in range(3)]),
            Job("standfirst", [Article(id="9", body="Nine. Ten.")])]
    engine = LocalEngine()
    summarizer_stats: dict[str, dict[str, Any]] = {}  # what the runner records: each job's stats, added up
    for kind in ("test-counting-stats", "test-plain"):
        outputs = list(engine.generate({"name": kind, "type": kind}, 0, jobs))
        assert [len(result.texts) for result in outputs] == [3, 1]
        for result in outputs:
            merge_stats(summarizer_stats.setdefault(kind, {}), result.stats)
    assert summarizer_stats["test-counting-stats"] == {"inputs": 4, "truncated": 0, "note": "counted"}
    assert summarizer_stats["test-plain"] == {}


# -- one registry for every kind of plug-in ---------------------------------------

def _lookups() -> dict[str, tuple[Any, Any]]:
    from bench.api.engine import engine_types, get_engine_class
    from bench.metrics.rouge_backends import REGISTRY as BACKENDS
    from bench.metrics.rouge_backends import get_backend
    from bench.tokenizers.registry import get_tokenizer_class, tokenizer_types

    return {
        "summarizer type": (get_summarizer_class, summarizer_types),
        "metric": (get_metric_class, metric_types),
        "engine type": (get_engine_class, engine_types),
        "tokenizer": (get_tokenizer_class, tokenizer_types),
        "ROUGE backend": (get_backend, BACKENDS.names),
    }


@pytest.mark.parametrize("noun", ["summarizer type", "metric", "engine type", "tokenizer", "ROUGE backend"])
def test_every_registry_reports_an_unknown_name_as_one_user_error_line_listing_the_known_names(noun: str) -> None:
    get, names = _lookups()[noun]
    with pytest.raises(UnknownNameError) as caught:
        get("no-such-plugin")
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"unknown {noun} 'no-such-plugin'; registered ")
    known = names()
    assert known and all(name in message for name in known)


def test_registries_name_the_classes_that_carry_a_registered_name() -> None:
    from bench.metrics.rouge_backends import get_backend
    from bench.tokenizers.registry import get_tokenizer_class

    assert get_metric_class("semantic").name == "semantic"
    assert get_tokenizer_class("rouge-score").name == "rouge-score"
    assert get_backend("fast").name == "fast"
    # A summarizer's ``name`` is its config entry's name, so registering one leaves it alone.
    assert get_summarizer_class("lead").name is Summarizer.__dict__["name"]
