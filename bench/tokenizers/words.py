"""ROUGE word tokenizers, pluggable as in rouge-score (``tokenizer.tokenize(text)``).

``rouge-score`` is rouge-score's own default tokenizer (lower-case, keep only
[a-z0-9] runs, Porter-stem words longer than 3 characters), so scores match it.
"""

from __future__ import annotations

from functools import lru_cache

from rouge_score import tokenize as _rs_tokenize
from rouge_score.tokenizers import Tokenizer


class RougeScoreTokenizer(Tokenizer):
    """rouge-score's default tokenization, with an optional Porter stemmer."""

    name = "rouge-score"

    def __init__(self, use_stemmer: bool = True) -> None:
        from nltk.stem import porter

        self.use_stemmer = use_stemmer
        self._stemmer = porter.PorterStemmer() if use_stemmer else None
        self._stem = lru_cache(maxsize=200_000)(self._stemmer.stem) if self._stemmer else None

    def tokenize(self, text: str) -> list[str]:
        tokens = _rs_tokenize.SPACES_RE.split(_rs_tokenize.NON_ALPHANUM_RE.sub(" ", text.lower()))
        if self._stem:
            tokens = [self._stem(t) if len(t) > 3 else t for t in tokens]
        return [t for t in tokens if _rs_tokenize.VALID_TOKEN_RE.match(t)]
