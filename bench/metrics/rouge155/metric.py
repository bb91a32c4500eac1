"""ROUGE-1.5.5 as a registered metric (``scoring.metrics.rouge155``).

Its settings are the script's options; its score keys are what the script
prints (``rouge155-1`` .. ``rouge155-N``, ``rouge155-L``, ``rouge155-W``,
``rouge155-S4``/``rouge155-SU4``), each with precision, recall and F1 as the
script rounds them per document. The harness reports their plain means with
its seeded bootstrap interval, like any metric; ``script_averages`` gives the
averages the script itself would print (its own bootstrap, which depends on
the document ids), recorded beside them and labelled as such.

The signature names the mode and every option (``rouge155:-c95-r1000-n2-m-fA-p0.5``),
so these numbers never share a board with rouge-score's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Mapping, Sequence

from pydantic import Field, model_validator

from bench.api.metric import ItemScores, Metric, MetricSettings, ScoreItem, ScoreKey
from bench.metrics.rouge155.options import Rouge155Options

if TYPE_CHECKING:
    import numpy as np

PREFIX = "rouge155-"
EXCEPTION_LISTS = ("adj", "adv", "noun", "verb")


class Rouge155Settings(MetricSettings):
    """The script's options (its flag in each comment) and how its input is made."""

    n: int = Field(default=2, ge=0, le=9)  # -n
    stem: bool = True  # -m
    remove_stopwords: bool = False  # -s
    length_words: int = Field(default=0, ge=0)  # -l (0: none)
    length_bytes: int = Field(default=0, ge=0)  # -b (0: none)
    formula: Literal["A", "B"] = "A"  # -f, with several references
    alpha: float = Field(default=0.5, ge=0, le=1)  # -p
    rouge_l: bool = True  # ROUGE-L (-x turns it off)
    wlcs_weight: float | None = Field(default=None, gt=0)  # -w
    skip_distance: int | None = None  # -2 (negative: any gap)
    skip_unigrams: Literal["no", "only", "both"] = "no"  # -u: only; -U: both
    exception_order: tuple[Literal["adj", "adv", "noun", "verb"], ...] = EXCEPTION_LISTS
    resamples: int = Field(default=1000, ge=1)  # -r
    confidence: float = Field(default=95.0, ge=0, le=100)  # -c, in percent
    # How the script's ids are made, which decides its reported averages:
    # files2rouge: line-aligned files through files2rouge/pyrouge (s.<line>.txt, numbered in string order);
    # ids: each article's own id as the EVAL id, with ``system_id`` as the peer id.
    eval_ids: Literal["files2rouge", "ids"] = "files2rouge"
    system_id: str = "A"
    # lines: each line of a text is a sentence, as in a file given to the script; split: texts are
    # first split into sentences (bench.tokenizers.sentences), as pyrouge users do for CNN/DailyMail.
    sentences: Literal["lines", "split"] = "lines"

    @model_validator(mode="after")
    def _options(self) -> "Rouge155Settings":
        self.options()  # the script's own consistency rules, one message each
        return self

    def options(self) -> Rouge155Options:
        return Rouge155Options(
            n=self.n, stem=self.stem, remove_stopwords=self.remove_stopwords, length_words=self.length_words,
            length_bytes=self.length_bytes, formula=self.formula, alpha=self.alpha, rouge_l=self.rouge_l,
            wlcs_weight=self.wlcs_weight, skip_distance=self.skip_distance, skip_unigrams=self.skip_unigrams,
            exception_order=tuple(self.exception_order), resamples=self.resamples, confidence=self.confidence,
        )


def key_name(script_type: str) -> str:
    """``ROUGE-1`` -> ``rouge155-1``, ``ROUGE-W-1.2`` -> ``rouge155-W``, ``ROUGE-SU*`` -> ``rouge155-SUany``."""
    short = script_type.removeprefix("ROUGE-")
    if short.startswith("W-"):
        short = "W"
    return PREFIX + short.replace("*", "any")


class Rouge155Metric(Metric):
    name = "rouge155"
    Settings = Rouge155Settings
    description = ("ROUGE-1.5.5, exact: the Perl script's per-document numbers (ROUGE-N, L, W, S/SU; "
                   "its tokenizer, stemmer, -f A/B, -l/-b, -s), plus its own bootstrap averages")
    citation = ("Chin-Yew Lin. 2004. ROUGE: A Package for Automatic Evaluation of Summaries. "
                "In Text Summarization Branches Out (ACL Workshop), pages 74-81.")
    settings: Rouge155Settings

    def __init__(self, settings: MetricSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self.options = self.settings.options()
        self._scorer = None
        self._last: tuple[Sequence[ScoreItem], dict[str, np.ndarray]] | None = None
        if self.options.stem or self.options.remove_stopwords:
            _check_release()  # fail while the config is checked, not after the summaries are made

    def keys(self) -> list[ScoreKey]:
        return [ScoreKey(key_name(t), ("p", "r", "f"), rankable=True, primary_column="f",
                         label=t.replace("ROUGE-", "R-") + " (1.5.5)", description=f"{t} as ROUGE-1.5.5 prints it")
                for t in self.options.score_types()]

    def signature(self) -> list[tuple[str, str]]:
        return [("rouge155", self.options.signature_value()), ("lines", self.settings.sentences),
                ("ids", self.settings.eval_ids if self.settings.eval_ids == "files2rouge"
                 else f"ids.{self.settings.system_id}")]

    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        arrays = self.score_arrays(items)
        keys = [k.name for k in self.keys()]
        return [{k: dict(zip("prf", arrays[k][i].tolist())) for k in keys} for i in range(len(items))]

    def score_arrays(self, items: Sequence[ScoreItem]) -> dict[str, np.ndarray]:
        """Per key, an (items x 3) array of p, r, f: the script's 5-decimal values."""
        units = self._units(items)
        self._last = (items, units)  # summarize() gets these very items back, per system
        return {key_name(t): units[t][:, [1, 0, 2]] / 100000 for t in units}

    def close(self) -> None:
        self._last = None

    def summarize(self, systems: Mapping[str, Sequence[ScoreItem]]) -> dict[str, Any]:
        """The averages the script itself prints for each system, labelled as such (the
        harness's own plain means and intervals are the ``scores`` of results.json)."""
        out: dict[str, Any] = {}
        for system, items in systems.items():
            averages = self.script_averages(items)
            row: dict[str, Any] = {f"{key} F (script)": f"{v['f']['mean']:.5f} ({v['f']['ci_low']:.5f}-{v['f']['ci_high']:.5f})"
                                   for key, v in averages.items()}
            out[system] = {**row, "averages": averages}
        return {
            "kind": "ROUGE-1.5.5's reported averages: the mean of its bootstrap resample means, with its "
                    f"{self.options.confidence:g}% interval (the scores above are plain means)",
            "script_args": " ".join(self.options.script_args()),
            "eval_ids": self.settings.eval_ids,
            "systems": out,
        }

    def script_averages(self, items: Sequence[ScoreItem]) -> dict[str, Any]:
        """What the script would print for these items (one system, one target): per key and
        column (r, p, f), its bootstrap average and interval."""
        from bench.metrics.rouge155.bootstrap import files2rouge_ids, script_averages

        units = self._units_of(items)
        if self.settings.eval_ids == "files2rouge":
            ids, system_id = files2rouge_ids(len(items)), "1"
        else:
            ids, system_id = [item.id for item in items], self.settings.system_id
        out: dict[str, Any] = {}
        for script_type, table in units.items():
            found = script_averages(table, ids, self.options.resamples, self.options.confidence, system_id)
            out[key_name(script_type)] = {
                column: {"mean": a.mean, "ci_low": a.ci_low, "ci_high": a.ci_high}
                for column, a in zip("rpf", found)
            }
        return out

    def _units_of(self, items: Sequence[ScoreItem]) -> dict[str, np.ndarray]:
        """The per-document units of ``items``: taken from the last ``score_arrays`` call
        when it covered them, else computed."""
        import numpy as np

        scored, units = self._last if self._last is not None else ((), {})
        if scored:
            where = {id(item): k for k, item in enumerate(scored)}
            rows = [where.get(id(item)) for item in items]
            if None not in rows:
                picked = np.array(rows, dtype=np.int64)
                return {t: table[picked] for t, table in units.items()}
        return self._units(items)

    def _units(self, items: Sequence[ScoreItem]) -> dict[str, np.ndarray]:
        from bench.metrics.rouge155.score import Rouge155Scorer

        if self._scorer is None:
            self._scorer = Rouge155Scorer(self.options)
        prepare = _split_lines if self.settings.sentences == "split" else (lambda text: text)
        return self._scorer.score_units([prepare(i.prediction) for i in items],
                                        [[prepare(r) for r in i.references] for i in items])


def _check_release() -> None:
    from bench.errors import ConfigError
    from bench.metrics.rouge155.release import ReleaseNotFound, release_dir

    try:
        release_dir()
    except ReleaseNotFound as err:
        raise ConfigError(f"scoring.metrics.rouge155: {err} (or pip install 'headline-bench[rouge155]')") from None


def _split_lines(text: str) -> str:
    from bench.tokenizers.sentences import split_sentences

    return "\n".join(split_sentences(text))
