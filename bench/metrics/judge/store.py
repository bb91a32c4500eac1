"""Judgements, their cache keys, and their place in the prediction cache.

A judgement is stored like a prediction (same SQLite store, type ``judge``),
under a key that hashes everything that can change it: the cache format, the
server URL, the judge model, the prompt (system, template, correction and
their version), the answer format and sampling parameters, the seed sent, the
target, the two outputs in the order shown, and the article (id, a hash of
its body, its references). A re-run of the same comparison asks the server
nothing and gets the very same verdicts back. Malformed and refused verdicts
are cached too: they are what the judge answered. HTTP failures are not.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from dataclasses import asdict, dataclass
from typing import Iterable

from bench.api.metric import ScoreItem
from bench.cache import PredictionCache
from bench.metrics.judge.prompts import prompt_hash
from bench.metrics.judge.settings import JudgeSettings

log = logging.getLogger(__name__)
CACHE_FORMAT = 1
CACHE_TYPE = "judge"  # the record type in the prediction cache (bench cache clear --type judge)
DECISIVE = ("A", "B")
VALID = ("A", "B", "tie", "identical")  # verdicts that count in win rates and Bradley-Terry


@dataclass(frozen=True)
class Judgement:
    """One ordered question's outcome. ``verdict``: A / B (which position won),
    tie, identical (the outputs were the same text: not asked), malformed (no
    parsable answer after the retries) or refused."""

    verdict: str
    answer: str = ""  # the judge's last reply, cut to ANSWER_CHARS (key already blanked)
    attempts: int = 0  # requests made (1 + re-asks after malformed answers)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    usage_missing: int = 0  # responses that came without usage counts

    ANSWER_CHARS = 300

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Judgement":
        return cls(**json.loads(text))


def _sha(value: object) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class JudgementKeys:
    """Cache keys for one judge configuration and target."""

    def __init__(self, settings: JudgeSettings, seed_sent: int, target: str) -> None:
        identity = {
            "format": CACHE_FORMAT,
            "base_url": settings.base_url,
            "model": settings.model,
            "prompt": prompt_hash(settings, target),
            "params": settings.model_dump(
                mode="json",
                include={"show_body", "show_reference", "max_body_chars", "answer", "allow_ties",
                         "temperature", "max_tokens", "malformed_retries"},
            ),
            "seed": seed_sent,
            "target": target,
        }
        self._base = _sha(identity)

    def key(self, item: ScoreItem, a: str, b: str) -> str:
        body_hash = None if item.body is None else hashlib.sha256(item.body.encode("utf-8")).hexdigest()
        return _sha([self._base, item.id, body_hash, list(item.references), a, b])


class JudgementCache:
    """The prediction cache as the judge uses it: it only saves money and time,
    so a cache that fails is warned about once and then left alone."""

    def __init__(self, cache: PredictionCache | None) -> None:
        self._cache = cache

    def get_many(self, keys: Iterable[str]) -> dict[str, Judgement]:
        if self._cache is None:
            return {}
        try:
            found = self._cache.get_many(keys)
        except (sqlite3.Error, OSError) as err:
            self._fail(err)
            return {}
        out: dict[str, Judgement] = {}
        for key, text in found.items():
            try:
                out[key] = Judgement.from_json(text)
            except (ValueError, TypeError):
                continue  # an unreadable record is asked again
        return out

    def put_many(self, records: Iterable[tuple[str, Judgement]]) -> None:
        if self._cache is None:
            return
        try:
            self._cache.put_many(((k, j.to_json()) for k, j in records), CACHE_TYPE)
        except (sqlite3.Error, OSError) as err:
            self._fail(err)

    def _fail(self, err: Exception) -> None:
        log.warning("judge: prediction cache %s failed (%s); continuing without it",
                    getattr(self._cache, "path", "?"), " ".join(str(err).split()))
        self._cache = None
