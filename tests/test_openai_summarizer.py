"""The ``openai`` summarizer against a real HTTP server on 127.0.0.1.

The server speaks the chat-completions API with a fixed policy: the answer is
the first sentence of the user message (the prompt is just ``{body}``), so its
predictions must equal the lead-1 baseline's. Behaviours are switched per test:
429 with Retry-After, slow answers, malformed answers, errors that echo the key.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from bench.api.article import Source
from bench.cli import main as cli_main
from bench.config import validate_config
from bench.engines.local import build_summarizer
from bench.errors import ConfigError
from bench.summarizers.openai_chat import ModelServerError
from bench.tokenizers.sentences import split_sentences

KEY_ENV = "HB_TEST_OPENAI_KEY"
SECRET = "sk-test-3f9a1c7e-never-write-me"


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ChatHandler)
        self.mode = "ok"
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.delay = 0.0
        self.seen: dict[str, list[float]] = {}  # user message -> arrival times
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str | None] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        server = self.server
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        user = payload["messages"][-1]["content"]
        with server.lock:
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
            server.requests.append(payload)
            server.auth.append(self.headers.get("Authorization"))
            arrivals = server.seen.setdefault(user, [])
            arrivals.append(time.monotonic())
            first = len(arrivals) == 1
        try:
            self._answer(server.mode, first, user)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up on a slow answer
            pass
        finally:
            with server.lock:
                server.in_flight -= 1

    def _answer(self, mode: str, first: bool, user: str) -> None:
        if mode == "429-once" and first:
            return self._send(429, b'{"error": "slow down"}', {"Retry-After": "0.3"})
        if mode == "slow-once" and first:
            time.sleep(1.0)
        if mode == "malformed":
            return self._send(200, b'{"choices": [{"text": "a completions answer"}]}')
        if mode == "echo-key":
            return self._send(401, f"bad key: {self.headers.get('Authorization')}".encode())
        if mode == "500":
            return self._send(500, b"internal error")
        time.sleep(self.server.delay)
        answer = split_sentences(user)[0] + "\nSecond line the headline cut drops."
        body = {"id": "x", "object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}}]}
        self._send(200, json.dumps(body).encode())

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[ChatServer]:
    srv = ChatServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def articles(news_jsonl: Path) -> list[Source]:
    rows = [json.loads(line) for line in news_jsonl.read_text(encoding="utf-8").splitlines()]
    return [Source(id=r["id"], body=r["body"]) for r in rows[:8]]


def make(server: ChatServer, seed: int = 7, **overrides: Any):
    settings = {
        "name": "served", "type": "openai", "base_url": server.base_url, "model": "tiny",
        "prompts": "{body}", "backoff_s": 0.01, "timeout_s": 5, **overrides,
    }
    return build_summarizer(settings, seed)


def lead1(articles: list[Source]) -> list[str]:
    return [split_sentences(a.body)[0] for a in articles]


def test_answers_follow_the_server_and_settings_are_sent(server: ChatServer, articles: list[Source]) -> None:
    summarizer = make(server, temperature=0.7, max_tokens={"headline": 12}, system="You write headlines.")
    try:
        headlines = summarizer.summarize(articles, "headline")
        standfirsts = summarizer.summarize(articles[:2], "standfirst")
    finally:
        summarizer.close()
    assert headlines == lead1(articles)  # in article order, cut to the first line
    assert standfirsts[0].endswith("\nSecond line the headline cut drops.")  # standfirsts keep every line
    sent = server.requests[0]
    assert sent["model"] == "tiny" and sent["temperature"] == 0.7 and sent["seed"] == 7
    assert [m["role"] for m in sent["messages"]] == ["system", "user"]
    assert {r["max_tokens"] for r in server.requests[: len(articles)]} == {12}
    assert {r["max_tokens"] for r in server.requests[len(articles):]} == {80}  # the default for standfirsts


def test_429_is_retried_after_the_servers_retry_after(server: ChatServer, articles: list[Source]) -> None:
    server.mode = "429-once"
    summarizer = make(server, max_retries=2)
    try:
        assert summarizer.summarize(articles[:3], "headline") == lead1(articles[:3])
    finally:
        summarizer.close()
    for arrivals in server.seen.values():
        assert len(arrivals) == 2
        assert arrivals[1] - arrivals[0] >= 0.3  # Retry-After: 0.3 beats backoff_s: 0.01


def test_timeout_is_retried_or_reported(server: ChatServer, articles: list[Source]) -> None:
    server.mode = "slow-once"
    patient = make(server, timeout_s=0.3, max_retries=1)
    try:
        assert patient.summarize(articles[:2], "headline") == lead1(articles[:2])
    finally:
        patient.close()
    server.seen.clear()
    strict = make(server, timeout_s=0.3, max_retries=0)
    try:
        with pytest.raises(ModelServerError) as err:
            strict.summarize(articles[:1], "headline")
    finally:
        strict.close()
    message = str(err.value)
    assert "timed out after 1 attempt(s)" in message and repr(articles[0].id) in message and "\n" not in message


def test_server_errors_give_up_after_max_retries(server: ChatServer, articles: list[Source]) -> None:
    server.mode = "500"
    summarizer = make(server, max_retries=2)
    try:
        with pytest.raises(ModelServerError, match="HTTP 500"):
            summarizer.summarize(articles[:1], "headline")
    finally:
        summarizer.close()
    assert len(server.requests) == 3  # the first try and two retries


def test_malformed_response_names_the_article(server: ChatServer, articles: list[Source]) -> None:
    server.mode = "malformed"
    summarizer = make(server)
    try:
        with pytest.raises(ModelServerError) as err:
            summarizer.summarize(articles[:1], "standfirst")
    finally:
        summarizer.close()
    message = str(err.value)
    assert f"article {articles[0].id!r} (standfirst)" in message and "malformed response" in message
    assert "\n" not in message


def test_concurrency_is_bounded(server: ChatServer, articles: list[Source]) -> None:
    server.delay = 0.3
    summarizer = make(server, concurrency=3)
    try:
        assert summarizer.summarize(articles, "headline") == lead1(articles)
    finally:
        summarizer.close()
    assert server.max_in_flight == 3  # never more than the limit, and the limit is used


def test_key_comes_from_the_environment_and_is_redacted_from_errors(
    server: ChatServer, articles: list[Source], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(ConfigError, match=f"{KEY_ENV}.*not set"):
        make(server, api_key_env=KEY_ENV)
    monkeypatch.setenv(KEY_ENV, SECRET)
    server.mode = "echo-key"  # a server that echoes the Authorization header in its error body
    summarizer = make(server, api_key_env=KEY_ENV)
    try:
        with pytest.raises(ModelServerError, match="HTTP 401") as err:
            summarizer.summarize(articles[:1], "headline")
    finally:
        summarizer.close()
    assert server.auth == [f"Bearer {SECRET}"]
    assert SECRET not in str(err.value) and "Bearer ***" in str(err.value)


def test_prompt_templates_are_checked_at_config_time(tmp_path: Path) -> None:
    base = {"name": "t", "dataset": {"source": "seeds"}}
    entry = {"name": "s", "type": "openai", "base_url": "http://127.0.0.1:9/v1", "model": "m"}
    with pytest.raises(ConfigError, match=r"summarizers.*only \{body\} is allowed"):
        validate_config({**base, "summarizers": [{**entry, "prompts": {"headline": "{headline}: {body}"}}]}, tmp_path)
    with pytest.raises(ConfigError, match="unknown key"):
        validate_config({**base, "summarizers": [{**entry, "api_key": "sk-inline"}]}, tmp_path)


def test_bench_run_end_to_end_never_writes_the_key(
    server: ChatServer, news_jsonl: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv(KEY_ENV, SECRET)
    config = {
        "name": "served",
        "seed": 5,
        "dataset": {"source": str(news_jsonl), "limit": 6},
        "summarizers": [
            {"name": "lead-1", "type": "lead"},
            {"name": "served", "type": "openai", "base_url": server.base_url, "model": "tiny", "api_key_env": KEY_ENV,
             "prompts": "{body}", "first_line": True, "temperature": 0.2, "seed": 11, "concurrency": 2},
        ],
        "scoring": {"bootstrap": 50},
    }
    path = tmp_path / "served.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    assert cli_main(["run", str(path), "--output", str(tmp_path / "runs"), "--quiet"]) == 0
    (run_dir,) = (tmp_path / "runs").iterdir()

    rows = [json.loads(line) for line in (run_dir / "predictions.jsonl").read_text(encoding="utf-8").splitlines()]
    by_system: dict[str, dict[tuple[str, str], str]] = {}
    for row in rows:
        by_system.setdefault(row["summarizer"], {})[(row["id"], row["target"])] = row["prediction"]
    assert len(by_system["served"]) == 12 and by_system["served"] == by_system["lead-1"]
    assert set(server.auth) == {f"Bearer {SECRET}"} and {r["seed"] for r in server.requests} == {11}

    saved = yaml.safe_load((run_dir / "config.yaml").read_text(encoding="utf-8"))
    served = next(s for s in saved["summarizers"] if s["name"] == "served")
    assert served["temperature"] == 0.2 and served["seed"] == 11 and served["api_key_env"] == KEY_ENV

    written = [p for p in run_dir.rglob("*") if p.is_file()]
    assert written
    for file in written:
        assert SECRET.encode() not in file.read_bytes(), file
    out = capsys.readouterr()
    assert SECRET not in out.out + out.err
