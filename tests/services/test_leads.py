from sqlalchemy import func, select

from baton.models import Account, Lead, LeadChange, StageChange
from baton.schemas.leads import LeadCreate
from baton.services.auth import Actor
from baton.services.leads import capture_lead

MARKETING = Actor(user_id=None, role="marketing", via="test")


def test_capturing_the_same_email_twice_updates_one_lead(session, clock):
    first = capture_lead(
        session,
        data=LeadCreate(email="Ann@Acme.io", first_name="Ann"),
        actor=MARKETING,
        now=clock(),
    )
    second = capture_lead(
        session,
        data=LeadCreate(email=" ann@acme.IO", title="CTO"),
        actor=MARKETING,
        now=clock.advance(hours=1),
    )
    assert first.created and not second.created
    assert second.lead.id == first.lead.id
    assert second.changed == ["title"]
    assert session.scalar(select(func.count()).select_from(Lead)) == 1
    fields = session.scalars(
        select(LeadChange.field).where(LeadChange.lead_id == first.lead.id).order_by(LeadChange.id)
    ).all()
    assert fields == ["*", "title"]
    assert session.scalar(select(func.count()).select_from(StageChange)) == 1


def test_blank_values_never_overwrite_known_ones(session, clock):
    capture_lead(
        session, data=LeadCreate(email="bo@acme.io", company="Acme"), actor=MARKETING, now=clock()
    )
    again = capture_lead(
        session, data=LeadCreate(email="bo@acme.io", company=" "), actor=MARKETING, now=clock()
    )
    assert again.lead.company == "Acme" and again.changed == []


def test_work_domains_share_an_account_and_free_mail_gets_none(session, clock):
    a = capture_lead(
        session,
        data=LeadCreate(email="a@initech.com", company="Initech"),
        actor=MARKETING,
        now=clock(),
    ).lead
    b = capture_lead(
        session, data=LeadCreate(email="b@initech.com"), actor=MARKETING, now=clock()
    ).lead
    c = capture_lead(
        session, data=LeadCreate(email="c@gmail.com"), actor=MARKETING, now=clock()
    ).lead
    assert a.account_id is not None and a.account_id == b.account_id
    assert c.account_id is None
    assert session.get(Account, a.account_id).name == "Initech"
