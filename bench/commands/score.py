"""bench score --references R [R ...] --predictions P [P ...] [--target T] [--output DIR]

Scores predictions made elsewhere and writes a run directory in the same
results format as ``bench run`` (scored and recorded by the same code, see
``bench.runs.external``), so ``bench leaderboard`` takes it and ``bench
reproduce`` repeats it. Inputs are JSONL keyed by ``id`` or line-aligned text
files (ids are then line numbers); several reference files give several
references per article.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bench.errors import UserError


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
    parser.add_argument("--target", choices=("headline", "standfirst", "reference"), default=None,
                        help="what the references are: headline or standfirst (a JSONL file's field of that name "
                             "is used); default: 'reference' (the 'reference'/'references' field or the lines), "
                             "recorded as such, so it only shares a leaderboard board with other 'reference' scores")
    parser.add_argument("--run-name", default="score", help="the run's name (default: score)")
    parser.add_argument("--output", "-o", default="runs", help="where the run directory goes (default: runs/)")
    parser.add_argument("--seed", type=int, default=1234, help="seed of the bootstrap and significance tests")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="a scoring setting, e.g. --set tokenizer=unicode --set backend=rouge-score")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from bench.outputs import check_output_folder
    from bench.runs.external import score_files
    from bench.runs.report import print_results

    config = score_config(
        references=args.references, predictions=args.predictions, names=args.name, oracles=args.oracle,
        target=args.target, run_name=args.run_name, seed=args.seed, overrides=args.overrides,
    )
    check_output_folder(Path(args.output), "--output")
    outcome = score_files(config, Path(args.output), show_progress=not args.quiet)
    print_results(outcome.results)
    print(f"run directory: {outcome.directory.path}")
    return 0


def score_config(
    references: list[str], predictions: list[str], names: list[str] | None, oracles: list[str] | None,
    target: str | None, run_name: str = "score", seed: int = 1234, overrides: list[str] | None = None,
) -> Any:
    """The run's ScoreConfig from the command line, checked before any file is read."""
    from pydantic import ValidationError

    from bench.config import _first_error, apply_override
    from bench.metrics.settings import ScoringConfig
    from bench.runs.external import ExternalSystem, ScoreConfig

    raw: dict[str, Any] = {}
    for item in overrides or []:
        apply_override(raw, item)
    try:
        scoring = ScoringConfig.model_validate(raw)
    except ValidationError as err:
        raise UserError(f"--set: {_first_error(err)}") from None
    names = names or [Path(p).stem for p in predictions]
    if len(names) != len(predictions):
        raise UserError(f"--name: {len(names)} name(s) for {len(predictions)} predictions file(s); give one each")
    if len(set(names)) != len(names):
        raise UserError(f"system names {names} repeat; pass distinct --name values")
    oracle_names = {oracle_system(value, names, predictions) for value in oracles or []}
    try:
        config = ScoreConfig(
            name=run_name, seed=seed, references=list(references), target=target or "reference", scoring=scoring,
            systems=[ExternalSystem(name=n, predictions=p, oracle=n in oracle_names)
                     for n, p in zip(names, predictions)],
        )
    except ValidationError as err:
        raise UserError(f"bench score: {_first_error(err)}") from None
    return config.resolved(Path.cwd())


def oracle_system(value: str, names: list[str], predictions: list[str]) -> str:
    """The system an ``--oracle`` value means: its name, its file's stem or
    name, or its predictions path (as typed or resolved). Never a guess: a
    value that matches none is an error that suggests the closest name."""
    import difflib

    for name, path in zip(names, predictions):
        given = Path(path)
        if value in (name, given.stem, given.name, path) or Path(value).resolve() == given.resolve():
            return name
    close = difflib.get_close_matches(value, names, n=1, cutoff=0.3)
    starts = [n for n in names if n.startswith(value)]
    hint = f"; did you mean {(starts or close)[0]!r}?" if starts or close else ""
    raise UserError(f"--oracle {value!r}: no such system (systems: {', '.join(names)}){hint} "
                    "Give a system's name, its file's stem, or its predictions path")
