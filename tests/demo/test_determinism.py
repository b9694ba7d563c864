"""The demo is a function of its seed and its as-of date: two runs write the same rows."""

import os
import subprocess
import sys

from baton.db import make_engine
from tests.demo_builders import domain_rows, simulate, wipe


def test_same_seed_and_as_of_give_identical_rows(committed_engine):
    wipe(committed_engine)  # ids restart at 1 whatever tests committed (and deleted) before
    simulate(committed_engine, seed=11, leads=200, weeks=2)
    first = domain_rows(committed_engine)
    wipe(committed_engine)
    simulate(committed_engine, seed=11, leads=200, weeks=2)
    second = domain_rows(committed_engine)
    assert len(first["leads"]) == 200
    assert first["events"] and first["stage_changes"] and first["assignments"]
    for table, rows in first.items():
        assert rows == second[table], f"{table} differs between the two runs"


def test_another_seed_gives_other_leads(committed_engine):
    simulate(committed_engine, seed=11, leads=50, weeks=1)
    first = [row[1] for row in domain_rows(committed_engine)["leads"]]
    wipe(committed_engine)
    simulate(committed_engine, seed=12, leads=50, weeks=1)
    second = [row[1] for row in domain_rows(committed_engine)["leads"]]
    assert len(first) == len(second) == 50
    assert first != second


def test_runs_in_processes_with_other_string_hashing_give_identical_rows(tmp_path):
    """Iteration order of sets of strings changes with PYTHONHASHSEED: nothing may depend on it."""
    rows = []
    for hash_seed in ("1", "2"):
        url = f"sqlite:///{tmp_path / f'demo-{hash_seed}.db'}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "BATON_DATABASE_URL": url}
        args = ["demo", "--no-serve", "--seed", "5", "--leads", "120", "--weeks", "1"]
        code = "from baton.cli import app; app()"
        done = subprocess.run(
            [sys.executable, "-c", code, *args, "--as-of", "2026-11-23"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        engine = make_engine(url)
        rows.append(domain_rows(engine))
        engine.dispose()
    assert len(rows[0]["leads"]) == 120
    for table, first in rows[0].items():
        assert first == rows[1][table], f"{table} differs between the two processes"
