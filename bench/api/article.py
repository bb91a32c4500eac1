"""What an article is, and what a summarizer is allowed to see of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

TARGETS = ("headline", "standfirst")


@dataclass(frozen=True, slots=True)
class Source:
    """The part of an article a (non-oracle) summarizer sees: never the references."""

    id: str
    body: str


@dataclass(frozen=True, slots=True, init=False)
class Article(Source):
    """A news article with its references: for each target, zero or more texts.

    A target may have several references (DUC-style corpora, A/B-tested
    headlines); scorers combine them by ``scoring.multiref``. A target the data
    does not hold has no references, and a config cannot score it.
    ``Article(id=..., body=..., headline="...")`` gives a target one reference.
    """

    headlines: tuple[str, ...]
    standfirsts: tuple[str, ...]

    def __init__(
        self,
        id: str,
        body: str,
        headlines: Iterable[str] = (),
        standfirsts: Iterable[str] = (),
        *,
        headline: str | None = None,
        standfirst: str | None = None,
    ) -> None:
        object.__setattr__(self, "id", id)
        object.__setattr__(self, "body", body)
        # Lists (from JSON, or a Ray worker's copy) become tuples: an Article never changes.
        object.__setattr__(self, "headlines", _references(headlines, headline, "headline"))
        object.__setattr__(self, "standfirsts", _references(standfirsts, standfirst, "standfirst"))

    def references(self, target: str) -> tuple[str, ...]:
        """Every reference for ``target``, in the order the data gives them."""
        return getattr(self, _plural(target))

    def reference(self, target: str) -> str:
        """The first reference for ``target`` ("" when there is none)."""
        found = self.references(target)
        return found[0] if found else ""

    @property
    def headline(self) -> str:
        return self.reference("headline")

    @property
    def standfirst(self) -> str:
        return self.reference("standfirst")

    def reference_fields(self) -> list[Any]:
        """The references in a fixed, hashable-by-JSON form, for fingerprints and
        cache keys: per target the one reference as a string (so single-reference
        data hashes exactly as it did before several references existed), or the
        list of them when there are several."""
        fields: list[Any] = []
        for target in TARGETS:
            found = self.references(target)
            fields.append(list(found) if len(found) > 1 else (found[0] if found else ""))
        return fields

    def source(self) -> Source:
        return Source(id=self.id, body=self.body)


def _plural(target: str) -> str:
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; expected one of {TARGETS}")
    return target + "s"


def _references(many: Iterable[str], one: str | None, target: str) -> tuple[str, ...]:
    if isinstance(many, str):
        raise TypeError(f"{target}s must be a sequence of strings, not one string (or pass {target}=...)")
    texts = tuple(many)
    if one is not None:
        if texts:
            raise TypeError(f"pass {target}= or {target}s=, not both")
        texts = (one,) if one else ()
    if not all(isinstance(t, str) for t in texts):
        raise TypeError(f"{target}s must hold strings only")
    return texts
