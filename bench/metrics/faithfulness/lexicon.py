"""Which capitalised words are not names: function words, titles, and (for words
capitalised only by position) common English words.

Function words and titles are listed here by hand. Common words come from the
``web2`` list of the ``english-words`` package (Webster's Second International,
public domain, proper nouns capitalised there and so left out), widened by
regular inflections: a sentence-initial "Thousands" or "Firefighters" is then
a common word, "Hollywood" a name.
"""

from __future__ import annotations

from functools import lru_cache

FUNCTION_WORDS = frozenset(
    """
    a an the this that these those some any all both each every either neither no none such what which whose
    whatever whichever who whom whoever where when why how whether if unless because since while though although
    as than then so and or nor but yet for of in on at by to from into onto upon over under about above below
    across after against along amid among around before behind beneath beside besides between beyond despite
    down during except inside near off out outside past per through throughout till toward towards until up via
    with within without i me my mine we us our ours you your yours he him his she her hers it its they them
    their theirs myself yourself himself herself itself ourselves themselves one ones is am are was were be
    been being have has had having do does did doing done will would shall should can could may might must
    ought not here there now today tonight yesterday tomorrow also just only even still again ever never always
    already often more most less least much many very too quite rather almost yes ok please oh hey
    how's what's who's where's it's that's there's here's let's i'm i've i'd i'll we're we've you're they're
    he's she's isn't aren't wasn't weren't don't doesn't didn't can't won't wouldn't shouldn't couldn't
    """.split()
)
# Titles and honorifics: part of a name run, never checked on their own.
TITLES = frozenset(
    """
    mr mrs ms miss mx dr prof professor sir dame lord lady rev reverend fr father sister brother st saint
    president prime minister chancellor secretary general gen col colonel capt captain lt lieutenant sgt
    sergeant cpl corporal maj major adm admiral cmdr commander insp inspector det detective supt
    superintendent ch chief pc judge justice king queen prince princess duke duchess earl count countess baron
    baroness pope cardinal bishop archbishop imam rabbi senator sen rep representative governor gov mayor
    councillor cllr mp mep msp am mla speaker sheikh emir sultan ayatollah coach manager boss
    """.split()
)

# Acronyms of common nouns, not names: never checked ("TV", "MPs", "CEO").
COMMON_ACRONYMS = frozenset(
    """
    tv dvd cd cds pc pcs mp mps mep meps msp msps am ams pm ceo cfo coo agm gdp gnp it ai dna hiv aids sars
    suv suvs id ids ivf gp gps gcse gcses vat ufo ufos cctv mp3 sms pin atm atms wmd isa isas ipo ipos hq
    bst gmt utc cet et pt est am pm vip vips ok faq diy abc rip sos mph kph km kg cc ps nb eg ie etc vs ft lb lbs
    oz hd lcd led gps usb pdf html www url pr q&a uk us
    """.split()
) - {"uk", "us"}

# Weekday and month names (and their short forms): names, but a setting can leave them unchecked.
DATE_WORDS = frozenset(
    """
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)


@lru_cache(maxsize=1)
def _web2() -> tuple[frozenset[str], frozenset[str]]:
    """web2's lower-case words, and the lower-cased forms of its capitalised (proper noun) entries."""
    from english_words import get_english_words_set

    words = get_english_words_set(["web2"], lower=False)
    return frozenset(w for w in words if w.islower()), frozenset(w.lower() for w in words if w[:1].isupper())


def _lexicon() -> frozenset[str]:
    return _web2()[0]


def is_proper_noun(lower: str) -> bool:
    """web2 lists the word capitalised ("Blair", "Chirac"), so capitalised it is most likely a name."""
    return lower.removesuffix("'s") in _web2()[1]


def is_common_word(lower: str) -> bool:
    """A lower-case word that is an ordinary English word, inflected or not."""
    if lower in FUNCTION_WORDS:
        return True
    if "-" in lower:  # "Anti-tremor", "Fly-half"
        return all(is_common_word(part) for part in lower.split("-") if part)
    words = _lexicon()
    return any(form in words for form in _stems(lower))


def _stems(word: str) -> tuple[str, ...]:
    """The word and the stems its regular inflections may come from ("jumps", "killed", "rising")."""
    forms = [word]
    if word.endswith("'s"):
        word = word[:-2]
        forms.append(word)
    if word.endswith("ies") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("es") and len(word) > 3:
        forms.append(word[:-2])
    if word.endswith("s") and len(word) > 3:
        forms.append(word[:-1])
    if word.endswith("ied") and len(word) > 4:
        forms.append(word[:-3] + "y")
    if word.endswith("ed") and len(word) > 4:
        forms += [word[:-2], word[:-1]]
        if len(word) > 5 and word[-3] == word[-4]:
            forms.append(word[:-3])  # "stopped"
    if word.endswith("ing") and len(word) > 5:
        forms += [word[:-3], word[:-3] + "e"]
        if word[-4] == word[-5]:
            forms.append(word[:-4])  # "running"
    if word.endswith(("er", "or")) and len(word) > 4:
        forms += [word[:-2], word[:-1]]  # "singer" <- "sing", "slimmer" <- "slim"
        if len(word) > 5 and word[-3] == word[-4]:
            forms.append(word[:-3])
    if word.endswith("ly") and len(word) > 4:
        forms.append(word[:-2])
    return tuple(forms)
