"""The shared sentence splitter's rules, run in C where the kernel is built.

``bench.tokenizers.sentences`` is the specification. The C port implements its
rules as of ``SPLITTER_NAME == "bench-rules-2"`` and takes the word lists from
that module; if the module's rules move on (a new name, other patterns), the
Python splitter runs instead, so a sentence always means the same thing.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

from bench.kernel import native
from bench.tokenizers import sentences as rules

IMPLEMENTED = "bench-rules-2"
# The patterns the C code replays; any change sends the work back to Python.
_PATTERNS = {
    "_BOUNDARY": "([.!?\\u2026]+[\\\"'\\u201d\\u2019)\\]]*)(\\s+)",
    "_WORD_BEFORE": "(\\S+)$",
    "_NEXT_WORD": "[\\\"'\\u201c\\u2018(\\[]*([\\w\\-']+)",
    "_ACRONYM": "(?:[A-Za-z]\\.)+[A-Za-z]",
}
_OPENERS = "\"'\u201c\u2018([$\u00a3\u20ac"


def compiled_splitter() -> Any | None:
    """The C splitter, or None where the kernel is off or the rules are not the ones it implements."""
    if native() is None or not rules_match():
        return None
    lists = (rules.TITLES, rules.BEFORE_NUMBERS, rules.OTHER_ABBREVIATIONS, rules.SENTENCE_STARTERS)
    return _splitter(tuple((id(words), len(words)) for words in lists))  # made again if a list changes


@lru_cache(maxsize=2)
def _splitter(lists: tuple) -> Any:
    return native().SentenceSplitter(
        sorted(rules.TITLES), sorted(rules.BEFORE_NUMBERS), sorted(rules.OTHER_ABBREVIATIONS),
        sorted(rules.SENTENCE_STARTERS),
    )


def rules_match() -> bool:
    """Are bench.tokenizers.sentences' rules the ones the C code implements?"""
    return (
        rules.SPLITTER_NAME == IMPLEMENTED
        and rules._OPENERS == _OPENERS
        and all(getattr(rules, name).pattern == pattern for name, pattern in _PATTERNS.items())
    )


def split_sentences(text: str) -> list[str]:
    """``bench.tokenizers.sentences.split_sentences``, in C where possible."""
    splitter = compiled_splitter()
    return splitter.split(text) if splitter is not None else rules.split_sentences(text)


def sentence_lines(texts: Sequence[str]) -> list[str]:
    """Each text as one sentence per line (``"\\n".join(split_sentences(text))``)."""
    splitter = compiled_splitter()
    if splitter is not None:
        return splitter.lines(list(texts))
    return ["\n".join(rules.split_sentences(text)) for text in texts]
