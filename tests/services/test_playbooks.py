"""Playbook versions: bootstrap, propose, co-sign, activate, withdraw, diff."""

import threading

import pytest
from sqlalchemy import func, select

from baton.db import session_factory
from baton.errors import Conflict, Forbidden, NotFound
from baton.models import AuditEntry, PlaybookApproval, PlaybookVersion
from baton.playbooks import default_playbook_text
from baton.rules.playbook import PlaybookError
from baton.services import playbooks
from baton.services.auth import Actor
from tests.builders import T0, make_user
from tests.rows import dump

TABLES = ("playbook_versions", "playbook_approvals", "audit_log")
DEFAULT = default_playbook_text()
STRICTER = DEFAULT.replace("fit_min: 30", "fit_min: 35")
LOOSER = DEFAULT.replace("engagement_min: 40", "engagement_min: 30")


def actor(session, role: str) -> Actor:
    return Actor(user_id=make_user(session, role=role).id, role=role, via="test")


def statuses(session) -> dict[int, str]:
    rows = session.execute(select(PlaybookVersion.version, PlaybookVersion.status))
    return dict(rows.all())


def signed(session, version: int) -> PlaybookVersion:
    """A proposal of STRICTER signed by marketing and sales_manager."""
    row = playbooks.propose(
        session, text=STRICTER, note="stricter", actor=actor(session, "marketing"), now=T0
    )
    for role in ("marketing", "sales_manager"):
        playbooks.approve(session, version=row.version, actor=actor(session, role), now=T0)
    assert row.version == version
    return row


def test_a_fresh_install_has_the_default_playbook_as_active_version_1(session):
    version, playbook = playbooks.active_playbook(session, now=T0)
    assert version == 1
    assert playbook.mql.fit_min == 30 and playbook.products == ["analytics", "payments"]
    row = session.scalar(select(PlaybookVersion))
    assert (row.status, row.document, row.activated_at) == ("active", DEFAULT, T0)
    assert playbooks.active_playbook(session, now=T0)[0] == 1
    assert session.scalar(select(func.count()).select_from(PlaybookVersion)) == 1
    assert session.scalar(select(AuditEntry.action)) == "playbook.bootstrap"


def test_a_version_is_parsed_once_and_reparsed_when_its_text_differs(session, monkeypatch):
    calls = []
    real = playbooks.parse_playbook
    monkeypatch.setattr(playbooks, "parse_playbook", lambda text: calls.append(1) or real(text))
    monkeypatch.setattr(playbooks, "_parsed", {})
    for _ in range(3):
        playbooks.active_playbook(session, now=T0)
    assert len(calls) == 1
    # Another database (or a rolled-back test) may store another text under the same number.
    assert playbooks.parsed(1, STRICTER).mql.fit_min == 35
    assert len(calls) == 2


def test_an_invalid_document_is_refused_with_path_and_line_and_the_active_version_stays(session):
    playbooks.active_playbook(session, now=T0)
    bad = DEFAULT.replace(
        "{id: webinar, event: webinar_attended, points: 15}",
        "{id: webinar, event: webinar_attended, points: lots}",
    )
    line = next(i for i, text in enumerate(bad.splitlines(), 1) if "points: lots" in text)
    marketing = actor(session, "marketing")
    before = dump(session, TABLES)
    with pytest.raises(PlaybookError) as caught:
        playbooks.propose(session, text=bad, note=None, actor=marketing, now=T0)
    assert caught.value.status == 422
    [error] = caught.value.fields
    assert error == {
        "path": "engagement.rules[5].points",
        "message": "must be a number",
        "line": line,
    }
    assert dump(session, TABLES) == before
    assert playbooks.active_playbook(session, now=T0)[0] == 1


def test_a_document_without_changes_is_not_proposed(session):
    with pytest.raises(Conflict, match="no change to the active version 1"):
        playbooks.propose(
            session,
            text=DEFAULT + "\n# a comment\n",
            note=None,
            actor=actor(session, "admin"),
            now=T0,
        )


def test_a_proposal_is_the_next_version_and_does_not_change_the_active_one(session):
    row = playbooks.propose(
        session, text=STRICTER, note=" tighter fit ", actor=actor(session, "sales_manager"), now=T0
    )
    assert (row.version, row.status, row.note) == (2, "proposed", "tighter fit")
    assert statuses(session) == {1: "active", 2: "proposed"}
    assert playbooks.active_playbook(session, now=T0)[1].mql.fit_min == 30
    assert playbooks.get_version(session, 2)[1].mql.fit_min == 35


def test_a_sales_rep_cannot_propose_or_sign(session):
    row = playbooks.propose(
        session, text=STRICTER, note=None, actor=actor(session, "marketing"), now=T0
    )
    rep = actor(session, "sales_rep")
    before = dump(session, TABLES)
    with pytest.raises(Forbidden):
        playbooks.propose(session, text=LOOSER, note=None, actor=rep, now=T0)
    with pytest.raises(Forbidden) as caught:
        playbooks.approve(session, version=row.version, actor=rep, now=T0)
    assert caught.value.status == 403
    assert dump(session, TABLES) == before


def test_marketing_alone_cannot_activate_and_the_409_names_sales_manager(session):
    row = playbooks.propose(
        session, text=STRICTER, note=None, actor=actor(session, "marketing"), now=T0
    )
    playbooks.approve(session, version=row.version, actor=actor(session, "marketing"), now=T0)
    before = dump(session, TABLES)
    with pytest.raises(Conflict, match="needs the signature of: sales_manager") as caught:
        playbooks.activate(session, version=row.version, actor=actor(session, "admin"), now=T0)
    assert caught.value.fields == [{"path": "approvals", "message": "missing sales_manager"}]
    assert dump(session, TABLES)["playbook_versions"] == before["playbook_versions"]
    assert playbooks.active_playbook(session, now=T0)[0] == 1


def test_with_both_signatures_activation_retires_the_previous_version(session, clock):
    row = signed(session, 2)
    later = clock.advance(hours=1)
    manager = actor(session, "sales_manager")
    active = playbooks.activate(session, version=2, actor=manager, now=later)
    assert (active.status, active.activated_at, active.activated_by) == (
        "active",
        later,
        manager.user_id,
    )
    assert statuses(session) == {1: "retired", 2: "active"}
    first = session.scalar(select(PlaybookVersion).where(PlaybookVersion.version == 1))
    assert first.retired_at == later
    assert playbooks.active_playbook(session, now=later)[0] == row.version
    assert playbooks.active_playbook(session, now=later)[1].mql.fit_min == 35
    roles = session.scalars(select(PlaybookApproval.role).order_by(PlaybookApproval.id)).all()
    assert roles == ["marketing", "sales_manager"]


def test_only_a_proposed_version_can_be_activated_or_signed(session):
    signed(session, 2)
    admin = actor(session, "admin")
    playbooks.activate(session, version=2, actor=admin, now=T0)
    for version in (1, 2):
        with pytest.raises(Conflict, match="only a proposed version"):
            playbooks.activate(session, version=version, actor=admin, now=T0)
        with pytest.raises(Conflict, match="only a proposed version"):
            playbooks.approve(session, version=version, actor=actor(session, "marketing"), now=T0)
    with pytest.raises(NotFound):
        playbooks.activate(session, version=99, actor=admin, now=T0)
    assert statuses(session) == {1: "retired", 2: "active"}


def test_a_user_signs_a_version_once_and_a_proposer_may_sign(session):
    marketing = actor(session, "marketing")
    row = playbooks.propose(session, text=STRICTER, note=None, actor=marketing, now=T0)
    playbooks.approve(session, version=row.version, actor=marketing, now=T0)
    with pytest.raises(Conflict, match="signed version 2 already"):
        playbooks.approve(session, version=row.version, actor=marketing, now=T0)
    assert session.scalar(select(func.count()).select_from(PlaybookApproval)) == 1


def test_two_signatures_of_the_same_role_are_not_both_roles(session):
    row = playbooks.propose(
        session, text=STRICTER, note=None, actor=actor(session, "marketing"), now=T0
    )
    for _ in range(2):
        playbooks.approve(session, version=row.version, actor=actor(session, "marketing"), now=T0)
    with pytest.raises(Conflict, match="sales_manager"):
        playbooks.activate(session, version=row.version, actor=actor(session, "admin"), now=T0)


def test_the_approver_roles_are_configurable(session):
    assert playbooks.approver_roles(" marketing , admin ") == ("marketing", "admin")
    with pytest.raises(ValueError, match="pilot"):
        playbooks.approver_roles("marketing,pilot")
    only = ("marketing",)
    row = playbooks.propose(
        session, text=STRICTER, note=None, actor=actor(session, "marketing"), now=T0
    )
    with pytest.raises(Forbidden):
        playbooks.approve(
            session,
            version=row.version,
            actor=actor(session, "sales_manager"),
            now=T0,
            approvers=only,
        )
    playbooks.approve(
        session, version=row.version, actor=actor(session, "marketing"), now=T0, approvers=only
    )
    playbooks.activate(
        session, version=row.version, actor=actor(session, "admin"), now=T0, approvers=only
    )
    assert statuses(session) == {1: "retired", 2: "active"}


def test_a_sales_rep_cannot_activate(session):
    signed(session, 2)
    with pytest.raises(Forbidden):
        playbooks.activate(session, version=2, actor=actor(session, "sales_rep"), now=T0)
    assert statuses(session) == {1: "active", 2: "proposed"}


def test_a_withdrawn_proposal_can_no_longer_be_signed_or_activated(session):
    signed(session, 2)
    marketing = actor(session, "marketing")
    assert playbooks.withdraw(session, version=2, actor=marketing, now=T0).status == "withdrawn"
    with pytest.raises(Conflict):
        playbooks.activate(session, version=2, actor=actor(session, "admin"), now=T0)
    with pytest.raises(Conflict):
        playbooks.withdraw(session, version=2, actor=marketing, now=T0)
    with pytest.raises(Forbidden):
        playbooks.withdraw(session, version=2, actor=actor(session, "sales_rep"), now=T0)
    assert statuses(session) == {1: "active", 2: "withdrawn"}
    # The number is not reused: the next proposal is version 3.
    assert playbooks.propose(session, text=LOOSER, note=None, actor=marketing, now=T0).version == 3


def test_diff_lists_each_changed_path(session):
    playbooks.propose(session, text=STRICTER, note=None, actor=actor(session, "marketing"), now=T0)
    assert playbooks.diff(session, 1, 2) == ["mql.fit_min: 30 → 35"]
    assert playbooks.diff(session, 2, 1) == ["mql.fit_min: 35 → 30"]
    with pytest.raises(NotFound):
        playbooks.diff(session, 1, 7)


def test_versions_are_listed_newest_first_with_signatures_and_missing_roles(session):
    marketing = actor(session, "marketing")
    playbooks.propose(session, text=STRICTER, note=None, actor=marketing, now=T0)
    playbooks.approve(session, version=2, actor=marketing, now=T0)
    views = playbooks.list_versions(session, now=T0)
    assert [(v.row.version, v.row.status) for v in views] == [(2, "proposed"), (1, "active")]
    assert [(s.user_id, s.role) for s in views[0].signatures] == [(marketing.user_id, "marketing")]
    assert views[0].missing_roles == ["sales_manager"] and views[1].missing_roles == []


def test_every_action_is_audited(session):
    signed(session, 2)
    playbooks.activate(session, version=2, actor=actor(session, "admin"), now=T0)
    playbooks.propose(session, text=LOOSER, note=None, actor=actor(session, "marketing"), now=T0)
    playbooks.withdraw(session, version=3, actor=actor(session, "marketing"), now=T0)
    rows = session.execute(select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.id))
    assert [(a, d["version"]) for a, d in rows] == [
        ("playbook.bootstrap", 1),
        ("playbook.propose", 2),
        ("playbook.approve", 2),
        ("playbook.approve", 2),
        ("playbook.activate", 2),
        ("playbook.propose", 3),
        ("playbook.withdraw", 3),
    ]


def test_two_concurrent_activations_leave_exactly_one_active(committed_engine):
    Session = session_factory(committed_engine)
    with Session.begin() as s:
        for text in (STRICTER, LOOSER):
            row = playbooks.propose(s, text=text, note=None, actor=actor(s, "marketing"), now=T0)
            for role in ("marketing", "sales_manager"):
                playbooks.approve(s, version=row.version, actor=actor(s, role), now=T0)
        admin = actor(s, "admin")
    outcomes: list[str] = []
    first = Session()
    first.begin()
    playbooks.activate(first, version=2, actor=admin, now=T0)  # holds its locks

    def second() -> None:
        try:
            with Session.begin() as s:
                playbooks.activate(s, version=3, actor=admin, now=T0)
            outcomes.append("activated")
        except Conflict:
            outcomes.append("conflict")

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=0.5)  # it waits for the first transaction's locks
    assert thread.is_alive()
    first.commit()
    first.close()
    thread.join(timeout=30)
    with Session() as s:
        active = s.scalars(
            select(PlaybookVersion.version).where(PlaybookVersion.status == "active")
        )
        active = active.all()
    # PostgreSQL: the second finds the row it waited for retired and refuses; SQLite: it
    # waited at BEGIN IMMEDIATE, then activated after the first. Either way, one is active.
    assert len(active) == 1
    assert active == ([3] if outcomes == ["activated"] else [2])
    assert outcomes in (["activated"], ["conflict"])
