"""Articles in: a seeds folder, local JSONL/CSV/Parquet files, Hub datasets or a
named task (a standard corpus), read through a format from the registry in
``bench.data.formats``, checked, optionally subsampled."""

from bench.data.loading import Dataset, load_dataset_from_config

__all__ = ["Dataset", "load_dataset_from_config"]
