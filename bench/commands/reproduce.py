"""bench reproduce RUN_DIR: run a recorded run again and say whether every number came out the same."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

# Keys under results["targets"] that record time, not outcome.
VOLATILE = {"generation_s"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reproduce", help="run a recorded run again from its config.yaml (cache off) and compare every score"
    )
    parser.add_argument("run_dir", help="a run directory written by 'bench run' or 'bench score'")
    parser.add_argument("--output", "-o", default=None,
                        help="keep the new run under this folder (default: a temporary folder, removed after)")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    import tempfile

    from bench.runs.directory import RunDirectory, read_jsonl
    from bench.runs.readback import read_score_rows

    if args.output:
        from bench.outputs import check_output_folder

        check_output_folder(Path(args.output), "--output")
    recorded_dir = RunDirectory(Path(args.run_dir))
    recorded = recorded_dir.load_results()
    if not recorded_dir.config_path.is_file():
        from bench.errors import UserError

        raise UserError(f"{recorded_dir.path}: no config.yaml; cannot tell how this run was made")
    with tempfile.TemporaryDirectory(prefix="bench-reproduce-") as scratch:
        output = Path(args.output) if args.output else Path(scratch)
        outcome = rerun(recorded_dir, output, show_progress=not args.quiet)
        comparison = compare_results(recorded, outcome.results)
        scores_same = (recorded_dir.scores_path.is_file()
                       and read_score_rows(recorded_dir.scores_path) == read_jsonl(outcome.directory.scores_path))
    print_comparison(comparison, recorded, outcome.results)
    mismatches = [c for c in comparison if not c["same"]]
    print(f"per-article scores (scores.jsonl): {'identical' if scores_same else 'DIFFERENT'}")
    if args.output:
        print(f"new run directory: {outcome.directory.path}")
    if mismatches or not scores_same:
        print(f"NOT reproduced: {len(mismatches)} of {len(comparison)} numbers differ")
        return 1
    print(f"reproduced: all {len(comparison)} numbers identical")
    return 0


def rerun(recorded_dir: Any, output: Path, show_progress: bool) -> Any:
    """Run the recorded config again: a ``bench run`` config through the runner
    (cache off), a ``bench score`` config by scoring its files again."""
    from bench.runs.external import is_score_config, load_score_config, score_files

    if is_score_config(recorded_dir.saved_config()):
        return score_files(load_score_config(recorded_dir.config_path), output, show_progress=show_progress)
    from bench.config import load_config
    from bench.runs.runner import run

    config = load_config(recorded_dir.config_path)
    return run(config, output, show_progress=show_progress, use_cache=False, fresh=True)


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of nested dicts and lists, by dotted path."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key not in VOLATILE:
                out.update(flatten(item, f"{prefix}{key}."))
        return out
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(flatten(item, f"{prefix}{i}."))
        return out
    return {prefix.rstrip("."): value}


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def compare_results(recorded: dict[str, Any], again: dict[str, Any]) -> list[dict[str, Any]]:
    """Every number and label that describes an outcome, recorded vs. reproduced."""
    checks = [("dataset.fingerprint", recorded["dataset"].get("fingerprint"), again["dataset"].get("fingerprint")),
              ("signature", recorded.get("signature"), again.get("signature"))]
    old, new = flatten(recorded["targets"], "targets."), flatten(again["targets"], "targets.")
    checks += [(path, old.get(path), new.get(path)) for path in list(old) + [p for p in new if p not in old]]
    failed = lambda results: sorted((f["summarizer"], f["target"], f["id"]) for f in results.get("failures", []))  # noqa: E731
    checks.append(("failures", failed(recorded), failed(again)))
    return [{"path": p, "recorded": a, "reproduced": b, "same": _equal(a, b)} for p, a, b in checks]


def print_comparison(comparison: list[dict[str, Any]], recorded: dict[str, Any], again: dict[str, Any]) -> None:
    """One row per target, system and score key (the mean of its primary column,
    F1 for ROUGE; every other column and CI is compared too), then every other difference."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    by_path = {c["path"]: c for c in comparison}
    table = Table(title="bench reproduce: recorded vs. reproduced (primary column: F1 x100 for ROUGE)")
    for column in ("target", "summarizer", "metric", "recorded", "reproduced", ""):
        table.add_column(column, justify="right" if column in ("recorded", "reproduced") else "left")
    shown = set()
    described = [k for m in (recorded.get("metrics") or {}).values() for k in m.get("keys", [])]
    primary_columns = {k["name"]: k["primary_column"] for k in described}
    percent = {k["name"]: k.get("percent", True) for k in described}
    for target, block in recorded["targets"].items():
        for name, system in block["systems"].items():
            for key in system["scores"]:
                prefix = f"targets.{target}.systems.{name}.scores.{key}."
                related = [c for p, c in by_path.items() if p.startswith(prefix)]
                shown.update(c["path"] for c in related)
                mean = by_path.get(prefix + primary_columns.get(key, "f") + ".mean", {})
                same = all(c["same"] for c in related)
                shown_as = [_number(mean.get(k), percent.get(key, True)) for k in ("recorded", "reproduced")]
                table.add_row(target, escape(name), key, *shown_as, "same" if same else "[red]DIFFERENT[/red]")
    console = Console()
    console.print(table)
    for check in comparison:
        if check["path"] not in shown and not check["same"]:
            console.print(f"[red]differs[/red] {escape(check['path'])}: recorded "
                          f"{escape(repr(check['recorded']))}, reproduced {escape(repr(check['reproduced']))}")


def _number(value: Any, percent: bool) -> str:
    from bench.api.metric import score_text

    return score_text(value, percent, 4) if isinstance(value, (int, float)) else "-"
