"""services.memo: reference rows read once per transaction, never served stale."""

from sqlalchemy import event, update

from baton.models import Team, User, WebhookSubscription
from baton.services import outbox
from baton.services.assignments import team_manager
from baton.services.memo import forget, remember
from baton.services.playbooks import active_playbook
from tests.builders import T0, make_lead, make_user


class Statements:
    """Counts the SQL statements a block sends."""

    def __init__(self, session) -> None:
        self.connection = session.connection()
        self.seen: list[str] = []

    def __enter__(self) -> "Statements":
        event.listen(self.connection, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.connection, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *_args) -> None:
        self.seen.append(statement)


def _team(session, manager: User | None) -> Team:
    team = Team(name=f"Team {id(manager)}", manager_id=manager.id if manager else None,
                created_at=T0, updated_at=T0)  # fmt: skip
    session.add(team)
    session.flush()
    return team


def test_a_second_read_in_the_transaction_sends_no_statement(session):
    manager = make_user(session, role="sales_manager")
    team = _team(session, manager)
    forget(session)
    with Statements(session) as first:
        assert team_manager(session, team.id) == manager.id
    with Statements(session) as second:
        assert team_manager(session, team.id) == manager.id
    assert len(first.seen) == 1
    assert second.seen == []


def test_a_change_made_through_the_orm_is_seen_even_before_it_is_flushed(session):
    first, other = (
        make_user(session, role="sales_manager"),
        make_user(session, role="sales_manager"),
    )
    team = _team(session, first)
    assert team_manager(session, team.id) == first.id
    team.manager_id = other.id  # pending, not flushed
    assert team_manager(session, team.id) == other.id


def test_an_update_statement_on_the_table_forgets_what_was_read_from_it(session):
    first, other = (
        make_user(session, role="sales_manager"),
        make_user(session, role="sales_manager"),
    )
    team = _team(session, first)
    assert team_manager(session, team.id) == first.id
    session.execute(update(Team).where(Team.id == team.id).values(manager_id=other.id))
    assert team_manager(session, team.id) == other.id


def test_a_deactivated_user_gets_no_mail_and_a_new_subscription_is_told(session):
    rep = make_user(session, role="sales_rep")
    lead = make_lead(session)
    event_of = {"notify_user_ids": [rep.id], "occurred_at": T0.isoformat()}
    assert outbox.enqueue_many(session, [("lead.assigned", lead.id, event_of)], now=T0) == 1
    rep.is_active = False
    session.add(WebhookSubscription(url="https://hooks.example/in", kind="webhook", topics=[],
                                    secret="s" * 32, active=True, created_at=T0))  # fmt: skip
    later = {**event_of, "occurred_at": "2026-11-23T10:00:00+00:00"}
    rows = outbox.enqueue(session, topic="lead.assigned", lead_id=lead.id, payload=later, now=T0)
    assert [(r.channel, r.recipient) for r in rows] == [("webhook", "https://hooks.example/in")]


def test_commit_and_rollback_forget_everything(session):
    version, _playbook = active_playbook(session, now=T0)
    assert remember(session, ("x",), ("teams",), lambda: 1) == 1
    session.rollback()
    assert remember(session, ("x",), ("teams",), lambda: 2) == 2
    assert active_playbook(session, now=T0)[0] == version
