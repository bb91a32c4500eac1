"""How ROUGE-1.5.5 reads a summary: lines, length limits, tokens.

A text is what the script would read from a one-sentence-per-line (SPL) file
holding it, UTF-8 encoded, and the script works on its bytes:

- lines are split on ``\\n``; empty lines are dropped (a line of spaces is kept);
  each line is lower-cased in ASCII only (``tr/A-Z/a-z/``);
- ``-l N`` keeps the first N words and ``-b N`` the first N bytes, where a word
  is a field of Perl's ``split(/\\s+/)`` on the raw line (punctuation and all;
  a line starting with a space has an empty first field, which counts);
- the n-gram and skip-bigram counts read the kept lines joined into one text
  (``readText``); ROUGE-L and -W read them as sentences (``readText_LCS``),
  whose byte limit is applied to each sentence on its own rather than to
  their total: a bug of the script that this mode keeps;
- tokens are the runs of ``[a-z0-9]`` (``WORD``): everything else (hyphens,
  apostrophes, every byte of a non-ASCII character) separates them. Stopwords
  (``-s``) are dropped before stemming (``-m``); see ``reading``.
"""

from __future__ import annotations

import re

_PERL_SPACE = re.compile(rb"[ \t\n\r\f\v]+")  # Perl's \s on a byte string
WORD = re.compile(rb"[a-z0-9]+")


def lines_of(text: str) -> list[bytes]:
    """The lines the script reads from a file holding ``text``, lower-cased in ASCII."""
    return [line.lower() for line in text.encode("utf-8").split(b"\n") if line]


def perl_words(line: bytes) -> list[bytes]:
    """Perl's ``split(/\\s+/, line)``: a leading empty field is kept, trailing ones dropped."""
    fields = _PERL_SPACE.split(line)
    while fields and not fields[-1]:
        fields.pop()
    return fields


def joined_text(lines: list[bytes], words: int = 0, nbytes: int = 0) -> bytes:
    """``readText``: the kept lines as one text (for ROUGE-N and skip-bigrams)."""
    if not words and not nbytes:
        return b" ".join(lines)
    kept: list[bytes] = []
    used = 0
    for line in lines:
        fields = perl_words(line) if words else None
        size = len(fields) if fields is not None else len(line)
        limit = words or nbytes
        if used + size < limit:
            kept.append(b" " + line if used else line)
            used += size
            continue
        if used:
            kept.append(b" ")
        kept.append(b" ".join(fields[: limit - used]) if fields is not None else line[: limit - used])
        break
    return b"".join(kept)


def sentence_texts(lines: list[bytes], words: int = 0, nbytes: int = 0) -> list[bytes]:
    """``readText_LCS``: the kept lines as sentences (for ROUGE-L and ROUGE-W)."""
    if not words and not nbytes:
        return lines
    kept: list[bytes] = []
    used = 0
    for line in lines:
        if words:
            fields = perl_words(line)
            if used + len(fields) < words:
                used += len(fields)
                kept.append(line)
                continue
            kept.append(b" ".join(fields[: words - used]))
            break
        # -b: the script never adds up the bytes kept so far here.
        if len(line) < nbytes:
            kept.append(line)
            continue
        kept.append(line[:nbytes])
        break
    return kept


def read_stopwords(path) -> frozenset[bytes]:
    """The release's SMART stopword list, one word a line, as the script loads it (``chomp``)."""
    with open(path, "rb") as handle:
        return frozenset(line[:-1] if line.endswith(b"\n") else line for line in handle)
