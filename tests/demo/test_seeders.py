"""Other features add demo data through seeders: called when installed, skipped when absent."""

import random
import sys
import types
from datetime import UTC, datetime

import pytest

import baton.demo
from baton.demo import run_seeders

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_installed_seeders_are_called_with_a_seeded_rng_and_absent_ones_skipped(monkeypatch):
    calls = []

    def seed_things(session, *, rng, now):
        calls.append((session, rng.random(), now))

    module = types.ModuleType("baton_test_seeder")
    module.seed_things = seed_things
    monkeypatch.setitem(sys.modules, "baton_test_seeder", module)
    monkeypatch.setattr(
        baton.demo,
        "SEEDERS",
        [("baton_test_seeder", "seed_things"), ("baton_no_such_feature", "seed")],
    )
    done = run_seeders("the session", seed=5, now=NOW)
    assert done == {"baton_test_seeder": "seeded", "baton_no_such_feature": "absent"}
    expected = random.Random("5:baton_test_seeder").random()
    assert calls == [("the session", expected, NOW)]


def test_a_seeder_that_is_there_but_broken_is_an_error(monkeypatch, tmp_path):
    (tmp_path / "baton_broken_seeder.py").write_text("import baton_missing_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(baton.demo, "SEEDERS", [("baton_broken_seeder", "seed")])
    with pytest.raises(ModuleNotFoundError, match="baton_missing_dependency"):
        run_seeders(None, seed=5, now=NOW)
