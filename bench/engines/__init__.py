"""Engines run summarizers over batches of work. ``local`` (the default) runs
in this process; other engines (e.g. Ray) ship the same batches elsewhere.
The runner owns what happens around them: caching, writing, scoring."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.engines.base import Engine, Job

if TYPE_CHECKING:
    from bench.config import EngineConfig

__all__ = ["Engine", "Job", "make_engine"]


def make_engine(config: "EngineConfig | None" = None) -> Engine:
    """The engine a run's ``engine:`` section asks for (local when absent).
    Ray is imported only when asked for, so it stays an optional extra."""
    if config is None or config.type == "local":
        from bench.engines.local import LocalEngine

        return LocalEngine()
    if config.type == "ray":
        from bench.engines.ray_engine import RayEngine

        return RayEngine(
            address=config.address,
            workers=config.workers,
            num_gpus_per_worker=config.num_gpus_per_worker,
            num_cpus_per_worker=config.num_cpus_per_worker,
        )
    raise ValueError(f"unknown engine type {config.type!r}")
