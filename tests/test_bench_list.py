"""`bench list` answers at once: it lists summarizers, dataset formats, metrics,
tokenizers and engines with their descriptions, read from the source, without
importing torch, transformers or any model code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.api import registry
from bench.api.introspect import describe_class
from bench.api.summarizer import get_summarizer_class, summarizer_types
from bench.cli import main as cli_main
from bench.tokenizers.registry import get_tokenizer_class, tokenizer_types

HEAVY = ("torch", "transformers", "sentence_transformers", "nltk", "rouge_score", "networkx", "datasets", "ray",
         "bench.models", "bench.summarizers.", "bench.tokenizers.words", "bench.tokenizers.unicode")
LISTING = """
import json, sys, io, contextlib
from bench.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(["list"])
heavy = sorted(m for m in sys.modules if m.startswith(tuple(sys.argv[1].split(","))))
print(json.dumps({"code": code, "out": out.getvalue(), "heavy": heavy}))
"""


def listing(env: dict[str, str] | None = None) -> dict:
    result = subprocess.run([sys.executable, "-c", LISTING, ",".join(HEAVY)], capture_output=True, text=True,
                            timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    rest = lines[start + 1:]
    end = next((i for i, line in enumerate(rest) if not line.startswith("  ")), len(rest))
    return rest[:end]


def test_bench_list_imports_no_model_code_and_lists_everything() -> None:
    report = listing()
    assert report["code"] == 0 and report["heavy"] == []
    out = report["out"]
    summarizers = section(out, "summarizers:")
    for name in ("lead", "lead-words", "random", "oracle", "textrank", "embedding", "hf-seq2seq", "hf-causal",
                 "openai"):
        (line,) = [line for line in summarizers if line.split()[0] == name]
        cls = get_summarizer_class(name)
        assert cls.description in line and (("[oracle]" in line) == cls.is_oracle)
    tokenizers = section(out, "tokenizers")
    for name in tokenizer_types():
        (line,) = [line for line in tokenizers if line.split()[0] == name]
        assert get_tokenizer_class(name).description in line
    assert {line.split()[0] for line in section(out, "engines")} >= {"local", "ray"}
    assert {line.split()[0] for line in section(out, "dataset formats")} >= {"seeds", "json", "csv", "parquet", "hf"}
    assert section(out, "metrics")


def test_descriptions_read_from_source_are_the_class_attributes() -> None:
    for name, origin in summarizer_types().items():
        info, cls = describe_class(origin), get_summarizer_class(name)
        assert info is not None and (info.description, info.is_oracle) == (cls.description, cls.is_oracle), name


def test_plugins_are_listed_too(tmp_path: Path) -> None:
    (tmp_path / "my_metric_plugin.py").write_text(
        "from bench.api.metric import Metric, ScoreKey, register_metric\n"
        "@register_metric('shouting')\n"
        "class Shouting(Metric):\n"
        "    description = 'share of upper-case letters'\n"
        "    def keys(self): return [ScoreKey('shouting', ('share',), rankable=True, primary_column='share')]\n"
        "    def signature(self): return [('shouting', '1')]\n"
        "    def score(self, items): return [{'shouting': {'share': 0.0}} for _ in items]\n", encoding="utf-8")
    (tmp_path / "my_engine_plugin.py").write_text(
        "from typing import Literal\n"
        "from bench.api.engine import Engine, EngineSettings, register_engine\n"
        "class PigeonSettings(EngineSettings):\n"
        "    type: Literal['pigeon'] = 'pigeon'\n"
        "@register_engine('pigeon')\n"
        "class Pigeon(Engine):\n"
        "    description = 'carries each batch by pigeon'\n"
        "    Settings = PigeonSettings\n"
        "    def generate(self, settings, seed, jobs): return iter(())\n", encoding="utf-8")
    tests = Path(__file__).resolve().parent
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tests), str(tmp_path)]),
               BENCH_PLUGINS="bench_test_plugins,my_metric_plugin,my_engine_plugin")
    out = listing(env)["out"]
    assert any(line.split()[0] == "test-slow" and "first body sentence, slowly" in line
               for line in section(out, "summarizers:"))
    metrics = section(out, "metrics")
    assert any(line.split()[0] == "shouting" and "share of upper-case letters" in line for line in metrics)
    assert "    shouting     shouting (share, may rank)" in metrics
    engines = section(out, "engines")
    assert any(line.split()[0] == "pigeon" and "carries each batch by pigeon" in line for line in engines)
    assert {line.split()[0] for line in engines} >= {"local", "ray"}


def test_a_broken_plugin_does_not_hide_the_others(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    real = registry.checkout_entry_points

    def with_broken(group: str) -> dict[str, str] | None:
        found = real(group)
        return {**(found or {}), "broken": "no_such_module_here:Thing"} if group == "bench.summarizers" else found

    monkeypatch.setattr(registry, "checkout_entry_points", with_broken)
    assert cli_main(["list"]) == 0
    quick = section(capsys.readouterr().out, "summarizers:")
    assert any(line.split()[0] == "broken" and "bench list --full" in line for line in quick)
    assert cli_main(["list", "--full"]) == 0
    full = section(capsys.readouterr().out, "summarizers:")
    assert any(line.split()[0] == "broken" and "cannot load: No module named 'no_such_module_here'" in line
               for line in full)
    assert any(line.split()[0] == "lead" for line in full)


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`bench list | head -3`: the pipe closes before everything is written."""
    proc = subprocess.Popen([sys.executable, "-m", "bench", "list"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before bench writes a line
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0 and err == ""
