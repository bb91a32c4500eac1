"""A Unicode-aware ROUGE tokenizer (``scoring.tokenizer: unicode``).

rouge-score's default tokenizer keeps only [a-z0-9], so Russian, Arabic,
Chinese or accented text scores 0 or wrong. This one:

- NFKC-normalizes and case-folds the text (full-width forms become plain ones,
  ``Straße`` and ``STRASSE`` match);
- keeps runs of letters, combining marks and digits of any script as words
  (marks matter: Devanagari and Arabic vowel signs are part of the word);
- makes every Han, Hiragana and Katakana character its own token, the usual
  choice for ROUGE on Chinese and Japanese, which do not separate words;
- Porter-stems only ASCII words longer than 3 characters, as rouge-score does.
"""

from __future__ import annotations

import unicodedata

import regex

from bench.tokenizers.base import WordTokenizer

_CJK = r"\p{Han}\p{Hiragana}\p{Katakana}"
_WORDS = regex.compile(rf"[{_CJK}]|[[\p{{L}}\p{{M}}\p{{N}}]--[{_CJK}]]+", flags=regex.V1)


class UnicodeTokenizer(WordTokenizer):
    name = "unicode"
    description = "letters and digits of any script (NFKC, case-folded); CJK one token per character"

    def words(self, text: str) -> list[str]:
        return _WORDS.findall(unicodedata.normalize("NFKC", text).casefold())

    def _normalize(self, word: str) -> str | None:
        if self._stemmer is not None and len(word) > 3 and word.isascii():
            return self._stemmer.stem(word)
        return word
