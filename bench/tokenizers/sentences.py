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

SPLITTER_NAME = "bench-rules-2"  # bump whenever the rules change: it is part of the signature

# Words that, followed by a period, never end a sentence: a name follows (lower-cased, no dot).
TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "st", "gen", "sen", "rep", "gov", "lt", "col",
    "capt", "sgt", "maj", "cmdr", "adm", "rev", "hon", "pres", "supt", "insp", "det",
    "cpl", "pte", "messrs", "mme", "mlle", "fr", "mt", "vs", "v",
}
# Abbreviations that stand before a number ("No. 10", "Jan. 5", "Vol. 2"); before
# anything else they are ordinary words ("The answer was no. Then...").
BEFORE_NUMBERS = {
    "no", "nos", "vol", "fig", "pp", "op", "art", "ch",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
# Abbreviations that may also end a sentence: they do so only before a sentence starter.
OTHER_ABBREVIATIONS = {
    "inc", "ltd", "co", "corp", "plc", "bros", "etc", "jr", "sr", "approx", "est",
    "dept", "univ", "assn", "ave", "blvd", "rd", "ft", "al", "cf", "ca", "eds", "esp",
    "govt", "intl", "natl", "tue", "tues", "thu", "thur", "thurs",
}
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
_WORD_BEFORE = re.compile(r"(\S+)$")
_OPENERS = "\"'\u201c\u2018([$\u00a3\u20ac"
_NEXT_WORD = re.compile(r"[\"'\u201c\u2018(\[]*([\w\-']+)")
# Letters with dots between them: "U.S", "a.m", "e.g" (the final dot is the stop).
# Numbers such as "1.13bn" or "$41.48" are not acronyms.
_ACRONYM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences; every line is split on its own."""
    sentences: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    # Lower-cased text (some published system outputs) carries no case signal:
    # there, a lower-case word after a stop may still start a sentence.
    caseless: bool | None = None  # worked out only for lines with a candidate boundary
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        if caseless is None:
            caseless = not any(char.isupper() for char in line)
        if _is_boundary(line[start:match.start(1)], match.group(1), line[match.end():], caseless):
            pieces.append(line[start:match.end(1)].strip())
            start = match.end()
    pieces.append(line[start:].strip())
    return [p for p in pieces if p]


def _is_boundary(before: str, stop: str, after: str, caseless: bool = False) -> bool:
    """Does the text end a sentence at ``stop``, given what comes before and after it?"""
    next_match = _NEXT_WORD.match(after)
    if not next_match:
        # A symbol follows: a sentence may start with a currency sign, a dash or a quote.
        return bool(after) and not after[0].islower()
    next_word = next_match.group(1)
    if next_word[0].islower() and not caseless:
        return False  # '"Why?" asked the minister.' / 'at 5 p.m. on Monday'
    if stop != ".":
        return True  # !, ?, an ellipsis, or a stop inside closing quotes: '"No." Then'
    word_match = _WORD_BEFORE.search(before)
    word = word_match.group(1).lstrip(_OPENERS) if word_match else ""
    bare = word.lower()
    starter = next_word.lower() in SENTENCE_STARTERS
    if bare in TITLES and not (len(word) > 1 and word.isupper()):
        return False  # "Mr. Smith", "St. Louis"
    if bare in BEFORE_NUMBERS:
        return not next_word[0].isdigit()  # "No. 10" / "the answer was no. Then"
    if len(word) == 1 and word.isupper():
        return starter  # an initial ("J. K. Rowling"), unless a clause ends: "World War I. But"
    if _ACRONYM.fullmatch(word) or bare in OTHER_ABBREVIATIONS:
        return starter  # "the U.S. Senate" / "in the U.S. The"
    return True
