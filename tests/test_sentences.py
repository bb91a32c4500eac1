"""The shared sentence splitter: news-copy edge cases, and real BBC text."""

from __future__ import annotations

import json

import pytest

from bench.tokenizers.sentences import split_sentences


@pytest.mark.parametrize(
    "text, expected",
    [
        # Acronyms: a sentence ends after one only before a sentence starter.
        ("The U.S. economy grew. It was fast.", ["The U.S. economy grew.", "It was fast."]),
        ("He lives in the U.S. The economy is big.", ["He lives in the U.S.", "The economy is big."]),
        ("The U.S. Senate voted. The U.N. agreed.", ["The U.S. Senate voted.", "The U.N. agreed."]),
        # Titles: a name follows.
        ("Mr. Smith went to Washington. He said hi.", ["Mr. Smith went to Washington.", "He said hi."]),
        ("Mr. Smith and Ms. Jones met Dr. Who.", ["Mr. Smith and Ms. Jones met Dr. Who."]),
        ("The St. Louis team won. Gov. Bush agreed.", ["The St. Louis team won.", "Gov. Bush agreed."]),
        # ... but an all-caps acronym that looks like a title is not one.
        ("Patients with MS. Final approval came.", ["Patients with MS.", "Final approval came."]),
        # Money, decimals and numbers.
        ("Profits rose to $1.13bn in the year. Shares fell 2.5%.",
         ["Profits rose to $1.13bn in the year.", "Shares fell 2.5%."]),
        ("It cost $1.13bn. Shares fell.", ["It cost $1.13bn.", "Shares fell."]),
        ("Costs were 1.5bn. 2005 will be better.", ["Costs were 1.5bn.", "2005 will be better."]),
        ("It happened in 2004. In 2005 it did not.", ["It happened in 2004.", "In 2005 it did not."]),
        ("The No. 1 seed lost. He lives at No. 10 Downing Street.",
         ["The No. 1 seed lost.", "He lives at No. 10 Downing Street."]),
        ("The answer is most definitely no. Those people left.",
         ["The answer is most definitely no.", "Those people left."]),
        ("Born on Jan. 5, he grew up fast.", ["Born on Jan. 5, he grew up fast."]),
        ("It was hosted by Ant and Dec. Natalie left.", ["It was hosted by Ant and Dec.", "Natalie left."]),
        # Quotes.
        ('"We will win," he said. "No doubt."', ['"We will win," he said.', '"No doubt."']),
        ('He said: "I am done." Then he left.', ['He said: "I am done."', "Then he left."]),
        ("He said 'no.' Then he left.", ["He said 'no.'", "Then he left."]),
        ('He said "yes". She said "no".', ['He said "yes".', 'She said "no".']),
        ("\u201cWe will win,\u201d he said. \u201cNo doubt.\u201d Then he left.",
         ["\u201cWe will win,\u201d he said.", "\u201cNo doubt.\u201d", "Then he left."]),
        # ! and ? inside quotes: a lower-case word after them continues the sentence.
        ('"Really?" she asked. "Yes!" he shouted. Then silence.',
         ['"Really?" she asked.', '"Yes!" he shouted.', "Then silence."]),
        ('"Why not?" asked Mr. Brown.', ['"Why not?" asked Mr. Brown.']),
        ('"Is it true?" The answer was no.', ['"Is it true?"', "The answer was no."]),
        # Initials.
        ("J. K. Rowling wrote it. George W. Bush agreed.", ["J. K. Rowling wrote it.", "George W. Bush agreed."]),
        ("It spread after World War I. But it ended.", ["It spread after World War I.", "But it ended."]),
        # a.m. / p.m.
        ("The meeting is at 9 a.m. on Monday. It ends at 5 p.m. The next day it resumes.",
         ["The meeting is at 9 a.m. on Monday.", "It ends at 5 p.m.", "The next day it resumes."]),
        # Ellipses.
        ("Mr Blair said... that was it.", ["Mr Blair said... that was it."]),
        ("He paused... Then he spoke.", ["He paused...", "Then he spoke."]),
        ("He paused\u2026 Then he spoke.", ["He paused\u2026", "Then he spoke."]),
        # Abbreviations that can also end a sentence.
        ("He works for Google Inc. in California.", ["He works for Google Inc. in California."]),
        ("He works for Google Inc. The company is big.", ["He works for Google Inc.", "The company is big."]),
        ("Hank Williams Jr. He wrote it.", ["Hank Williams Jr.", "He wrote it."]),
        ("Fees rose at M&S. Shares fell.", ["Fees rose at M&S.", "Shares fell."]),
        ("Visit www.bbc.co.uk for more. Thanks.", ["Visit www.bbc.co.uk for more.", "Thanks."]),
        ("He scored (a penalty). The team won.", ["He scored (a penalty).", "The team won."]),
        # No terminal stop, and stray spaces.
        ("  A headline without a stop  ", ["A headline without a stop"]),
        ("", []),
    ],
)
def test_news_copy(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_newlines_always_end_a_sentence_and_blank_lines_vanish() -> None:
    text = "White House: Drills are escalatory\n\n  It said so. Then it left.  \r\nLast line"
    assert split_sentences(text) == [
        "White House: Drills are escalatory", "It said so.", "Then it left.", "Last line",
    ]


def test_lower_cased_text_still_splits() -> None:
    # Published system outputs (e.g. XSum's) are lower-cased and tokenized:
    # with no case signal, a stop before a lower-case word still ends a sentence.
    assert split_sentences("the u.s. economy grew . it was fast . mr. smith agreed .") == [
        "the u.s. economy grew .", "it was fast .", "mr. smith agreed .",
    ]


def test_sentences_rejoin_to_the_text() -> None:
    text = 'Mr. Smith paid $1.13bn for it. "Too much," he said. Was it? Yes!'
    assert " ".join(split_sentences(text)) == text


def _rows(path, n: int | None = None) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return rows if n is None else rows[:n]


def test_bbc_standfirsts_are_one_sentence(shared_data) -> None:
    # Every BBC standfirst is one sentence by construction (data README).
    rows = _rows(shared_data / "bbc_2004_2005.jsonl")
    one = [len(split_sentences(r["standfirst"])) == 1 for r in rows]
    share = sum(one) / len(one)
    print(f"BBC standfirsts split into exactly one sentence: {share:.2%} of {len(one)}")
    assert share >= 0.995


def test_xsum_standfirsts_are_one_sentence(shared_data) -> None:
    rows = _rows(shared_data / "xsum_test_subset.jsonl")
    share = sum(len(split_sentences(r["standfirst"])) == 1 for r in rows) / len(rows)
    print(f"XSum standfirsts split into exactly one sentence: {share:.2%} of {len(rows)}")
    assert share >= 0.99


def test_bbc_bodies_split_at_real_boundaries(shared_data) -> None:
    rows = _rows(shared_data / "bbc_2004_2005.jsonl", 400)
    sentences = [s for r in rows for s in split_sentences(r["body"])]
    # Paragraphs hold several sentences, so there must be many more sentences than lines.
    lines = sum(len([line for line in r["body"].split("\n") if line.strip()]) for r in rows)
    assert len(sentences) > 1.3 * lines
    # No sentence may begin with a lower-case letter (that would be a false split)...
    starts_lower = [s for s in sentences if s[0].islower()]
    assert len(starts_lower) / len(sentences) < 0.002, starts_lower[:5]
    # ...nor end on a title (a name follows a title, so that would be a false split).
    assert not [s for s in sentences if s.split()[-1] in {"Mr.", "Mrs.", "Dr.", "Ms."}]
