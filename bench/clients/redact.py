"""Blanking an API key out of text a server sent back.

A server may echo what it was sent: the Authorization header in an error body,
or the key inside an answer. Whatever comes back is stored (prediction cache,
predictions.jsonl, results) and shown (terminal, HTML page), so every text a
client returns passes through ``KeyRedactor`` first.

The rule: compare case-folded (NFKC) letters and digits only, so whitespace,
punctuation, zero-width and other invisible characters, case changes and
full-width forms do not hide the key; then any run of ``MIN_RUN`` (8) or more
consecutive characters of the key, read forwards or backwards, is replaced,
together with whatever separators lie inside it, by ``MASK``. A key shorter
than ``MIN_RUN`` letters and digits is blanked only where it appears whole.
Eight characters of a real key (random, 30+ letters and digits) are far too
few to stand for it by chance in ordinary text (36**8 ~ 3e12), and what is
left visible of a key is at most 7 characters on either side of a mask, too
few to use. Encodings a reader would have to decode (base64, hex) are not
searched. A key made of ordinary words (a placeholder such as ``EMPTY`` or
``sk-no-key-required``) blanks those words in answers too: callers warn when
anything was blanked, so it is never silent.
"""

from __future__ import annotations

import unicodedata

MIN_RUN = 8
MASK = "***"


def _normalise(text: str) -> tuple[str, list[int]]:
    """The case-folded letters and digits of ``text``, and for each of them the
    index of the character of ``text`` it came from."""
    kept: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = char.casefold() if char.isascii() else unicodedata.normalize("NFKC", char).casefold()
        for part in folded:
            if part.isalnum():
                kept.append(part)
                origin.append(index)
    return "".join(kept), origin


class KeyRedactor:
    """Blanks one key out of texts, by the rule in the module docstring."""

    def __init__(self, key: str | None) -> None:
        folded, _ = _normalise(key or "")
        self._width = min(MIN_RUN, len(folded))
        self._windows: set[str] = set()
        for form in (folded, folded[::-1]):
            for start in range(len(form) - self._width + 1):
                self._windows.add(form[start : start + self._width])
        self._windows.discard("")
        self.hits = 0  # texts blanked so far (a count for warnings; races only undercount)

    @property
    def active(self) -> bool:
        return bool(self._windows)

    def __call__(self, text: str) -> str:
        if not self._windows or not text:
            return text
        folded, origin = _normalise(text)
        covered = [False] * len(folded)
        width = self._width
        for start in range(len(folded) - width + 1):
            if folded[start : start + width] in self._windows:
                covered[start : start + width] = [True] * width
        if not any(covered):
            return text
        self.hits += 1
        return self._mask(text, covered, origin)

    @staticmethod
    def _mask(text: str, covered: list[bool], origin: list[int]) -> str:
        """Replace each maximal covered run, from its first to its last original character."""
        pieces: list[str] = []
        position = 0  # next character of ``text`` not yet copied
        index = 0
        while index < len(covered):
            if not covered[index]:
                index += 1
                continue
            end = index
            while end + 1 < len(covered) and covered[end + 1]:
                end += 1
            first, last = origin[index], origin[end]
            if first >= position:
                pieces.append(text[position:first])
                pieces.append(MASK)
            position = max(position, last + 1)
            index = end + 1
        pieces.append(text[position:])
        return "".join(pieces)
