"""What an article body offers as support for a name: its words in any case (accents
folded), its phrases, its all-capital words as written, and the initials of its
capitalised runs. Built once per body, lazily: most outputs need only the words."""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property

from bench.metrics.faithfulness.places import ABBREVIATIONS, EQUIVALENT_FORMS

UPPER_WORD_RE = re.compile(r"\b[A-Z][A-Z0-9&]*[A-Z0-9]\b")
ATOMS_RE = re.compile(r"\w+")
CAPITALISED_RUN_RE = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|&)\s+)*[A-Z][\w'’-]*)+")
ACRONYM_SKIP = frozenset({"of", "and", "for", "the", "&"})
_MARKS = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Lower case without accents, with typographic apostrophes made plain ("José’s" -> "jose's")."""
    text = text.replace("’", "'").lower()
    if text.isascii():
        return text
    return _MARKS.sub("", unicodedata.normalize("NFKD", text))


class NameEvidence:
    """The words, phrases and acronyms an article body offers as support for names."""

    def __init__(self, body: str, folded: str | None = None, words: set[str] | None = None) -> None:
        self.body = body
        self.folded = folded if folded is not None else fold(body)
        self.words = words if words is not None else set(ATOMS_RE.findall(self.folded))

    @cached_property
    def _phrases(self) -> str:
        return " " + " ".join(ATOMS_RE.findall(self.folded)) + " "

    @cached_property
    def capitals(self) -> set[str]:
        """The body's all-capital words, as written: "US" is not supported by "us"."""
        return set(UPPER_WORD_RE.findall(self.body))

    @cached_property
    def acronyms(self) -> set[str]:
        """Initials of every stretch of two or more words of the body's capitalised runs
        ("the Bank of England" -> "boe", "be")."""
        found = set()
        for run in CAPITALISED_RUN_RE.findall(self.body):
            initials = "".join(w[0] for w in run.split() if w.lower() not in ACRONYM_SKIP).lower()
            for i in range(len(initials) - 1):
                for j in range(i + 2, len(initials) + 1):
                    found.add(initials[i:j])
        return found

    def has_phrase(self, phrase: str) -> bool:
        if phrase in ABBREVIATIONS:
            return phrase.upper().replace(".", "") in self.capitals or phrase.upper() in self.capitals
        if " " not in phrase and "." not in phrase:
            return phrase in self.words
        return f" {' '.join(ATOMS_RE.findall(phrase))} " in self._phrases

    def supports_word(self, word: str) -> bool:
        """One name word: itself, a possessive/plural variant, a country form, or an acronym."""
        key = fold(word).strip("'")
        if "." in key:
            key = key.replace(".", "")  # "U.S." -> "us"
        if is_acronym(word):
            return self._supports_acronym(word, key)
        for form in _variants(key):
            if form in self.words or any(self.has_phrase(other) for other in EQUIVALENT_FORMS.get(form, ())):
                return True
        if key + "s" in self.words:  # "Euro" by "euros"
            return True
        if "'" in key:  # "O'Driscoll": its parts
            return all(part in self.words for part in ATOMS_RE.findall(key.removesuffix("'s")))
        if "-" in key:  # "Anglo-Irish" needs both; "Manchester-based" only its capitalised part
            parts = [raw for raw in word.split("-") if raw[:1].isupper()]
            return bool(parts) and all(self.supports_word(p) for p in parts)
        return False

    def _supports_acronym(self, word: str, key: str) -> bool:
        """"BBC": written so in the body, a country form ("US" by "American"), or the initials
        of a body name ("British Broadcasting Corporation")."""
        bare = word.replace(".", "").removesuffix("'s").removesuffix("’s")
        plain = bare[:-1] if bare.endswith("s") and bare[:-1].isupper() else bare  # "MPs"
        if bare in self.capitals or plain in self.capitals or word in self.capitals:
            return True
        stem = key.removesuffix("'s")
        for other in EQUIVALENT_FORMS.get(stem, ()):
            if other != stem and self.has_phrase(other):
                return True
        return plain.lower() in self.acronyms

    def supports_as_acronym(self, words: list[str]) -> bool:
        """Name words whose initials the body writes as an acronym ("National Health Service" by "NHS")."""
        initials = "".join(w[0] for w in words if w.lower() not in ACRONYM_SKIP)
        return len(initials) >= 2 and initials.upper() in self.capitals


def is_acronym(word: str) -> bool:
    """All capitals, two letters or more, maybe dotted or with a plural/possessive ("MPs", "BBC's")."""
    core = word.replace(".", "").removesuffix("'s").removesuffix("’s")
    core = core[:-1] if core.endswith("s") else core
    return len(core) >= 2 and core.isupper() and core.replace("&", "").isalpha()  # "BBC", "S&N"


def _variants(key: str) -> tuple[str, ...]:
    forms = [key]
    if key.endswith("'s"):
        forms.append(key[:-2])
    elif key.endswith("s'"):
        forms.append(key[:-1])
        forms.append(key[:-2])
    elif key.endswith("es") and len(key) > 4:
        forms += [key[:-1], key[:-2]]
    elif key.endswith("s") and len(key) > 3:
        forms.append(key[:-1])
    return tuple(forms)
