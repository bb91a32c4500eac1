"""The summarizer contract and its registry.

A summarizer takes a batch of articles and a target (``headline`` or
``standfirst``) and returns one text per article. Batches let model summarizers
pad and run together, and let an engine ship work to other processes.

Summarizers register through the ``bench.summarizers`` entry-point group (the
built-ins too, see ``pyproject.toml``), so a third-party package adds one
without editing this project. ``register_summarizer`` adds one in-process
(tests, notebooks).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from importlib.metadata import entry_points
from typing import Callable, ClassVar, Sequence, TypeVar

from pydantic import BaseModel, ConfigDict

from bench.api.article import Article, Source
from bench.errors import UnknownNameError

ENTRY_POINT_GROUP = "bench.summarizers"


class SummarizerSettings(BaseModel):
    """Settings every summarizer entry in a config has; subclasses add their own.

    Unknown keys are errors (``extra="forbid"``), so a typo never silently
    falls back to a default.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    type: str


class Summarizer(ABC):
    """Base class for every summarizer.

    Subclasses set ``Settings`` to their pydantic settings model and implement
    ``summarize``. An oracle (an upper bound that reads the references) sets
    ``is_oracle = True`` and is then given full ``Article`` objects; every other
    summarizer only ever gets ``Source`` objects.
    """

    Settings: ClassVar[type[SummarizerSettings]] = SummarizerSettings
    is_oracle: ClassVar[bool] = False
    description: ClassVar[str] = ""

    def __init__(self, settings: SummarizerSettings, seed: int = 0) -> None:
        self.settings = settings
        self.seed = seed

    @property
    def name(self) -> str:
        return self.settings.name

    @abstractmethod
    def summarize(self, articles: Sequence[Source | Article], target: str) -> list[str]:
        """Return one text per article, in order, written for ``target``."""

    def close(self) -> None:
        """Release models or connections. Called once when a run is done with it."""


S = TypeVar("S", bound=type[Summarizer])
_registered: dict[str, type[Summarizer]] = {}


def register_summarizer(type_name: str) -> Callable[[S], S]:
    """Class decorator: make a summarizer available under ``type_name`` in this process."""

    def decorate(cls: S) -> S:
        _registered[type_name] = cls
        return cls

    return decorate


def summarizer_types() -> dict[str, str]:
    """Every registered type name, mapped to where it comes from (not imported)."""
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    found.update({name: f"{cls.__module__}:{cls.__qualname__}" for name, cls in _registered.items()})
    return dict(sorted(found.items()))


def get_summarizer_class(type_name: str) -> type[Summarizer]:
    """Look a summarizer type up by name; only the one asked for is imported."""
    if type_name in _registered:
        return _registered[type_name]
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name == type_name:
            cls = ep.load()
            if not (isinstance(cls, type) and issubclass(cls, Summarizer)):
                raise TypeError(f"entry point {ep.value} for {type_name!r} is not a Summarizer subclass")
            return cls
    known = ", ".join(summarizer_types()) or "none"
    raise UnknownNameError(f"unknown summarizer type {type_name!r}; registered types: {known}")
