"""From a dataset config to checked ``Article`` objects, a seeded subset, and a fingerprint."""

from __future__ import annotations

import hashlib
import json
import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

from bench.api.article import TARGETS, Article
from bench.config import DatasetConfig
from bench.data.columns import table_to_articles, wanted_columns
from bench.data.formats import detect_format, get_format

log = logging.getLogger("bench.data")


@dataclass
class Dataset:
    articles: list[Article]
    source: str
    format: str
    fingerprint: str
    total_rows: int
    skipped: dict[str, list[str]] = field(default_factory=dict)
    subset_seed: int | None = None
    task: str | None = None
    # Per scored target: {number of references: number of articles}.
    reference_counts: dict[str, dict[int, int]] = field(default_factory=dict)
    dropped_references: dict[str, int] = field(default_factory=dict)
    ids_numbered: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.articles]

    def record(self) -> dict[str, Any]:
        """What a run writes about its data: enough to tell two datasets apart."""
        record = {
            "source": self.source,
            "format": self.format,
            "fingerprint": self.fingerprint,
            "total_rows": self.total_rows,
            "n_articles": len(self.articles),
            "subset_seed": self.subset_seed,
            "skipped": self.skipped,
            "ids": self.ids,
        }
        if self.task is not None:
            record["task"] = self.task
        record["references"] = {t: {str(n): k for n, k in c.items()} for t, c in self.reference_counts.items()}
        if self.dropped_references:
            record["dropped_empty_references"] = self.dropped_references
        if self.ids_numbered:
            record["ids_numbered_by_row"] = True
        return record


def load_dataset_from_config(config: DatasetConfig, targets: Sequence[str], seed: int) -> Dataset:
    """Read, check and (with ``limit``) subsample; notes on what was left out go to the log."""
    fmt = config.format if config.format != "auto" else detect_format(config.source)
    raw = get_format(fmt).read(config.source, config, wanted_columns(config.fields))
    conversion = table_to_articles(raw, config, targets)
    del raw
    _release_arrow_memory()
    articles = conversion.articles
    subset_seed = None
    if config.limit is not None and config.limit < len(articles):
        subset_seed = config.seed if config.seed is not None else seed
        articles = seeded_subset(articles, config.limit, subset_seed)
    for note in conversion.notes:
        log.warning("note: %s", note)
    return Dataset(
        articles=articles,
        source=config.source,
        format=fmt,
        fingerprint=fingerprint(articles),
        total_rows=conversion.total_rows,
        skipped=conversion.skipped,
        subset_seed=subset_seed,
        task=config.task,
        reference_counts=reference_counts(articles, targets),
        dropped_references=conversion.dropped_references,
        ids_numbered=conversion.ids_numbered,
        notes=conversion.notes,
    )


def _release_arrow_memory() -> None:
    """Give the batches' memory back: Arrow's allocator keeps freed memory for reuse."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def reference_counts(articles: list[Article], targets: Sequence[str]) -> dict[str, dict[int, int]]:
    """Per target, {number of references: number of articles} (the signature's nrefs)."""
    return {t: dict(sorted(Counter(len(a.references(t)) for a in articles).items())) for t in targets}


def seeded_subset(articles: list[Article], limit: int, seed: int) -> list[Article]:
    """A seeded random sample (never the first N), kept in dataset order."""
    chosen = sorted(random.Random(seed).sample(range(len(articles)), limit))
    return [articles[i] for i in chosen]


def fingerprint(articles: list[Article]) -> str:
    """A hash of exactly the articles scored: ids, references and bodies, in order.
    A target's single reference hashes as the text itself, so data with one
    reference per target keeps the fingerprint it had before lists existed."""
    digest = hashlib.sha256()
    for article in articles:
        digest.update(json.dumps([article.id, *article.reference_fields(), article.body], ensure_ascii=False).encode())
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()[:16]


__all__ = ["TARGETS", "Dataset", "fingerprint", "load_dataset_from_config", "seeded_subset"]
