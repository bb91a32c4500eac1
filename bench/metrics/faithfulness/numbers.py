"""Numbers in news text, found and normalised so that different spellings of
one quantity compare equal: "1.2m", "1,200,000", "1.2 million"; "£80m",
"80 million pounds"; "76%", "76 per cent"; "three", "3"; "a third", "third".

A mention becomes a ``Quantity``: the values it may stand for (a reading per
ambiguity: "100m" is a hundred million or a hundred metres, "third" is 3 or
1/3), the precision it was stated with (a headline's "1.2m" is faithful to a
body's 1,215,000; a bare integer must match exactly) and its currency, if any
("£80m" is not supported by "$80m", but is by a plain "80m").

Output text and body text are read by the same pattern; what differs is what
counts as a claim. Words that are rarely a claimed quantity ("one", "first",
"second", "dozens", "thousands of") are never checked in an output, but a body
"one" still supports an output "1".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from bisect import bisect_left, bisect_right

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "hundredth": 100,
}
# Denominators of written fractions ("a third", "two-thirds", "half").
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5,
             "tenth": 10, "tenths": 10}
SCALES = {"dozen": 12, "hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
# Abbreviated multipliers glued to digits ("£80m", "$1.1bn", "5k"). "m" is also metres/minutes.
SUFFIX_SCALES = {"k": 10**3, "m": 10**6, "mn": 10**6, "bn": 10**9, "b": 10**9, "tn": 10**12, "trn": 10**12}
CURRENCY_SYMBOLS = {"£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR", "$": "$"}
CURRENCY_WORDS = {"pounds": "GBP", "pound": "GBP", "sterling": "GBP", "euros": "EUR", "euro": "EUR",
                  "dollars": "$", "dollar": "$", "yen": "JPY", "rupees": "INR", "pence": "GBPp"}
# Never checked when they stand alone in an output: pronoun and idiom readings dominate
# ("one of the", "first time", "a second"), but a body "one" still supports an output "1".
NOT_A_CLAIM = {"one", "first", "second", "half", "quarter", "quarters", "fifth", "tenth", "hundred"}

_WORD = "|".join(sorted([*UNITS, *ORDINALS, *FRACTIONS, *SCALES], key=len, reverse=True))
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SUFFIX = "|".join(sorted(SUFFIX_SCALES, key=len, reverse=True))
_CUR_WORDS = "|".join(sorted(CURRENCY_WORDS, key=len, reverse=True))
# Matched against lower-cased text, at candidate positions found cheaply (``find_quantities``):
# scanning a whole body with this pattern costs ten times more.
NUMBER_RE = re.compile(
    rf"""
    (?:(?P<cur>[$£€¥₹])\s?)?
    (?:
        (?<![\w.,])(?P<digits>{_DIGITS})
        (?:(?P<ord>st|nd|rd|th)|(?P<decade>'?s)|(?P<suffix>{_SUFFIX}))?(?![a-z])
      | (?<![\w-])(?P<article>an?\s+)?(?P<words>(?:{_WORD})(?:(?:\s+and\s+|[\s-]+)(?:{_WORD}))*)(?![\w-])
    )
    (?P<scale>(?:[\s-]+(?:hundred|thousand|million|billion|trillion))*)
    (?P<percent>\s?(?:%|per\s?cent\b|percent\b|pc\b))?
    (?P<curword>\s(?:{_CUR_WORDS})\b)?
    """,
    re.VERBOSE,
)
_CANDIDATE_RE = re.compile(r"[$£€¥₹]|(?<![\w.,])\d")
_ATOMS_RE = re.compile(r"\w+")
NUMBER_WORDS = frozenset([*UNITS, *ORDINALS, *FRACTIONS, *SCALES])


Reading = tuple[float, float]  # (value, tolerance): a reader allows |other - value| <= tolerance


@dataclass(frozen=True)
class Quantity:
    """One number mention: where it is, what it may mean, how precisely it was put."""

    start: int
    end: int
    text: str
    readings: tuple[Reading, ...]  # every meaning it may have; any one matching is support
    currency: str | None
    claim: bool  # checked when it appears in an output ("one", "first" are not)


def _parse_words(words: list[str]) -> list[Reading] | None:
    """Readings of a run of number words ("twenty-five", "two hundred", "a third"); None if not a number."""
    if len(words) == 1:
        word = words[0]
        readings: list[Reading] = []
        for table in (UNITS, SCALES, ORDINALS):
            if word in table:
                readings.append((float(table[word]), 0.0))
        if word in FRACTIONS:
            readings.extend(_fraction(1 / FRACTIONS[word]))
        return readings
    total, current = 0.0, 0.0
    for i, word in enumerate(words):
        last = i == len(words) - 1
        if word in FRACTIONS and last and current:  # "two-thirds", "three quarters", "one half"
            return _fraction((total + current) / FRACTIONS[word])
        if word in UNITS:
            current += UNITS[word]
        elif word in ORDINALS and last:
            current += ORDINALS[word]
        elif word in ("hundred", "dozen"):  # "two hundred", "a dozen": multiply what came before
            current = (current or 1) * SCALES[word]
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0.0
        else:
            return None
    return [(total + current, 0.0)]


def _fraction(value: float) -> list[Reading]:
    """A written fraction also meets the rounded percentage ("a third" ~ "33%")."""
    return [(value, 0.0), (value * 100, 0.5)]


def _digit_readings(groups: dict[str, str | None], currency: str | None) -> list[Reading]:
    digits = groups["digits"] or ""
    base = float(digits.replace(",", ""))
    step = 10.0 ** -len(digits.split(".", 1)[1]) if "." in digits else 1.0
    rounded = "." in digits  # "1.2" was rounded by whoever wrote it; "1200" may not have been
    suffix = (groups["suffix"] or "").lower()
    if suffix:
        multiplier = SUFFIX_SCALES[suffix]
        readings = [(base * multiplier, step * multiplier / 2)]
        if suffix == "m" and not currency:
            readings.append((base, step / 2 if rounded else 0.0))  # a bare "100m" may be a sprint
        return readings
    readings = [(base, step / 2 if rounded else 0.0)]
    if groups["decade"] and base < 100:
        readings += [(1900 + base, 0.0), (2000 + base, 0.0)]  # "the 80s"
    return readings


def _quantity(match: re.Match[str], text: str) -> Quantity | None:
    groups = match.groupdict()
    start = match.start()
    symbol = groups["cur"]
    currency = CURRENCY_SYMBOLS.get(symbol[-1]) if symbol else None
    if groups["curword"]:
        currency = currency or CURRENCY_WORDS[groups["curword"].strip().lower()]
    claim = True
    if groups["digits"] is not None:
        readings = _digit_readings(groups, currency)
    else:
        words = (groups["words"] or "").lower().replace("-", " ").replace(" and ", " ").split()
        article = bool(groups["article"]) and (words[0] in SCALES or (len(words) == 1 and words[0] in FRACTIONS))
        if groups["article"] and not article:
            start = match.start("words")  # "a first": the article is not part of a number
        claim = article or not (len(words) == 1 and words[0] in NOT_A_CLAIM)
        if article and words[0] in FRACTIONS:
            parsed = _fraction(1 / FRACTIONS[words[0]])  # "a third" is a share, not third place
        else:
            parsed = _parse_words(["one", *words] if article else words)  # "a million", "a dozen"
        if not parsed:
            return None
        readings = parsed
    scale_words = (groups["scale"] or "").lower().replace("-", " ").split()
    if scale_words:  # "1.2 million", "80 million": stated to the last digit before the scale
        scale = 1.0
        for word in scale_words:
            scale *= SCALES[word]
        readings = [(value * scale, max(tolerance, 0.5) * scale) for value, tolerance in readings[:1]]
    if groups["percent"]:
        readings = [(value, max(tolerance, 0.5)) for value, tolerance in readings[:1]]
        readings.append((readings[0][0] / 100, readings[0][1] / 100))  # "50%" meets "half"
    return Quantity(
        start=start, end=match.end(), text=text[start : match.end()].strip(),
        readings=tuple(dict.fromkeys(readings)), currency=currency, claim=claim,
    )


def lower_same_length(text: str) -> str:
    """``text`` lower-cased with every character kept in place, so offsets carry over."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def find_quantities(text: str, lower: str | None = None, words: set[str] | None = None) -> list[Quantity]:
    """Every number mention in ``text``, in order. ``lower`` (``lower_same_length(text)``) and
    ``words`` (its ``\\w+`` words) may be passed when the caller has them already."""
    low = lower if lower is not None else lower_same_length(text)
    present = (words if words is not None else set(_ATOMS_RE.findall(low))) & NUMBER_WORDS
    starts = [m.start() for m in _CANDIDATE_RE.finditer(low)]
    for word in present:
        at = low.find(word)
        while at != -1:
            for article in ("a ", "an "):  # "a third", "an eight-year-old"
                if low.startswith(article, at - len(article)) and at >= len(article):
                    starts.append(at - len(article))
            starts.append(at)
            at = low.find(word, at + 1)
    found: list[Quantity] = []
    covered = -1
    for start in sorted(starts):
        if start < covered:
            continue
        match = NUMBER_RE.match(low, start)
        if match is None or (match.group("digits") is None and not match.group("words")):
            continue
        quantity = _quantity(match, text)
        if quantity is not None:
            found.append(quantity)
            covered = match.end()
    return found


def _family(currency: str | None) -> str | None:
    return currency.rstrip("p") if currency else None


class NumberEvidence:
    """The quantities an article body states, indexed for quick support checks."""

    def __init__(self, body: str, lower: str | None = None, words: set[str] | None = None) -> None:
        families: dict[float, set[str | None]] = {}
        for quantity in find_quantities(body, lower, words):
            family = _family(quantity.currency)
            for value, _ in quantity.readings:
                families.setdefault(value, set()).add(family)
        self._values = sorted(families)
        self._families = [families[v] for v in self._values]

    def supports(self, claim: Quantity) -> bool:
        """True when some body quantity states ``claim``'s value (within its rounding) in a compatible currency."""
        family = _family(claim.currency)
        for value, tolerance in claim.readings:
            slack = max(tolerance, 1e-9 * abs(value))  # float noise: 0.6 * 1e9 vs 600,000,000
            low = bisect_left(self._values, value - slack)
            high = bisect_right(self._values, value + slack)
            for families in self._families[low:high]:
                if family is None or None in families or family in families:
                    return True
        return False
