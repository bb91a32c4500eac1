"""Config validation: unknown keys and wrong types at every level, --set
overrides, path resolution, and the resolved config a run saves."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bench.config import DatasetConfig, RunConfig, ScoringConfig, apply_override, dump_config, load_config
from bench.errors import ConfigError, UserError

PROJECT = Path(__file__).resolve().parents[1]


def base() -> dict:
    return {
        "name": "test",
        "dataset": {"source": "articles.jsonl"},
        "summarizers": [{"name": "lead-1", "type": "lead"}, {"name": "rand", "type": "random"}],
    }


def write(tmp_path: Path, raw: dict | str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(raw if isinstance(raw, str) else yaml.safe_dump(raw), encoding="utf-8")
    return path


def error_for(tmp_path: Path, raw: dict | str, overrides: list[str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, raw), overrides)
    message = str(caught.value)
    assert "\n" not in message, message
    assert message.startswith(str(tmp_path / "config.yaml")), message
    return message


def with_(change: dict, **nested: dict) -> dict:
    raw = base()
    raw.update(change)
    for key, extra in nested.items():
        raw[key] = {**raw.get(key, {}), **extra}
    return raw


# --- errors ------------------------------------------------------------------------
# Every malformed config, --set value and YAML file is a row of the one
# malformed-input matrix, tests/test_bad_inputs.py (through the CLI: one line,
# exit 2, nothing written). What is left here is the library's side.


def test_unknown_type_lists_the_registered_ones(tmp_path: Path) -> None:
    message = error_for(tmp_path, with_({"summarizers": [{"name": "l", "type": "leed"}]}))
    for known in ("lead", "lead-words", "random", "oracle"):
        assert known in message.split("registered types: ")[1].split(", ")


# --- --set --------------------------------------------------------------------------


def test_set_overrides_dotted_keys_list_indexes_and_summarizers_by_name(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, base()),
        [
            "dataset.limit=50",
            "seed=7",
            "scoring.bootstrap=200",
            "targets=[headline]",
            "summarizers.lead-1.sentences=2",
            "summarizers.1.sentences={headline: 1, standfirst: 3}",
            "dataset.fields.headline=title",
            "name=renamed",
        ],
    )
    assert config.dataset.limit == 50 and config.seed == 7 and config.scoring.bootstrap == 200
    assert config.targets == ["headline"] and config.name == "renamed"
    assert config.summarizers[0]["sentences"] == {"headline": 2, "standfirst": 2}
    assert config.summarizers[1]["sentences"] == {"headline": 1, "standfirst": 3}
    assert config.dataset.fields == {"headline": "title"}


def test_set_values_are_yaml(tmp_path: Path) -> None:
    raw = base()
    apply_override(raw, "dataset.limit=50")
    apply_override(raw, "name='007'")
    apply_override(raw, "dataset.split=")
    assert raw["dataset"]["limit"] == 50 and raw["name"] == "007" and raw["dataset"]["split"] == ""


# --- paths --------------------------------------------------------------------------------


def test_relative_dataset_path_resolves_against_the_config_file(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "configs"
    folder.mkdir()
    monkeypatch.chdir(PROJECT)
    config = load_config(write(folder, with_({}, dataset={"source": "../data/a.jsonl"})))
    assert config.dataset.source == str(tmp_path / "data" / "a.jsonl")
    absolute = load_config(write(folder, with_({}, dataset={"source": "/srv/a.jsonl"})))
    assert absolute.dataset.source == "/srv/a.jsonl"
    hub = load_config(write(folder, with_({}, dataset={"source": "hf:xsum"})))
    assert hub.dataset.source == "hf:xsum"


def test_dataset_path_given_with_set_resolves_against_the_working_directory(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "configs"
    folder.mkdir()
    monkeypatch.chdir(tmp_path)
    config = load_config(write(folder, base()), ["dataset.source=mine.jsonl"])
    assert config.dataset.source == str(tmp_path / "mine.jsonl")


def test_shipped_configs_are_valid() -> None:
    default = load_config(PROJECT / "configs" / "default.yaml")
    assert default.dataset.source == str(PROJECT / "seeds")
    assert {s["type"] for s in default.summarizers} >= {"lead", "lead-words", "random", "oracle"}
    assert default.targets == ["headline", "standfirst"]
    bbc = load_config(PROJECT / "configs" / "bbc.yaml")
    assert bbc.dataset.source == str((PROJECT.parent / "shared" / "data" / "bbc_2004_2005.jsonl").resolve())


# --- the resolved config -------------------------------------------------------------------


def test_resolved_config_has_every_default(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, base()))
    resolved = yaml.safe_load(dump_config(config))
    assert set(resolved) == set(RunConfig.model_fields)
    assert set(resolved["dataset"]) == set(DatasetConfig.model_fields)
    assert set(resolved["scoring"]) == set(ScoringConfig.model_fields)
    assert resolved["seed"] == 1234 and resolved["targets"] == ["headline", "standfirst"]
    assert resolved["scoring"]["rouge"] == ["rouge1", "rouge2", "rougeL", "rougeLsum"]
    assert resolved["scoring"]["stemmer"] == "porter" and resolved["scoring"]["bootstrap"] == 1000
    lead, rand = resolved["summarizers"]
    assert lead == {"name": "lead-1", "type": "lead", "sentences": {"headline": 1, "standfirst": 1}}
    assert rand["sentences"] == {"headline": 1, "standfirst": 1}


def test_resolved_config_loads_back_to_the_same_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, base()), ["summarizers.lead-1.sentences=3"])
    again = load_config(write(tmp_path, dump_config(config), "resolved.yaml"))
    assert again.model_dump() == config.model_dump()


def test_config_errors_are_user_errors() -> None:
    assert issubclass(ConfigError, UserError)


# --- the YAML reader ------------------------------------------------------------------------


def test_yaml_scalars_are_read_as_yaml_1_2_writes_them() -> None:
    from bench.strict_yaml import parse_yaml

    read = parse_yaml("a: yes\nb: on\nc: 010\nd: 1e9\ne: 1:30\nf: 2020-01-01\ng: true\nh: 0x1F\ni: ~\nj: 1_000\n")
    assert read == {"a": "yes", "b": "on", "c": 10, "d": 1e9, "e": "1:30", "f": "2020-01-01", "g": True,
                    "h": 31, "i": None, "j": "1_000"}


def test_anchors_and_aliases_within_bounds_still_work(tmp_path: Path) -> None:
    text = ("name: t\ndataset: {source: a.jsonl}\nsummarizers:\n"
            "  - {name: one, type: lead, sentences: &n {headline: 1, standfirst: 2}}\n"
            "  - {name: two, type: random, sentences: *n}\n")
    config = load_config(write(tmp_path, text))
    assert config.summarizers[0]["sentences"] == config.summarizers[1]["sentences"] == {"headline": 1, "standfirst": 2}


def test_the_resolved_config_quotes_what_either_yaml_version_would_misread(tmp_path: Path) -> None:
    """A name, split or prompt that reads as a number or a switch in YAML 1.1 or 1.2 reads back as written."""
    from bench.strict_yaml import parse_yaml

    tricky = ["yes", "No", "on", "1e9", "010", "0x1F", "1:30", "2020-01-01", "1_000", ".5", "null", "~", "true"]
    raw = with_({}, dataset={"source": "a.jsonl", "split": "1e5"})
    raw["summarizers"] = [{"name": name, "type": "lead"} for name in tricky]
    from bench.strict_yaml import dump_yaml

    config = load_config(write(tmp_path, dump_yaml(raw)))
    text = dump_config(config)
    for reread in (parse_yaml(text), yaml.safe_load(text)):
        assert [s["name"] for s in reread["summarizers"]] == tricky and reread["dataset"]["split"] == "1e5"
    again = load_config(write(tmp_path, text, "resolved.yaml"))
    assert again.model_dump() == config.model_dump()
