"""score(): a lead's fit, engagement, grade, persona and MQL decision, with every contribution."""

from collections.abc import Sequence
from datetime import datetime

from baton.rules.playbook import Playbook
from baton.rules.scoring.engagement import score_engagement
from baton.rules.scoring.facts import EventFacts, LeadFacts, ScoreResult
from baton.rules.scoring.fit import score_fit
from baton.rules.scoring.mql import hand_raiser, qualify


def score(
    lead: LeadFacts, events: Sequence[EventFacts], playbook: Playbook, now: datetime
) -> ScoreResult:
    """The same inputs always give the same result, whatever the order of `events`."""
    ordered = sorted(events, key=EventFacts.sort_key)
    fit = score_fit(lead, playbook)
    engagement = score_engagement(ordered, playbook, now)
    new = None
    if lead.recycled_at is not None:
        since = [e for e in ordered if e.occurred_at > lead.recycled_at]
        new = score_engagement(since, playbook, now).total
    is_mql, reason = qualify(
        fit=fit.fit,
        grade=fit.grade,
        engagement=engagement.total,
        new_engagement=new,
        raised=hand_raiser(ordered, lead.recycled_at, playbook, now),
        playbook=playbook,
        probability=lead.probability,
    )
    return ScoreResult(
        fit=fit.fit,
        engagement=engagement.total,
        grade=fit.grade,
        persona=fit.persona,
        is_mql=is_mql,
        mql_reason=reason,
        contributions=fit.contributions + engagement.contributions,
        new_engagement=new,
    )
