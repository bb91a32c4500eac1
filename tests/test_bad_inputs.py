"""The malformed-input matrix: every bad or hostile input a user can hand the
tool, in ONE table, each written by the test itself.

Each case must end in: exit code 2; exactly one stderr line, starting
``bench: error:``, that names the file / line / field / flag (the case's
``expected`` text) and what to do; no traceback; and nothing written, half
written or changed anywhere under the test folder (every file compared byte
for byte before and after: no run directory, no leaderboard, no edited input).

Decided behaviour for huge articles: a body over ``dataset.max_body_chars``
(default 200,000 characters, eight times the longest real article at hand) is
rejected as a broken row before anything runs; raise the limit for long-form text.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml
from run_helpers import news_articles, plugin_env, write_jsonl

from bench.cli import main as cli_main

ROWS = news_articles(6)
CLEANUPS: list[Callable[[], None]] = []


# --- inputs the cases are made of --------------------------------------------------------


def rows() -> list[dict[str, Any]]:
    return [dict(r) for r in ROWS]


def config(tmp: Path, file: str = "config.yaml", data: str | None = None, **changes: Any) -> str:
    """A valid config over a valid JSONL file, with ``changes`` merged in
    (``a__b=v`` sets a.b; None deletes a key)."""
    if data is None:
        data = str(write_jsonl(tmp / "articles.jsonl", rows()))
    raw: dict[str, Any] = {
        "name": "bad", "dataset": {"source": data},
        "summarizers": [{"name": "lead-1", "type": "lead"}], "scoring": {"bootstrap": 50},
    }
    for key, value in changes.items():
        *path, last = key.split("__")
        target = raw
        for part in path:
            target = target.setdefault(part, {})
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    path = tmp / file
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return str(path)


def config_text(tmp: Path, text: str, file: str = "config.yaml") -> str:
    """A config written as raw YAML text; ``{data}`` stands for a valid data file."""
    data = str(write_jsonl(tmp / "articles.jsonl", rows()))
    path = tmp / file
    path.write_text(text.replace("{data}", data), encoding="utf-8")
    return str(path)


VALID = "name: bad\ndataset: {source: '{data}'}\nsummarizers: [{name: lead-1, type: lead}]\n"


def valid_plus(extra: str) -> Callable[[Path], list[str]]:
    """A valid config with raw YAML lines added at the end."""
    return lambda t: ["run", config_text(t, VALID + extra)]


def data_file(tmp: Path, name: str, content: str | bytes) -> str:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def jsonl(data: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in data)


def with_row(index: int, **changes: Any) -> list[dict[str, Any]]:
    data = rows()
    data[index].update(changes)
    return data


def bad_data(tmp: Path, content: str | bytes, name: str = "a.jsonl") -> list[str]:
    return ["run", config(tmp, data=data_file(tmp, name, content))]


def finished_run(tmp: Path, name: str = "ok", **changes: Any) -> Path:
    assert cli_main(["run", config(tmp, f"{name}.yaml", name=name, **changes), "-o", str(tmp / "done"), "-q"]) == 0
    return sorted((tmp / "done").glob(f"{name}-*"))[-1]


def unfinished_run(tmp: Path) -> Path:
    run_dir = finished_run(tmp, name="bad")
    (run_dir / "results.json").unlink()
    return run_dir


def readonly_folder(tmp: Path) -> Path:
    """A folder no one may write in: a read-only tmpfs as root (root ignores
    permissions), a folder without write permission otherwise."""
    folder = tmp / "readonly"
    folder.mkdir()
    if os.geteuid() == 0:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a read-only tmpfs here ({done.stderr.strip()})")
        CLEANUPS.append(lambda: subprocess.run(["umount", "-l", str(folder)], capture_output=True))
    else:
        folder.chmod(0o555)
        CLEANUPS.append(lambda: folder.chmod(0o755))
    return folder


def yaml_bomb(levels: int = 9) -> str:
    """The billion laughs: each level 9 aliases of the one before (9**9 strings expanded)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def _board(damage: Callable[[Path], Any]) -> Callable[[Path], list[str]]:
    """``bench leaderboard`` of a finished run that ``damage`` edited by hand."""
    def build(t: Path) -> list[str]:
        run_dir = finished_run(t)
        damage(run_dir)
        return ["leaderboard", str(run_dir), "-o", str(t / "lb.json")]
    return build


def _results(change: Callable[[dict[str, Any]], Any]) -> Callable[[Path], Path]:
    def damage(run_dir: Path) -> Path:
        data = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
        change(data)
        (run_dir / "results.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
        return run_dir
    return damage


def _results_text(change: Callable[[str], str]) -> Callable[[Path], Path]:
    return lambda run_dir: _edit(run_dir, "results.json", change)


def _scores_text(change: Callable[[str], str]) -> Callable[[Path], Path]:
    return lambda run_dir: _edit(run_dir, "scores.jsonl", change)


def _scores_lines(change: Callable[[list[str]], list[str]]) -> Callable[[Path], Path]:
    return lambda run_dir: _edit(run_dir, "scores.jsonl", lambda s: "".join(line + "\n" for line in change(s.splitlines())))


def _scores_rows(change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Callable[[Path], Path]:
    return _scores_lines(lambda lines: [json.dumps(r) for r in change([json.loads(line) for line in lines])])


def _predictions_rows(change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> Callable[[Path], Path]:
    return lambda run_dir: _edit(run_dir, "predictions.jsonl", lambda s: "".join(
        json.dumps(r) + "\n" for r in change([json.loads(line) for line in s.splitlines()])))


def _leaderboard(tmp: Path, change: Callable[[str], str]) -> str:
    """A valid leaderboard file of one run, then edited by hand."""
    path = tmp / "lb.json"
    assert cli_main(["leaderboard", str(finished_run(tmp)), "-o", str(path), "-q", "--html", "none",
                     "--markdown", "none"]) == 0
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return str(path)


def _edit(run_dir: Path, file: str, edit: Callable[[str], str]) -> Path:
    path = run_dir / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return run_dir


# --- the matrix -----------------------------------------------------------------------------


@dataclass
class Bad:
    """One malformed input: ``build(tmp)`` writes it and returns the argv;
    ``expected`` must be in the error line."""

    build: Callable[[Path], list[str]]
    expected: str
    env: dict[str, str] = field(default_factory=dict)


def _run(**changes: Any) -> Callable[[Path], list[str]]:
    return lambda t: ["run", config(t, **changes)]


def _summarizer(**settings: Any) -> Callable[[Path], list[str]]:
    return _run(summarizers=[{"name": "s", **settings}])


CASES: dict[str, Bad] = {
    # --- the config file --------------------------------------------------------------------
    "config-missing": Bad(lambda t: ["run", str(t / "nope.yaml")], "nope.yaml: config file not found"),
    "config-missing-relative": Bad(lambda t: ["run", "nope.yaml"], "nope.yaml: config file not found"),
    "config-is-a-folder": Bad(lambda t: ["run", str((t / "c.yaml").mkdir() or t / "c.yaml")],
                              "c.yaml: is a folder, not a config file"),
    "config-invalid-yaml": Bad(lambda t: ["run", data_file(t, "c.yaml", "name: [unclosed\n")], "invalid YAML"),
    "config-tab-indent": Bad(lambda t: ["run", data_file(t, "config.yaml", "name: x\nseed: 1\n\tdataset: {}\n")],
                             "line 3 invalid YAML"),
    "config-bad-indent": Bad(lambda t: ["run", data_file(t, "config.yaml", "name: x\n  bad: indent\n")],
                             "invalid YAML"),
    "config-not-a-mapping": Bad(lambda t: ["run", data_file(t, "c.yaml", "- a\n- b\n")], "must be a YAML mapping"),
    "config-empty-file": Bad(lambda t: ["run", data_file(t, "config.yaml", "")], "a config must be a YAML mapping"),
    "config-not-utf8": Bad(lambda t: ["run", data_file(t, "latin.yaml", "name: caf\u00e9\n".encode("latin-1"))],
                           "latin.yaml: cannot read config (not UTF-8"),
    "config-nul-byte": Bad(lambda t: ["run", data_file(t, "c.yaml", "name: a\x00b\n")],
                           "c.yaml: character '\\x00' is not allowed"),
    "config-too-large": Bad(lambda t: ["run", data_file(t, "c.yaml", "# " + "x" * (10 * 2**20) + "\n")],
                            "c.yaml: 10,485,763 bytes is too large for a config"),
    "config-duplicate-top-key": Bad(
        valid_plus("summarizers: [{name: random, type: random}]\n"),
        "config.yaml: line 4 key 'summarizers' appears twice in one mapping (first on line 3); keep one"),
    "config-duplicate-nested-key": Bad(valid_plus("scoring:\n  bootstrap: 10\n  stemmer: none\n  bootstrap: 20\n"),
                                       "line 7 key 'bootstrap' appears twice"),
    "config-duplicate-key-in-flow": Bad(
        lambda t: ["run", config_text(t, VALID.replace("type: lead", "type: lead, type: random"))],
        "line 3 key 'type' appears twice"),
    "config-billion-laughs": Bad(valid_plus(yaml_bomb()), "over 100,000 values (an alias bomb?)"),
    "config-deep-flow-nesting": Bad(valid_plus("deep: " + "[" * 50_000 + "]" * 50_000 + "\n"),
                                    "line 4 nested more than 64 levels deep"),
    "config-deep-block-nesting": Bad(valid_plus("".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "x\n"),
                                     "nested more than 64 levels deep"),
    "config-alias-cycle": Bad(valid_plus("loop: &l [1, *l]\n"), "an alias refers to the node that holds it"),
    "config-merge-key": Bad(valid_plus("base: &b {bootstrap: 10}\nscoring:\n  <<: *b\n"),
                            "line 6 '<<' merge keys are not supported"),
    "config-key-is-a-list": Bad(valid_plus("? [a, b]\n: 1\n"), "a key that is a list is not allowed"),
    "config-unknown-key": Bad(_run(colour="blue"), "colour: unknown key; remove it or check its spelling"),
    "config-unknown-key-misspelt": Bad(_run(sumarizers=[]), "sumarizers: unknown key"),
    "config-unknown-nested-key": Bad(_run(scoring__bootstap=10), "scoring.bootstap: unknown key"),
    "config-unknown-dataset-key": Bad(_run(dataset__limt=5), "dataset.limt: unknown key"),
    "config-unknown-scoring-key": Bad(_run(scoring__bootstrp=10), "scoring.bootstrp: unknown key"),
    "config-unknown-summarizer-key": Bad(_summarizer(type="lead", sentence=2), "summarizers.s.sentence: unknown key"),
    "config-unknown-lead-words-key": Bad(_summarizer(type="lead-words", max_word=2), "summarizers.s.max_word: unknown key"),
    "config-oracle-takes-no-sentences": Bad(_summarizer(type="oracle", sentences=2), "summarizers.s.sentences: unknown key"),
    # --- values that parse but mean something else, or cannot run ------------------------
    "config-seed-yes": Bad(valid_plus("seed: yes\n"), "seed: Input should be a valid integer, not 'yes'"),
    "config-seed-true": Bad(valid_plus("seed: true\n"), "seed: Input should be a valid integer, not true"),
    "config-seed-negative": Bad(_run(seed=-1), "seed: Input should be greater than or equal to 0"),
    "config-seed-too-large": Bad(_run(seed=2**40), "seed: Input should be less than or equal to 4294967295"),
    "config-seed-fraction": Bad(_run(seed=1.5), "seed: Input should be a valid integer"),
    "config-seed-text": Bad(_run(seed="abc"), "seed: Input should be a valid integer"),
    "config-dataset-seed-negative": Bad(_run(dataset__seed=-3), "dataset.seed: Input should be greater than or equal to 0"),
    "config-bootstrap-1e9": Bad(valid_plus("scoring: {bootstrap: 1e9}\n"),
                               "scoring.bootstrap: Input should be less than or equal to 100000"),
    "config-bootstrap-too-many": Bad(_run(scoring__bootstrap=10**9),
                                     "scoring.bootstrap: Input should be less than or equal to 100000"),
    "config-bootstrap-negative": Bad(_run(scoring__bootstrap=-1),
                                     "scoring.bootstrap: Input should be greater than or equal to 0"),
    "config-bootstrap-true": Bad(valid_plus("scoring: {bootstrap: true}\n"), "scoring.bootstrap: Input should be a valid integer"),
    "config-resamples-too-many": Bad(_run(scoring__significance_resamples=10**7),
                                     "scoring.significance_resamples: Input should be less than or equal to 100000"),
    "config-confidence-nan": Bad(valid_plus("scoring: {confidence: .nan}\n"), "scoring.confidence: Input should be a finite number"),
    "config-confidence-percent": Bad(_run(scoring__confidence=95), "scoring.confidence: Input should be less than 1"),
    "config-scoring-workers-too-many": Bad(_run(scoring__workers=10**6), "scoring.workers: Input should be less than or equal to 256"),
    "config-metric-switch-written-maybe": Bad(valid_plus("scoring: {metrics: {faithfulness: {numbers: maybe}}}\n"),
                                              "scoring.metrics.faithfulness.numbers: Input should be a valid boolean"),
    "config-metric-batch-size-true": Bad(valid_plus("scoring: {metrics: {bertscore: {batch_size: true}}}\n"),
                                         "scoring.metrics.bertscore.batch_size: Input should be a valid integer"),
    "config-metric-unknown": Bad(_run(scoring__metrics={"bleurt": {}}), "scoring.metrics.bleurt: unknown metric"),
    "config-primary-unknown": Bad(_run(scoring__primary="bleu"), "scoring.primary: 'bleu' is not a score of this config"),
    "config-stemmer-unknown": Bad(_run(scoring__stemmer="snowball"), "scoring.stemmer: Input should be 'porter' or 'none'"),
    "config-unknown-metric": Bad(_run(scoring__rouge=["rouge10"]), "scoring.rouge.0: unknown ROUGE type 'rouge10'"),
    "config-no-rouge-types": Bad(_run(scoring__rouge=[]), "scoring.rouge: list at least one ROUGE type"),
    "config-primary-not-scored": Bad(_run(scoring__rouge=["rouge1"]),
                                     "primary metric 'rougeLsum' is not in scoring.rouge"),
    "config-unknown-target": Bad(_run(targets=["title"]), "targets.0: Input should be 'headline' or 'standfirst'"),
    "config-targets-not-a-list": Bad(_run(targets="headline"), "targets: Input should be a valid list"),
    "config-target-twice": Bad(_run(targets=["headline", "headline"]), "targets: list each target"),
    "config-bad-name": Bad(_run(name="my run/1"), "name: String should match pattern"),
    "config-name-too-long": Bad(_run(name="n" * 101), "name: String should have at most 100 characters"),
    "config-name-is-a-number": Bad(lambda t: ["run", config_text(t, VALID.replace("name: bad", "name: 007"))],
                                   "name: Input should be a valid string, not 7"),
    "config-missing-dataset": Bad(_run(dataset=None), "dataset: Field required"),
    "config-dataset-not-a-mapping": Bad(_run(dataset="articles.jsonl"), "dataset: Input should be a valid dictionary"),
    "config-limit-zero": Bad(_run(dataset__limit=0), "dataset.limit: Input should be greater than or equal to 1"),
    "config-limit-negative": Bad(_run(dataset__limit=-5), "dataset.limit:"),
    "config-limit-text": Bad(_run(dataset__limit="ten"), "dataset.limit: Input should be a valid integer"),
    "config-on-empty-unknown": Bad(_run(dataset__on_empty="drop"), "dataset.on_empty: Input should be 'error' or 'skip'"),
    "config-format-unknown": Bad(_run(dataset__format="xml"), "dataset.format: Input should be"),
    "config-unknown-field-mapping": Bad(_run(dataset__fields={"title": "headline"}),
                                        "dataset.fields: unknown article field(s) ['title']"),
    "config-bad-batch-size": Bad(_run(batch_size=0), "batch_size: Input should be greater than or equal to 1"),
    "config-no-summarizers": Bad(_run(summarizers=[]), "summarizers: List should have at least 1 item"),
    "config-summarizer-not-a-mapping": Bad(_run(summarizers=["lead"]), "summarizers.0: Input should be a valid dictionary"),
    "config-summarizer-without-name": Bad(_run(summarizers=[{"type": "lead"}]),
                                          "summarizers.0: each summarizer needs a 'name' and a 'type'"),
    "config-summarizer-without-type": Bad(_run(summarizers=[{"name": "x"}]), "needs a 'name' and a 'type'"),
    "config-summarizer-empty-name": Bad(_summarizer(type="lead", name=""), "summarizers.0.name: the name is empty"),
    "config-summarizer-name-newline": Bad(_summarizer(type="lead", name="lead\n1"),
                                          "summarizers.0.name: the name 'lead\\n1' holds a line break"),
    "config-summarizer-name-spaces-at-end": Bad(_summarizer(type="lead", name="lead "),
                                                "summarizers.0.name: the name 'lead ' holds"),
    "config-summarizer-name-a-number": Bad(_summarizer(type="lead", name=5), "summarizers.0.name: a name is text, not int 5"),
    "config-summarizer-name-too-long": Bad(_summarizer(type="lead", name="x" * 101),
                                           "the name is 101 characters long; use at most 100"),
    "config-unknown-summarizer": Bad(_summarizer(type="gpt-17"), "summarizers.s.type: unknown summarizer type 'gpt-17'"),
    "config-duplicate-summarizer-names": Bad(
        _run(summarizers=[{"name": "x", "type": "lead"}, {"name": "x", "type": "random"}]),
        "summarizers.x: this name is used twice; summarizer names must be unique"),
    "config-sentences-zero": Bad(_summarizer(type="lead", sentences=0),
                                 "summarizers.s.sentences.headline: Input should be greater than or equal to 1"),
    "config-sentences-true": Bad(_summarizer(type="lead", sentences=True),
                                 "summarizers.s.sentences.headline: Input should be a valid integer, not true"),
    "config-model-batch-size-true": Bad(_summarizer(type="hf-seq2seq", model="some/model", batch_size=True),
                                        "summarizers.s.batch_size: Input should be a valid integer, not true"),
    "config-sentences-unknown-target": Bad(_summarizer(type="lead", sentences={"title": 1}),
                                           "summarizers.s.sentences.title: Input should be 'headline' or 'standfirst'"),
    "config-max-words-text": Bad(_summarizer(type="lead-words", max_words="ten"), "summarizers.s.max_words.headline"),
    "config-temperature-infinite": Bad(
        lambda t: ["run", config_text(t, VALID.replace(
            "[{name: lead-1, type: lead}]",
            "[{name: s, type: openai, base_url: 'http://127.0.0.1:9', model: m, prompts: '{body}', temperature: .inf}]"))],
        "summarizers.s.temperature: Input should be a finite number"),
    "config-engine-workers-true": Bad(valid_plus("engine: {type: ray, workers: true}\n"), "engine.workers: Input should be a valid integer"),
    "data-missing-file": Bad(lambda t: ["run", config(t, data=str(t / "gone.jsonl"))],
                                       "gone.jsonl: dataset file not found"),
    # --- --set ---------------------------------------------------------------------------------
    "set-without-equals": Bad(lambda t: ["run", config(t), "--set", "seed"], "--set 'seed': expected key=value"),
    "set-empty-key": Bad(lambda t: ["run", config(t), "--set", "=3"], "--set '=3': empty key segment"),
    "set-empty-key-segment": Bad(lambda t: ["run", config(t), "--set", "dataset..limit=3"], "empty key segment"),
    "set-unknown-key": Bad(lambda t: ["run", config(t), "--set", "scoring.bootsrap=5"], "scoring.bootsrap: unknown key"),
    "set-wrong-type": Bad(lambda t: ["run", config(t), "--set", "dataset.limit=many"], "dataset.limit:"),
    "set-out-of-range": Bad(lambda t: ["run", config(t), "--set", "dataset.limit=-4"],
                            "dataset.limit: Input should be greater than or equal to 1"),
    "set-seed-yes": Bad(lambda t: ["run", config(t), "--set", "seed=yes"], "seed: Input should be a valid integer, not 'yes'"),
    "set-unknown-summarizer": Bad(lambda t: ["run", config(t), "--set", "summarizers.lead-9.sentences=2"],
                                  "no list element 'lead-9'"),
    "set-index-out-of-range": Bad(lambda t: ["run", config(t), "--set", "summarizers.9.sentences=2"],
                                  "no list element '9'"),
    "set-into-a-text-value": Bad(lambda t: ["run", config(t), "--set", "name.first=x"], "name is not a mapping or list"),
    "set-bad-yaml": Bad(lambda t: ["run", config(t), "--set", "seed=[1"], "the value is not valid YAML; quote it"),
    "set-alias-bomb": Bad(lambda t: ["run", config(t), "--set", "x=" + yaml_bomb(6).replace("\n", ", ").join("{}")],
                          "over 100,000 values"),
    "set-duplicate-key": Bad(lambda t: ["run", config(t), "--set", "scoring={bootstrap: 5, bootstrap: 6}"],
                             "key 'bootstrap' appears twice"),
    # --- the data ------------------------------------------------------------------------------
    "data-invalid-json-line": Bad(lambda t: bad_data(t, jsonl(rows()[:2]) + "{oops\n" + jsonl(rows()[2:])),
                                  "a.jsonl:3: invalid JSON"),
    "data-line-not-an-object": Bad(lambda t: bad_data(t, jsonl(rows()[:1]) + "[1, 2]\n"),
                                   "a.jsonl:2: expected a JSON object"),
    "data-missing-field": Bad(lambda t: bad_data(t, jsonl([{k: v for k, v in r.items() if k != "headline"}
                                                           for r in rows()])), "no column 'headline'"),
    "data-missing-body-column": Bad(lambda t: bad_data(t, jsonl([{k: v for k, v in r.items() if k != "body"}
                                                                 for r in rows()])), "no column 'body' for the article body"),
    "data-duplicate-id": Bad(lambda t: bad_data(t, jsonl(with_row(3, id=ROWS[1]["id"]))), "duplicate id"),
    "data-empty-body": Bad(lambda t: bad_data(t, jsonl(with_row(2, body="  \n "))), "empty body"),
    "data-empty-reference": Bad(lambda t: bad_data(t, jsonl(with_row(2, standfirst=""))),
                                "empty standfirst; fill it in, or set dataset.on_empty: skip"),
    "data-field-not-text": Bad(lambda t: bad_data(t, jsonl(with_row(1, headline=42))), "field 'headline' is int"),
    "data-empty-id": Bad(lambda t: bad_data(t, jsonl(with_row(1, id=""))), "empty id"),
    "data-not-utf8": Bad(lambda t: bad_data(t, jsonl(rows()[:2]).encode() + "{\"id\": \"caf\u00e9\"}\n".encode("latin-1")),
                         "a.jsonl:3: not UTF-8"),
    "data-empty-file": Bad(lambda t: bad_data(t, ""), "the file is empty"),
    "data-5mb-article": Bad(lambda t: bad_data(t, jsonl(with_row(4, body="Words go on. " * 400_000))),
                            "over dataset.max_body_chars (200,000); fix the row, or raise the limit"),
    "data-csv-missing-column": Bad(lambda t: bad_data(t, "id,headline,body\n1,A title,Some body text.\n", "a.csv"),
                                   "no column 'standfirst'"),
    "data-csv-unclosed-quote": Bad(lambda t: bad_data(t, 'id,headline,standfirst,body\n1,"open\n', "a.csv"),
                                   "a.csv: could not be read as csv"),
    "data-unknown-extension": Bad(lambda t: bad_data(t, "hello", "a.txt"), "cannot tell the format"),
    "data-garbage-parquet": Bad(lambda t: bad_data(t, "not parquet at all", "a.parquet"), "a.parquet: could not be read"),
    "data-empty-seeds-folder": Bad(lambda t: ["run", config(t, data=str((t / "seeds").mkdir() or t / "seeds"))],
                                   "no .txt articles"),
    "data-short-seed-file": Bad(lambda t: ["run", config(t, data=str(Path(data_file(t, "seeds/a.txt",
                                                                                 "Only a headline\n")).parent))],
                                "a seed article needs a headline line"),
    "data-id-a-json-object": Bad(lambda t: bad_data(t, jsonl(with_row(1, id={"a": 1}))),
                                "a.jsonl:2: field 'id' is a JSON object; an id must be text or a whole number"),
    "data-id-a-fraction": Bad(lambda t: bad_data(t, jsonl(with_row(1, id=3.5))), "a.jsonl:2: field 'id' is float"),
    "data-id-a-switch": Bad(lambda t: bad_data(t, jsonl(with_row(1, id=True))), "a.jsonl:2: field 'id' is bool"),
    "data-fields-id-missing-column": Bad(
        lambda t: ["run", config(t, dataset__fields={"id": "key"})],
        "articles.jsonl: dataset.fields.id names the column 'key', which is not there"),
    "data-300k-reference": Bad(lambda t: bad_data(t, jsonl(with_row(3, standfirst="Words go on. " * 23_077))),
                               "over dataset.max_reference_chars (20,000); fix the row, or raise the limit"),
    "data-reference-a-number": Bad(lambda t: bad_data(t, jsonl(with_row(5, standfirst=2024))),
                                   "a.jsonl:6: field 'standfirst' is int, expected text"),
    "data-csv-header-twice": Bad(lambda t: bad_data(t, "id,headline,headline,standfirst,body\n1,a,b,c,d\n", "a.csv"),
                                 "a.csv:1: column(s) ['headline'] appear twice in the header"),
    "score-empty-reference-line": Bad(
        lambda t: ["score", "-r", data_file(t, "gold.txt", "a reference\nanother one\n   \nthe last\n"),
                   "-p", data_file(t, "sys.txt", "a\nb\nc\nd\n"), "-o", str(t / "r")],
        "gold.txt:3: empty reference; every line must hold a reference"),
    "score-empty-jsonl-reference": Bad(
        lambda t: ["score", "-r", data_file(t, "gold.jsonl", jsonl([{"id": "a", "references": ["x", "y"]},
                                                                     {"id": "b", "references": ["z", ""]}])),
                   "-p", data_file(t, "sys.jsonl", jsonl([{"id": "a", "prediction": "x"}, {"id": "b", "prediction": "z"}])),
                   "-o", str(t / "r")], "gold.jsonl:2: empty 'references'"),
    "data-hub-offline": Bad(lambda t: ["run", config(t, data="hf:no_such_dataset_xyz")],
                            "hf:no_such_dataset_xyz: could not load split 'test'"),
    # --- the command line ------------------------------------------------------------------------
    "cli-run-without-config": Bad(lambda t: ["run"], "give a CONFIG file, or --resume RUN_DIR"),
    "cli-unknown-flag": Bad(lambda t: ["run", config(t), "--frobnicate"], "unrecognized arguments: --frobnicate"),
    "cli-resume-and-fresh": Bad(lambda t: ["run", "--resume", str(unfinished_run(t)), "--fresh"],
                                "--resume continues RUN_DIR and --fresh starts a new run; give one of them"),
    "cli-resume-missing-dir": Bad(lambda t: ["run", "--resume", str(t / "nowhere")], "no config.yaml there"),
    "cli-resume-finished-run": Bad(lambda t: ["run", "--resume", str(finished_run(t))], "this run already finished"),
    "cli-resume-other-config": Bad(lambda t: ["run", "--resume", str(unfinished_run(t)), config(t, "other.yaml", seed=7)],
                                   "the run was started with a different seed"),
    "cli-resume-config-duplicate-key": Bad(
        lambda t: ["run", "--resume", str(_edit(unfinished_run(t), "config.yaml", lambda s: s + "seed: 7\n"))],
        "key 'seed' appears twice in one mapping (first on line 2); keep one"),
    "cli-resume-config-alias-bomb": Bad(
        lambda t: ["run", "--resume", str(_edit(unfinished_run(t), "config.yaml", lambda s: s + yaml_bomb()))],
        "config.yaml: line 1 with its aliases expanded"),
    "cli-resume-damaged-predictions": Bad(
        lambda t: ["run", "--resume", str(_edit(unfinished_run(t), "predictions.jsonl", lambda s: "{oops\n" + s))],
        "predictions.jsonl:1: damaged prediction line"),
    "cli-reproduce-missing-dir": Bad(lambda t: ["reproduce", str(t / "nowhere")], "not a run directory (not found)"),
    "cli-reproduce-unfinished-run": Bad(lambda t: ["reproduce", str(unfinished_run(t))], "no results.json"),
    "cli-reproduce-config-duplicate-key": Bad(
        lambda t: ["reproduce", str(_edit(finished_run(t), "config.yaml", lambda s: s + "seed: 7\n"))],
        "key 'seed' appears twice"),
    "cli-leaderboard-missing-dir": Bad(lambda t: ["leaderboard", str(t / "nowhere"), "-o", str(t / "lb.json")],
                                       "not a run directory"),
    "cli-leaderboard-not-a-run": Bad(lambda t: ["leaderboard", str(Path(data_file(t, "notarun/x.txt", "x")).parent),
                                                "-o", str(t / "lb.json")], "notarun"),
    "cli-leaderboard-damaged-results": Bad(
        lambda t: ["leaderboard", str(_edit(finished_run(t), "results.json", lambda s: "{not json")), "-o", str(t / "lb.json")],
        "results.json: not JSON (line 1, column 2"),
    "cli-leaderboard-not-results": Bad(
        lambda t: ["leaderboard", str(_edit(finished_run(t), "results.json", lambda s: "[1, 2]")), "-o", str(t / "lb.json")],
        "not a headline-bench results file"),
    "cli-plugin-missing": Bad(lambda t: ["run", config(t)], "BENCH_PLUGINS: cannot import plugin module 'no_such_plugin'",
                              env={"BENCH_PLUGINS": "no_such_plugin"}),
    # --- run files and leaderboards edited or damaged by hand ---------------------------------------
    "run-results-missing-dataset": Bad(_board(_results(lambda r: r.pop("dataset"))),
                                       "results.json: $: 'dataset' is a required property"),
    "run-results-missing-signature": Bad(_board(_results(lambda r: r.pop("signature"))),
                                         "results.json: $: 'signature' is a required property"),
    "run-results-missing-n": Bad(_board(_results(lambda r: r["targets"]["headline"]["systems"]["lead-1"].pop("n"))),
                                 "results.json: $.targets.headline.systems['lead-1']: 'n' is a required property"),
    "run-results-n-is-text": Bad(_board(_results(lambda r: r["targets"]["headline"]["systems"]["lead-1"].update(n="6"))),
                                 "$.targets.headline.systems['lead-1'].n: '6' is not of type 'integer'"),
    "run-results-targets-a-list": Bad(_board(_results(lambda r: r.update(targets=list(r["targets"].values())))),
                                      "results.json: $.targets:"),
    "run-results-no-targets": Bad(_board(_results(lambda r: r.update(targets={}))), "$.targets: {} should be non-empty"),
    "run-results-mean-is-text": Bad(
        _board(_results(lambda r: r["targets"]["headline"]["systems"]["lead-1"]["scores"]["rouge1"]["f"].update(mean="high"))),
        "$.targets.headline.systems['lead-1'].scores.rouge1.f.mean: 'high' is not of type 'number', 'null'"),
    "run-results-fingerprint-a-number": Bad(_board(_results(lambda r: r["dataset"].update(fingerprint=7))),
                                            "$.dataset.fingerprint: 7 is not of type 'string'"),
    "run-results-nan": Bad(_board(_results_text(lambda s: s.replace('"mean": 0.', '"mean": NaN, "was": 0.', 1))),
                           "results.json: not valid JSON (NaN is not a JSON number)"),
    "run-results-infinity": Bad(_board(_results_text(lambda s: s.replace('"ci_high": 0.', '"ci_high": Infinity, "x": 0.', 1))),
                                "results.json: not valid JSON (Infinity is not a JSON number)"),
    "run-results-huge-number": Bad(_board(_results_text(lambda s: s.replace('"ci_low": 0.', '"ci_low": 1e999, "x": 0.', 1))),
                                   "results.json: not valid JSON (1e999 is too large for a JSON number)"),
    "run-results-repeated-key": Bad(_board(_results_text(lambda s: s.replace('"name": ', '"name": "x", "name": ', 1))),
                                    "results.json: not valid JSON (key 'name' appears twice in one object)"),
    "run-results-not-utf8": Bad(_board(lambda d: (d / "results.json").write_bytes(
        (d / "results.json").read_bytes().replace(b'"name": "ok"', '"name": "caf\u00e9"'.encode("latin-1")))),
        "results.json: unreadable (not UTF-8"),
    "run-scores-nan": Bad(_board(_scores_text(lambda s: s.replace('"f": 0.', '"f": NaN, "g": 0.', 1))),
                          "scores.jsonl:1: not valid JSON (NaN is not a JSON number)"),
    "run-scores-missing-rows": Bad(_board(_scores_lines(lambda lines: lines[3:])),
                                   "scores.jsonl: 3 rows for lead-1/headline, but results.json says it was scored on 6"),
    "run-scores-row-twice": Bad(_board(_scores_lines(lambda lines: lines[:1] + lines)),
                                "scores.jsonl:2: lead-1/headline article 'fx-0001' is scored twice (first on line 1)"),
    "run-scores-broken-line": Bad(_board(_scores_lines(lambda lines: lines[:2] + ['{"id": "fx-0003", "tar'] + lines[3:])),
                                  "scores.jsonl:3: not JSON (line 1, column"),
    "run-scores-row-without-id": Bad(_board(_scores_rows(lambda rows: [r.pop("id") and r for r in rows[:1]] + rows[1:])),
                                     "scores.jsonl:1: row: 'id' is a required property"),
    "run-scores-score-is-text": Bad(_board(_scores_rows(lambda rows: [
        {**rows[0], "scores": {**rows[0]["scores"], "rouge1": {"p": 0.1, "r": 0.2, "f": "0.3"}}}] + rows[1:])),
        "scores.jsonl:1: row.scores.rouge1.f: '0.3' is not of type 'number', 'null'"),
    "run-scores-unknown-system": Bad(_board(_scores_rows(lambda rows: rows + [{**rows[0], "summarizer": "ghost"}])),
                                     "scores.jsonl: 1 rows for ghost/headline, a system results.json does not list"),
    "run-scores-stray-article": Bad(_board(_scores_rows(lambda rows: [{**rows[0], "id": "not-an-article"}] + rows[1:])),
                                    "scores.jsonl: article 'not-an-article' (lead-1/headline) is not among the run's articles"),
    "run-scores-missing": Bad(_board(lambda d: (d / "scores.jsonl").unlink()),
                              "scores.jsonl: missing; the leaderboard needs per-article scores"),
    "run-predictions-damaged": Bad(_board(lambda d: _edit(d, "predictions.jsonl", lambda s: s.replace("{", "[", 1))),
                                   "predictions.jsonl:1: not JSON"),
    "run-predictions-not-text": Bad(_board(_predictions_rows(lambda rows: [{**rows[0], "prediction": 42}] + rows[1:])),
                                    "predictions.jsonl:1: not a prediction row"),
    "reproduce-results-missing-n": Bad(
        lambda t: ["reproduce", str(_results(lambda r: r["targets"]["standfirst"]["systems"]["lead-1"].pop("n"))(finished_run(t)))],
        "$.targets.standfirst.systems['lead-1']: 'n' is a required property"),
    "leaderboard-check-nan": Bad(lambda t: ["leaderboard", "--check", _leaderboard(t, lambda s: s.replace('"mean": 0.', '"mean": NaN, "x": 0.', 1))],
                                 "lb.json: not valid JSON (NaN is not a JSON number)"),
    "leaderboard-check-infinity": Bad(lambda t: ["leaderboard", "--check", _leaderboard(t, lambda s: s.replace('"ci_low": 0.', '"ci_low": -Infinity, "x": 0.', 1))],
                                      "lb.json: not valid JSON (-Infinity is not a JSON number)"),
    "leaderboard-check-not-json": Bad(lambda t: ["leaderboard", "--check", _leaderboard(t, lambda s: "{not json")],
                                      "lb.json: not JSON (line 1, column 2"),
    "leaderboard-check-wrong-type": Bad(lambda t: ["leaderboard", "--check", _leaderboard(t, lambda s: s.replace('"schema_version": 3', '"schema_version": "3"'))],
                                        "$.schema_version: 3 was expected"),
    "leaderboard-check-folder": Bad(lambda t: ["leaderboard", "--check", str((t / "lb").mkdir() or t / "lb")],
                                    "is a folder; pass a leaderboard.json"),
    "leaderboard-merge-into-nan": Bad(
        lambda t: ["leaderboard", str(finished_run(t, "more")), "-o", _leaderboard(t, lambda s: s.replace('"mean": 0.', '"mean": NaN, "x": 0.', 1))],
        "lb.json: not valid JSON (NaN is not a JSON number)"),
    "leaderboard-merge-into-invalid": Bad(
        lambda t: ["leaderboard", str(finished_run(t, "more")), "-o", _leaderboard(t, lambda s: s.replace('"boards": [', '"boards": [7, ', 1))],
        "lb.json: not a valid leaderboard: $.boards[0]"),
    "score-oracle-not-a-system": Bad(
        lambda t: ["score", "-r", data_file(t, "gold.txt", "A line\n"), "-p", data_file(t, "ext-oracle-test-output.txt", "A line\n"),
                   "--oracle", "ext-oracle", "-o", str(t / "runs")],
        "--oracle 'ext-oracle': no such system (systems: ext-oracle-test-output); did you mean 'ext-oracle-test-output'?"),
    "score-body-metric-without-bodies": Bad(
        lambda t: ["score", "-r", data_file(t, "gold.txt", "Three men held\n"), "-p", data_file(t, "sys.txt", "Two men held\n"),
                   "--set", "metrics={faithfulness: {}}", "-o", str(t / "runs")],
        "metric 'faithfulness' reads article bodies, and these articles have none"),
    "score-seed-negative": Bad(
        lambda t: ["score", "-r", data_file(t, "gold.txt", "A line\n"), "-p", data_file(t, "sys.txt", "A line\n"),
                   "--seed", "-1", "-o", str(t / "runs")], "seed: Input should be greater than or equal to 0"),
    # --- where the output goes -----------------------------------------------------------------------
    "out-run-output-is-a-file": Bad(lambda t: ["run", config(t), "-o", data_file(t, "file", "x")],
                                    "file: is a file, not a folder; name a folder"),
    "out-run-output-under-a-file": Bad(lambda t: ["run", config(t), "-o", data_file(t, "file", "x") + "/runs"],
                                       "file is a file, not a folder; choose another path"),
    "out-run-output-read-only": Bad(lambda t: ["run", config(t), "-o", str(readonly_folder(t) / "runs")],
                                    "cannot write in"),
    "out-score-output-is-a-file": Bad(
        lambda t: ["score", "-r", data_file(t, "gold.txt", "A line\n"), "-p", data_file(t, "sys.txt", "A line\n"),
                   "-o", data_file(t, "file", "x")], "--output"),
    "out-reproduce-output-is-a-file": Bad(lambda t: ["reproduce", str(finished_run(t)), "-o", data_file(t, "file", "x")],
                                          "--output"),
    "out-leaderboard-html-is-a-folder": Bad(
        lambda t: ["leaderboard", str(finished_run(t)), "-o", str(t / "lb.json"), "--html", str((t / "page").mkdir() or t / "page")],
        "--html"),
    "out-leaderboard-json-is-a-folder": Bad(
        lambda t: ["leaderboard", str(finished_run(t)), "-o", str((t / "lb.json").mkdir() or t / "lb.json")],
        "-o"),
    "out-leaderboard-markdown-is-the-json": Bad(
        lambda t: ["leaderboard", str(finished_run(t)), "-o", str(t / "lb.json"), "--markdown", str(t / "lb.json")],
        "the same file as -o"),
    "out-leaderboard-read-only": Bad(
        lambda t: ["leaderboard", str(finished_run(t)), "-o", str(readonly_folder(t) / "lb.json")], "cannot write in"),
    "out-leaderboard-under-a-file": Bad(
        lambda t: ["leaderboard", str(finished_run(t)), "-o", data_file(t, "file", "x") + "/lb.json"],
        "is a file, not a folder"),
    "out-leaderboard-wrong-suffix": Bad(lambda t: ["leaderboard", str(finished_run(t)), "-o", str(t / "lb.txt")],
                                        "name a .json, .md or .html file"),
}




@pytest.fixture(autouse=True)
def _cleanups() -> Any:
    yield
    while CLEANUPS:
        CLEANUPS.pop()()


def test_the_matrix_is_large_enough() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    bad = CASES[case]
    monkeypatch.chdir(tmp_path)
    argv = bad.build(tmp_path)
    before = snapshot(tmp_path)
    capsys.readouterr()
    for name, value in bad.env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as exited:
        sys.exit(cli_main(argv))
    out, err = capsys.readouterr()
    assert exited.value.code == 2, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("bench: error: ") and bad.expected in lines[0], lines[0]
    assert len(lines[0]) < 600, lines[0]
    if argv[0] == "run" and len(argv) > 1 and argv[1].endswith(".yaml") and case.startswith("config-"):
        assert f"{argv[1]}:" in lines[0], lines[0]  # the config file, then its line or field
    assert snapshot(tmp_path) == before  # nothing written, half-written or changed


def snapshot(tmp: Path) -> dict[str, str]:
    """Every file and folder under ``tmp``: its bytes' hash (a folder: 'dir').
    A run directory's empty ``.lock`` is left out: it is the mutex a resume
    takes before it reads anything, and is left in place by design (deleting a
    lock file lets two processes hold it)."""
    found = {}
    for path in sorted(tmp.rglob("*")):
        key = str(path.relative_to(tmp))
        if path.name == ".lock" and path.is_file() and not path.stat().st_size:
            continue
        if path.is_dir():
            found[key] = "dir"
        elif path.is_file():
            found[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.mark.parametrize("case", ["config-unknown-key", "data-invalid-json-line", "cli-unknown-flag", "data-5mb-article",
                                  "data-garbage-parquet", "config-billion-laughs", "config-deep-flow-nesting",
                                  "config-duplicate-top-key", "out-run-output-under-a-file"])
def test_bad_input_in_a_real_process(case: str, tmp_path: Path) -> None:
    """The same through the installed entry point: no traceback reaches the user."""
    bad = CASES[case]
    argv = bad.build(tmp_path)
    if argv[0] == "run" and "-o" not in argv:
        argv += ["-o", str(tmp_path / "runs")]
    result = subprocess.run([sys.executable, "-m", "bench", *argv], capture_output=True, text=True,
                            env=plugin_env(**bad.env), timeout=120, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and bad.expected in result.stderr
    assert not (tmp_path / "runs").exists()
