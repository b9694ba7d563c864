"""One lead scored in the transaction that changed it, and the explanation of its score."""

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from baton.models import Lead, LeadScore
from baton.rules.playbook import Playbook
from baton.rules.scoring import ScoreResult, score
from baton.services.auth import Actor
from baton.services.playbooks import active_playbook
from baton.services.scoring_data import load_events, load_lead
from baton.services.stages import lock_lead, transition_lead

# Stages from which meeting the lead definition moves a lead to mql.
QUALIFYING_STAGES = frozenset({"inquiry", "recycled"})
# Who moves a lead when its score crosses the line: the playbook, not a person.
SCORING = Actor(user_id=None, role="marketing", via="scoring")


def mql_reason(version: int, reason: str) -> str:
    """The stage history's reason for a move made by scoring."""
    return f"playbook v{version}: {reason}"


@dataclass(frozen=True)
class Explanation:
    """A lead's score computed now with the active playbook, beside the stored one."""

    lead_id: int
    version: int
    result: ScoreResult
    computed_at: datetime
    stored: LeadScore | None


def compute(
    session: Session, *, lead_id: int, now: datetime
) -> tuple[Lead, int, Playbook, ScoreResult]:
    """The lead, the active version and its score: three queries (playbook, lead, events)."""
    version, playbook = active_playbook(session, now=now)
    lead, facts = load_lead(session, lead_id)
    events = load_events(session, lead_id, playbook.engagement.event_types())
    return lead, version, playbook, score(facts, events, playbook, now)


def rescore_lead(session: Session, *, lead_id: int, now: datetime, actor: Actor) -> ScoreResult:
    """Store the lead's score under the active version; an inquiry or recycled MQL moves to mql.

    The move goes through transition_lead, with the version and the reason in its history row.
    An erased lead is scored but nothing is stored.
    """
    lead, version, _, result = compute(session, lead_id=lead_id, now=now)
    if lead.erased_at is not None:
        return result
    store_score(session, lead_id=lead_id, result=result, version=version, now=now)
    # Re-read under the row lock: a concurrent request may have moved the lead already, and
    # its event or edit must not fail because scoring would repeat the move.
    if result.is_mql and lead.stage in QUALIFYING_STAGES:
        if lock_lead(session, lead_id).stage not in QUALIFYING_STAGES:
            return result
        change = transition_lead(
            session,
            lead_id=lead_id,
            to_stage="mql",
            reason=mql_reason(version, result.mql_reason),
            actor=actor,
            now=now,
        )
        change.playbook_version = version
        session.flush()
    return result


def store_score(
    session: Session, *, lead_id: int, result: ScoreResult, version: int, now: datetime
) -> None:
    """Insert or replace the lead's one lead_scores row (one statement); see mql_reason."""
    values = {
        "lead_id": lead_id,
        "fit": result.fit,
        "engagement": result.engagement,
        "grade": result.grade,
        "persona": result.persona,
        "is_mql": result.is_mql,
        # Why it is an MQL; why not is worded on request (explain_lead), not stored for
        # every lead: the batch path would spend a third of its time wording it.
        "mql_reason": result.mql_reason if result.is_mql else None,
        "playbook_version": version,
        "scored_at": now,
    }
    session.execute(_upsert(session.get_bind().dialect.name), values)
    # A row this session loaded earlier must not keep the old numbers.
    loaded = session.identity_map.get(session.identity_key(LeadScore, lead_id))
    if loaded is not None:
        session.expire(loaded)


@cache
def _upsert(dialect_name: str):
    """INSERT .. ON CONFLICT(lead_id) DO UPDATE, built once per dialect: constructing it costs
    more than running it, on every intake request."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    insert = dialect.insert(LeadScore)
    columns = [c.name for c in LeadScore.__table__.columns if c.name != "lead_id"]
    return insert.on_conflict_do_update(
        index_elements=["lead_id"], set_={c: insert.excluded[c] for c in columns}
    )


def explain_lead(session: Session, *, lead_id: int, now: datetime) -> Explanation:
    """Why the lead scores what it does, computed now; nothing is written."""
    _, version, _, result = compute(session, lead_id=lead_id, now=now)
    stored = session.get(LeadScore, lead_id, populate_existing=True)
    return Explanation(lead_id, version, result, now, stored)
