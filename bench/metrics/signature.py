"""The score signature, in the manner of sacreBLEU's: every setting that can
change a number, printed in one string. Two results with different signatures
are never ranked against each other."""

from __future__ import annotations

from bench import __version__
from bench.config import ScoringConfig
from bench.tokenizers.sentences import SPLITTER_NAME

SHORT_TYPE = {"rouge1": "1", "rouge2": "2", "rougeL": "L", "rougeLsum": "Lsum"}


def signature(scoring: ScoringConfig, seed: int) -> str:
    fields = [
        # A fixed order: the same set of types listed differently is the same signature.
        ("rouge", ",".join(SHORT_TYPE[t] for t in SHORT_TYPE if t in scoring.rouge)),
        ("tok", scoring.tokenizer),
        ("stem", scoring.stemmer),
        ("lsum-split", SPLITTER_NAME),
        ("multiref", scoring.multiref),
        ("agg", "mean"),
        ("bs", str(scoring.bootstrap)),
        ("ci", f"{scoring.confidence * 100:g}"),
        ("seed", str(seed)),
        ("v", __version__),
    ]
    return "|".join(f"{k}:{v}" for k, v in fields)


def parse_signature(text: str) -> dict[str, str]:
    parts = dict(part.split(":", 1) for part in text.split("|") if ":" in part)
    return parts
