"""Per-target settings are checked once, the same way, for every summarizer type:
an unknown target or an out-of-range value is a config error naming the field,
before a run starts; one value is spelled out per target, and a mapping that
names some targets keeps the defaults of the others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench.api.per_target import PerTarget, per_target
from bench.api.summarizer import SummarizerSettings
from bench.cli import main as cli_main
from bench.config import validate_config
from bench.errors import ConfigError

# The settings each type needs to be valid at all (nothing is loaded or contacted).
REQUIRED: dict[str, dict[str, Any]] = {
    "lead": {}, "lead-words": {}, "random": {}, "oracle": {}, "textrank": {}, "embedding": {},
    "hf-seq2seq": {"model": "google/flan-t5-small"},
    "hf-causal": {"model": "Qwen/Qwen2.5-0.5B-Instruct"},
    "openai": {"base_url": "http://localhost:8000/v1", "model": "m"},
}
# (type, per-target field, a good value, whether it is a count that must be >= 1)
FIELDS = [
    ("lead", "sentences", 2, True),
    ("random", "sentences", 2, True),
    ("oracle", "max_sentences", 2, True),
    ("textrank", "sentences", 2, True),
    ("embedding", "sentences", 2, True),
    ("lead-words", "max_words", 7, True),
    ("lead-words", "max_chars", 70, True),
    ("hf-causal", "first_line", False, False),
    ("openai", "max_tokens", 16, True),
    ("openai", "first_line", False, False),
    ("openai", "system", "Be brief.", False),
]
# Templates: one string or a mapping by target; an unknown target is an error.
TEMPLATES = [("hf-seq2seq", "prompts"), ("hf-causal", "prompts"), ("openai", "prompts")]


def resolve(kind: str, **settings: Any) -> dict[str, Any]:
    raw = {"name": "x", "dataset": {"source": "unused"},
           "summarizers": [{"name": "s", "type": kind, **REQUIRED[kind], **settings}]}
    return validate_config(raw).summarizers[0]


def error(kind: str, **settings: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        resolve(kind, **settings)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_every_builtin_summarizer_type_is_covered() -> None:
    from bench.api.registry import checkout_entry_points

    builtins = set(checkout_entry_points("bench.summarizers") or {})
    covered = {kind for kind, *_ in FIELDS} | {kind for kind, _ in TEMPLATES}
    assert builtins and builtins <= set(REQUIRED) and builtins <= covered


@pytest.mark.parametrize("kind,field,good,count", FIELDS, ids=[f"{k}.{f}" for k, f, *_ in FIELDS])
def test_an_unknown_target_is_an_error_naming_the_field(kind: str, field: str, good: Any, count: bool) -> None:
    message = error(kind, **{field: {"headlin": good}})
    assert f"summarizers.s.{field}.headlin: Input should be 'headline' or 'standfirst'" in message


@pytest.mark.parametrize("kind,field", [(k, f) for k, f, _, count in FIELDS if count])
def test_a_count_out_of_range_is_an_error_naming_the_field(kind: str, field: str) -> None:
    for bad in (0, -3):
        message = error(kind, **{field: bad})
        assert f"summarizers.s.{field}.headline: Input should be greater than or equal to 1" in message
    message = error(kind, **{field: {"standfirst": 0}})
    assert f"summarizers.s.{field}.standfirst: Input should be greater than or equal to 1" in message


@pytest.mark.parametrize("kind,field,good,count", FIELDS, ids=[f"{k}.{f}" for k, f, *_ in FIELDS])
def test_one_value_is_spelled_out_and_a_partial_mapping_keeps_the_defaults(
        kind: str, field: str, good: Any, count: bool) -> None:
    assert resolve(kind, **{field: good})[field] == {"headline": good, "standfirst": good}
    default = resolve(kind)[field]
    assert set(default) == {"headline", "standfirst"}
    assert resolve(kind, **{field: {"standfirst": good}})[field] == {"headline": default["headline"],
                                                                   "standfirst": good}


@pytest.mark.parametrize("kind,field", TEMPLATES)
def test_templates_name_known_targets_only(kind: str, field: str) -> None:
    message = error(kind, **{field: {"headlin": "Title: {body}"}})
    assert f"summarizers.s.{field}" in message and "headlin" in message


def test_generation_arguments_per_target_name_a_known_target() -> None:
    message = error("hf-seq2seq", generation={"num_beams": 2, "headlin": {"max_new_tokens": 8}})
    assert "summarizers.s.generation" in message and "'headlin' is not a target" in message
    ok = resolve("hf-seq2seq", generation={"num_beams": 2, "headline": {"max_new_tokens": 8}})
    assert ok["generation"] == {"num_beams": 2, "headline": {"max_new_tokens": 8}}


def test_a_summarizer_of_any_package_gets_the_same_checks() -> None:
    class MySettings(SummarizerSettings):
        width: PerTarget[int] = per_target(headline=3, standfirst=9)

    assert MySettings(name="m", type="t", width=4).width == {"headline": 4, "standfirst": 4}
    assert MySettings(name="m", type="t", width={"headline": 5}).width == {"headline": 5, "standfirst": 9}
    with pytest.raises(ValueError, match="width.standfrist"):
        MySettings(name="m", type="t", width={"standfrist": 5})


def test_a_bad_per_target_value_stops_bench_run_before_it_starts(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text("A headline\nA standfirst.\nThe first sentence. The second one.\n", encoding="utf-8")
    config = tmp_path / "c.yaml"
    config.write_text(f"name: t\ndataset: {{source: {seeds}}}\n"
                      "summarizers: [{name: tr, type: textrank, sentences: {headlin: 1}}]\n", encoding="utf-8")
    assert cli_main(["run", str(config), "-o", str(tmp_path / "runs"), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "summarizers.tr.sentences.headlin" in err and "Traceback" not in err
    assert not (tmp_path / "runs").exists()
