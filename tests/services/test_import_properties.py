"""CSV imports check custom properties against the playbook's declarations, row by row."""

import pytest

from baton.models import Lead
from baton.rules.mapping import mapping_from_dict
from baton.services.auth import Actor
from baton.services.imports import ImportRefused, import_rows
from tests.rows import dump

ACTOR = Actor(user_id=None, role="admin", via="import")
TABLES = ("leads", "lead_changes", "stage_changes", "audit_log")
ROWS = [
    {"email": "a@acme.io", "Employees Band": "Large", "Budget Confirmed": "yes", "Colour": "red"},
    {"email": "b@acme.io", "Employees Band": "huge", "Budget Confirmed": "no", "Colour": ""},
    {"email": "c@acme.io", "Employees Band": "", "Budget Confirmed": "perhaps", "Colour": ""},
]


def run(session, clock, rows, partial):
    return import_rows(
        session, rows=rows, mapping="auto", actor=ACTOR, now=clock(), partial=partial
    )


def test_bad_property_cells_refuse_the_import_naming_row_and_column(session, clock):
    before = dump(session, TABLES)
    with pytest.raises(ImportRefused) as refused:
        run(session, clock, ROWS, partial=False)
    errors = [(e.row, e.column, e.reason) for e in refused.value.report.errors]
    assert errors == [
        (3, "Employees Band", '"huge" is not one of small, medium, large'),
        (4, "Budget Confirmed", '"perhaps" is not true or false (also accepted: yes/no, 1/0)'),
    ]
    assert dump(session, TABLES) == before


def test_with_skip_invalid_the_good_rows_are_imported_typed(session, clock):
    report = run(session, clock, ROWS, partial=True)
    assert (report.created, report.invalid) == (1, 2)
    lead = session.query(Lead).one()
    assert lead.properties == {"employees_band": "large", "budget_confirmed": True, "colour": "red"}


def test_a_mapping_naming_a_property_is_checked_under_its_column(session, clock):
    rows = [{"E-Mail": "a@acme.io", "Size": "tiny"}]
    mapping = {"columns": {"E-Mail": "email", "Size": "properties.employees_band"}}
    with pytest.raises(ImportRefused) as refused:
        import_rows(
            session,
            rows=rows,
            mapping=mapping_from_dict("m", mapping),
            actor=ACTOR,
            now=clock(),
            partial=False,
        )
    [error] = refused.value.report.errors
    assert (error.row, error.column) == (2, "Size")
    assert error.reason == '"tiny" is not one of small, medium, large'
