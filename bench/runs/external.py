"""Scoring predictions made elsewhere (``bench score``), as a run that can be repeated.

A score run is described by a ``ScoreConfig`` (references files, one
predictions file per system, the target, the scoring settings) saved as the
run's ``config.yaml``, so ``bench reproduce`` scores the same files again. It
is scored and recorded by the same function as ``bench run``
(``bench.runs.record.score_and_record``), with the same fingerprint recipe.

Inputs are JSONL keyed by ``id`` or line-aligned text files (ids are then
line numbers); several reference files give several references per article.
The target is what the references are: ``headline`` or ``standfirst`` when the
user says so (``--target``), otherwise ``reference``, never a guess.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bench.api.strict_values import refuse_switches_as_numbers
from bench.errors import ConfigError, DataError
from bench.metrics.settings import ScoringConfig
from bench.runs.directory import RunDirectory, write_atomic, write_jsonl
from bench.runs.evaluate import SystemPredictions
from bench.runs.fingerprint import reference_fingerprint
from bench.runs.record import score_and_record
from bench.strict_yaml import dump_yaml, read_yaml_file

KIND = "score"
# What the references are; "reference" when nobody said whether they are headlines or standfirsts.
SCORE_TARGETS = ("headline", "standfirst", "reference")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    _no_switches = model_validator(mode="before")(refuse_switches_as_numbers)


class ExternalSystem(_Strict):
    name: str = Field(min_length=1, max_length=100)
    predictions: str  # a JSONL (id + prediction) or line-aligned text file
    oracle: bool = False  # it read the references (an upper bound): listed apart, never ranked


class ScoreConfig(_Strict):
    """The config.yaml of a ``bench score`` run."""

    kind: Literal["score"] = KIND
    name: str = Field(default="score", pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    seed: int = Field(default=1234, ge=0, le=2**32 - 1)
    references: list[str] = Field(min_length=1)
    target: Literal["headline", "standfirst", "reference"] = "reference"
    systems: list[ExternalSystem] = Field(min_length=1)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)

    @field_validator("systems")
    @classmethod
    def _distinct(cls, systems: list[ExternalSystem]) -> list[ExternalSystem]:
        names = [s.name for s in systems]
        for name in names:
            if not name.isprintable() or name != name.strip():
                raise ValueError(f"the system name {name!r} holds a line break, a control character or spaces "
                                 "at an end; pass --name with plain text")
        if len(set(names)) != len(names):
            raise ValueError(f"system names {names} repeat; give each system its own name")
        return systems

    def resolved(self, base: Path) -> "ScoreConfig":
        """Paths made absolute against ``base`` (the config file's folder, or the working directory)."""
        absolute = lambda p: str((base / p).resolve()) if not Path(p).is_absolute() else p  # noqa: E731
        return self.model_copy(update={
            "references": [absolute(p) for p in self.references],
            "systems": [s.model_copy(update={"predictions": absolute(s.predictions)}) for s in self.systems],
        })


def is_score_config(raw: Any) -> bool:
    return isinstance(raw, dict) and raw.get("kind") == KIND


def load_score_config(path: Path) -> ScoreConfig:
    from bench.config import _first_error

    raw = read_yaml_file(Path(path))
    try:
        return ScoreConfig.model_validate(raw).resolved(Path(path).parent)
    except ValidationError as err:
        raise ConfigError(f"{path}: {_first_error(err)}") from None


@dataclass
class ScoreOutcome:
    directory: RunDirectory
    results: dict[str, Any]


def score_files(config: ScoreConfig, output: Path, show_progress: bool = True) -> ScoreOutcome:
    """Read, check, score and record; nothing is written before every input is read."""
    from bench.runs.runner import canonical_predictions, new_run_directory

    started = time.perf_counter()
    paths = [Path(p) for p in config.references]
    ids, refs = read_references(paths, config.target)
    if not ids:
        raise DataError(f"{paths[0]}: no references found; the file is empty")
    systems = [
        SystemPredictions(s.name, config.target, ids, read_predictions(Path(s.predictions), ids, paths[0]),
                          {"type": "external", "oracle": s.oracle, "source": s.predictions})
        for s in config.systems
    ]
    bodies = read_bodies(paths[0], ids)
    _check_bodies(config, bodies)
    directory = new_run_directory(output, config.name)
    write_atomic(directory.config_path, dump_yaml(config.model_dump(mode="json")))
    write_jsonl(directory.predictions_path, canonical_predictions(systems))
    dataset = {"source": ", ".join(config.references), "format": KIND,
               "fingerprint": reference_fingerprint(refs), "n_articles": len(ids), "ids": ids}
    results = score_and_record(directory, config, dataset, systems,
                               {f"{config.target}\t{i}": refs[i] for i in ids}, bodies=bodies,
                               started=started, show_progress=show_progress)
    return ScoreOutcome(directory, results)


def _check_bodies(config: ScoreConfig, bodies: dict[str, str] | None) -> None:
    """Before a run folder is made: a metric that reads bodies needs a references file that has them."""
    from bench.metrics.settings import build_metrics
    from bench.runs.evaluate import no_bodies_error

    if bodies is None:
        for metric in build_metrics(config.scoring, config.seed):
            if metric.needs_body:
                raise no_bodies_error(metric.name)


def read_references(paths: list[Path], target: str) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """(ids in order, id -> references) from one or more files; several files add references."""
    ids: list[str] | None = None
    refs: dict[str, tuple[str, ...]] = {}
    for path in paths:
        if _is_jsonl(path):
            found = {row["id"]: _reference_texts(row, path, number, target) for number, row in _read_jsonl(path)}
        else:
            found = {str(k): [line] for k, line in enumerate(_read_lines(path), start=1)}
            blank = next((k for k, texts in found.items() if not texts[0].strip()), None)
            if blank is not None:  # scoring against nothing would count as a real zero
                raise DataError(f"{path}:{blank}: empty reference; every line must hold a reference "
                                "(fill it in, or remove that line from the references and every predictions file)")
        if ids is None:
            ids = list(found)
        elif set(found) != set(ids):
            raise DataError(f"{path}: its ids or line count ({len(found)}) differ from {paths[0]} ({len(ids)}); "
                            "every references file must cover the same articles")
        for key, texts in found.items():
            refs[key] = refs.get(key, ()) + tuple(texts)
    return ids or [], refs


def read_bodies(path: Path, ids: list[str]) -> dict[str, str] | None:
    """Article bodies, when the (first) references file is a JSONL dataset with a ``body``
    for every article: metrics and statistics that read the body can then run."""
    if not _is_jsonl(path):
        return None
    bodies = {row["id"]: row.get("body") for _, row in _read_jsonl(path)}
    if all(isinstance(bodies.get(i), str) and bodies[i].strip() for i in ids):
        return {i: bodies[i] for i in ids}
    return None


def read_predictions(path: Path, ids: list[str], references_path: Path) -> list[str]:
    """One system's predictions in reference order; ids must match exactly."""
    if _is_jsonl(path):
        found: dict[str, str] = {}
        for number, row in _read_jsonl(path):
            text = row.get("prediction", row.get("text"))
            if not isinstance(text, str):
                raise DataError(f"{path}:{number}: needs a 'prediction' (or 'text') string field")
            found[row["id"]] = text
        missing = [i for i in ids if i not in found]
        known = set(ids)
        unknown = [i for i in found if i not in known]
        if missing or unknown:
            what = f"{len(missing)} missing id(s), e.g. {missing[0]!r}" if missing else \
                f"{len(unknown)} id(s) not in the references, e.g. {unknown[0]!r}"
            raise DataError(f"{path}: {what}; predictions and {references_path} must cover the same ids")
        return [found[i] for i in ids]
    lines = _read_lines(path)
    if len(lines) != len(ids):
        raise DataError(f"{path}: {len(lines)} lines but {references_path} has {len(ids)}; "
                        "line-aligned files need one line per reference")
    return lines


def _is_jsonl(path: Path) -> bool:
    return path.suffix.lower() in (".jsonl", ".json")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{path}: file not found; check the path") from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"{path}: cannot read it as UTF-8 text ({err})") from None


def _read_lines(path: Path) -> list[str]:
    """Lines split on \\n only (a text may hold other Unicode line separators)."""
    lines = _read_text(path).split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line, it does not start a new one
    return [line.rstrip("\r") for line in lines]


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    rows, seen = [], set()
    for number, line in enumerate(_read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise DataError(f"{path}:{number}: not valid JSON; one JSON object per line") from None
        if not isinstance(row, dict) or "id" not in row:
            raise DataError(f"{path}:{number}: each line needs an 'id' field")
        if isinstance(row["id"], bool) or not isinstance(row["id"], (str, int)):
            raise DataError(f"{path}:{number}: the 'id' is {type(row['id']).__name__}; an id must be text "
                            "or a whole number")
        row["id"] = str(row["id"])  # a whole number: its digits, as written
        if row["id"] in seen:
            raise DataError(f"{path}:{number}: id {row['id']!r} appears twice; ids must be unique")
        seen.add(row["id"])
        rows.append((number, row))
    return rows


def _reference_texts(row: dict[str, Any], path: Path, number: int, target: str) -> list[str]:
    """The row's references for ``target``: its own field (``headline``, ``standfirst``)
    when the target names one, else ``references`` / ``reference``."""
    fields = ("references", "reference") if target == "reference" else (target, "references", "reference")
    for field in fields:
        value = row.get(field)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            if not all(v.strip() for v in value):
                raise DataError(f"{path}:{number}: empty {field!r}; every article needs a real reference "
                                "(fill it in, or remove the article from the references and predictions)")
            return value
    if target == "reference" and any(isinstance(row.get(t), str) for t in ("headline", "standfirst")):
        raise DataError(f"{path}:{number}: no 'reference' or 'references' field; say which field to score "
                        "against with --target headline or --target standfirst")
    raise DataError(f"{path}:{number}: needs a 'reference' string, a 'references' list"
                    + ("" if target == "reference" else f" or a '{target}' field"))
