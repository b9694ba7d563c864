"""Lead intake: Baton's POST /api/leads and bulk import against bare baselines, as ratios.

    python benchmarks/intake.py [--seconds 20] [--repeat 3] [--bulk-rows 200000] [--py-spy]

(a) `baton serve` (one uvicorn process, SQLite in a temp dir) takes single-lead POSTs at
64 connections (leads/s) and at 8 (p50/p99); (b) a bare FastAPI app that inserts one row
through one SQLite writer takes the same loads in the same run; (c) Baton's bulk import of
200,000 leads vs raw sqlite3.executemany of the same rows. Every figure is the median of
--repeat runs, after a warm-up.
"""

import statistics
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import typer

from baton.clock import system_clock
from baton.db import make_engine, transaction
from baton.migrations import upgrade
from baton.services.auth import add_user, create_token
from benchmarks import intake_bulk, profiling
from benchmarks.common import (
    Running,
    console,
    cpu_seconds,
    free_port,
    python,
    results_table,
    server,
    verdict,
)
from benchmarks.datagen_vocab import FIRST_NAMES, LAST_NAMES
from benchmarks.load import LoadResult, run_load

TITLES = ("CTO", "Head of IT", "Data Analyst", "VP Engineering", "Finance Manager", "Student")
COUNTRIES = ("US", "GB", "DE", "FR", "NL", "CA", "IN")


def lead_body(tag: str):
    """Bodies for one load run: every request a new lead (unique e-mail), a third free mail."""

    def body(connection: int, n: int) -> dict:
        k = connection * 7919 + n
        first, last = FIRST_NAMES[k % len(FIRST_NAMES)], LAST_NAMES[k % len(LAST_NAMES)]
        domain = "gmail.com" if k % 3 == 0 else f"company{k % 500}.example"
        return {
            "email": f"{first}.{last}.{tag}.{connection}.{n}@{domain}",
            "first_name": first.title(),
            "last_name": last.title(),
            "title": TITLES[k % len(TITLES)],
            "company": None if k % 3 == 0 else f"Company {k % 500}",
            "country": COUNTRIES[k % len(COUNTRIES)],
            "product_interest": "analytics" if k % 2 else "payments",
            "channel": "web",
        }

    return body


def baton_token(url: str) -> str:
    """Migrate Baton's database and give the benchmark a user and an API token."""
    engine = make_engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        now = system_clock()
        user = add_user(session, email="bench@baton.example", name="Bench", role="admin", now=now)
        _, token = create_token(session, user=user, name="benchmark", now=now)
    engine.dispose()
    return token


def measured(target: Running, conns: int, seconds: float, tag: str, headers=None) -> LoadResult:
    """One load run, with the server's CPU per successful request."""
    before = cpu_seconds(target.pid)
    result = run_load(target.url, "/api/leads", connections=conns, seconds=seconds,
                      body=lead_body(tag), headers=headers)  # fmt: skip
    result.cpu_ms = (cpu_seconds(target.pid) - before) * 1000 / max(result.ok, 1)
    return result


def http_part(tmp: Path, seconds: float, repeat: int, wide: int, narrow: int, opts: dict):
    """Parts (a) and (b), interleaved so drift on the machine hits both alike."""
    baton_url = f"sqlite:///{tmp / 'baton.db'}"
    auth = {"Authorization": f"Bearer {baton_token(baton_url)}"}
    bp, ap = free_port(), free_port()
    baton_cmd = [str(Path(python()).parent / "baton"), "serve", "--port", str(bp)]
    bare_cmd = [python(), "-m", "uvicorn", "benchmarks.bare_app:app", "--port", str(ap),
                "--log-level", "warning", "--no-access-log"]  # fmt: skip
    runs: dict[tuple[str, int], list[LoadResult]] = {}
    with (
        server(baton_cmd, port=bp, env={"BATON_DATABASE_URL": baton_url}, log=tmp / "baton.log")
        as baton,
        server(bare_cmd, port=ap, env={"BARE_DB": str(tmp / "bare.db")}, log=tmp / "bare.log")
        as bare,
    ):  # fmt: skip
        targets = {"baton": (baton, auth), "bare": (bare, None)}
        for name, (srv, headers) in targets.items():  # warm-up below any thread-pool limit
            measured(srv, narrow, opts["warmup"], f"warm{name}", headers)
        for r in range(repeat):
            for conns in (wide, narrow):
                for name, (srv, headers) in targets.items():
                    result = measured(srv, conns, seconds, f"r{r}c{conns}", headers)
                    console.print(f"  run {r + 1}/{repeat} {name:5} {result.line()}"
                                  f"  server CPU {result.cpu_ms:.2f} ms/req")  # fmt: skip
                    if result.failures:
                        console.print(f"    first failure: {result.sample_failure[:200]}")
                    runs.setdefault((name, conns), []).append(result)
        if opts["py_spy"]:
            profile_baton(baton, auth, narrow, seconds, Path(opts["py_spy"]))
    return runs


def profile_baton(baton: Running, auth: dict, conns: int, seconds: float, out: Path) -> None:
    """One more run at `conns` under py-spy; print where Baton's CPU goes per request."""
    spy = profiling.record(baton.pid, seconds, out)
    result = measured(baton, conns, seconds, "profile", auth)
    spy.wait()
    console.print(f"profiled run: {result.line()}; stacks in {out}")
    console.print(profiling.cost_table(out, result.cpu_ms))


def bulk_part(tmp: Path, n: int, repeat: int) -> tuple[float, float]:
    """Part (c): median seconds of Baton's import and of raw executemany, fresh files each."""
    console.print(f"generating {n:,} lead rows ...")
    rows = intake_bulk.make_rows(n)
    baton_s, raw_s = [], []
    for r in range(repeat):
        raw_s.append(intake_bulk.raw_insert(tmp / f"raw{r}.db", rows.raw))
        baton_s.append(intake_bulk.baton_import(tmp / f"import{r}.db", rows.csv))
        console.print(f"  run {r + 1}/{repeat} baton import {n / baton_s[-1]:9,.0f} leads/s"
                      f"   raw executemany {n / raw_s[-1]:9,.0f} rows/s")  # fmt: skip
    return statistics.median(baton_s), statistics.median(raw_s)


def main(
    seconds: float = typer.Option(20.0, help="Seconds per load run"),
    repeat: int = typer.Option(3, help="Runs per figure; the median is reported"),
    connections: int = typer.Option(64, help="Connections for the throughput figure"),
    latency_connections: int = typer.Option(8, help="Connections for the latency figures"),
    warmup: float = typer.Option(3.0, help="Seconds of warm-up load per server"),
    bulk_rows: int = typer.Option(200_000, help="Leads in the bulk import"),
    http: bool = typer.Option(True, help="Run parts (a) and (b)"),
    bulk: bool = typer.Option(True, help="Run part (c)"),
    py_spy: str = typer.Option("", help="Profile Baton at the latency load into this file"),
) -> None:
    """Run the intake benchmark and print figures, ratios and targets."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="baton-intake-") as tmp_dir:
        tmp = Path(tmp_dir)
        if http:
            console.print(f"(a) baton serve vs (b) bare FastAPI + SQLite, {seconds:.0f} s runs")
            opts = {"warmup": warmup, "py_spy": py_spy}
            runs = http_part(tmp, seconds, repeat, connections, latency_connections, opts)
            rows += http_rows(runs, connections, latency_connections)
        if bulk:
            console.print("(c) bulk import vs raw sqlite3.executemany")
            baton_s, raw_s = bulk_part(tmp, bulk_rows, repeat)
            speed, raw_speed = bulk_rows / baton_s, bulk_rows / raw_s
            rows += [
                ("(c) bulk import, leads/s", f"{speed:,.0f}", "≥ 50,000", verdict(speed, 50_000)),
                ("raw executemany, rows/s", f"{raw_speed:,.0f}", "", ""),
                ("(c) ratio import/raw", f"{speed / raw_speed:.3f}", "≥ 0.07",
                 verdict(speed / raw_speed, 0.07)),
            ]  # fmt: skip
    console.print(results_table(f"intake: medians of {repeat} runs", rows))


def http_rows(runs, wide: int, narrow: int) -> list[tuple[str, str, str, str]]:
    """Median figures of (a) and (b) and their ratios, beside the targets."""

    def med(name: str, conns: int, figure) -> float:
        return statistics.median(figure(r) for r in runs[(name, conns)])

    a_rate, b_rate = (med(n, wide, lambda r: r.per_second) for n in ("baton", "bare"))
    a_p50, b_p50 = (med(n, narrow, lambda r: r.p(50)) for n in ("baton", "bare"))
    a_p99, b_p99 = (med(n, narrow, lambda r: r.p(99)) for n in ("baton", "bare"))
    a_cpu, b_cpu = (med(n, narrow, lambda r: r.cpu_ms) for n in ("baton", "bare"))
    failed = sum(sum(r.failures.values()) for rs in runs.values() for r in rs)
    ratio = a_rate / b_rate if b_rate else float("nan")
    return [
        (f"(a) baton leads/s at {wide}", f"{a_rate:,.0f}", "", ""),
        (f"(b) bare rows/s at {wide}", f"{b_rate:,.0f}", "", ""),
        ("throughput ratio (a)/(b)", f"{ratio:.2f}", "≥ 0.5", verdict(ratio, 0.5)),
        (f"(a) p50 at {narrow}, ms", f"{a_p50:.1f}", "", ""),
        (f"(a) p99 at {narrow}, ms", f"{a_p99:.1f}", "≤ 50", verdict(a_p99, 50, better="lower")),
        (f"(b) p50 / p99 at {narrow}, ms", f"{b_p50:.1f} / {b_p99:.1f}", "", ""),
        ("p99 ratio (a)/(b)", f"{a_p99 / b_p99:.2f}", "", ""),
        (f"server CPU ms/req at {narrow}: (a) / (b)", f"{a_cpu:.2f} / {b_cpu:.2f}", "", ""),
        ("failed requests (all runs)", str(failed), "0", verdict(-failed, 0)),
    ]  # fmt: skip


if __name__ == "__main__":
    typer.run(main)
