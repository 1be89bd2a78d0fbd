"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol, scripted per test."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ERROR_TYPES = {401: "invalid_request_error", 403: "permission_error", 404: "not_found_error"}
ERROR_TYPES |= {429: "rate_limit_exceeded", 500: "server_error", 503: "server_error"}


@dataclass
class Reply:
    """One scripted answer: content (whole or streamed), an error status, a delay or a dropped connection."""

    content: str = ""
    status: int = 200
    error: str = ""
    delay: float = 0.0  # seconds before anything is sent (forces client timeouts)
    tokens: list[str] | None = None  # stream pieces; default: content split before each space
    token_delay: float = 0.0
    drop: bool = False  # close the connection without answering
    finish_reason: str = "stop"

    def pieces(self) -> list[str]:
        """The stream deltas of this reply."""
        return (
            self.tokens if self.tokens is not None else re.findall(r"\s*\S+", self.content) or [self.content]
        )


@dataclass
class Received:
    """A request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        """All message contents joined, to check what the model was shown."""
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))

    @property
    def response_format(self) -> dict[str, Any] | None:
        """The response_format the client asked for, if any."""
        return self.body.get("response_format")


class LLMServer:
    """A scripted chat-completions server: replies are served from a queue, or from a responder function."""

    model = "test-model"

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.requests: list[Received] = []
        self.responder: Callable[[Received], Reply] | None = None
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in /v1."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def reply(self, content: str, **kwargs: Any) -> None:
        """Queue a successful reply."""
        self.replies.append(Reply(content=content, **kwargs))

    def reply_json(self, document: object) -> None:
        """Queue a successful reply holding document as JSON text."""
        self.reply(json.dumps(document))

    def fail(self, status: int, message: str = "scripted failure", times: int = 1) -> None:
        """Queue times error replies with an OpenAI-style error body."""
        self.replies.extend(Reply(status=status, error=message) for _ in range(times))

    def __enter__(self) -> LLMServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _next(self, received: Received) -> Reply:
        """Record the request and pick its reply."""
        with self._lock:
            self.requests.append(received)
            if self.replies:
                return self.replies.popleft()
        if self.responder is not None:
            return self.responder(received)
        return Reply(status=400, error="the test server has no scripted reply left")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class bound to this server."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else {}
                received = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                if self.path.rstrip("/") != "/v1/chat/completions":
                    server._send_json(self, 404, _error_body(404, f"no route {self.path}"))
                    return
                reply = server._next(received)
                if reply.delay:
                    server._closing.wait(reply.delay)
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    server._answer(self, reply, stream=bool(body.get("stream")))

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler

    def _answer(self, handler: BaseHTTPRequestHandler, reply: Reply, stream: bool) -> None:
        """Send reply as an error, a JSON completion or an SSE stream."""
        if reply.drop:
            handler.close_connection = True
            return
        if reply.status != 200:
            self._send_json(handler, reply.status, _error_body(reply.status, reply.error))
        elif stream:
            self._send_stream(handler, reply)
        else:
            self._send_json(handler, 200, self._completion(reply))

    def _completion(self, reply: Reply) -> dict[str, Any]:
        """A chat.completion object."""
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": reply.content},
            "finish_reason": reply.finish_reason,
        }
        usage = {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}
        return {**self._envelope("chat.completion"), "choices": [choice], "usage": usage}

    def _chunk(self, delta: dict[str, str], finish_reason: str | None) -> dict[str, Any]:
        """A chat.completion.chunk object."""
        choice = {"index": 0, "delta": delta, "finish_reason": finish_reason}
        return {**self._envelope("chat.completion.chunk"), "choices": [choice]}

    def _envelope(self, kind: str) -> dict[str, Any]:
        """Fields every completion object carries."""
        return {"id": "chatcmpl-test", "object": kind, "created": int(time.time()), "model": self.model}

    def _send_stream(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        """Server-sent events: one chunk per piece, a final chunk, then [DONE]."""
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.end_headers()
        events = [self._chunk({"role": "assistant", "content": ""}, None)]
        events += [self._chunk({"content": piece}, None) for piece in reply.pieces()]
        events.append(self._chunk({}, reply.finish_reason))
        for event in events:
            handler.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
            handler.wfile.flush()
            if reply.token_delay:
                self._closing.wait(reply.token_delay)
        handler.wfile.write(b"data: [DONE]\n\n")
        handler.wfile.flush()

    @staticmethod
    def _send_json(handler: BaseHTTPRequestHandler, status: int, document: object) -> None:
        """A JSON response."""
        data = json.dumps(document).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


def _error_body(status: int, message: str) -> dict[str, Any]:
    """An OpenAI-style error document."""
    code = {401: "invalid_api_key", 429: "rate_limit_exceeded"}.get(status)
    error_type = ERROR_TYPES.get(status, "invalid_request_error")
    return {"error": {"message": message, "type": error_type, "param": None, "code": code}}
