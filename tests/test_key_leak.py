"""The API key never reaches a file or the terminal, whatever a server echoes.

The rule (bench/clients/redact.py): letters and digits compared case-folded,
every other character ignored, and any run of 8 or more consecutive key
characters (forwards or backwards) blanked. Checked on its own, then end to
end: a ``bench run`` against a server that echoes the key back in many forms,
with the ``judge`` metric asking the same server, then ``bench leaderboard``,
and every file written (run directory, prediction
cache, leaderboard JSON / Markdown / HTML) and all terminal output is searched
for the key and for each of its 8-character pieces.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml

from bench.cli import main as cli_main
from bench.clients.redact import MASK, KeyRedactor
from bench.tokenizers.sentences import split_sentences
from chat_server import reply, serving

KEY_ENV = "HB_TEST_LEAK_KEY"
KEY = "sk-hb-Q7f3KzP9xW2mLr8TvB4nY6cJ5dH1"
PIECE = 8


def pieces(key: str) -> set[str]:
    """Every 8-character run of the key's letters and digits, lower-cased, both directions."""
    plain = re.sub(r"[^0-9a-z]", "", key.lower())
    return {form[i : i + PIECE] for form in (plain, plain[::-1]) for i in range(len(form) - PIECE + 1)}


def leaked(text: str, key: str = KEY) -> list[str]:
    """The key's pieces found in ``text`` once everything but ASCII letters and digits is dropped."""
    plain = re.sub(r"[^0-9a-z]", "", text.lower())
    return sorted(p for p in pieces(key) if p in plain)


def echo_forms(key: str) -> list[str]:
    """What an echoing server might send back."""
    full_width = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in key)
    return [
        key,                                          # whole
        key[:-1],                                     # all but its last character
        key.upper(), key.swapcase(),                  # case changed
        " ".join(key[i : i + 4] for i in range(0, len(key), 4)),  # split by whitespace
        "\u200b".join(key),                           # zero-width spaces between characters
        "-".join(key),                                # punctuation between characters
        key[::-1],                                    # backwards
        full_width,                                   # full-width forms
        f"Bearer {key[6:14]}",                        # one 8-character piece
        json.dumps({"authorization": f"Bearer {key}"}),
    ]


# -- the rule ---------------------------------------------------------------------------


@pytest.mark.parametrize("form", echo_forms(KEY))
def test_every_echoed_form_of_the_key_is_blanked(form: str) -> None:
    redact = KeyRedactor(KEY)
    text = redact(f"Mayor opens bridge {form} after repairs")
    assert not leaked(text) and MASK in text
    assert text.startswith("Mayor opens bridge ") and text.endswith(" after repairs")


def test_text_without_the_key_is_left_exactly_as_it_was(news_jsonl: Path) -> None:
    redact = KeyRedactor(KEY)
    rows = news_jsonl.read_text(encoding="utf-8").splitlines()
    for row in rows:
        body = json.loads(row)["body"]
        assert redact(body) == body
    assert redact(KEY[3:10]) == KEY[3:10]  # seven characters are not enough to blank (or to use)


def test_a_short_key_is_blanked_only_where_it_appears_whole() -> None:
    redact = KeyRedactor("abc12")
    assert redact("token ABC12 and abc1") == f"token {MASK} and abc1"
    assert KeyRedactor(None)("anything") == "anything" and not KeyRedactor("").active


def test_a_placeholder_key_of_ordinary_words_is_blanked_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    from bench.clients.openai_compat import ChatClient, ServerOptions

    client = ChatClient(ServerOptions(base_url="http://127.0.0.1:9/v1"), api_key="sk-no-key-required")
    try:
        assert client.redact("Permits no longer required") == "Permits no longer ***"
        assert client.redact("Visas required again") == "Visas *** again"
    finally:
        client.close()
    warnings = [r for r in caplog.records if "holding the API key" in r.getMessage()]
    assert len(warnings) == 1 and "127.0.0.1:9" in warnings[0].getMessage()


# -- end to end ---------------------------------------------------------------------------


def echoing(payload, headers):
    """An openai server that answers lead-1 followed by the key in some form; one article
    gets an HTTP 400 whose body echoes the Authorization header split by spaces."""
    key = headers["Authorization"].removeprefix("Bearer ")
    user = payload["messages"][-1]["content"]
    if any("_a>\n" in (m["content"] or "") for m in payload["messages"]):  # the judge: a verdict, or a malformed one that echoes
        form = echo_forms(key)[len(user) % len(echo_forms(key))]
        return reply("A" if len(user) % 3 else f"A, I think. {form}", payload)
    if "FAIL-THIS-ONE" in user:
        return 400, f"bad request from {' '.join(headers['Authorization'])}".encode(), {}
    forms = echo_forms(key)
    form = forms[sum(map(ord, user)) % len(forms)]
    return reply(f"{split_sentences(user)[0]} {form}", payload)


def write_config(folder: Path, name: str, rows: list[dict[str, str]], base_url: str) -> Path:
    data = folder / f"{name}.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = {
        "name": name, "seed": 4, "dataset": {"source": str(data)},
        "summarizers": [
            {"name": "lead-1", "type": "lead"},
            {"name": "served", "type": "openai", "base_url": base_url, "model": "m",
             "api_key_env": KEY_ENV, "prompts": "{body}", "backoff_s": 0.01, "max_retries": 1},
        ],
        "scoring": {"bootstrap": 50, "metrics": {"judge": {
            "base_url": base_url, "model": "echo-judge", "api_key_env": KEY_ENV, "bootstrap": 50,
            "malformed_retries": 0, "backoff_s": 0.01, "max_retries": 1}}},
    }
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_bench_run_with_an_echoing_server_writes_the_key_nowhere(
    news_jsonl: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv(KEY_ENV, KEY)
    rows = [json.loads(line) for line in news_jsonl.read_text(encoding="utf-8").splitlines()[:12]]
    with serving(echoing) as server:
        # First a server error that echoes the key: the run stops with one line.
        failing = [dict(r) for r in rows]
        failing[5]["body"] += " FAIL-THIS-ONE"
        code = cli_main(["run", str(write_config(tmp_path, "failing", failing, server.base_url)),
                         "--output", str(tmp_path / "runs-failed")])
        assert code == 2
        # Then answers that echo it: predictions, scores, results, cache, leaderboard.
        code = cli_main(["run", str(write_config(tmp_path, "leak", rows, server.base_url)),
                         "--output", str(tmp_path / "runs")])
        assert set(server.auth) == {f"Bearer {KEY}"}  # the key was sent, in the header only
    assert code == 0
    (run_dir,) = (tmp_path / "runs").iterdir()
    board = tmp_path / "board" / "leaderboard.json"
    assert cli_main(["leaderboard", str(run_dir), "-o", str(board)]) == 0

    served = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
              if json.loads(line)["summarizer"] == "served"]
    assert len(served) == 24 and all(MASK in row["prediction"] for row in served)  # echoed, and blanked
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    unparsed = results["targets"]["headline"]["comparisons"]["judge"]["unparsed_answers"]
    assert unparsed and all(MASK in row[4] for row in unparsed)  # the judge echoed it too, and it was blanked

    cache_dir = Path(os.environ["HEADLINE_BENCH_CACHE"])
    folders = (tmp_path / "runs-failed", run_dir, cache_dir, board.parent)
    written = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    assert {p.suffix for p in written} >= {".json", ".jsonl", ".yaml", ".md", ".html", ".sqlite3"}
    for file in written:
        assert not leaked(file.read_bytes().decode("latin-1")), file
    out = capsys.readouterr()
    assert "HTTP 400" in out.out + out.err
    assert not leaked(out.out + out.err)
    warnings = [r.getMessage() for r in caplog.records if "holding the API key" in r.getMessage()]
    assert warnings and not leaked("\n".join(warnings))  # blanking is said, once per client, never silent
