"""bench run CONFIG [--task NAME] [--set key=value ...] [--output DIR] [--no-cache] [--resume RUN_DIR] [--fresh]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("run", help="run a config's summarizers over its dataset and score them")
    parser.add_argument("config", nargs="?", help="a YAML config (see configs/); optional with --resume or --task")
    parser.add_argument("--task", metavar="NAME", default=None,
                        help="run on a standard corpus by name ('bench list' shows them): its data, targets and "
                             "scoring defaults, with CONFIG's summarizers, or the task's baselines without CONFIG")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override a config value, e.g. --set dataset.limit=50 (repeatable)")
    parser.add_argument("--output", "-o", default="runs", help="where run directories go (default: runs/)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    parser.add_argument("--no-cache", action="store_true",
                        help="neither read nor write the prediction cache (see 'bench cache info')")
    parser.add_argument("--resume", metavar="RUN_DIR", default=None,
                        help="continue this unfinished run (by default the newest unfinished run of the same config "
                             "under --output is continued)")
    parser.add_argument("--fresh", action="store_true", help="start a new run even if an unfinished one matches")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from bench.config import load_config, load_task_config
    from bench.errors import UserError

    if args.resume is not None and args.fresh:
        raise UserError("bench run: --resume continues RUN_DIR and --fresh starts a new run; give one of them")
    if args.config is None and args.resume is None and args.task is None:
        raise UserError("bench run: give a CONFIG file, or --resume RUN_DIR to continue a run, or --task NAME")
    if args.task is not None:
        config = load_task_config(args.task, args.config, args.overrides)
    else:
        config_path = args.config or str(Path(args.resume) / "config.yaml")
        if args.config is None and not Path(config_path).is_file():
            raise UserError(f"{args.resume}: no config.yaml there; pass a run directory written by 'bench run'")
        config = load_config(config_path, args.overrides)
    if args.resume is None:
        from bench.outputs import check_output_folder

        check_output_folder(Path(args.output), "--output")
    # Imported only now: a config error is reported before the scoring stack loads.
    from bench.runs.report import print_results
    from bench.runs.runner import RunInterrupted, run

    try:
        outcome = run(config, Path(args.output), show_progress=not args.quiet, use_cache=not args.no_cache,
                      resume=Path(args.resume) if args.resume else None, fresh=args.fresh)
    except RunInterrupted as stop:  # Ctrl-C (exit 130) or SIGTERM (exit 143): everything made is kept
        print(stop.message(), file=sys.stderr)
        return stop.exit_code
    except OSError as err:  # a full disk, a read-only folder: what was written stays
        print(f"bench: error: {err.strerror or err} writing {err.filename or 'the run'}; make room, then run "
              "the same command again: it continues where it stopped", file=sys.stderr)
        return 1
    print_results(outcome.results)
    print(f"run directory: {outcome.directory.path}")
    if outcome.failures:
        print(f"{len(outcome.failures)} failure(s) recorded in results.json")
        return 1
    return 0
