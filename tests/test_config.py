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


# --- unknown keys -----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, where",
    [
        (with_({"sumarizers": []}), "sumarizers"),
        (with_({}, dataset={"limt": 5}), "dataset.limt"),
        (with_({}, scoring={"bootstrp": 10}), "scoring.bootstrp"),
        (with_({"summarizers": [{"name": "lead-1", "type": "lead", "sentence": 2}]}), "summarizers.lead-1.sentence"),
        (with_({"summarizers": [{"name": "lw", "type": "lead-words", "max_word": 2}]}), "summarizers.lw.max_word"),
        (with_({"summarizers": [{"name": "o", "type": "oracle", "sentences": 2}]}), "summarizers.o.sentences"),
    ],
)
def test_unknown_keys_are_errors_naming_the_key(tmp_path: Path, raw: dict, where: str) -> None:
    assert error_for(tmp_path, raw).endswith(f": {where}: unknown key; remove it or check its spelling")


# --- wrong values -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (with_({"seed": "abc"}), "seed: Input should be a valid integer"),
        (with_({"seed": 1.5}), "seed: Input should be a valid integer"),
        (with_({"name": "has space"}), "name: String should match pattern"),
        (with_({"targets": ["title"]}), "targets.0: Input should be 'headline' or 'standfirst'"),
        (with_({"targets": "headline"}), "targets: Input should be a valid list"),
        (with_({"targets": ["headline", "headline"]}), "targets: list each target"),
        (with_({"batch_size": 0}), "batch_size: Input should be greater than or equal to 1"),
        (with_({"dataset": "articles.jsonl"}), "dataset: Input should be a valid dictionary"),
        (with_({}, dataset={"limit": 0}), "dataset.limit: Input should be greater than or equal to 1"),
        (with_({}, dataset={"limit": "many"}), "dataset.limit: Input should be a valid integer"),
        (with_({}, dataset={"on_empty": "drop"}), "dataset.on_empty: Input should be 'error' or 'skip'"),
        (with_({}, dataset={"format": "xml"}), "dataset.format: Input should be"),
        (with_({}, dataset={"fields": {"title": "headline"}}), "dataset.fields: unknown article field(s) ['title']"),
        (with_({}, scoring={"rouge": ["rouge10"]}), "scoring.rouge.0: unknown ROUGE type 'rouge10'"),
        (with_({}, scoring={"rouge": []}), "scoring.rouge: list at least one ROUGE type"),
        (with_({}, scoring={"rouge": ["rouge1"]}), "scoring: primary metric 'rougeLsum' is not in scoring.rouge"),
        (with_({}, scoring={"bootstrap": -1}), "scoring.bootstrap: Input should be greater than or equal to 0"),
        (with_({}, scoring={"stemmer": "snowball"}), "scoring.stemmer: Input should be 'porter' or 'none'"),
        (with_({}, scoring={"confidence": 95}), "scoring.confidence: Input should be less than 1"),
        ({k: v for k, v in base().items() if k != "dataset"}, "dataset: Field required"),
        (with_({"summarizers": []}), "summarizers: List should have at least 1 item"),
        (with_({"summarizers": ["lead"]}), "summarizers.0: Input should be a valid dictionary"),
        (with_({"summarizers": [{"type": "lead"}]}), "summarizers.0: each summarizer needs a 'name' and a 'type'"),
        (with_({"summarizers": [{"name": "l", "type": "lead", "sentences": 0}]}),
         "summarizers.l.sentences.headline: Input should be greater than or equal to 1"),
        (with_({"summarizers": [{"name": "l", "type": "lead", "sentences": {"title": 1}}]}),
         "summarizers.l.sentences.title: Input should be 'headline' or 'standfirst'"),
        (with_({"summarizers": [{"name": "l", "type": "lead-words", "max_words": "ten"}]}),
         "summarizers.l.max_words.headline"),
        (with_({"summarizers": [{"name": "l", "type": "leed"}]}),
         "summarizers.l.type: unknown summarizer type 'leed'; registered types: "),
        (with_({"summarizers": [{"name": "x", "type": "lead"}, {"name": "x", "type": "random"}]}),
         "summarizers.x: this name is used twice; summarizer names must be unique"),
    ],
)
def test_wrong_values_are_one_line_naming_the_field(tmp_path: Path, raw: dict, expected: str) -> None:
    message = error_for(tmp_path, raw)
    assert f": {expected}" in message


def test_unknown_type_lists_the_registered_ones(tmp_path: Path) -> None:
    message = error_for(tmp_path, with_({"summarizers": [{"name": "l", "type": "leed"}]}))
    for known in ("lead", "lead-words", "random", "oracle"):
        assert known in message.split("registered types: ")[1].split(", ")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("name: x\nseed: 1\n\tdataset: {}\n", "line 3 invalid YAML"),
        ("- a\n- b\n", "a config must be a YAML mapping"),
        ("", "a config must be a YAML mapping"),
        ("name: x\n  bad: indent\n", "invalid YAML"),
    ],
)
def test_broken_yaml(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in error_for(tmp_path, text)


def test_missing_and_unreadable_config_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    (tmp_path / "latin.yaml").write_bytes("name: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="cannot read config"):
        load_config(tmp_path / "latin.yaml")


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


@pytest.mark.parametrize(
    "item, expected",
    [
        ("dataset.limit", "expected key=value"),
        ("=3", "empty key segment"),
        ("dataset..limit=3", "empty key segment"),
        ("summarizers.nobody.sentences=2", "no list element 'nobody'"),
        ("summarizers.9.sentences=2", "no list element '9'"),
        ("name.first=x", "name is not a mapping or list"),
        ("seed=[1, 2", "the value is not valid YAML"),
    ],
)
def test_bad_set_syntax(tmp_path: Path, item: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, base()), [item])
    assert expected in str(caught.value) and str(caught.value).startswith(f"--set {item!r}")


def test_set_result_is_validated_too(tmp_path: Path) -> None:
    assert "dataset.limit: Input should be greater than or equal to 1" in error_for(
        tmp_path, base(), ["dataset.limit=0"]
    )
    assert "dataset.limti: unknown key" in error_for(tmp_path, base(), ["dataset.limti=5"])


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
