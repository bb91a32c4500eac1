"""What an article is, and what a summarizer is allowed to see of it."""

from __future__ import annotations

from dataclasses import dataclass

TARGETS = ("headline", "standfirst")


@dataclass(frozen=True)
class Source:
    """The part of an article a (non-oracle) summarizer sees: never the references."""

    id: str
    body: str

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.body.split("\n") if line.strip()]


@dataclass(frozen=True)
class Article(Source):
    """A news article with its two references: the headline and the standfirst."""

    headline: str = ""
    standfirst: str = ""

    def reference(self, target: str) -> str:
        if target not in TARGETS:
            raise ValueError(f"unknown target {target!r}; expected one of {TARGETS}")
        return getattr(self, target)

    def source(self) -> Source:
        return Source(id=self.id, body=self.body)
