"""``judge``: an editor's pick between two outputs, asked of an LLM.

For one target, every two systems are compared on every article (or on a
seeded sample of ``max_pairs`` (article, pair) units), each pair in both
orders, by any OpenAI-compatible chat server. Verdicts are cached in the
prediction cache, so a re-run asks nothing. The results block holds win rates,
a Bradley-Terry ranking with bootstrap intervals, head-to-head counts, the
judge's position bias, what was asked and answered, tokens and a cost estimate.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from tqdm import tqdm

from bench import __version__
from bench.api.metric import ComparativeMetric, ScoreItem, ScoreKey
from bench.cache import PredictionCache, resolve_cache_dir
from bench.clients.openai_compat import ChatClient, read_api_key
from bench.errors import UserError
from bench.metrics.judge.ask import ask
from bench.metrics.judge.prompts import Shown, prompt_hash
from bench.metrics.judge.settings import JudgeSettings
from bench.metrics.judge.store import VALID, Judgement, JudgementCache, JudgementKeys
from bench.metrics.judge.tally import Ordered, pairwise, position_bias, ranking, win_matrices

log = logging.getLogger(__name__)
CHUNK = 64  # questions asked between two cache writes: an interrupted comparison keeps what it paid for
MALFORMED_SHOWN = 20  # malformed / refused answers quoted in results, for a look at what went wrong


@dataclass(frozen=True)
class Question:
    """One ordered question: ``first``'s output shown as A, ``second``'s as B, on one article."""

    first: str
    second: str
    one: ScoreItem
    two: ScoreItem


class JudgeMetric(ComparativeMetric):
    name = "judge"  # the registry sets it too; here for direct use
    Settings = JudgeSettings
    description = "pairwise LLM judge (any OpenAI-compatible server): win rates and a Bradley-Terry ranking"
    citation = ("Zheng et al. 2023, Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena; "
                "Hunter 2004, MM algorithms for generalized Bradley-Terry models")
    needs_body = True
    settings: JudgeSettings

    def __init__(self, settings: JudgeSettings, seed: int = 0) -> None:
        super().__init__(settings, seed)
        self.seed_sent = seed if settings.seed is None else settings.seed
        self._cache: PredictionCache | None = None
        self._cache_given = False
        self._own_cache = False  # opened here (the default cache), so closed here
        # Anything with ``update(n)`` counting questions answered; None: a bar of its own
        # while the server is asked, shown on a terminal only.
        self.progress: Any = None

    def use_cache(self, cache: PredictionCache | None) -> None:
        """Keep judgements in the run's prediction cache (None: no cache). Without
        this call the default one is used (``$HEADLINE_BENCH_CACHE`` or ~/.cache)."""
        self._cache, self._cache_given = cache, True

    def keys(self) -> list[ScoreKey]:
        return [ScoreKey(
            name="judge", columns=("bt", "win_rate"), rankable=False, primary_column="bt", label="Judge",
            description="Bradley-Terry strength (log odds, mean 0) and win rate in pairwise judgements by "
                        f"{self.settings.model}",
        )]

    def signature(self) -> list[tuple[str, str]]:
        """Every field prefixed ``judge-`` (the run signature joins all metrics' fields)."""
        s = self.settings
        shown = "+".join(n for n, on in (("body", s.show_body), ("ref", s.show_reference)) if on) or "outputs"
        fields = [
            ("url", s.base_url),
            ("prompt", ",".join(f"{t}:{prompt_hash(s, t)[:8]}" for t in ("headline", "standfirst"))),
            ("show", shown), ("body-chars", str(s.max_body_chars)), ("answer", s.answer),
            ("ties", "yes" if s.allow_ties else "no"), ("temp", f"{s.temperature:g}"), ("max-tokens", str(s.max_tokens)),
            ("retries", str(s.malformed_retries)), ("seed", str(self.seed_sent)),
            ("pairs", "all" if s.max_pairs is None else str(s.max_pairs)), ("bt-prior", f"{s.bt_prior:g}"),
            ("bs", str(s.bootstrap)), ("ci", f"{s.confidence * 100:g}"),
        ]
        return [("judge", s.model)] + [(f"judge-{k}", v) for k, v in fields]

    def compare(self, systems: Mapping[str, Sequence[ScoreItem]]) -> dict[str, Any]:
        names, articles, items = _aligned(systems)
        target = items[names[0]][articles[0]].target if articles else ""
        if self.settings.show_body and any(items[n][a].body is None for n in names for a in articles):
            raise UserError(f"scoring.metrics.{self.name}.show_body is on, but these articles have no bodies "
                            "(bench score: give a JSONL references file with a 'body' field); or set show_body: false")
        units = [(a, x, y) for a in articles for i, x in enumerate(names) for y in names[i + 1 :]]
        chosen = self._sample(units)
        questions = [Question(f, s, items[f][a], items[s][a]) for a, x, y in chosen for f, s in ((x, y), (y, x))]
        judgements, fresh = self._judge(target, questions)
        records = [Ordered(q.one.id, q.first, q.second, j) for q, j in zip(questions, judgements)]
        judged = sorted({a for a, _, _ in chosen}, key=articles.index)
        s = self.settings
        return {
            "metric": "judge",
            "target": target,
            "signature": "|".join(f"{k}:{v}" for k, v in self.signature() + [("v", __version__)]),
            "model": s.model,
            "about": f"Bradley-Terry rank (1 + the systems whose {s.confidence:.0%} interval lies wholly above), "
                     f"strength (log odds, mean 0) and win rate (ties count half) from pairwise judgements by "
                     f"{s.model}, each pair judged in both orders, among the systems of this run",
            # Shown beside each system's ROUGE rank on the leaderboard (field: column header).
            "columns": {"rank": f"{self.name} rank", "bt": f"{self.name} BT", "win_rate": f"{self.name} win rate"},
            "systems": ranking(names, win_matrices(names, judged, records), s.bt_prior, s.bootstrap,
                               s.confidence, self.seed) if len(names) > 1 else {},
            "pairwise": pairwise(names, records),
            "position_bias": position_bias(records),
            "counts": _counts(records),
            "sample": {
                "units_total": len(units), "units_judged": len(chosen), "max_pairs": s.max_pairs,
                "articles": len(judged), "seed": self.seed,
                "units": [list(u) for u in chosen] if len(chosen) < len(units) else None,
            },
            "usage": _usage(judgements, fresh, s),
            "judgements": [[r.article, r.first, r.second, r.judgement.verdict] for r in records],
            "unparsed_answers": [
                [r.article, r.first, r.second, r.judgement.verdict, r.judgement.answer]
                for r in records if r.judgement.verdict not in VALID
            ][:MALFORMED_SHOWN],
        }

    def _sample(self, units: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
        """All units, or a seeded sample of ``max_pairs`` of them, in their original order."""
        limit = self.settings.max_pairs
        if limit is None or len(units) <= limit:
            return units
        picked = sorted(random.Random(self.seed).sample(range(len(units)), limit))
        return [units[k] for k in picked]

    def _judge(self, target: str, questions: list[Question]) -> tuple[list[Judgement], set[int]]:
        """A verdict per question, and which were asked now: identical outputs need
        none, the cache holds what was asked before, the server is asked the rest."""
        keys = JudgementKeys(self.settings, self.seed_sent, target)
        out: list[Judgement | None] = [None] * len(questions)
        wanted: dict[int, str] = {}
        for k, q in enumerate(questions):
            if q.one.prediction == q.two.prediction:
                out[k] = Judgement("identical")
            else:
                wanted[k] = keys.key(q.one, q.one.prediction, q.two.prediction)
        cache = JudgementCache(self._open_cache())
        found = cache.get_many(set(wanted.values()))
        for k, key in wanted.items():
            out[k] = found.get(key)
        missing = [k for k in wanted if out[k] is None]
        log.info("judge (%s): %d question(s), %d answered before, %d to ask", target, len(questions),
                 len(questions) - len(missing), len(missing))
        if missing:
            asked = self._ask_all([questions[k] for k in missing], [wanted[k] for k in missing], cache)
            for k, judgement in zip(missing, asked):
                out[k] = judgement
        return out, set(missing)  # type: ignore[return-value]

    def _ask_all(self, questions: list[Question], keys: list[str], cache: JudgementCache) -> list[Judgement]:
        """Ask the server, ``concurrency`` at a time, caching each chunk as it is
        done: an interrupted comparison keeps what it paid for."""
        # The key is read only when there is something to ask: a re-run from the cache needs none.
        key = read_api_key(self.settings.api_key_env, f"scoring.metrics.{self.name}")
        client = ChatClient(self.settings.server(), key, self.seed)
        out: list[Judgement] = []
        bar = self.progress if self.progress is not None else tqdm(
            total=len(questions), desc=f"judging {questions[0].one.target}", unit="question", disable=None, leave=False)
        try:
            for start in range(0, len(questions), CHUNK):
                chunk = questions[start : start + CHUNK]
                answers = client.run_all(lambda q: self._ask_one(client, q), chunk)
                cache.put_many(zip(keys[start : start + CHUNK], answers))
                out.extend(answers)
                bar.update(len(chunk))
        finally:
            client.close()
            if bar is not self.progress:
                bar.close()
        return out

    def _ask_one(self, client: ChatClient, q: Question) -> Judgement:
        shown = Shown(target=q.one.target, body=q.one.body, references=q.one.references,
                      a=q.one.prediction, b=q.two.prediction)
        where = f"judge, article {q.one.id!r} ({q.one.target}, {q.first!r} as A, {q.second!r} as B)"
        return ask(client, self.settings, self.seed_sent, shown, where)

    def _open_cache(self) -> PredictionCache | None:
        if not self._cache_given:
            self._cache, self._cache_given = PredictionCache(resolve_cache_dir(None)), True
            self._own_cache = True
        return self._cache

    def close(self) -> None:
        if self._own_cache and self._cache is not None:
            self._cache.close()
            self._cache = None


def _aligned(systems: Mapping[str, Sequence[ScoreItem]]) -> tuple[list[str], list[str], dict[str, dict[str, ScoreItem]]]:
    """System names (sorted), the article ids every system has (in the first
    system's order), and each system's items by id. One target at a time."""
    if not systems:
        raise ValueError("judge: compare() needs at least one system")
    names = sorted(systems)
    targets = {item.target for n in names for item in systems[n]}
    if len(targets) > 1:
        raise ValueError(f"judge: compare() takes one target at a time, got {sorted(targets)}")
    items = {n: {item.id: item for item in systems[n]} for n in names}
    articles = [item.id for item in systems[names[0]] if all(item.id in items[n] for n in names)]
    return names, articles, items


def _counts(records: Sequence[Ordered]) -> dict[str, int]:
    verdicts = [r.judgement.verdict for r in records]
    return {
        "questions": len(records),
        **{v: verdicts.count(v) for v in ("A", "B", "tie", "identical", "malformed", "refused")},
        "valid": sum(1 for v in verdicts if v in VALID),
        "reasked": sum(max(0, r.judgement.attempts - 1) for r in records),
    }


def _usage(judgements: Sequence[Judgement], fresh: set[int], settings: JudgeSettings) -> dict[str, Any]:
    """Tokens and requests spent by this comparison, and by every judgement it
    used (those from the cache were paid for when they were first made)."""
    def total(indices: Sequence[int]) -> dict[str, int]:
        picked = [judgements[k] for k in indices]
        return {"requests": sum(j.attempts for j in picked),
                "prompt_tokens": sum(j.prompt_tokens for j in picked),
                "completion_tokens": sum(j.completion_tokens for j in picked),
                "responses_without_usage": sum(j.usage_missing for j in picked)}

    this_run = total(sorted(fresh))
    everything = total(range(len(judgements)))
    cached = sum(1 for k, j in enumerate(judgements) if k not in fresh and j.verdict != "identical")
    block: dict[str, Any] = {"this_run": this_run, "all_judgements": everything, "from_cache": cached}
    prices = settings.prices
    if prices is not None:
        def cost(spent: dict[str, int]) -> float:
            return (spent["prompt_tokens"] * prices.prompt + spent["completion_tokens"] * prices.completion) / 1e6
        block["cost"] = {"currency": prices.currency, "this_run": cost(this_run), "all_judgements": cost(everything),
                         "per_million_tokens": {"prompt": prices.prompt, "completion": prices.completion},
                         "complete": everything["responses_without_usage"] == 0}
    return block
