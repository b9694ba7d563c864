"""Real local receivers for delivery tests: an HTTP server that checks signatures, and SMTP."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from baton.delivery.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    body: bytes
    headers: dict[str, str]
    signature_ok: bool | None
    status: int

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def delivery_id(self) -> str | None:
        return self.headers.get(DELIVERY_HEADER.lower())


@dataclass
class HttpReceiver:
    """Answers each POST with the next planned status (then 200), checking the HMAC."""

    url: str
    secret: str | None = None
    plan: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
        return list(self.received)


@contextmanager
def http_receiver(
    secret: str | None = None, plan: list[int] | None = None
) -> Iterator[HttpReceiver]:
    """A ThreadingHTTPServer on a free localhost port, stopped after the block."""
    state = HttpReceiver(url="", secret=secret, plan=list(plan or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            signature = headers.get(SIGNATURE_HEADER.lower())
            ok = (
                verify(state.secret, signature or "", body, now=time.time())
                if state.secret
                else None
            )
            with state.arrived:
                status = state.plan.pop(0) if state.plan else 200
                if ok is False:
                    status = 401
                state.received.append(Received(self.path, body, headers, ok, status))
                state.arrived.notify_all()
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, _server, _session, envelope) -> str:
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[int, list[Any]]]:
    """A real aiosmtpd server on a free localhost port: yields (port, received envelopes)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox.messages
    finally:
        controller.stop()
