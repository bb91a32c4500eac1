"""The ``judge`` metric against real HTTP servers on 127.0.0.1 with known policies.

The servers read the two outputs out of the judge's prompt and answer by a
fixed rule (the shorter output wins; or always "A"; or malformed, refusing,
rate-limited on purpose), so every win rate, the ranking, the position bias,
the tokens and the cost are known exactly and checked here. Bradley-Terry is
checked against hand-computed cases and against the ``choix`` library.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest
from pydantic import ValidationError

from bench.api.metric import ScoreItem, get_metric_class
from bench.cache import PredictionCache
from bench.clients.openai_compat import ModelServerError
from bench.errors import ConfigError, UserError
from bench.metrics.judge import JudgeMetric, JudgeSettings, bradley_terry
from bench.metrics.judge.tally import binomial_two_sided
from bench.tokenizers.sentences import split_sentences
from chat_server import reply, serving

TAG = re.compile(r"<(\w+)_([ab])>\n(.*?)\n</\1_\2>", re.S)
CORRECTION = "could not be read"


def outputs(payload: dict[str, Any]) -> tuple[str, str]:
    """The two outputs, read out of the first user message as the built-in template lays them out."""
    user = next(m["content"] for m in payload["messages"] if m["role"] == "user")
    found = {m.group(2): m.group(3) for m in TAG.finditer(user)}
    return found["a"], found["b"]


def shorter_wins(a: str, b: str) -> str:
    """The known policy: the shorter output wins; equal lengths go to the one that sorts first."""
    return "A" if (len(a), a) < (len(b), b) else "B"


def shorter(payload: dict[str, Any], headers: dict[str, str]):
    return reply(shorter_wins(*outputs(payload)), payload)


def reasked(payload: dict[str, Any]) -> bool:
    return any(CORRECTION in (m["content"] or "") for m in payload["messages"] if m["role"] == "user")


@pytest.fixture(scope="module")
def articles(news_jsonl: Path) -> list[dict[str, str]]:
    """Ten made-up news articles (tests/news_fixture.py): the judge's rules need no real text."""
    lines = news_jsonl.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:10]]


@pytest.fixture(scope="module")
def wikinews_articles(shared_data: Path) -> list[dict[str, str]]:
    """Ten real Wikinews articles, whose lead sentences and 12-word cuts tie under 'shorter wins'."""
    lines = (shared_data / "wikinews_en.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:10]]


def systems_for(articles: list[dict[str, str]], target: str = "headline") -> dict[str, list[ScoreItem]]:
    """Three baselines of different lengths on real articles."""
    makers: dict[str, Callable[[str], str]] = {
        "words-6": lambda body: " ".join(body.split()[:6]),
        "words-12": lambda body: " ".join(body.split()[:12]),
        "lead-1": lambda body: split_sentences(body)[0],
    }
    return {
        name: [ScoreItem(a["id"], target, make(a["body"]), (a[target],), a["body"]) for a in articles]
        for name, make in makers.items()
    }


def judge(server, seed: int = 3, **settings: Any) -> JudgeMetric:
    values = {"base_url": server.base_url, "model": "judge-test", "backoff_s": 0.01, "timeout_s": 5,
              "bootstrap": 200, **settings}
    metric = JudgeMetric(JudgeSettings(**values), seed=seed)
    return metric


def expected_wins(systems: dict[str, list[ScoreItem]]) -> dict[str, tuple[float, int]]:
    """(wins, comparisons) per system under the shorter-wins policy, both orders judged."""
    names = sorted(systems)
    out = {n: [0.0, 0] for n in names}
    for k in range(len(systems[names[0]])):
        for i, x in enumerate(names):
            for y in names[i + 1 :]:
                a, b = systems[x][k].prediction, systems[y][k].prediction
                for _ in range(2):  # both orders
                    out[x][1] += 1
                    out[y][1] += 1
                    if a == b:
                        out[x][0] += 0.5
                        out[y][0] += 0.5
                    else:
                        out[x if shorter_wins(a, b) == "A" else y][0] += 1
    return {n: (w, c) for n, (w, c) in out.items()}


# -- the ranking a known policy must give ----------------------------------------------


def test_shorter_wins_policy_gives_the_known_win_rates_and_ranking(wikinews_articles) -> None:
    articles = wikinews_articles
    systems = systems_for(articles)
    with serving(shorter) as server:
        metric = judge(server)
        block = metric.compare(systems)
        metric.close()
    expected = expected_wins(systems)
    for name, (wins, games) in expected.items():
        assert block["systems"][name]["win_rate"] == pytest.approx(wins / games, abs=1e-12)
        assert block["systems"][name]["comparisons"] == games
    by_rate = sorted(expected, key=lambda n: -expected[n][0])
    assert sorted(block["systems"], key=lambda n: -block["systems"][n]["bt"]) == by_rate
    # words-6 always wins; lead-1 is shorter than words-12 on a few articles, so with ten
    # articles their intervals touch and they share rank 2 (rank: 1 + systems clearly above).
    assert [block["systems"][n]["rank"] for n in ("words-6", "words-12", "lead-1")] == [1, 2, 2]
    assert block["systems"]["words-6"]["bt_ci"][0] > block["systems"]["words-12"]["bt_ci"][1]
    # A judge that looks only at the outputs never depends on the order shown.
    bias = block["position_bias"]
    assert bias["first_position_win_rate"] == 0.5 and bias["consistency_rate"] == 1.0
    assert block["counts"]["questions"] == len(articles) * 3 * 2
    assert len(server.requests) == block["counts"]["questions"] - block["counts"]["identical"]
    # Every request showed the body (cut) and the outputs, never the reference (show_reference is off).
    first = server.requests[0]["messages"]
    assert first[0]["role"] == "system" and "<article>" in first[1]["content"]
    assert articles[0]["headline"] not in first[1]["content"]


def test_bradley_terry_in_results_matches_choix_on_the_same_judgements(articles) -> None:
    choix = pytest.importorskip("choix")
    systems = systems_for(articles)
    with serving(shorter) as server:
        block = judge(server, bt_prior=1.0).compare(systems)
    names = sorted(systems)
    # The same likelihood with whole counts: a win is two comparisons, a tie (and each of
    # the prior's virtual ties) one each way.
    data: list[tuple[int, int]] = []
    for article, first, second, verdict in block["judgements"]:
        f, s = names.index(first), names.index(second)
        data += [(f, s)] * 2 if verdict == "A" else [(s, f)] * 2 if verdict == "B" else [(f, s), (s, f)]
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            data += [(i, j), (j, i)]
    reference = choix.mm_pairwise(len(names), data, alpha=0, tol=1e-12, max_iter=100000)
    reference -= reference.mean()
    ours = [block["systems"][n]["bt"] for n in names]
    assert ours == pytest.approx(list(reference), abs=1e-6)


def test_a_judge_that_always_says_a_shows_full_position_bias_and_no_preference(articles) -> None:
    systems = systems_for(articles)
    with serving(lambda payload, headers: reply("A", payload)) as server:
        block = judge(server).compare(systems)
    bias = block["position_bias"]
    assert bias["first_position_win_rate"] == 1.0 and bias["consistency_rate"] == 0.0
    assert bias["p_value"] < 1e-10
    for name, entry in block["systems"].items():
        assert entry["win_rate"] == 0.5  # each pair won once in each order
        assert abs(entry["bt"]) < 1e-9
        assert entry["rank"] == 1


def test_json_verdicts_and_ties_parse_strictly(articles) -> None:
    systems = systems_for(articles[:3])

    def policy(payload, headers):
        a, b = outputs(payload)
        winner = "tie" if len(a.split()) == len(b.split()) + 6 else shorter_wins(a, b)
        return reply(json.dumps({"winner": winner, "reason": "length"}), payload)

    with serving(policy) as server:
        block = judge(server, answer="json", allow_ties=True).compare(systems)
        sent = server.requests[0]["messages"][-1]["content"]
    assert '{"winner": "A"}' in sent and "tie" in sent
    assert block["counts"]["tie"] > 0 and block["counts"]["malformed"] == 0
    with serving(lambda payload, headers: reply("```json\n{\"winner\": \"A\"}\n```", payload)) as server:
        fenced = judge(server, answer="json", malformed_retries=0).compare(systems)
    assert fenced["counts"]["malformed"] == fenced["counts"]["questions"] - fenced["counts"]["identical"]


# -- malformed answers, refusals, 429s -------------------------------------------------


def test_malformed_answers_are_reasked_then_recorded_never_guessed(articles) -> None:
    systems = systems_for(articles[:4])
    garbled = systems["lead-1"][0].prediction  # the judge can never answer about this output

    def policy(payload, headers):
        a, b = outputs(payload)
        if garbled in (a, b):
            return reply("Both are fine, but A is slightly better.", payload)  # never a bare letter
        if not reasked(payload):
            return reply("A.", payload)  # close, but not exactly "A": re-asked
        return reply(shorter_wins(a, b), payload)

    with serving(policy) as server:
        block = judge(server, malformed_retries=2).compare(systems)
    counts = block["counts"]
    assert counts["malformed"] == 4  # lead-1 on article 0 against two systems, in both orders
    assert counts["A"] + counts["B"] + counts["identical"] + counts["malformed"] == counts["questions"]
    asked = counts["questions"] - counts["identical"]
    assert len(server.requests) == (asked - 4) * 2 + 4 * 3  # one re-ask each; three tries when hopeless
    assert all(a[3] == "malformed" and a[4] == "Both are fine, but A is slightly better." for a in block["unparsed_answers"])
    # Malformed verdicts count nowhere: the known policy still decides every valid comparison.
    assert block["position_bias"]["consistency_rate"] == 1.0


def test_refusals_are_recorded_and_not_retried(articles) -> None:
    systems = systems_for(articles[:3])
    touchy = articles[1]["body"][:40]

    def policy(payload, headers):
        if touchy in payload["messages"][-1]["content"]:
            return reply(None, payload, refusal="I can't help with that request.")
        return reply(shorter_wins(*outputs(payload)), payload)

    with serving(policy) as server:
        block = judge(server).compare(systems)
    refused = [row for row in block["judgements"] if row[3] == "refused"]
    assert {row[0] for row in refused} == {articles[1]["id"]}
    assert block["counts"]["refused"] == len(refused) > 0
    assert len(server.requests) == block["counts"]["questions"] - block["counts"]["identical"]  # no retries
    with serving(lambda payload, headers: reply("", payload, finish_reason="content_filter")) as server:
        filtered = judge(server).compare(systems_for(articles[:1]))
    assert filtered["counts"]["refused"] == filtered["counts"]["questions"] - filtered["counts"]["identical"]


def test_429_is_retried_after_retry_after(articles) -> None:
    systems = systems_for(articles[:2])
    seen: set[str] = set()

    def policy(payload, headers):
        text = json.dumps(payload["messages"])
        if text not in seen:
            seen.add(text)
            return 429, b'{"error": {"message": "rate limited"}}', {"Retry-After": "0.2"}
        return reply(shorter_wins(*outputs(payload)), payload)

    with serving(policy) as server:
        block = judge(server, concurrency=1, max_retries=2).compare(systems)
        arrivals = server.arrivals
    assert block["counts"]["malformed"] == 0 and block["counts"]["valid"] == block["counts"]["questions"]
    gaps = [arrivals[k + 1] - arrivals[k] for k in range(0, len(arrivals), 2)]
    assert len(arrivals) == 2 * len(gaps) and min(gaps) >= 0.2  # each waited as long as the server asked


def test_a_server_that_does_not_speak_the_api_stops_with_one_line(articles) -> None:
    with serving(lambda payload, headers: (200, b'{"result": "A"}', {})) as server:
        with pytest.raises(ModelServerError) as err:
            judge(server).compare(systems_for(articles[:1]))
    message = str(err.value)
    assert "no choices[0].message" in message and articles[0]["id"] in message and "\n" not in message


# -- cache, sampling, cost ---------------------------------------------------------------


def test_a_rerun_asks_nothing_and_reproduces_exactly(articles, tmp_path: Path) -> None:
    systems = systems_for(articles[:5])
    with serving(shorter) as server, PredictionCache(tmp_path / "cache") as cache:
        first = judge(server)
        first.use_cache(cache)
        one = first.compare(systems)
        asked = len(server.requests)
        second = judge(server)
        second.use_cache(cache)
        two = second.compare(systems)
        assert len(server.requests) == asked > 0  # the re-run asked nothing
        assert cache.info()["by_type"] == {"judge": asked}
        changed = judge(server, temperature=0.5)  # a setting that changes verdicts: asked again
        changed.use_cache(cache)
        changed.compare(systems)
        assert len(server.requests) == 2 * asked
    assert two["usage"]["this_run"]["requests"] == 0 and two["usage"]["from_cache"] == asked
    assert two["usage"]["all_judgements"] == one["usage"]["all_judgements"]
    for key in ("systems", "pairwise", "position_bias", "counts", "judgements", "signature"):
        assert two[key] == one[key], key


def test_max_pairs_samples_units_by_seed_and_logs_them(articles) -> None:
    systems = systems_for(articles)
    with serving(shorter) as server:
        block = judge(server, max_pairs=7, seed=11).compare(systems)
        again = judge(server, max_pairs=7, seed=11, bootstrap=0).compare(systems)
        other = judge(server, max_pairs=7, seed=12, bootstrap=0).compare(systems)
    sample = block["sample"]
    assert sample["units_total"] == len(articles) * 3 and sample["units_judged"] == 7
    assert len(sample["units"]) == 7 and again["sample"]["units"] == sample["units"]
    assert other["sample"]["units"] != sample["units"]
    judged = {(a, frozenset((f, s))) for a, f, s, _ in block["judgements"]}
    assert judged == {(a, frozenset((x, y))) for a, x, y in sample["units"]}
    assert block["counts"]["questions"] == 14


def test_tokens_come_from_usage_and_cost_from_configured_prices(articles) -> None:
    systems = systems_for(articles[:3])
    with serving(shorter) as server:
        block = judge(server, prices={"prompt": 2.5, "completion": 10.0, "currency": "EUR"}).compare(systems)
        answers = [json.loads(body)["usage"] for body in server.answers]
    prompt = sum(u["prompt_tokens"] for u in answers)
    completion = sum(u["completion_tokens"] for u in answers)
    usage = block["usage"]
    assert usage["this_run"] == {"requests": len(answers), "prompt_tokens": prompt,
                                 "completion_tokens": completion, "responses_without_usage": 0}
    assert usage["cost"]["currency"] == "EUR" and usage["cost"]["complete"] is True
    assert usage["cost"]["this_run"] == pytest.approx((prompt * 2.5 + completion * 10.0) / 1e6)
    with serving(lambda payload, headers: reply(shorter_wins(*outputs(payload)), payload, usage=False)) as server:
        blind = judge(server, prices={"prompt": 1, "completion": 1}).compare(systems)
    assert blind["usage"]["this_run"]["responses_without_usage"] == blind["usage"]["this_run"]["requests"] > 0
    assert blind["usage"]["cost"]["complete"] is False


def test_reference_and_body_are_shown_as_the_settings_say(articles) -> None:
    systems = systems_for(articles[:1])
    with serving(shorter) as server:
        judge(server, show_body=False, show_reference=True).compare(systems)
        user = server.requests[0]["messages"][-1]["content"]
    assert articles[0]["headline"] in user and "<article>" not in user
    assert articles[0]["body"][-200:] not in user  # the body's end: in no output either
    with serving(shorter) as server:
        judge(server, max_body_chars=300).compare(systems)
        user = server.requests[0]["messages"][-1]["content"]
    shown = user.split("<article>\n", 1)[1].split("\n</article>", 1)[0]
    assert shown.endswith(" [...]") and len(shown) <= 306 and articles[0]["body"].startswith(shown[:-6])


def test_without_bodies_the_judge_needs_show_body_off(articles) -> None:
    systems = {n: [ScoreItem(i.id, i.target, i.prediction, i.references, None) for i in items]
               for n, items in systems_for(articles[:2]).items()}
    with serving(shorter) as server:
        with pytest.raises(UserError, match="show_body is on, but these articles have no bodies"):
            judge(server).compare(systems)
        assert not server.requests
        block = judge(server, show_body=False, show_reference=True).compare(systems)
    assert block["counts"]["valid"] == block["counts"]["questions"] > 0


def test_the_signature_names_everything_that_changes_a_verdict(articles) -> None:
    with serving(shorter) as server:
        base = dict(judge(server).signature())
        other = dict(judge(server, prompts="Pick: {a} or {b}? Article: {body}").signature())
        assert base["judge"] == "judge-test" and base["judge-seed"] == "3" and base["judge-pairs"] == "all"
        assert base["judge-prompt"] != other["judge-prompt"]
        assert dict(judge(server, **{"seed": 9}).signature())["judge-seed"] == "9"  # a fixed seed wins over the run's
        assert all(k == "judge" or k.startswith("judge-") for k in base)  # no clash with other metrics' fields


def test_templates_must_agree_with_what_is_shown() -> None:
    base = {"base_url": "http://127.0.0.1:9/v1", "model": "m"}
    with pytest.raises(ValidationError, match=r"must name \{a\} and \{b\}"):
        JudgeSettings(**base, prompts="Which is better? {a}")
    with pytest.raises(ValidationError, match="names {reference} but show_reference is false"):
        JudgeSettings(**base, prompts="{a} {b} {body} {reference}")
    with pytest.raises(ValidationError, match="show_body is true but the template has no {body}"):
        JudgeSettings(**base, prompts={"headline": "{a} {b}"})
    with pytest.raises(ValidationError, match="unknown placeholder"):
        JudgeSettings(**base, prompts="{a} {b} {body} {headline}")
    with pytest.raises(ValidationError, match="extra"):
        JudgeSettings(**base, api_key="sk-inline")
    assert get_metric_class("judge") is JudgeMetric


# -- Bradley-Terry ------------------------------------------------------------------------


def test_bradley_terry_recovers_a_hand_computed_mle() -> None:
    # Counts proportional to strengths 4 : 2 : 1, so the score equations hold exactly there:
    # A beat B 2 of 3 (4/6), B beat C 2 of 3 (2/3), A beat C 4 of 5 (4/5).
    wins = np.array([[0, 2, 4], [1, 0, 2], [1, 1, 0]], dtype=float)
    strengths = np.exp(bradley_terry.fit(wins, prior=0))
    assert strengths / strengths[2] == pytest.approx([4.0, 2.0, 1.0], abs=1e-9)
    # Two systems, A won all 3: a prior of one virtual tie gives 3.5 wins to 0.5, odds 7 to 1.
    theta = bradley_terry.fit(np.array([[0, 3], [0, 0]], dtype=float), prior=1.0)
    assert theta == pytest.approx([math.log(7) / 2, -math.log(7) / 2], abs=1e-12)
    with pytest.raises(ValueError, match="does not exist"):
        bradley_terry.fit(np.array([[0, 3], [0, 0]], dtype=float), prior=0)


def test_bradley_terry_matches_choix_on_random_tournaments() -> None:
    choix = pytest.importorskip("choix")
    rng = np.random.default_rng(5)
    for size in (3, 5, 8):
        wins = rng.integers(1, 20, size=(size, size)).astype(float)
        np.fill_diagonal(wins, 0)
        data = [(i, j) for i in range(size) for j in range(size) for _ in range(int(wins[i, j]))]
        reference = choix.mm_pairwise(size, data, alpha=0, tol=1e-12, max_iter=100000)
        assert bradley_terry.fit(wins, prior=0) == pytest.approx(reference - reference.mean(), abs=1e-7)


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    rng = np.random.default_rng(0)
    per_article = np.zeros((60, 3, 3))
    for a in range(60):  # system 0 usually beats 1, which usually beats 2
        for i, j, p in ((0, 1, 0.8), (1, 2, 0.7), (0, 2, 0.9)):
            winner = rng.random() < p
            per_article[a, i, j] += winner
            per_article[a, j, i] += 1 - winner
    first = np.concatenate(list(bradley_terry.resample_wins(per_article, 600, seed=1)))
    again = np.concatenate(list(bradley_terry.resample_wins(per_article, 600, seed=1)))
    assert first.shape == (600, 3, 3) and (first == again).all()
    strengths = bradley_terry.fit_many(first, prior=1.0)
    point = bradley_terry.fit(per_article.sum(axis=0), prior=1.0)
    low, high = np.percentile(strengths, [2.5, 97.5], axis=0)
    assert (low < point).all() and (point < high).all() and (low[0] > high[2])


def test_position_bias_p_value_matches_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for k, n in ((0, 1), (3, 10), (5, 10), (61, 100), (400, 1000)):
        assert binomial_two_sided(k, n) == pytest.approx(stats.binomtest(k, n).pvalue, rel=1e-9)
    assert binomial_two_sided(0, 0) is None


def test_a_judge_that_echoes_the_key_has_it_blanked_from_results(articles, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "sk-judge-Zq4Xw8Rt2Lp6Vn3Mb7Kc"
    monkeypatch.setenv("HB_TEST_JUDGE_KEY", key)

    def policy(payload, headers):
        echoed = headers["Authorization"].removeprefix("Bearer ")
        return reply(f"A, says {' '.join(echoed.upper())}", payload)  # malformed, and it echoes the key

    with serving(policy) as server:
        block = judge(server, api_key_env="HB_TEST_JUDGE_KEY", malformed_retries=0).compare(systems_for(articles[:2]))
        assert set(server.auth) == {f"Bearer {key}"}
    assert block["unparsed_answers"] and all(row[4] == "A, says ***" for row in block["unparsed_answers"])
    plain = re.sub(r"[^0-9a-z]", "", json.dumps(block).lower())
    assert not any(re.sub(r"[^0-9a-z]", "", key.lower())[i : i + 8] in plain for i in range(len(key) - 10))
    monkeypatch.delenv("HB_TEST_JUDGE_KEY")
    with serving(policy) as server, pytest.raises(ConfigError, match="HB_TEST_JUDGE_KEY.*not set"):
        judge(server, api_key_env="HB_TEST_JUDGE_KEY").compare(systems_for(articles[2:3]))


def test_a_rerun_from_the_cache_needs_no_key(articles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    systems = systems_for(articles[:2])
    monkeypatch.setenv("HB_TEST_JUDGE_KEY", "sk-cached-Hn5Tq2Wm8Ys4")
    with serving(shorter) as server, PredictionCache(tmp_path / "cache") as cache:
        first = judge(server, api_key_env="HB_TEST_JUDGE_KEY")
        first.use_cache(cache)
        one = first.compare(systems)
        monkeypatch.delenv("HB_TEST_JUDGE_KEY")
        again = judge(server, api_key_env="HB_TEST_JUDGE_KEY")
        again.use_cache(cache)
        assert again.compare(systems)["judgements"] == one["judgements"]
