"""Importing the public data sets' formats as leads with outcomes and stage history."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from baton.errors import ValidationFailed
from baton.models import Lead, LeadChange, Program, StageChange
from baton.services.auth import Actor
from baton.services.datasets import import_dataset
from tests.dataset_builders import bank_lines, bank_row, shoppers_lines, shoppers_row
from tests.property_builders import activate_playbook, default_with
from tests.rows import dump

ACTOR = Actor(user_id=None, role="admin", via="import")


def run(session, clock, kind, lines, **kw):
    return import_dataset(session, kind=kind, lines=lines, actor=ACTOR, now=clock(), **kw)


def history(session, lead_id):
    rows = session.execute(
        select(StageChange.from_stage, StageChange.to_stage, StageChange.changed_at)
        .where(StageChange.lead_id == lead_id)
        .order_by(StageChange.changed_at, StageChange.id)
    )
    return [tuple(r) for r in rows]


def test_bank_rows_become_leads_of_the_program_with_their_outcome(session, clock):
    lines = bank_lines(["may", "may", "dec", "mar"], ["no", "yes", "no", "yes"])
    report = run(session, clock, "bank", lines)
    assert (report.rows, report.created, report.updated, report.bad) == (4, 4, 0, [])
    program = session.get(Program, report.program_id)
    assert (program.name, program.channel) == ("Bank telemarketing 2008-2010", "teleprospecting")
    leads = session.scalars(select(Lead).order_by(Lead.created_at)).all()
    assert [(lead.external_id, lead.stage) for lead in leads] == [
        ("2", "disqualified"),
        ("3", "won"),
        ("4", "disqualified"),
        ("5", "won"),
    ]
    assert {(lead.source, lead.channel, lead.program_id) for lead in leads} == {
        ("uci-bank-marketing", "teleprospecting", program.id)
    }
    # months in date order: the March after December is March 2009
    assert [(lead.created_at.year, lead.created_at.month) for lead in leads] == [
        (2008, 5),
        (2008, 5),
        (2008, 12),
        (2009, 3),
    ]
    assert leads[1].properties["job"] == "technician"
    assert leads[1].properties["days_since_previous"] is None
    assert "duration" not in str(leads[1].properties)


def test_each_lead_gets_its_stage_history_and_values_dated_at_creation(session, clock):
    report = run(session, clock, "bank", bank_lines(["may", "jun"], ["yes", "no"]))
    won, lost = session.scalars(select(Lead).order_by(Lead.created_at)).all()
    t = won.created_at
    assert history(session, won.id) == [
        (None, "inquiry", t),
        ("inquiry", "mql", t),
        ("mql", "sal", t + timedelta(days=1)),
        ("sal", "sql", t + timedelta(days=2)),
        ("sql", "opportunity", t + timedelta(days=3)),
        ("opportunity", "won", t + timedelta(days=7 + 2 % 14)),
    ]
    u = lost.created_at
    assert history(session, lost.id) == [
        (None, "inquiry", u),
        ("inquiry", "mql", u),
        ("mql", "disqualified", u + timedelta(days=1 + 3 % 5)),
    ]
    first = session.execute(
        select(LeadChange.changed_at, LeadChange.new_value).where(
            LeadChange.lead_id == won.id, LeadChange.field == "*"
        )
    ).one()
    assert first.changed_at == t
    assert first.new_value["properties"]["job"] == "admin."
    assert report.created == 2


def test_bad_shoppers_rows_are_reported_and_the_rest_imported(session, clock):
    lines = shoppers_lines(
        [
            shoppers_row("Feb", "FALSE"),
            shoppers_row("Mar", "TRUE", pages=",,,"),
            shoppers_row("June", "TRUE", pages="0,-1,0,-1"),
            shoppers_row("Nov", "TRUE"),
        ]
    )
    report = run(session, clock, "shoppers", lines)
    assert (report.rows, report.created) == (4, 2)
    assert [(r.line, r.errors[0]) for r in report.bad] == [
        (3, ("Administrative", "missing value")),
        (4, ("Administrative_Duration", "-1: the duration is unknown")),
    ]
    leads = session.scalars(select(Lead).order_by(Lead.created_at)).all()
    assert [(lead.stage, lead.channel, lead.created_at.month) for lead in leads] == [
        ("disqualified", "web", 2),
        ("won", "web", 11),
    ]
    assert leads[1].created_at.year == 2017
    assert leads[1].properties["weekend"] is False
    assert session.get(Program, report.program_id).name == "Online store sessions"


def test_limit_imports_the_first_rows_and_a_second_run_updates_them(session, clock):
    lines = bank_lines(["may"] * 5, ["no"] * 5)
    first = run(session, clock, "bank", lines, limit=3)
    assert (first.rows, first.created) == (3, 3)
    again = run(session, clock, "bank", lines)
    assert (again.created, again.updated) == (2, 3)
    assert again.program_id == first.program_id
    assert session.scalar(select(func.count()).select_from(Lead)) == 5
    assert session.scalar(select(func.count()).select_from(Program)) == 1


def test_the_playbook_declaration_of_a_shared_name_is_checked_too(session, clock):
    activate_playbook(session, default_with("  - {name: age, type: number, max: 60}\n"))
    lines = [*bank_lines(["may"], ["no"]), bank_row(9, "may", "yes", age="75") + "\n"]
    report = run(session, clock, "bank", lines)
    assert report.created == 1
    [bad] = report.bad
    assert bad.line == 3
    assert bad.errors == [
        ("properties.age", "75 is above the maximum 60 (the playbook's declaration)")
    ]


def test_a_file_of_another_format_is_refused_and_nothing_is_written(session, clock):
    before = dump(session, ("leads", "programs", "stage_changes", "audit_log"))
    with pytest.raises(ValidationFailed, match="not the bank file.*nothing was imported"):
        run(session, clock, "bank", shoppers_lines([shoppers_row("Feb", "TRUE")]))
    with pytest.raises(ValidationFailed, match="unknown data set 'iris'"):
        run(session, clock, "iris", [])
    assert dump(session, ("leads", "programs", "stage_changes", "audit_log")) == before


def test_creation_times_are_in_the_past_of_the_import(session, clock):
    run(session, clock, "bank", bank_lines(["nov"], ["yes"]))
    lead = session.scalars(select(Lead)).one()
    assert lead.created_at < datetime(2009, 1, 1, tzinfo=UTC) < clock()
