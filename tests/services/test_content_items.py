"""Items: tags, versions on edit, listing by tags and staleness, refusals that change nothing."""

from datetime import date

import pytest
from sqlalchemy import func, select

from baton.errors import ValidationFailed
from baton.models import AuditEntry, ContentItem, ContentTag, ContentVersion
from baton.schemas.content import ContentCreate, ContentUpdate
from baton.services.auth import SYSTEM
from baton.services.content.items import create_item, list_items, list_versions, update_item
from baton.services.content.views import read_item
from tests.builders import T0
from tests.content_builders import make_item


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_tags_are_normalised_and_repeated_in_the_search_text(session):
    item = make_item(session, tags={"product": ["Payments", " payments "],
                                    "competitor": "Stripe  Inc"})  # fmt: skip
    view = read_item(session, item_id=item.id, now=T0)
    assert view.tags == {"product": ["payments"], "competitor": ["stripe inc"]}
    assert item.tags_text == "payments stripe inc"


def test_an_edit_of_the_body_keeps_the_previous_one_as_a_version(session):
    item = make_item(session, title="Deck", body="v1 text")
    update_item(session, item_id=item.id, data=ContentUpdate(body="v2 text"), actor=SYSTEM,
                now=T0)  # fmt: skip
    update_item(session, item_id=item.id, data=ContentUpdate(title="Deck 2"), actor=SYSTEM,
                now=T0)  # fmt: skip
    assert item.version == 3 and (item.title, item.body) == ("Deck 2", "v2 text")
    versions = [(v.version, v.title, v.body) for v in list_versions(session, item_id=item.id)]
    assert versions == [(2, "Deck", "v2 text"), (1, "Deck", "v1 text")]


def test_tag_and_status_changes_are_audited_but_not_versioned(session):
    item = make_item(session, tags={"product": "payments"})
    update_item(session, item_id=item.id, data=ContentUpdate(tags={"product": ["analytics"]},
                status="draft"), actor=SYSTEM, now=T0)  # fmt: skip
    assert item.version == 1 and item.status == "draft"
    assert read_item(session, item_id=item.id, now=T0).tags == {"product": ["analytics"]}
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "content.update")).one()
    assert entry.details["tags"] == {"old": {"product": ["payments"]},
                                     "new": {"product": ["analytics"]}}  # fmt: skip


def test_an_edit_that_changes_nothing_writes_nothing(session):
    item = make_item(session, title="Same", body="same", tags={"product": "payments"})
    before = count(session, AuditEntry)
    update_item(session, item_id=item.id, data=ContentUpdate(title="Same", tags={"product":
                ["Payments"]}), actor=SYSTEM, now=T0)  # fmt: skip
    assert count(session, AuditEntry) == before and item.version == 1


def test_list_filters_by_every_facet_given_and_hides_archived(session):
    a = make_item(session, title="A", tags={"product": "payments", "competitor": "stripe"})
    make_item(session, title="B", tags={"product": "payments"})
    make_item(session, title="C", tags={"product": "analytics", "competitor": "stripe"})
    make_item(session, title="D", tags={"product": "payments", "competitor": "stripe"},
              status="archived")  # fmt: skip

    def titles(**kw):
        return sorted(v.item.title for v in list_items(session, now=T0, **kw))

    assert titles(tags={"product": ["payments"], "competitor": ["stripe"]}) == ["A"]
    assert titles(tags={"competitor": ["stripe"]}) == ["A", "C"]
    assert titles(tags={"product": ["payments", "analytics"]}) == ["A", "B", "C"]
    assert titles(status="archived") == ["D"]
    assert a.id in [v.item.id for v in list_items(session, now=T0)]


def test_stale_means_past_the_review_date(session):
    make_item(session, title="Due today", review_on=T0.date())
    make_item(session, title="Overdue", review_on=date(2026, 11, 22))
    make_item(session, title="No date")
    stale = list_items(session, now=T0, stale=True)
    assert [(v.item.title, v.stale) for v in stale] == [("Overdue", True)]
    fresh = sorted(v.item.title for v in list_items(session, now=T0, stale=False))
    assert fresh == ["Due today", "No date"]


@pytest.mark.parametrize(
    "values",
    [
        {"kind": "collateral", "title": "Nothing in it"},
        {"kind": "collateral", "title": "x", "body": "b", "owner_id": 999_999},
    ],
)
def test_refused_items_leave_nothing_behind(session, values):
    before = (count(session, ContentItem), count(session, ContentTag))
    with pytest.raises(ValidationFailed):
        create_item(session, data=ContentCreate(**values, tags={"product": "payments"}),
                    actor=SYSTEM, now=T0)  # fmt: skip
    session.rollback()
    assert (count(session, ContentItem), count(session, ContentTag)) == before


def test_emptying_the_only_content_is_refused_and_changes_nothing(session):
    item = make_item(session, body="only this")
    session.commit()
    with pytest.raises(ValidationFailed):
        update_item(session, item_id=item.id, data=ContentUpdate(body=""), actor=SYSTEM, now=T0)
    session.rollback()
    assert session.get(ContentItem, item.id).body == "only this"
    assert count(session, ContentVersion) == 0


@pytest.mark.parametrize(
    "tags",
    [{"colour": ["red"]}, {"stage": ["negotiation"]}, {"product": ["x" * 121]}],
)
def test_bad_tags_are_refused_by_the_schema(tags):
    with pytest.raises(ValueError):
        ContentCreate(kind="demo", title="t", body="b", tags=tags)
