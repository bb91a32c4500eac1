"""bench cache info|clear: the prediction cache shared by all runs."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("cache", help="show or clear the prediction cache shared by all runs")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    info = actions.add_parser("info", help="where the cache is, how many predictions it holds, by summarizer type")
    clear = actions.add_parser("clear", help="delete cached predictions (all, or one summarizer type's)")
    clear.add_argument("--type", dest="summarizer_type", default=None, help="only this summarizer type, e.g. hf-seq2seq")
    for sub in (info, clear):
        sub.add_argument("--dir", default=None,
                         help="the cache folder (default: $HEADLINE_BENCH_CACHE or ~/.cache/headline-bench)")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bench.cache import PredictionCache, resolve_cache_dir
    from bench.cache.problems import CacheError, blocking_file, explain
    from bench.cache.store import DB_NAME
    from bench.errors import UserError

    directory = Path(args.dir).expanduser() if args.dir else resolve_cache_dir()
    database = directory / DB_NAME
    if blocking_file(directory) is not None or database.is_dir():
        raise UserError(explain(directory, NotADirectoryError(str(directory))))
    if not database.is_file():
        print(f"no prediction cache at {directory} (0 predictions)")
        return 0
    try:
        with PredictionCache(directory) as cache:
            if args.action == "info":
                info = cache.info()
                print(f"cache: {info['path']}")
                print(f"predictions: {info['records']} ({info['bytes'] / 1e6:.1f} MB on disk)")
                for name, count in info["by_type"].items():  # type: ignore[union-attr]
                    print(f"  {name:<14} {count}")
            else:
                removed = cache.clear(args.summarizer_type)
                which = f" of type {args.summarizer_type!r}" if args.summarizer_type else ""
                print(f"removed {removed} cached predictions{which} from {cache.path}")
    except CacheError as err:
        damaged = err.kind == "damaged"
        if damaged and args.action == "clear" and args.summarizer_type is None:
            for path in directory.glob(DB_NAME + "*"):
                path.unlink()
            print(f"removed the damaged cache at {directory} ({err.__cause__})")
            return 0
        if damaged and args.action == "clear":
            raise UserError(f"{err}, not only type {args.summarizer_type!r}") from None
        raise UserError(str(err)) from None
    return 0
