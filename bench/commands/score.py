"""bench score --references R [R ...] --predictions P [P ...] [--output DIR]

Scores predictions made elsewhere and writes a run directory in the same
results format as ``bench run``, so ``bench leaderboard`` takes it. Inputs are
JSONL keyed by ``id`` or line-aligned text files (ids are then line numbers);
several reference files give several references per article.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.errors import DataError, UserError


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("score", help="score predictions made elsewhere against references")
    parser.add_argument("--references", "-r", nargs="+", required=True, metavar="R",
                        help="references: JSONL (id + reference, references, or headline/standfirst) "
                             "or a text file, one reference per line; several files = several references")
    parser.add_argument("--predictions", "-p", nargs="+", required=True, metavar="P",
                        help="one file per system: JSONL (id + prediction or text) or line-aligned text")
    parser.add_argument("--name", nargs="+", default=None, metavar="NAME",
                        help="system names, one per predictions file (default: the file stems)")
    parser.add_argument("--oracle", nargs="+", default=[], metavar="NAME",
                        help="systems that read the references (e.g. an extractive oracle): listed apart, never ranked")
    parser.add_argument("--target", choices=("headline", "standfirst"), default="headline",
                        help="which reference field of a JSONL file to use, and the target recorded (default headline)")
    parser.add_argument("--run-name", default="score", help="the run's name (default: score)")
    parser.add_argument("--output", "-o", default="runs", help="where the run directory goes (default: runs/)")
    parser.add_argument("--seed", type=int, default=1234, help="seed of the bootstrap and significance tests")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="a scoring setting, e.g. --set tokenizer=unicode --set backend=rouge-score")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from bench.runs.report import print_results
    from bench.outputs import check_output_folder

    check_output_folder(Path(args.output), "--output")

    outcome = score_files(
        references=[Path(p) for p in args.references],
        predictions=[Path(p) for p in args.predictions],
        names=args.name,
        oracles=args.oracle,
        target=args.target,
        run_name=args.run_name,
        output=Path(args.output),
        seed=args.seed,
        overrides=args.overrides,
        show_progress=not args.quiet,
    )
    print_results(outcome.results)
    print(f"run directory: {outcome.directory.path}")
    return 0


@dataclass
class ScoreOutcome:
    directory: Any  # bench.runs.directory.RunDirectory
    results: dict[str, Any]


def read_references(paths: list[Path], target: str) -> tuple[list[str], dict[str, list[str]]]:
    """(ids in order, id -> references) from one or more files; several files add references."""
    ids: list[str] | None = None
    refs: dict[str, list[str]] = {}
    for path in paths:
        if _is_jsonl(path):
            rows = _read_jsonl(path)
            found = {}
            for number, row in rows:
                found[row["id"]] = _reference_texts(row, path, number, target)
        else:
            found = {str(k): [line] for k, line in enumerate(_read_lines(path), start=1)}
        if ids is None:
            ids = list(found)
        elif set(found) != set(ids):
            raise DataError(f"{path}: its ids or line count ({len(found)}) differ from {paths[0]} ({len(ids)}); "
                            "every references file must cover the same articles")
        for key, texts in found.items():
            refs.setdefault(key, []).extend(texts)
    return ids or [], refs


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


def score_files(
    references: list[Path], predictions: list[Path], names: list[str] | None, target: str, run_name: str,
    output: Path, oracles: list[str] | None = None, seed: int = 1234, overrides: list[str] | None = None,
    show_progress: bool = True,
) -> ScoreOutcome:
    from pydantic import ValidationError
    from tqdm import tqdm

    from bench.config import ScoringConfig, _first_error, apply_override
    from bench.runs.directory import write_json, write_jsonl
    from bench.runs.evaluate import SystemPredictions, evaluate
    from bench.runs.record import results_record
    from bench.runs.runner import canonical_predictions, new_run_directory

    started = time.perf_counter()
    raw: dict[str, Any] = {}
    for item in overrides or []:
        apply_override(raw, item)
    try:
        scoring = ScoringConfig.model_validate(raw)
    except ValidationError as err:
        raise UserError(f"--set: {_first_error(err)}") from None
    names = names or [p.stem for p in predictions]
    if len(names) != len(predictions):
        raise UserError(f"--name: {len(names)} name(s) for {len(predictions)} predictions file(s); give one each")
    if len(set(names)) != len(names):
        raise UserError(f"system names {names} repeat; pass distinct --name values")
    unknown_oracles = sorted(set(oracles or []) - set(names))
    if unknown_oracles:
        raise UserError(f"--oracle: {unknown_oracles} are not system names ({names}); use the names of the systems")
    ids, refs = read_references(references, target)
    if not ids:
        raise DataError(f"{references[0]}: no references found; the file is empty")
    systems = [
        SystemPredictions(name, target, ids, read_predictions(path, ids, references[0]),
                          {"type": "external", "oracle": name in (oracles or []), "source": str(path)})
        for name, path in zip(names, predictions)
    ]
    references_by_key = {f"{target}\t{i}": refs[i] for i in ids}
    with tqdm(total=len(ids) * len(systems), desc="scoring", unit="pair", disable=not show_progress) as bar:
        rows, targets = evaluate(scoring, seed, references_by_key, systems, progress=bar)
    directory = new_run_directory(output, run_name)
    digest = hashlib.sha256()
    for i in ids:
        digest.update(json.dumps([i, refs[i]], ensure_ascii=False).encode() + b"\n")
    record = {"command": "score", "references": [str(p) for p in references],
              "predictions": [str(p) for p in predictions], "target": target, "seed": seed,
              "scoring": scoring.model_dump(mode="json")}
    write_json(directory.config_path, record)
    write_jsonl(directory.predictions_path, canonical_predictions(systems))
    write_jsonl(directory.scores_path, rows)
    dataset = {"source": ", ".join(str(p) for p in references), "format": "score",
               "fingerprint": "sha256:" + digest.hexdigest()[:16], "n_articles": len(ids), "ids": ids}
    results = results_record(
        run_name, scoring, seed, dataset, targets, failures=[],
        timings={"scoring_s": round(time.perf_counter() - started, 3)},
        config={"name": run_name, "seed": seed, "targets": [target], "scoring": scoring.model_dump(mode="json")},
    )
    write_json(directory.results_path, results)
    return ScoreOutcome(directory, results)


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
        row["id"] = str(row["id"])
        if row["id"] in seen:
            raise DataError(f"{path}:{number}: id {row['id']!r} appears twice; ids must be unique")
        seen.add(row["id"])
        rows.append((number, row))
    return rows


def _reference_texts(row: dict[str, Any], path: Path, number: int, target: str) -> list[str]:
    for field in ("references", "reference", target):
        value = row.get(field)
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return value
    raise DataError(f"{path}:{number}: needs a 'reference' string, a 'references' list or a '{target}' field")
