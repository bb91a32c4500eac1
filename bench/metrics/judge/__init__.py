"""The pairwise LLM judge metric (``judge``); see ``metric.py``."""

from bench.metrics.judge.metric import JudgeMetric
from bench.metrics.judge.settings import JudgeSettings

__all__ = ["JudgeMetric", "JudgeSettings"]
