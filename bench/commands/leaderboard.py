"""bench leaderboard RUN_DIR... -o leaderboard.json"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("leaderboard", help="merge run directories into a leaderboard")
    parser.add_argument("runs", nargs="+", help="run directories written by 'bench run' or 'bench score'")
    parser.add_argument("-o", "--output", default="leaderboard.json",
                        help="leaderboard JSON to write; a .md file is written beside it")
    parser.add_argument("--primary", default=None, help="rank by this metric (default: each run's, e.g. rougeLsum.f)")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from bench.leaderboard.build import build_leaderboard, load_runs
    from bench.leaderboard.markdown import to_markdown
    from bench.runs.directory import write_atomic, write_json

    output = Path(args.output)
    leaderboard = build_leaderboard(load_runs([Path(p) for p in args.runs]), primary=args.primary)
    markdown = to_markdown(leaderboard)
    write_json(output, leaderboard)
    markdown_path = output.with_suffix(".md")
    write_atomic(markdown_path, markdown)
    print(markdown)
    print(f"wrote {output} and {markdown_path}")
    return 0
