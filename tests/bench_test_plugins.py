"""Test-only summarizers, loaded into `bench` processes with
``PYTHONPATH=tests BENCH_PLUGINS=bench_test_plugins``.

``test-slow`` writes the first body sentence (so its scores are real numbers)
after sleeping ``delay`` seconds per article: long enough to kill a run
partway. It raises on the article ids in ``fail_on`` (a whole batch containing
one raises, as a model would); ``builds`` names a file that gets a line per
build (a model load, for a real model). When ``BENCH_TEST_CALLS`` names a file, every
article it summarizes appends one line there, so a test can count calls made
in another process.
"""

from __future__ import annotations

import os
import time
from typing import Sequence

from bench.api import Source, Summarizer, SummarizerSettings, register_summarizer
from bench.tokenizers.sentences import split_sentences


class SlowSettings(SummarizerSettings):
    delay: float = 0.0
    fail_on: list[str] = []
    builds: str | None = None  # a file that gets one line each time the summarizer is built


@register_summarizer("test-slow")
class SlowSummarizer(Summarizer):
    Settings = SlowSettings
    description = "test only: first body sentence, slowly; raises on chosen ids"

    def __init__(self, settings: SlowSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        if settings.builds:
            with open(settings.builds, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()}\n")

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        outputs = []
        for article in articles:
            if article.id in self.settings.fail_on:
                raise RuntimeError(f"test-slow was told to fail on {article.id}")
        for article in articles:
            time.sleep(self.settings.delay)
            sentence = (split_sentences(article.body) or [""])[0]
            outputs.append(sentence if target == "standfirst" else " ".join(sentence.split()[:10]))
        calls = os.environ.get("BENCH_TEST_CALLS")
        if calls:
            with open(calls, "a", encoding="utf-8") as handle:
                handle.write("".join(f"{target}\t{a.id}\n" for a in articles))
        return outputs
