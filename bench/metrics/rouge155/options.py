"""The ROUGE-1.5.5 options this mode implements, and the script arguments they stand for.

One object names a scoring set-up completely: it yields the score types the
script would print, the equivalent ``ROUGE-1.5.5.pl`` arguments (so a reader
can rerun the script), and the signature field that keeps these numbers on
their own boards.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMULAS = ("A", "B")  # -f A: sum over the references ("model average"); B: the best reference


@dataclass(frozen=True)
class Rouge155Options:
    """ROUGE-1.5.5 options (the script's flag in each comment)."""

    n: int = 2  # -n: ROUGE-1 .. ROUGE-n (0: none)
    stem: bool = True  # -m: WordNet exceptions, then the script's Porter variant
    remove_stopwords: bool = False  # -s: drop the release's SMART stopwords
    length_words: int = 0  # -l: keep the first N words of every text (0: no limit)
    length_bytes: int = 0  # -b: keep the first N bytes of every text (0: no limit)
    formula: str = "A"  # -f A|B with several references
    alpha: float = 0.5  # -p: F = 1 / (alpha / P + (1 - alpha) / R)
    rouge_l: bool = True  # ROUGE-L (-x turns it off)
    wlcs_weight: float | None = None  # -w: ROUGE-W with this weight
    skip_distance: int | None = None  # -2: skip-bigrams up to this gap (negative: any gap)
    skip_unigrams: str = "no"  # -u: "only" (ROUGE-SU), -U: "both" (ROUGE-S and ROUGE-SU); "no": ROUGE-S
    # The order the exception DB was built from the four WordNet lists (the last wins on the
    # 4 words they disagree on; see stem.py). Not a script flag: a property of its DB.
    exception_order: tuple[str, ...] = ("adj", "adv", "noun", "verb")
    resamples: int = 1000  # -r: bootstrap samples of the script's averages
    confidence: float = 95.0  # -c: confidence level of the script's intervals, in percent

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(f"n must be >= 0, not {self.n}")
        if self.length_words < 0 or self.length_bytes < 0:
            raise ValueError("length limits must be >= 0")
        if self.length_words and self.length_bytes:
            raise ValueError("give a length limit in words (-l) or in bytes (-b), not both")
        if self.formula not in FORMULAS:
            raise ValueError(f"formula must be 'A' or 'B', not {self.formula!r}")
        if not 0 <= self.alpha <= 1:
            raise ValueError(f"alpha must be within [0, 1], not {self.alpha}")
        if self.wlcs_weight is not None and self.wlcs_weight <= 0:
            raise ValueError(f"the ROUGE-W weight must be > 0, not {self.wlcs_weight}")
        if self.skip_unigrams not in ("no", "only", "both"):
            raise ValueError(f"skip_unigrams must be 'no', 'only' or 'both', not {self.skip_unigrams!r}")
        if self.skip_unigrams != "no" and self.skip_distance is None:
            raise ValueError("skip-bigram unigrams (-u/-U) need a skip distance (-2)")
        if sorted(self.exception_order) != ["adj", "adv", "noun", "verb"]:
            raise ValueError(f"exception_order must list adj, adv, noun, verb once each, not {self.exception_order}")
        if self.resamples < 1:
            raise ValueError(f"resamples must be >= 1, not {self.resamples}")
        if not 0 <= self.confidence <= 100:
            raise ValueError(f"confidence must be within [0, 100], not {self.confidence}")
        if not self.score_types():
            raise ValueError("these options compute no ROUGE score: set n, rouge_l, wlcs_weight or skip_distance")

    def score_types(self) -> list[str]:
        """The script's names for what it prints, in its order: ROUGE-1.., ROUGE-L, ROUGE-W-w, ROUGE-S/SU."""
        types = [f"ROUGE-{k}" for k in range(1, self.n + 1)]
        if self.rouge_l:
            types.append("ROUGE-L")
        if self.wlcs_weight is not None:
            types.append(f"ROUGE-W-{_perl_number(self.wlcs_weight)}")
        if self.skip_distance is not None:
            gap = str(self.skip_distance) if self.skip_distance >= 0 else "*"
            if self.skip_unigrams in ("no", "both"):
                types.append(f"ROUGE-S{gap}")
            if self.skip_unigrams in ("only", "both"):
                types.append(f"ROUGE-SU{gap}")
        return types

    def script_args(self) -> list[str]:
        """The ROUGE-1.5.5.pl arguments for these options (without -e, -a, -d and the config file)."""
        args = ["-c", _perl_number(self.confidence), "-r", str(self.resamples)]
        if self.n:
            args += ["-n", str(self.n)]
        if self.stem:
            args.append("-m")
        if self.remove_stopwords:
            args.append("-s")
        if self.length_words:
            args += ["-l", str(self.length_words)]
        if self.length_bytes:
            args += ["-b", str(self.length_bytes)]
        args += ["-f", self.formula, "-p", _perl_number(self.alpha)]
        if not self.rouge_l:
            args.append("-x")
        if self.wlcs_weight is not None:
            args += ["-w", _perl_number(self.wlcs_weight)]
        if self.skip_distance is not None:
            args += ["-2", str(self.skip_distance)]
            args += {"no": [], "only": ["-u"], "both": ["-U"]}[self.skip_unigrams]
        return args

    def signature_value(self) -> str:
        """The script arguments run together, e.g. ``-c95-r1000-n2-m-fA-p0.5`` (``-2=4`` for a
        skip distance, whose flag is a digit), and, with -m, the exception DB's list order when
        it is not the sorted one."""
        args = self.script_args()
        value = "".join(f"={a}" if k and args[k - 1] == "-2" else a for k, a in enumerate(args))
        if self.stem and tuple(self.exception_order) != ("adj", "adv", "noun", "verb"):
            value += "-db" + ",".join(self.exception_order)
        return value


def _perl_number(value: float) -> str:
    """The shortest text that reads back as ``value`` (``1.2``, ``95``, ``0.5``): passed to the
    script as is, and the script prints it as given (``ROUGE-W-1.2``)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text
