"""The lifecycle table: every allowed move passes, refused ones name the allowed next stages."""

import pytest

from baton.errors import Forbidden, IllegalTransition, ValidationFailed
from baton.rules.lifecycle import (
    STAGES,
    TRANSITIONS,
    allowed_next,
    check_transition,
    entry_stages,
)

# The table, written out again so that a change to TRANSITIONS has to change this too.
ALLOWED = [
    ("inquiry", "mql"),
    ("inquiry", "disqualified"),
    ("mql", "sal"),
    ("mql", "recycled"),
    ("mql", "disqualified"),
    ("sal", "sql"),
    ("sal", "recycled"),
    ("sal", "disqualified"),
    ("sql", "opportunity"),
    ("sql", "recycled"),
    ("sql", "disqualified"),
    ("opportunity", "won"),
    ("opportunity", "lost"),
    ("lost", "recycled"),
    ("recycled", "mql"),
    ("recycled", "disqualified"),
]
REFUSED = [
    ("inquiry", "sal", "mql, disqualified"),
    ("inquiry", "won", "mql, disqualified"),
    ("mql", "sql", "sal, recycled, disqualified"),
    ("mql", "inquiry", "sal, recycled, disqualified"),
    ("sal", "opportunity", "sql, recycled, disqualified"),
    ("sql", "won", "opportunity, recycled, disqualified"),
    ("opportunity", "recycled", "won, lost"),
    ("opportunity", "sql", "won, lost"),
    ("lost", "mql", "recycled"),
    ("recycled", "sal", "mql, disqualified"),
    ("won", "lost", "none (it is final)"),
    ("won", "recycled", "none (it is final)"),
    ("mql", "mql", "sal, recycled, disqualified"),
]


def test_the_table_is_exactly_the_agreed_one():
    table = {(a, b) for a, nexts in TRANSITIONS.items() for b in nexts}
    assert table == set(ALLOWED) | {("disqualified", "inquiry")}
    assert set(TRANSITIONS) == set(STAGES)


@pytest.mark.parametrize(("from_stage", "to_stage"), ALLOWED)
def test_every_allowed_move_passes_for_anyone(from_stage, to_stage):
    check_transition(from_stage, to_stage, is_admin=False)
    check_transition(from_stage, to_stage, is_admin=True)


@pytest.mark.parametrize(("from_stage", "to_stage", "names"), REFUSED)
def test_a_refused_move_is_409_naming_the_allowed_next_stages(from_stage, to_stage, names):
    with pytest.raises(IllegalTransition) as refused:
        check_transition(from_stage, to_stage)
    assert refused.value.status == 409
    assert refused.value.message.endswith(f"allowed next: {names}")
    assert f"{from_stage} cannot move to {to_stage}" in refused.value.message


def test_only_an_admin_may_reopen_a_disqualified_lead():
    check_transition("disqualified", "inquiry", is_admin=True)
    with pytest.raises(Forbidden) as refused:
        check_transition("disqualified", "inquiry", is_admin=False)
    assert refused.value.status == 403


def test_a_non_admin_sees_no_way_out_of_disqualified():
    assert allowed_next("disqualified") == ()
    assert allowed_next("disqualified", is_admin=True) == ("inquiry",)
    with pytest.raises(IllegalTransition) as refused:
        check_transition("disqualified", "mql", is_admin=False)
    assert "none (it is final)" in refused.value.message


def test_an_unknown_stage_is_422():
    with pytest.raises(ValidationFailed) as refused:
        check_transition("mql", "hot")
    assert refused.value.status == 422
    assert refused.value.fields[0]["path"] == "stage"


def test_a_lead_may_pass_through_mql_again_after_recycling():
    path = ["inquiry", "mql", "sal", "recycled", "mql", "sal", "sql", "opportunity", "won"]
    for a, b in zip(path, path[1:], strict=False):
        check_transition(a, b)


@pytest.mark.parametrize(
    ("role", "stages"),
    [
        ("marketing", ("inquiry",)),
        ("sales_rep", ("inquiry", "sal", "sql")),
        ("sales_manager", ("inquiry", "sal", "sql")),
        ("admin", ("inquiry", "sal", "sql")),
    ],
)
def test_sales_may_create_leads_at_sal_or_sql_and_marketing_only_at_inquiry(role, stages):
    assert entry_stages(role) == stages
