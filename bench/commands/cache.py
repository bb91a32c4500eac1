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
    import sqlite3
    from pathlib import Path

    from bench.cache import PredictionCache, resolve_cache_dir
    from bench.cache.store import DB_NAME
    from bench.errors import UserError

    directory = Path(args.dir).expanduser() if args.dir else resolve_cache_dir()
    if not (directory / DB_NAME).is_file():
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
    except sqlite3.OperationalError as err:
        if "locked" in str(err) or "busy" in str(err):
            # Busy is not damaged: another run is writing; deleting its files would be the damage.
            raise UserError(f"{directory / DB_NAME}: the cache is in use by another run ({err}); try again when it ends") from None
        raise UserError(f"{directory / DB_NAME}: cannot use the cache ({err}); check the folder's permissions") from None
    except sqlite3.DatabaseError as err:
        if args.action == "clear" and args.summarizer_type is None:
            for path in directory.glob(DB_NAME + "*"):
                path.unlink()
            print(f"removed the damaged cache at {directory} ({err})")
            return 0
        raise UserError(f"{directory / DB_NAME}: damaged cache ({err}); remove it with 'bench cache clear'") from None
    return 0
