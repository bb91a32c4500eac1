"""When the compiled Porter stemmer (src/porter.c) may stand in for a tokenizer's.

rouge-score stems with NLTK's ``PorterStemmer`` (NLTK_EXTENSIONS mode), and so
do our tokenizers (bench.tokenizers.porter). The C port gives the same stems; it
is used only for a stemmer of those very classes in that mode, and only after it
has given the same stems as the installed NLTK on the algorithm's own examples
(every rule of every step). Anything else (another mode, a subclass, an NLTK
whose rules moved on) keeps being stemmed by its own Python code.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from nltk.stem import porter

from bench.kernel import native
from bench.tokenizers.porter import CHECK_WORDS, GuardedPorterStemmer

# Besides Porter's examples: NLTK's irregular forms, its "alli" recursion, y as a
# consonant or a vowel, digits, and words the steps shorten to two letters or less.
EXTRA_CHECK_WORDS = (
    "skies dying lying tying news innings inning outings outing cannings canning howe proceed exceed succeed "
    "radicalliali logicali fully syllogi hyperbolically yyyyying boyish saying played daily rhythm 1990s 4x4s "
    "b52s ties ied pies died sees feed bleed agreed abilities ably tyes eyes ayes abyss axes"
).split()
_STEMMERS = (porter.PorterStemmer, GuardedPorterStemmer)


def compiled_porter(stem: Callable[[str], str] | None) -> bool:
    """Whether ``stem`` (a stemmer's bound ``stem`` method) may be run by the C port."""
    owner: Any = getattr(stem, "__self__", None)
    if native() is None or type(owner) not in _STEMMERS or getattr(stem, "__func__", None) is not type(owner).stem:
        return False
    return owner.mode == porter.PorterStemmer.NLTK_EXTENSIONS and _agrees(type(owner))


@lru_cache(maxsize=None)
def _agrees(cls: type) -> bool:
    python = cls() if cls is GuardedPorterStemmer else cls(mode=porter.PorterStemmer.NLTK_EXTENSIONS)
    compiled = native().porter_stem
    return all(compiled(word) == python.stem(word) for word in (*CHECK_WORDS, *EXTRA_CHECK_WORDS))
