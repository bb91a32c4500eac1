"""bench list: what is registered."""

from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("list", help="show registered summarizers, dataset formats and metrics")
    parser.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from bench.api.metric import metric_lines
    from bench.api.summarizer import get_summarizer_class, summarizer_types

    print("summarizers:")
    for name, origin in summarizer_types().items():
        try:
            cls = get_summarizer_class(name)
            about = cls.description + (" [oracle]" if cls.is_oracle else "")
        except Exception as err:  # a broken plugin must not hide the others
            about = f"(cannot load: {err})"
        print(f"  {name:<14} {about}  <{origin}>")
    print("dataset formats:")
    for name, about in (
        ("seeds", "folder of .txt articles: headline, standfirst, body lines"),
        ("json", "JSON Lines file (.jsonl), one article per line"),
        ("csv", "CSV file with a header row"),
        ("parquet", "Parquet file"),
        ("hf", "hf:NAME[:CONFIG] dataset on the Hugging Face Hub, with dataset.split"),
    ):
        print(f"  {name:<14} {about}")
    print("metrics:")
    for line in metric_lines():
        print(line)
    return 0
