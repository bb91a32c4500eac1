"""Articles in: a seeds folder, local JSONL/CSV/Parquet files or Hub datasets
(both through Hugging Face ``datasets``), checked, optionally subsampled."""

from bench.data.loading import Dataset, load_dataset_from_config

__all__ = ["Dataset", "load_dataset_from_config"]
