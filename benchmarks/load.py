"""A closed-loop HTTP load: N keep-alive connections, each sending its next POST on reply.

The client is raw HTTP/1.1 over asyncio streams (uvloop when installed), not httpx: measured
here against a no-op endpoint, httpx's pool managed ~120 req/s at 64 connections (~1,300
with one client per connection) where this client drives ~7,000 — a benchmark of a server
must not be a benchmark of its client.
"""

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from benchmarks.common import percentile

Body = Callable[[int, int], dict[str, Any]]  # (connection, sequence number) -> JSON body


@dataclass
class LoadResult:
    """Successful requests, their latencies, and the failures by status (0 = transport)."""

    connections: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)
    sample_failure: str = ""
    cpu_ms: float = float("nan")  # the server's CPU per successful request, when measured

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def p(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def line(self) -> str:
        bad = (
            f", {sum(self.failures.values())} failed {dict(self.failures)}" if self.failures else ""
        )
        return (
            f"{self.connections:>3} conns: {self.per_second:7,.0f} req/s  p50 {self.p(50):6.1f} ms"
            f"  p99 {self.p(99):6.1f} ms  ({self.ok:,} ok{bad})"
        )


def run_load(
    base: str,
    path: str,
    *,
    connections: int,
    seconds: float,
    body: Body,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """POST JSON bodies for `seconds` from `connections` concurrent connections."""
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvicorn[standard] brings uvloop on Linux
        runner = asyncio.run
    return runner(_load(base, path, connections, seconds, body, headers or {}))


async def _load(base, path, connections, seconds, body, headers) -> LoadResult:
    url = urlsplit(base)
    host, port = url.hostname, url.port or 80
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n{extra}"
    ).encode()
    result = LoadResult(connections=connections, seconds=seconds)
    # Connect everyone before the clock starts, so connection set-up is not measured.
    streams = await asyncio.gather(
        *(asyncio.open_connection(host, port) for _ in range(connections))
    )
    start = time.perf_counter()
    deadline = start + seconds

    async def connection(c: int) -> None:
        reader, writer = streams[c]
        n = 0
        while time.perf_counter() < deadline:
            payload = json.dumps(body(c, n)).encode()
            n += 1
            sent = time.perf_counter()
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(payload) + payload)
            try:
                status, answer = await _response(reader)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                result.failures[0] += 1
                result.sample_failure = result.sample_failure or repr(exc)
                reader, writer = await asyncio.open_connection(host, port)
                continue
            if status in (200, 201):
                result.latencies_ms.append((time.perf_counter() - sent) * 1000)
            else:
                result.failures[status] += 1
                result.sample_failure = result.sample_failure or answer[:300].decode(
                    errors="replace"
                )
        writer.close()

    await asyncio.gather(*(connection(c) for c in range(connections)))
    # Requests in flight at the deadline finish and count; so the span is measured, not assumed.
    result.seconds = time.perf_counter() - start
    return result


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status and body of one HTTP/1.1 response with a Content-Length (uvicorn sends one)."""
    header = await reader.readuntil(b"\r\n\r\n")
    lines = header.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        elif name.strip().lower() == b"transfer-encoding":
            raise ConnectionError("chunked responses are not supported by this load client")
    return status, await reader.readexactly(length)
