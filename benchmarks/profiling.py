"""py-spy on a running server: where its CPU goes, as milliseconds per request.

py-spy is not a project dependency: `.venv/bin/pip install py-spy` to use `--py-spy`.
Only samples of the thread holding the GIL are kept (`--gil`), so shares are shares of CPU.
"""

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from rich.table import Table

# Frames worth a line even though they are not Baton's own code.
MARKERS = {
    "run_sync (anyio/to_thread.py)": "hand-offs to the thread pool (event-loop side)",
    "WorkerThread.run (anyio/_backends/_asyncio.py)": "worker threads, all work included",
    "solve_dependencies (fastapi/dependencies/utils.py)": "FastAPI dependencies",
    "serialize_response (fastapi/routing.py)": "response model validation",
    "Session.flush (sqlalchemy/orm/session.py)": "ORM flush (INSERTs)",
    "Session.commit (sqlalchemy/orm/session.py)": "ORM commit",
    "Session.execute (sqlalchemy/orm/session.py)": "ORM SELECTs",
    "RequestResponseCycle.run_asgi (uvicorn/protocols/http/httptools_impl.py)": "ASGI app",
}


def py_spy() -> str | None:
    """The py-spy executable next to the interpreter, or on PATH."""
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


def record(pid: int, seconds: float, out: Path) -> subprocess.Popen:
    """Start sampling the process for `seconds` (raw collapsed stacks into `out`)."""
    exe = py_spy()
    if exe is None:
        raise RuntimeError("py-spy is not installed: .venv/bin/pip install py-spy")
    args = [exe, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "250"]
    args += ["--format", "raw", "--gil", "--nonblocking", "-o", str(out)]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _frame(raw: str) -> str:
    return re.sub(r" \((.*?):\d+\)$", r" (\1)", raw.strip())


def costs(path: Path) -> tuple[int, Counter, Counter]:
    """Samples, inclusive samples per frame, self samples per frame."""
    inclusive: Counter = Counter()
    own: Counter = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        frames = [_frame(f) for f in stack.split(";")[1:]]  # [0] names the thread
        total += n
        inclusive.update(dict.fromkeys(set(frames), n))
        if frames:
            own[frames[-1]] += n
    return total, inclusive, own


def cost_table(path: Path, ms_per_request: float, top: int = 18) -> Table:
    """Baton's own frames and a few framework markers, in CPU ms per request."""
    total, inclusive, own = costs(path)
    table = Table(title=f"CPU per request by frame ({total:,} samples)", title_justify="left")
    for name in ("ms/req", "share", "frame (inclusive)"):
        table.add_column(name, justify="left" if name.startswith("frame") else "right")

    def add(frame: str, n: int, note: str = "") -> None:
        share = n / total if total else 0.0
        label = f"{frame}  [dim]{note}[/dim]" if note else frame
        table.add_row(f"{share * ms_per_request:.2f}", f"{share:.0%}", label)

    ours = [(f, n) for f, n in inclusive.most_common() if "(baton/" in f and "cli/" not in f]
    for frame, n in ours[:top]:
        add(frame, n)
    for frame, note in MARKERS.items():
        add(frame, inclusive.get(frame, 0), note)
    worker = "WorkerThread.run (anyio/_backends/_asyncio.py)"
    add("WorkerThread.run self", own.get(worker, 0), "thread wake-ups, GIL hand-over")
    return table
