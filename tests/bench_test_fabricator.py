"""A test-only summarizer that states things no article says: loaded into `bench`
with ``PYTHONPATH=tests BENCH_PLUGINS=bench_test_fabricator``.

``test-fabricate`` writes the same invented headline and standfirst for every
article (a name, an amount, a count and a day no shared article has together),
so the faithfulness metric has unsupported spans to find and the browser to show.
"""

from __future__ import annotations

from typing import Sequence

from bench.api import Source, Summarizer, register_summarizer

INVENTED = {
    "headline": "Quentin Marlowe pledges £47.5m for 3,150 jobs",
    "standfirst": "Zephyria's chancellor Quentin Marlowe said on Tuesday that 3,150 jobs would follow a £47.5m fund.",
}


@register_summarizer("test-fabricate")
class FabricatingSummarizer(Summarizer):
    description = "test only: the same invented headline and standfirst for every article"

    def summarize(self, articles: Sequence[Source], target: str) -> list[str]:
        return [INVENTED[target] for _ in articles]
