"""What the benchmarks share: timing, medians, servers in subprocesses, printing ratios."""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
# Wide enough for the result tables when the output goes to a file.
console = Console(width=None if sys.stdout.isatty() else 120)


@contextmanager
def timed() -> Iterator[Callable[[], float]]:
    """`with timed() as elapsed:` ... `elapsed()` is the seconds since the block began."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=100, method="inclusive")[min(max(int(q), 1), 99) - 1]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Running:
    """A server started by `server()`: where it answers and its process id."""

    url: str
    pid: int


@contextmanager
def server(
    args: list[str], *, port: int, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[Running]:
    """Run a server command in a subprocess until it answers GET /health; stop it after."""
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        args, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc)
        yield Running(base, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc; NaN elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    """Poll GET /health until it answers 200; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}: {proc.args}")
        try:
            if httpx.get(base + "/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server at {base} did not come up in {timeout:.0f} s")


def python() -> str:
    """The interpreter running the benchmark (the project's venv)."""
    return sys.executable


def verdict(value: float, target: float, *, better: str = "higher") -> str:
    """'meets' or 'MISSES' the target, for the printed table."""
    ok = value >= target if better == "higher" else value <= target
    return "[green]meets[/green]" if ok else "[red]MISSES[/red]"


def results_table(title: str, rows: Sequence[tuple[str, str, str, str]]) -> Table:
    """A table of (figure, value, target, verdict) rows."""
    table = Table(title=title, title_justify="left")
    for name in ("figure", "measured", "target", ""):
        table.add_column(name, justify="right" if name == "measured" else "left")
    for row in rows:
        table.add_row(*row)
    return table


def rate(rows: int, seconds: float) -> str:
    """'123,456 rows/s' with a guard against zero time."""
    return f"{rows / seconds:,.0f}" if seconds > 0 else "-"
