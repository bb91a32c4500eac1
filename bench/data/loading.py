"""From a dataset config to checked ``Article`` objects, a seeded subset, and a fingerprint."""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.api.article import TARGETS, Article
from bench.config import DatasetConfig
from bench.data.files import detect_format, read_hub_rows, read_local_rows
from bench.data.seeds import read_seeds_folder
from bench.errors import DataError

ARTICLE_FIELDS = ("id", "headline", "standfirst", "body")


@dataclass
class Dataset:
    articles: list[Article]
    source: str
    format: str
    fingerprint: str
    total_rows: int
    skipped: dict[str, list[str]] = field(default_factory=dict)
    subset_seed: int | None = None

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.articles]

    def record(self) -> dict[str, Any]:
        """What a run writes about its data: enough to tell two datasets apart."""
        return {
            "source": self.source,
            "format": self.format,
            "fingerprint": self.fingerprint,
            "total_rows": self.total_rows,
            "n_articles": len(self.articles),
            "subset_seed": self.subset_seed,
            "skipped": self.skipped,
            "ids": self.ids,
        }


def load_dataset_from_config(config: DatasetConfig, targets: list[str], seed: int) -> Dataset:
    fmt = config.format if config.format != "auto" else detect_format(config.source)
    if fmt == "seeds":
        folder = Path(config.source)
        if not folder.is_dir():
            raise DataError(f"{folder}: seeds folder not found; check dataset.source")
        rows, label = read_seeds_folder(folder), str(folder)
    elif fmt == "hf":
        rows, label = read_hub_rows(config.source, config.split, config.revision), config.source
    else:
        rows, label = read_local_rows(Path(config.source), fmt), config.source
    articles, skipped = rows_to_articles(rows, config.fields, label, targets, config.on_empty)
    subset_seed = None
    if config.limit is not None and config.limit < len(articles):
        subset_seed = config.seed if config.seed is not None else seed
        articles = seeded_subset(articles, config.limit, subset_seed)
    return Dataset(
        articles=articles,
        source=config.source,
        format=fmt,
        fingerprint=fingerprint(articles),
        total_rows=len(rows),
        skipped=skipped,
        subset_seed=subset_seed,
    )


def rows_to_articles(
    rows: list[dict[str, Any]],
    mapping: dict[str, str],
    label: str,
    targets: list[str] | tuple[str, ...] = TARGETS,
    on_empty: str = "error",
) -> tuple[list[Article], dict[str, list[str]]]:
    """Map columns to article fields and check every article.

    Duplicate ids, missing fields and empty bodies are errors. An empty
    reference for a scored target is an error unless ``on_empty`` is ``skip``,
    in which case the article is dropped and its id recorded.
    """
    if not rows:
        raise DataError(f"{label}: no articles found; check the file or split")
    columns = {name: mapping.get(name, name) for name in ARTICLE_FIELDS}
    present = set(rows[0])
    for name in ("headline", "standfirst", "body"):
        if columns[name] not in present:
            hint = f"map it with dataset.fields.{name}" if name not in mapping else "fix dataset.fields"
            raise DataError(
                f"{label}: no column {columns[name]!r} for the article {name}; columns are {sorted(present)}; {hint}"
            )
    has_ids = columns["id"] in present
    articles: list[Article] = []
    seen: dict[str, int] = {}
    skipped: dict[str, list[str]] = {}
    for index, row in enumerate(rows):
        raw_id = row.get(columns["id"]) if has_ids else f"row-{index}"
        if raw_id is None or str(raw_id).strip() == "":
            raise DataError(f"{label}: row {index + 1} has an empty id ({columns['id']!r}); give every article an id")
        article_id = str(raw_id)
        if article_id in seen:
            raise DataError(f"{label}: duplicate id {article_id!r} (rows {seen[article_id] + 1} and {index + 1}); ids must be unique")
        seen[article_id] = index
        values = {}
        for name in ("headline", "standfirst", "body"):
            value = row.get(columns[name])
            if value is not None and not isinstance(value, str):
                raise DataError(f"{label}: article {article_id!r} field {name!r} is {type(value).__name__}, expected text")
            values[name] = _normalise(value or "")
        if not values["body"]:
            raise DataError(f"{label}: article {article_id!r} has an empty body; remove it or fill it in")
        empty = [t for t in targets if not values[t]]
        if empty:
            if on_empty == "skip":
                for target in empty:
                    skipped.setdefault(f"empty_{target}", []).append(article_id)
                continue
            raise DataError(
                f"{label}: article {article_id!r} has an empty {empty[0]}; fill it in, or set dataset.on_empty: skip"
            )
        articles.append(Article(id=article_id, **values))
    if not articles:
        raise DataError(f"{label}: every article was skipped for an empty reference; check dataset.fields")
    return articles, skipped


def _normalise(text: str) -> str:
    """One paragraph per line: blank lines and surrounding spaces go."""
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip())


def seeded_subset(articles: list[Article], limit: int, seed: int) -> list[Article]:
    """A seeded random sample (never the first N), kept in dataset order."""
    chosen = sorted(random.Random(seed).sample(range(len(articles)), limit))
    return [articles[i] for i in chosen]


def fingerprint(articles: list[Article]) -> str:
    """A hash of exactly the articles scored: ids, references and bodies, in order."""
    digest = hashlib.sha256()
    for article in articles:
        digest.update(
            json.dumps([article.id, article.headline, article.standfirst, article.body], ensure_ascii=False).encode()
        )
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()[:16]
