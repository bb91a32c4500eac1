"""The ROUGE-1.5.5 mode stems as the script does: its exception DB, then its own Porter variant."""

from __future__ import annotations

import itertools
import random
import re
import subprocess

import pytest

from bench.metrics.rouge155.stem import LISTS, SORTED_ORDER, exception_table, make_stemmer, porter
from rouge155_helpers import require_perl, require_release

@pytest.fixture(autouse=True)
def _release_installed() -> None:
    require_release()  # the exception lists and stopwords come from the installed release


# Runs the script's own stem() (cut out of the installed ROUGE-1.5.5.pl at test time) on stdin words.
PERL_STEMMER = r"""
open(S, $ARGV[0]) or die; local $/; $src = <S>; close(S);
$src =~ /(local %step2list;.*?\n\}\n\s*sub initialise \{.*?\n\}\n)/s or die "stem() not found";
eval $1; die $@ if $@;
initialise();
$/ = "\n";
while (defined($w = <STDIN>)) { chomp($w); print stem($w), "\n"; }
"""


def perl_stems(words: list[str]) -> list[str]:
    from bench.metrics.rouge155.perl import PERL
    from bench.metrics.rouge155.release import script_path

    done = subprocess.run([PERL, "-e", PERL_STEMMER, str(script_path())], input="\n".join(words) + "\n",
                          capture_output=True, text=True, check=True)
    return done.stdout.split("\n")[:-1]


def synthetic_words(count: int) -> list[str]:
    """Letter strings that hit every rule: random stems (y included) before every suffix the rules name."""
    rng = random.Random(155)
    letters = "aeiouybcdlmnrstgz"
    suffixes = ["sses", "ies", "s", "eed", "ed", "ing", "at", "bl", "iz", "y", "ational", "tional", "enci", "anci",
                "izer", "bli", "alli", "entli", "eli", "ousli", "ization", "ation", "ator", "alism", "iveness",
                "fulness", "ousness", "aliti", "iviti", "biliti", "logi", "icate", "ative", "alize", "iciti", "ical",
                "ful", "ness", "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ou",
                "ism", "ate", "iti", "ous", "ive", "ize", "sion", "tion", "e", "ll", ""]
    words = set()
    while len(words) < count:
        stem = "".join(rng.choice(letters) for _ in range(rng.randint(1, 7)))
        words.add(stem + rng.choice(suffixes) + rng.choice(["", "s", "ed", "ing", "ly"]))
    return sorted(words)


def test_porter_variant_equals_the_scripts_on_every_word_of_the_news_data_and_synthetic_words(shared_data) -> None:
    require_perl()
    text = b" ".join(p.read_bytes() for p in sorted(shared_data.rglob("*")) if p.is_file()).lower()
    words = sorted({w.decode() for w in re.findall(rb"[a-z0-9]+", text) if len(w) >= 3})
    words += synthetic_words(40_000)
    expected = perl_stems(words)
    wrong = [(w, e, porter(w)) for w, e in zip(words, expected) if porter(w) != e]
    assert len(expected) == len(words) > 80_000
    assert not wrong, f"{len(wrong)} of {len(words)} stems differ (word, script, ours): {wrong[:10]}"


def test_stems_that_set_the_script_apart_from_nltk_porter() -> None:
    assert [porter(w) for w in ("says", "news", "they", "statement", "agreement", "yelling")] == \
        ["sai", "new", "thei", "statem", "agreem", "yell"]


def test_exception_table_comes_first_and_only_for_tokens_over_three_characters() -> None:
    stem = make_stemmer()
    assert stem("said") == "say"  # WordNet exception, not Porter's "said"
    assert stem("went") == "go"
    assert stem("men") == "men"  # 3 characters: never stemmed, although "men" -> "man" is listed
    assert stem("running") == "run"


def test_lists_disagree_on_four_words_and_the_last_list_read_wins() -> None:
    assert len(exception_table(SORTED_ORDER)) == 5930
    sorted_table = exception_table(SORTED_ORDER)
    assert (sorted_table["best"], sorted_table["better"], sorted_table["testes"]) == ("well", "well", "testes")
    ext4 = exception_table(("noun", "adv", "verb", "adj"))
    assert (ext4["best"], ext4["better"], ext4["testes"]) == ("good", "good", "testes")
    assert exception_table(("adj", "adv", "verb", "noun"))["testes"] == "testis"
    with pytest.raises(ValueError):
        exception_table(("adj", "adv", "noun"))


@pytest.mark.parametrize("order", [SORTED_ORDER, ("noun", "adv", "verb", "adj"), None])
def test_exception_table_equals_the_db_the_releases_builder_writes(tmp_path, order) -> None:
    """Built with buildExeptionDB.pl (None: one plain run over the release's folder, whose
    order is this file system's) and read back through Perl's DB_File."""
    require_perl()
    from bench.metrics.rouge155.perl import DB_NAME, data_dir, read_exception_db

    db = read_exception_db(data_dir(tmp_path, order) / DB_NAME)
    assert len(db) == 5930
    if order is None:  # whatever this file system's order, some exception_order reproduces it
        assert any(exception_table(o) == db for o in itertools.permutations(LISTS))
        return
    assert db == exception_table(order)
    assert sorted(LISTS) == sorted(order)
