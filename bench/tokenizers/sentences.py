"""A rule-based sentence splitter for news text.

One shared component: lead baselines, the oracle, extractive models and
rougeLsum all split with it, so a sentence means the same thing everywhere. It
needs no downloaded model data (NLTK's punkt would), and it is tuned for the
things news copy is full of: titles (``Mr.``), acronyms (``U.S.``), initials
(``J. K. Rowling``), money and decimals (``$1.13bn``), and quotes that end
inside or outside the stop (``"...," he said.``, ``"No." Then``).

Line breaks always end a sentence (a paragraph a line).
"""

from __future__ import annotations

import re

SPLITTER_NAME = "bench-rules-1"

# Words that, followed by a period, do not end a sentence (lower-cased, no dot).
TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "sen", "rep", "gov",
    "lt", "col", "capt", "sgt", "maj", "cmdr", "adm", "rev", "hon", "pres", "supt",
    "insp", "det", "cpl", "pte", "messrs", "mme", "mlle", "fr",
}
OTHER_ABBREVIATIONS = {
    "inc", "ltd", "co", "corp", "plc", "bros", "vs", "v", "etc", "no", "nos", "vol",
    "approx", "est", "dept", "univ", "assn", "ave", "blvd", "rd", "mt", "ft", "fig",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "al", "cf", "ca", "op", "pp", "ch", "ed", "eds", "esp", "govt", "intl", "natl",
}
# After these the next word is a name, so never a new sentence.
ALWAYS_JOIN = TITLES | {"no", "nos", "vol", "fig", "pp", "op", "st", "mt", "vs", "v"}
# Words that start sentences; an acronym like "U.S." followed by one of these ends a sentence.
SENTENCE_STARTERS = {
    "the", "a", "an", "it", "its", "he", "she", "they", "we", "i", "you", "this", "that",
    "these", "those", "but", "and", "so", "yet", "in", "on", "at", "for", "if", "when",
    "while", "after", "before", "there", "his", "her", "their", "our", "my", "some",
    "many", "most", "mr", "mrs", "ms", "dr", "however", "meanwhile", "also", "as", "by",
    "what", "who", "why", "how", "one", "two", "last", "earlier", "later", "now", "then",
}

# A candidate boundary: terminal punctuation, optional closing quotes/brackets,
# then whitespace. Group 1 is the stop (+ closers), group 2 the whitespace.
_BOUNDARY = re.compile(r"([.!?\u2026]+[\"'\u201d\u2019)\]]*)(\s+)")
_WORD_BEFORE = re.compile(r"([\w.\-']+)$")
_NEXT_WORD = re.compile(r"[\"'\u201c\u2018(\[]*([\w\-']+)")


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences; every line is split on its own."""
    sentences: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        end = match.end(1)
        if _is_boundary(line[start:match.start(1)], match.group(1), line[match.end():]):
            pieces.append(line[start:end].strip())
            start = match.end()
    tail = line[start:].strip()
    if tail:
        pieces.append(tail)
    return [p for p in pieces if p]


def _is_boundary(before: str, stop: str, after: str) -> bool:
    next_match = _NEXT_WORD.match(after)
    if not next_match:
        # Punctuation, a dash or a symbol follows: a sentence may still start with
        # a currency sign or digit, so only an opening letter decides otherwise.
        return bool(after) and not after[0].islower()
    next_word = next_match.group(1)
    starts_lower = next_word[0].islower()
    if stop[0] in "!?\u2026" or stop.startswith(".."):
        # "Great!" he said.  /  "Why?" asked the minister.
        return not starts_lower
    if not stop.startswith(".") or len(stop.rstrip("\"'\u201d\u2019)]")) > 1:
        return not starts_lower
    if stop != "." and stop[1:]:
        # A period inside a closing quote: '..." The' ends a sentence.
        return not starts_lower
    word_match = _WORD_BEFORE.search(before)
    word = word_match.group(1) if word_match else ""
    bare = word.lower().strip(".'-")
    if starts_lower:
        return False
    if bare in ALWAYS_JOIN:
        return False
    if len(bare) == 1 and bare.isalpha() and word[-1:].isupper():
        # An initial: "J. K. Rowling" - unless it is a lone capital ending a clause.
        return False
    if "." in word.strip("."):
        # An acronym such as "U.S." or "a.m.": a sentence ends only before a sentence starter.
        return next_word.lower() in SENTENCE_STARTERS
    if bare in OTHER_ABBREVIATIONS:
        return next_word.lower() in SENTENCE_STARTERS
    return True
