"""The MQL definition may ask for a predicted probability of winning (#12's mql.probability_min)."""

import numpy as np
import pytest
from pydantic import ValidationError

from baton.rules.scoring import LeadFacts, score, score_batch
from tests.rules.test_scoring import NOW, ago, event, make_playbook
from tests.rules.test_scoring_properties import columns

PLAYBOOK = make_playbook(mql={"fit_min": 0, "engagement_min": 10, "probability_min": 0.3})
EVENTS = [event("form_submit", ago(days=1))]  # engagement 10: the other thresholds hold


@pytest.mark.parametrize(
    ("probability", "is_mql", "clause"),
    [
        (0.42, True, "predicted probability 0.42 ≥ 0.3"),
        (0.3, True, "predicted probability 0.30 ≥ 0.3"),
        (0.2999, False, "predicted probability 0.2999 < 0.3"),
        (0.29, False, "predicted probability 0.29 < 0.3"),
        (None, False, "no predicted probability"),
    ],
)
def test_the_probability_is_one_more_threshold_with_its_reason(probability, is_mql, clause):
    result = score(LeadFacts(probability=probability), EVENTS, PLAYBOOK, NOW)
    assert result.is_mql is is_mql
    assert clause in result.mql_reason


def test_batch_scoring_decides_and_words_it_the_same_way():
    probabilities = [0.9, 0.1, None, 0.3]
    leads = [LeadFacts(probability=p) for p in probabilities]
    batch = score_batch(leads, columns([EVENTS] * 4), PLAYBOOK, NOW)
    one_by_one = [score(lead, EVENTS, PLAYBOOK, NOW) for lead in leads]
    assert list(batch.is_mql) == [r.is_mql for r in one_by_one] == [True, False, False, True]
    assert [batch.reason(i) for i in range(4)] == [r.mql_reason for r in one_by_one]
    assert np.isnan(batch.probability[2])


def test_without_the_threshold_the_probability_changes_nothing():
    playbook = make_playbook(mql={"fit_min": 0, "engagement_min": 10})
    assert score(LeadFacts(probability=0.0), EVENTS, playbook, NOW).is_mql is True


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_a_probability_threshold_outside_0_to_1_is_refused(bad):
    with pytest.raises(ValidationError, match="probability_min"):
        make_playbook(mql={"fit_min": 0, "probability_min": bad})
