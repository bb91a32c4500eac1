"""A real OpenAI-compatible chat-completions server on 127.0.0.1 for tests.

It answers with a policy the test sets (a function of the request payload and
headers), records every request and Authorization header, and counts tokens
in ``usage`` by a fixed rule (characters / 4), so tests know exactly what the
answers, the usage and the cost must be.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

# A policy returns (status, body, extra headers); ``reply`` builds the usual 200.
Policy = Callable[[dict[str, Any], dict[str, str]], tuple[int, bytes, dict[str, str]]]


def tokens(text: str) -> int:
    return max(1, len(text) // 4)


def reply(content: str | None, payload: dict[str, Any], refusal: str | None = None,
          finish_reason: str = "stop", usage: bool = True) -> tuple[int, bytes, dict[str, str]]:
    prompt = "".join(m["content"] or "" for m in payload["messages"])
    body: dict[str, Any] = {
        "id": "chatcmpl-test", "object": "chat.completion", "model": payload.get("model"),
        "choices": [{"index": 0, "finish_reason": finish_reason,
                     "message": {"role": "assistant", "content": content, "refusal": refusal}}],
    }
    if usage:
        body["usage"] = {"prompt_tokens": tokens(prompt), "completion_tokens": tokens(content or refusal or ""),
                         "total_tokens": tokens(prompt) + tokens(content or refusal or "")}
    return 200, json.dumps(body).encode("utf-8"), {}


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, policy: Policy) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.policy = policy
        self.lock = threading.Lock()
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        self.arrivals: list[float] = []
        self.answers: list[bytes] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.auth.clear()
            self.arrivals.clear()
            self.answers.clear()


class _Handler(BaseHTTPRequestHandler):
    server: ChatServer

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        headers = {k: v for k, v in self.headers.items()}
        with self.server.lock:
            self.server.requests.append(payload)
            self.server.auth.append(self.headers.get("Authorization"))
            self.server.arrivals.append(time.monotonic())
        status, body, extra = self.server.policy(payload, headers)
        with self.server.lock:
            self.server.answers.append(body)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving(policy: Policy) -> Iterator[ChatServer]:
    server = ChatServer(policy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
