"""Engines run summarizers over batches of work. ``local`` (the default) runs
in this process; ``ray`` ships the same batches to a Ray cluster. Engines are
found by name in the ``bench.engines`` registry (``bench.api.engine``), so a
new one is one file. The runner owns what happens around them: caching,
writing, scoring."""

from __future__ import annotations

from bench.api.engine import Engine, EngineSettings, Job, JobResult, get_engine_class

__all__ = ["Engine", "EngineSettings", "Job", "JobResult", "make_engine"]


def make_engine(settings: EngineSettings | None = None) -> Engine:
    """The engine a run's ``engine:`` section asks for (local when absent).
    Only that engine's module is imported, so Ray stays an optional extra."""
    if settings is None:
        return get_engine_class("local")()
    return get_engine_class(settings.type)(settings)
