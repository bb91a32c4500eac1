"""bench leaderboard RUN_DIR... -o leaderboard.json  (also leaderboard.md and leaderboard.html beside it)

``-o`` may name the .json, .md or .html file; the other two go beside it with
the same stem unless ``--markdown`` / ``--html`` say where (``none`` skips one).
An existing leaderboard at the JSON path is merged into, not replaced; with no
run directories the pages are re-rendered from it. ``--check FILE`` validates
a leaderboard against the shipped schema. ``--publish`` writes all three fit
to put online (``bench.leaderboard.publish``): no absolute local paths, no
article bodies on the page.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SUFFIXES = (".json", ".md", ".html")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "leaderboard", help="merge run directories into a leaderboard (JSON, Markdown, HTML page)",
        description="Merge run directories into a leaderboard file (merged into if it exists), "
                    "and write its Markdown table and a self-contained HTML page.",
    )
    parser.add_argument("runs", nargs="*", help="run directories written by 'bench run' or 'bench score'")
    parser.add_argument("-o", "--output", default="leaderboard.json",
                        help="leaderboard file: .json (default leaderboard.json), or .md/.html to name the JSON by its stem")
    parser.add_argument("--markdown", default=None, metavar="PATH", help="Markdown file (default: beside the JSON; 'none' to skip)")
    parser.add_argument("--html", default=None, metavar="PATH", help="HTML page (default: beside the JSON; 'none' to skip)")
    parser.add_argument("--primary", default=None, help="rank by this metric (default: each run's, e.g. rougeLsum.f)")
    parser.add_argument("--max-articles", type=int, default=200, metavar="N",
                        help="articles sampled into the page's article browser per board (plus each system's best and worst)")
    parser.add_argument("--check", default=None, metavar="FILE",
                        help="only validate FILE against the leaderboard schema: exit 0 if valid, 2 with the first problem")
    parser.add_argument("--publish", action="store_true",
                        help="write files fit to put online: no absolute local paths (paths relative to the "
                             "leaderboard's folder, or bare names) and no article bodies on the page")
    parser.add_argument("--body-chars", type=int, default=None, metavar="N",
                        help="characters of each article body on the page (default 700; 0 with --publish)")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not print the Markdown table")
    parser.set_defaults(handler=main)


def _paths(args: argparse.Namespace) -> tuple[Path, Path | None, Path | None]:
    from bench.errors import UserError

    output = Path(args.output)
    if output.suffix not in SUFFIXES:
        raise UserError(f"-o {output}: name a .json, .md or .html file")
    json_path = output.with_suffix(".json")

    def pick(flag: str | None, suffix: str) -> Path | None:
        if flag is not None:
            return None if flag.lower() == "none" else Path(flag)
        return output if output.suffix == suffix else output.with_suffix(suffix)

    return json_path, pick(args.markdown, ".md"), pick(args.html, ".html")


def main(args: argparse.Namespace) -> int:
    from bench.errors import UserError
    from bench.leaderboard.schema import read_leaderboard

    if args.check:
        data = read_leaderboard(Path(args.check))
        count = sum(len(b["entries"]) + len(b["oracles"]) for board in data["boards"] for b in board["targets"].values())
        print(f"{args.check}: valid leaderboard (schema version {data['schema_version']}, "
              f"{len(data['boards'])} board(s), {count} entries)")
        return 0
    if args.max_articles < 0:
        raise UserError("--max-articles must be 0 or more")
    if args.body_chars is not None and args.body_chars < 0:
        raise UserError("--body-chars must be 0 or more (0 leaves article bodies out)")

    from bench.leaderboard.articles import BODY_CHARS, browser_data
    from bench.leaderboard.build import build_leaderboard, load_runs
    from bench.leaderboard.html import to_html
    from bench.leaderboard.markdown import to_markdown
    from bench.leaderboard.publish import LOCAL, publishable, publishable_browser
    from bench.leaderboard.schema import validate
    from bench.outputs import check_distinct, check_output_file, write_all

    json_path, markdown_path, html_path = _paths(args)
    check_distinct({"-o": json_path, "--markdown": markdown_path, "--html": html_path})
    for flag, path, suffix in (("-o", json_path, ".json"), ("--markdown", markdown_path, ".md"),
                               ("--html", html_path, ".html")):
        if path is not None:
            check_output_file(path, flag, example=f"leaderboard{suffix}")
    existing = read_leaderboard(json_path) if json_path.is_file() else None
    if not args.runs and existing is None:
        raise UserError(f"no run directories given and no leaderboard at {json_path} to re-render; pass run folders")
    leaderboard, skipped = build_leaderboard(load_runs([Path(p) for p in args.runs]), args.primary, existing)
    base = json_path.parent
    body_chars = args.body_chars if args.body_chars is not None else (0 if args.publish else BODY_CHARS)
    browser = browser_data(leaderboard, args.max_articles, base, body_chars) if html_path else {}
    if args.publish:
        browser = publishable_browser(browser, leaderboard, base)
        leaderboard = publishable(leaderboard, base)
    else:
        leaderboard["mode"] = LOCAL
    validate(leaderboard, json_path)  # never write a leaderboard other tools would reject
    markdown = to_markdown(leaderboard)
    # Everything is made before anything is written, and written all or nothing.
    files = {json_path: json.dumps(leaderboard, indent=2, ensure_ascii=False, allow_nan=False) + "\n"}
    if markdown_path:
        files[markdown_path] = markdown
    if html_path:
        files[html_path] = to_html(leaderboard, browser)
    write_all(files)
    for line in skipped:
        print(f"note: {line}", file=sys.stderr)
    if not args.quiet:
        print(markdown)
    print("wrote " + ", ".join(str(p) for p in files))
    return 0
