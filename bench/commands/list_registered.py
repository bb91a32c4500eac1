"""bench list: what is registered."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("list", help="show registered summarizers, dataset formats and metrics")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from bench.api.summarizer import get_summarizer_class, summarizer_types
    from bench.config import ROUGE_TYPES

    print("summarizers:")
    for name, origin in summarizer_types().items():
        try:
            cls = get_summarizer_class(name)
            about = cls.description + (" [oracle]" if cls.is_oracle else "")
        except Exception as err:  # a broken plugin must not hide the others
            about = f"(cannot load: {err})"
        print(f"  {name:<14} {about}  <{origin}>")
    from bench.data.formats import format_classes
    from bench.data.tasks import task_listing

    print("dataset formats:")
    for name, cls in format_classes().items():
        print(f"  {name:<14} {cls.description}")
    print("tasks (dataset: {task: NAME}, or bench run --task NAME):")
    for name, about in task_listing():
        print(f"  {name:<26} {about}")
    print("metrics:")
    for name in ROUGE_TYPES:
        print(f"  {name:<14} precision, recall, F1")
    return 0
