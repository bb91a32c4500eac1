"""The engine contract and its registry.

An engine runs one summarizer over jobs (a batch of articles for one target)
somewhere: in this process (``local``) or on a cluster (``ray``). What it
yields per job is declared here (``JobResult``): one text per article or that
article's failure, and the job's share of the summarizer's ``stats()``. So
every engine reports the same things, and the runner never asks an engine what
it happens to have.

Engines register through the ``bench.engines`` entry-point group (the
built-ins too, see ``pyproject.toml`` and ``bench.api.registry``); an engine is one file: a subclass of
``Engine`` with a ``Settings`` model whose ``type`` is a ``Literal`` of its
name. A config's ``engine:`` section is validated as the discriminated union of
every registered engine's settings, keyed on ``type``, so a setting that does
not apply to the chosen engine is a config error.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Any, Callable, ClassVar, Iterable, Iterator, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from bench.api.article import Article
from bench.api.registry import Registry
from bench.api.strict_values import refuse_switches_as_numbers

ENTRY_POINT_GROUP = "bench.engines"
# Keys of a summarizer's stats() that count work and add up across jobs;
# every other key describes how it ran (device, dtype) and the latest wins.
COUNTERS = ("inputs", "truncated")
# After this many articles in a row fail for one summarizer, the rest are not
# attempted: a broken model or server, not a bad article.
MAX_FAILURE_STREAK = 5


class EngineSettings(BaseModel):
    """Settings every engine has. Subclasses narrow ``type`` to ``Literal["name"]``
    and add their own; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    _no_switches = model_validator(mode="before")(refuse_switches_as_numbers)

    type: str


@dataclass(frozen=True)
class Job:
    """One batch of articles for one target, for one summarizer."""

    target: str
    articles: list[Article]


@dataclass(frozen=True)
class ArticleFailure:
    """Why one article of a job has no output. ``attempted`` is False when the
    summarizer was not even tried on it (after a streak of failures)."""

    index: int
    error: BaseException
    attempted: bool = True

    def reason(self) -> str:
        error = f"{type(self.error).__name__}: {self.error}"
        return error if self.attempted else f"not attempted after {self.error}"


@dataclass
class JobResult:
    """What an engine yields for one job, whichever engine it is.

    ``texts`` holds one output per article, None where the article failed (its
    ``ArticleFailure`` is in ``failures``). ``stats`` is this job's share of the
    summarizer's ``stats()``: the ``COUNTERS`` it added for the outputs kept
    (a batch that raised and was retried article by article counts once), and
    the latest value of everything else.
    """

    job: Job
    texts: list[str | None]
    failures: list[ArticleFailure] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def made(self) -> list[tuple[Article, str]]:
        return [(a, t) for a, t in zip(self.job.articles, self.texts) if t is not None]

    def __eq__(self, other: object) -> bool:  # exceptions compare by type and message
        if not isinstance(other, JobResult):
            return NotImplemented
        return (self.job, self.texts, self.stats, _failure_keys(self.failures)) == \
            (other.job, other.texts, other.stats, _failure_keys(other.failures))


def _failure_keys(failures: list[ArticleFailure]) -> list[tuple[int, str, bool]]:
    return [(f.index, f.reason(), f.attempted) for f in failures]


def merge_stats(into: dict[str, Any], new: dict[str, Any]) -> None:
    """Add up ``COUNTERS`` across jobs; keep the latest value of the rest."""
    for key, value in new.items():
        if key in COUNTERS and isinstance(value, int):
            into[key] = into.get(key, 0) + value
        else:
            into[key] = value


def stats_added(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What one call added to a summarizer's stats: counter differences, latest rest."""
    return {k: (v - before.get(k, 0) if k in COUNTERS and isinstance(v, int) else v) for k, v in after.items()}


class Engine(ABC):
    """Runs a summarizer over jobs. Subclasses set ``Settings`` and implement ``generate``."""

    Settings: ClassVar[type[EngineSettings]] = EngineSettings
    description: ClassVar[str] = ""

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings if settings is not None else self.Settings()

    @abstractmethod
    def generate(self, settings: dict[str, Any], seed: int, jobs: Iterable[Job]) -> Iterator[JobResult]:
        """Build the summarizer described by ``settings`` once, run it on every
        job, and yield one ``JobResult`` per job, in job order.

        A batch that raises is retried one article at a time on the same
        summarizer (never rebuilt), so only the failing articles are lost; after
        ``MAX_FAILURE_STREAK`` failures in a row the rest of that job is not
        attempted. A ``UserError`` (a missing model, a server that keeps failing)
        is raised, not reported per article: it ends the run. The runner may
        stop iterating at any point; the engine then releases what it built."""

    def close(self) -> None:
        """Let go of what the engine holds for the run (a cluster connection)."""


E = TypeVar("E", bound=type[Engine])
REGISTRY: Registry[type[Engine]] = Registry(ENTRY_POINT_GROUP, Engine, "engine type", "engines")
_registered = REGISTRY.registered  # the same dict: tests register into it


def register_engine(type_name: str) -> Callable[[E], E]:
    """Class decorator: make an engine available under ``type_name`` in this process."""

    def decorate(cls: E) -> E:
        REGISTRY.register(type_name)(cls)
        forget_loaded_engines()
        return cls

    return decorate


def engine_types() -> dict[str, str]:
    """Every registered engine name, mapped to where it comes from (not imported)."""
    return REGISTRY.names()


def get_engine_class(type_name: str) -> type[Engine]:
    """Look an engine up by name; only the one asked for is imported."""
    return REGISTRY.get(type_name)


@lru_cache(maxsize=1)
def _loaded_settings() -> tuple[dict[str, type[EngineSettings]], dict[str, str]]:
    """Every registered engine's settings model by name, and why any that
    cannot be imported failed (a broken plugin must not break every config)."""
    found: dict[str, type[EngineSettings]] = {}
    broken: dict[str, str] = {}
    for name in engine_types():
        try:
            found[name] = get_engine_class(name).Settings
        except Exception as err:  # noqa: BLE001 - reported when that engine is asked for
            broken[name] = f"{type(err).__name__}: {err}"
    return found, broken


def engine_settings_by_type() -> dict[str, type[EngineSettings]]:
    return _loaded_settings()[0]


def broken_engines() -> dict[str, str]:
    """Registered engines whose module cannot be imported, with the reason."""
    return _loaded_settings()[1]


def engine_config_adapter() -> TypeAdapter[Any]:
    """The ``engine:`` section's type: the union of every registered engine's
    settings, discriminated by ``type``."""
    return _adapter(tuple(engine_settings_by_type().values()))


@lru_cache(maxsize=4)
def _adapter(settings: tuple[type[EngineSettings], ...]) -> TypeAdapter[Any]:
    if len(settings) == 1:
        return TypeAdapter(settings[0])
    return TypeAdapter(Annotated[Union[settings], Field(discriminator="type")])  # type: ignore[valid-type]


def forget_loaded_engines() -> None:
    """Look the registry up afresh (after registering or removing an engine)."""
    _loaded_settings.cache_clear()
