"""ROUGE backends: the ways a ``Scorer`` for the ``rouge`` metric is made.

A backend is chosen by ``scoring.backend`` and registered in the
``bench.rouge_backends`` entry-point group (the built-ins too), so another
implementation (an exact ROUGE-1.5.5 mode, a compiled kernel) is one file and
one entry point. A backend builds its scorer from the ROUGE settings and says
what goes into the signature; backends that give identical numbers (``fast``
is rouge-score, pair for pair) share one set of signature fields, so their
results share a board.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

from bench.api.metric import Scorer
from bench.api.registry import Registry
from bench.metrics.rouge_types import canonical_order, short_name

if TYPE_CHECKING:
    from bench.metrics.rouge_metric import RougeSettings

ENTRY_POINT_GROUP = "bench.rouge_backends"


class RougeBackend(ABC):
    """How to make a ROUGE ``Scorer`` from the settings, and what it adds to the signature."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    @classmethod
    @abstractmethod
    def make_scorer(cls, settings: "RougeSettings") -> Scorer:
        """A scorer for these settings (rouge types, stemmer, tokenizer, multiref, workers)."""

    @classmethod
    def signature(cls, settings: "RougeSettings") -> list[tuple[str, str]]:
        """The fields of rouge-score-style numbers (what ``fast`` and ``rouge-score`` give)."""
        from bench.tokenizers.sentences import SPLITTER_NAME

        return [
            # A fixed order: the same set of types listed differently is the same signature.
            ("rouge", ",".join(short_name(t) for t in canonical_order(settings.rouge))),
            ("tok", settings.tokenizer),
            ("stem", settings.stemmer),
            ("lsum-split", SPLITTER_NAME),
            ("multiref", settings.multiref),
        ]


class FastBackend(RougeBackend):
    description = "bench.metrics.fast_rouge: rouge-score's numbers, pair for pair, computed in bulk"

    @classmethod
    def make_scorer(cls, settings: "RougeSettings") -> Scorer:
        from bench.metrics.fast_rouge import FastRougeScorer

        return FastRougeScorer(settings.rouge, use_stemmer=settings.stemmer == "porter", multiref=settings.multiref,
                               tokenizer=settings.tokenizer, workers=settings.workers)


class RougeScoreBackend(RougeBackend):
    description = "Google's rouge-score package, pair by pair (the reference implementation)"

    @classmethod
    def make_scorer(cls, settings: "RougeSettings") -> Scorer:
        from bench.metrics.rouge import RougeScorer

        return RougeScorer(settings.rouge, use_stemmer=settings.stemmer == "porter", multiref=settings.multiref,
                           tokenizer=settings.tokenizer)


REGISTRY: Registry[type[RougeBackend]] = Registry(ENTRY_POINT_GROUP, RougeBackend, "ROUGE backend", "backends",
                                                  stamp_name=True)


def backend_names() -> list[str]:
    """Registered backend names (nothing imported)."""
    return list(REGISTRY.names())


def get_backend(name: str) -> type[RougeBackend]:
    """The backend registered as ``name``; UnknownNameError when there is none."""
    return REGISTRY.get(name)
