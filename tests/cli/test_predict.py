"""`baton predict ...` against a real, committed database."""

import re

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from baton.cli import app
from baton.db import get_engine, transaction
from baton.models import LeadPrediction, ModelVersion
from tests.predict_builders import outcome_leads

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


@pytest.fixture
def seeded(cli_env) -> list[int]:
    with transaction(get_engine()) as s:
        return [lead.id for lead in outcome_leads(s, 60)]


def count(model) -> int:
    with transaction(get_engine()) as s:
        return s.scalar(select(func.count()).select_from(model))


def test_train_activate_score_explain_list_and_evaluate(seeded):
    trained = invoke("predict", "train", "--activate")
    assert trained.exit_code == 0, trained.output
    assert "60 labelled leads, 2 model(s)" in trained.output
    assert re.search(r"activated: \d+", trained.output)
    scored = invoke("predict", "score", "--chunk", "25")
    assert scored.exit_code == 0, scored.output
    assert "60 lead(s) scored" in scored.output
    assert count(LeadPrediction) == 60
    explained = invoke("predict", "explain", str(seeded[0]))
    assert explained.exit_code == 0, explained.output
    assert re.search(r"lead \d+: probability \d+\.\d%", explained.output)
    assert "properties.budget" in explained.output
    listed = invoke("predict", "list", "--csv")
    assert listed.output.splitlines()[0].startswith("id,segment,kind,active")
    assert [line.split(",")[3] for line in listed.output.splitlines()[1:]].count("yes") == 1
    evaluated = invoke("predict", "evaluate", "--csv")
    assert evaluated.exit_code == 0, evaluated.output
    names = [line.split(",")[0] for line in evaluated.output.splitlines()[1:]]
    assert names == ["rule score", "gbm", "logistic", "naive bayes"]


def test_activate_switches_and_an_unknown_version_fails(seeded):
    invoke("predict", "train")
    with transaction(get_engine()) as s:
        first = s.scalar(select(func.min(ModelVersion.id)))
    done = invoke("predict", "activate", str(first))
    assert done.exit_code == 0 and f"model {first}" in done.output
    missing = invoke("predict", "activate", "999999")
    assert missing.exit_code == 1
    assert "model version 999999 does not exist" in missing.output
    unknown = invoke("predict", "explain", "999999")
    assert unknown.exit_code == 1
    assert "lead 999999 does not exist" in unknown.output


def test_too_few_outcomes_fails_cleanly_and_stores_nothing(cli_env):
    with transaction(get_engine()) as s:
        outcome_leads(s, 10, seed=5)
    result = invoke("predict", "train")
    assert result.exit_code == 1
    assert "need at least 20 won and 20 lost leads with closed windows; have" in result.output
    assert count(ModelVersion) == 0


def test_scoring_without_a_model_says_how_to_get_one(seeded):
    result = invoke("predict", "score")
    assert result.exit_code == 1
    assert "predict train --activate" in result.output
    assert count(LeadPrediction) == 0
