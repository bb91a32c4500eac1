"""Perturbed references for measuring a faithfulness checker.

From real headlines and standfirsts, one number or one name is swapped for one
taken from another article's reference, so the swapped-in span is (almost
surely) not in this article's body; the originals are kept beside them. A
checker should flag the perturbed texts (ideally at the swapped span) and not
the originals.

What counts as a number or a name here is deliberately simpler than, and
independent of, the checker's own rules, so the set does not grade the
checker by its own definitions:

- a number is a token with a digit (with a currency sign or "%"/"m"/"bn" glued
  on) or one of a few number words ("three", "twelve", "twenty");
- a name is a run of capitalised words that the article's own body also has
  capitalised in mid-sentence (so it is a name, and the original is supported).

A replacement is used only if none of its digits-and-words appear in the
target article's body, compared as plain lower-case text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15", "twenty": "20", "thirty": "30", "fifty": "50",
    "hundred": "100",
}
DIGIT_TOKEN = re.compile(r"(?<![\w.,])(?:[£$€]|US\$)?\d[\d,.]*\d?(?:%|bn|m|k|tn)?(?![\w])")
WORD_TOKEN = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
CAP_RUN = re.compile(r"[A-Z][a-zA-Z'’-]+(?: [A-Z][a-zA-Z'’-]+)*")
CORE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class Sample:
    """One text to check against one body; ``swapped`` is None for an original."""

    article_id: str
    target: str
    kind: str  # "original", "number" or "name"
    text: str
    body: str
    swapped: tuple[int, int] | None = None  # offsets of the inserted span


def _numbers(text: str) -> list[tuple[int, int, str]]:
    found = [(m.start(), m.end(), m.group(0)) for m in DIGIT_TOKEN.finditer(text)]
    found += [(m.start(), m.end(), m.group(0)) for m in WORD_TOKEN.finditer(text)]
    return sorted(found)


def _mid_sentence_capitalised(body: str) -> set[str]:
    """Capitalised words of the body that do not open a sentence."""
    names = set()
    for match in re.finditer(r"(?<=[a-z,;] )[A-Z][a-zA-Z'’-]+", body):
        names.add(match.group(0).rstrip("'’").removesuffix("'s").removesuffix("’s"))
    return names


def _names(text: str, body_names: set[str]) -> list[tuple[int, int, str]]:
    found = []
    for match in CAP_RUN.finditer(text):
        words = [w.removesuffix("'s").removesuffix("’s") for w in match.group(0).split()]
        if all(w in body_names for w in words):
            end = match.end() - (2 if match.group(0).endswith(("'s", "’s")) else 0)
            found.append((match.start(), end, text[match.start() : end]))
    return found


def _number_absent(span: str, body_lower: str) -> bool:
    if span.lower() in NUMBER_WORDS:
        word = span.lower()
        return not re.search(rf"\b({word}|{NUMBER_WORDS[word]})\b", body_lower)
    cores = CORE.findall(span)
    return bool(cores) and all(re.search(rf"(?<![\d.,]){re.escape(c)}(?![\d]|[.,]\d)", body_lower) is None for c in cores)


def _name_absent(span: str, body_lower: str) -> bool:
    return all(re.search(rf"\b{re.escape(w.lower())}\b", body_lower) is None for w in span.split())


def build(
    articles: Sequence[dict], targets: Iterable[str] = ("headline", "standfirst"), seed: int = 0, tries: int = 30
) -> list[Sample]:
    """Originals plus, where possible, one number swap and one name swap per reference."""
    rng = random.Random(seed)
    targets = list(targets)
    pools: dict[tuple[str, str], list[tuple[int, str]]] = {}
    body_names = [_mid_sentence_capitalised(a["body"]) for a in articles]
    for i, article in enumerate(articles):
        for target in targets:
            text = article.get(target) or ""
            for kind, spans in (("number", _numbers(text)), ("name", _names(text, body_names[i]))):
                pools.setdefault((target, kind), []).extend((i, span) for _, _, span in spans)
    samples: list[Sample] = []
    for i, article in enumerate(articles):
        body_lower = article["body"].lower()
        for target in targets:
            text = article.get(target) or ""
            if not text.strip():
                continue
            samples.append(Sample(article["id"], target, "original", text, article["body"]))
            for kind, spans, absent in (
                ("number", _numbers(text), _number_absent),
                ("name", _names(text, body_names[i]), _name_absent),
            ):
                if not spans:
                    continue
                start, end, original = rng.choice(spans)
                pool = pools[(target, kind)]
                for _ in range(tries):
                    j, replacement = rng.choice(pool)
                    if j != i and replacement.lower() != original.lower() and absent(replacement, body_lower):
                        if kind == "number" and (replacement.lower() in NUMBER_WORDS) != (original.lower() in NUMBER_WORDS):
                            continue  # words for words, digits for digits: the text stays grammatical
                        new = text[:start] + replacement + text[end:]
                        samples.append(
                            Sample(article["id"], target, kind, new, article["body"], (start, start + len(replacement)))
                        )
                        break
    return samples
