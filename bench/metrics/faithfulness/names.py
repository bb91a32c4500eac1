"""Proper names in an output that the article body never mentions.

A name here is a capitalised word that capitalisation alone shows to be a
name: mid-sentence in sentence-case text. Words capitalised only because they
open a sentence (or stand in a Title Case headline) are names only when they
are not common English words (``lexicon``). Function words and titles ("Mr",
"President") are never checked on their own.

A name word is supported when the body has it in any case, after folding
accents and dropping possessives and plurals ("Britain's", "Kennedys"); by a
form of the same country or bloc ("British" by "UK", ``places``); by an
acronym ("BBC" by "British Broadcasting Corporation", and back); hyphenated
words by their capitalised parts ("Anglo-Irish" needs "Anglo" and "Irish").
A name part before a supported one is supported too: the body's "Mr Blair"
supports "Tony Blair" (given names and titles are world knowledge), while
"Gordon Brown" in a story about Blair is flagged whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bench.metrics.faithfulness.lexicon import (
    COMMON_ACRONYMS,
    DATE_WORDS,
    FUNCTION_WORDS,
    TITLES,
    is_common_word,
    is_proper_noun,
)
from bench.metrics.faithfulness.name_evidence import NameEvidence, fold, is_acronym
from bench.metrics.faithfulness.places import EQUIVALENT_FORMS

_UPPER = "A-ZÀ-ÖØ-ÞΑ-ΩА-Я"
# A capitalised word: dotted initials ("U.S.", "K." before a name), a word with inner apostrophes or hyphens
# ("O'Neill", "Rolls-Royce"), or a digit-led one with capitals ("3M", "4G").
_CAP = rf"(?:[{_UPPER}]\.){{2,}}|[{_UPPER}]\.(?=\s+[{_UPPER}])|[{_UPPER}][\w&]*(?:['’-][\w&]+)*|\d+[{_UPPER}]\w*"
# Lower-case words that may sit inside a name ("Bank of England", "Luiz da Silva").
CONNECTORS = "of|for|the|de|da|di|do|dos|das|du|van|von|der|den|del|della|la|le|bin|ibn|al|el|y|&"
RUN_RE = re.compile(rf"(?<![\w'’-])(?:{_CAP})(?:\s+(?:(?:{CONNECTORS})\s+){{0,2}}(?:{_CAP}))*")
CAP_RE = re.compile(_CAP)
INITIAL_RE = re.compile(r"(?:^|[\s(])(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Prof|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Rev|Jr|Sr)\.$")
WORDS4_RE = re.compile(r"[^\W\d_]{4,}")
_OPENERS = " \t\n\"'“‘(["


@dataclass(frozen=True)
class Span:
    """An unsupported name in an output, by character offsets."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str
    initial: bool  # capitalised by position (sentence start, Title Case), not necessarily a name


def _title_case(text: str) -> bool:
    """Headline Title Case ("Wedgwood Collection Saved After Campaign"): capitals say nothing there.
    Such text has no lower-case word but function words; a sentence-case headline full of
    names ("Tony Blair and Gordon Brown meet") has one."""
    content = [w for w in WORDS4_RE.findall(text) if w.lower() not in FUNCTION_WORDS]
    return len(content) >= 3 and all(w[0].isupper() for w in content)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(_OPENERS)
    if INITIAL_RE.search(before):
        return False  # "Richard K. Guy", "Mr. Blair": an initial or a title's dot, not a full stop
    return not before or before[-1] in ".!?:;" or before.endswith((" -", "–", "—"))


def name_runs(text: str) -> list[list[_Token]]:
    """Runs of capitalised words (joined by connectors such as "of"), each word marked
    ``initial`` when its capital may be due to position alone."""
    runs = []
    title = None
    for match in RUN_RE.finditer(text):
        if title is None:
            title = _title_case(text)
        first = title or _sentence_start(text, match.start())
        run = [
            _Token(match.start() + m.start(), match.start() + m.end(), m.group(0), title or (first and i == 0))
            for i, m in enumerate(CAP_RE.finditer(match.group(0)))
        ]
        runs.append(run)
    return runs


def _name_word(token: _Token, dates: bool = True) -> bool:
    """Whether a capitalised word is a name word to check."""
    lower = fold(token.text).strip(".'")
    if not dates and lower in DATE_WORDS:
        return False
    if is_acronym(token.text):
        return lower.replace(".", "").removesuffix("'s") not in COMMON_ACRONYMS
    if lower in FUNCTION_WORDS or lower in TITLES or len(lower) < 2 or not any(c.isalpha() for c in lower):
        return False  # function words, titles, single letters (initials)
    if token.initial and not token.text[1:].isupper() and not _name_shaped(lower) and is_common_word(lower):
        return False  # "Thousands protest", "Former minister": capitalised by position only
    return True


def _name_shaped(lower: str) -> bool:
    """A capitalised common word that still reads as a name: a possessive ("Brown's plan")
    or a word the dictionary lists as a proper noun ("Blair", "Chirac")."""
    return lower.endswith("'s") or is_proper_noun(lower)


def unsupported_names(text: str, evidence: NameEvidence, dates: bool = True) -> list[Span]:
    """The output's name spans the body does not support.
    ``dates=False`` leaves weekday and month names unchecked."""
    spans: list[Span] = []
    for run in name_runs(text):
        words = [t for t in run if _name_word(t, dates)]
        if not words:
            continue
        supported = [evidence.supports_word(t.text) for t in words]
        if not all(supported):
            _expanded_acronyms(run, words, supported, evidence)
        # Right to left: a name part directly before a supported part is supported ("Tony" in "Tony Blair").
        for i in range(len(words) - 2, -1, -1):
            if not supported[i] and supported[i + 1] and _adjacent(run, words[i], words[i + 1]):
                supported[i] = True
        spans.extend(_merge(text, [w for w, ok in zip(words, supported) if not ok]))
    return spans


def _expanded_acronyms(run: list[_Token], words: list[_Token], supported: list[bool], evidence: NameEvidence) -> None:
    """Mark the words of any stretch of the run that the body writes as an acronym ("Office
    for National Statistics" when the body says "ONS") or that is a multi-word form of a
    place or party the body names otherwise ("Lib Dem" by "Liberal Democrats")."""
    texts = [t.text for t in run]
    for i in range(len(run) - 1):
        for j in range(len(run), i + 1, -1):
            phrase = fold(" ".join(texts[i:j]))
            if evidence.supports_as_acronym(texts[i:j]) or any(
                evidence.has_phrase(other) for other in EQUIVALENT_FORMS.get(phrase, ())
            ):
                for k, word in enumerate(words):
                    if run[i].start <= word.start < run[j - 1].end:
                        supported[k] = True
                break


def _adjacent(run: list[_Token], a: _Token, b: _Token) -> bool:
    """``b`` follows ``a`` in the run with nothing but titles and initials between them."""
    i, j = run.index(a), run.index(b)
    return all(fold(t.text).strip(".") in TITLES or len(t.text.strip(".")) == 1 for t in run[i + 1 : j])


def _merge(text: str, bad: list[_Token]) -> list[Span]:
    """Unsupported words of one run with nothing but spaces and connectors between them
    become one span ("Gordon Brown", "Bank of Scotland")."""
    spans: list[Span] = []
    for token in bad:
        if spans and not CAP_RE.search(text, spans[-1].end, token.start):
            start = spans[-1].start
            spans[-1] = Span(start, token.end, text[start : token.end])
        else:
            spans.append(Span(token.start, token.end, token.text))
    return spans
