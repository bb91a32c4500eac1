"""bench run CONFIG [--set key=value ...] [--output DIR]"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="run a config's summarizers over its dataset and score them")
    parser.add_argument("config", help="a YAML config (see configs/)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config value, e.g. --set dataset.limit=50 (repeatable)")
    parser.add_argument("--output", "-o", default="runs", help="where run directories go (default: runs/)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from bench.config import load_config
    from bench.runs.report import print_results
    from bench.runs.runner import run

    config = load_config(args.config, args.overrides)
    outcome = run(config, Path(args.output), show_progress=not args.quiet)
    print_results(outcome.results)
    print(f"run directory: {outcome.directory.path}")
    if outcome.failures:
        print(f"{len(outcome.failures)} failure(s) recorded in results.json")
        return 1
    return 0
