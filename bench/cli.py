"""The ``bench`` command line. Errors in user input end as one line and exit 2."""

from __future__ import annotations

import argparse
import os
import sys

from bench import __version__
from bench.commands import cache, leaderboard, list_registered, reproduce, run, score

COMMANDS = (run, score, reproduce, leaderboard, list_registered, cache)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (not usage + error), like every other error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"bench: error: {message}; see '{self.prog} --help'\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="bench", description="headline-bench: benchmark headline and standfirst generation with ROUGE."
    )
    parser.add_argument("--version", action="version", version=f"headline-bench {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bench.errors import UserError

    try:
        return args.handler(args)
    except UserError as err:
        print(f"bench: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:  # a run's SIGTERM arrives as one too, with its number
        print("bench: interrupted; what was written so far is kept", file=sys.stderr)
        return 128 + getattr(stop, "signum", 2)
    except BrokenPipeError:  # the reader went away (bench list | head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
