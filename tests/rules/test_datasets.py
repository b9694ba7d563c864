"""The data set mappings on small texts written here (never slices of the real files)."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from baton.rules.mapping.datasets import DATASETS, map_row, parse_rows, read_rows
from baton.rules.mapping.timeline import MONTHS, assign_times, month_number, stage_path
from baton.rules.playbook.properties import Property

BANK_HEADER = (
    '"age";"job";"marital";"education";"default";"housing";"loan";"contact";"month";'
    '"day_of_week";"duration";"campaign";"pdays";"previous";"poutcome";"emp.var.rate";'
    '"cons.price.idx";"cons.conf.idx";"euribor3m";"nr.employed";"y"'
)


def bank_line(age="41", pdays="999", month="may", y="no", job="technician", duration="300"):
    return (
        f'{age};"{job}";"married";"university.degree";"no";"yes";"no";"cellular";"{month}";'
        f'"tue";{duration};2;{pdays};1;"failure";-1.8;92.893;-46.2;1.299;5099.1;"{y}"'
    )


SHOPPERS_HEADER = (
    "Administrative,Administrative_Duration,Informational,Informational_Duration,"
    "ProductRelated,ProductRelated_Duration,BounceRates,ExitRates,PageValues,SpecialDay,"
    "Month,OperatingSystems,Browser,Region,TrafficType,VisitorType,Weekend,Revenue"
)


def shoppers_line(first="2,30.5,0,0", month="June", revenue="TRUE", tail="3,2,1,4"):
    return f"{first},12,640.25,0.01,0.03,18.7,0,{month},{tail},New_Visitor,TRUE,{revenue}"


def test_bank_row_maps_every_column_to_a_typed_property():
    [row] = parse_rows("bank", [BANK_HEADER, bank_line(pdays="6", y="yes")])
    assert row.line == 2
    assert row.errors == []
    assert row.outcome == "won"
    assert row.fields == {
        "external_id": "2",
        "source": "uci-bank-marketing",
        "channel": "teleprospecting",
    }
    assert row.properties == {
        "age": 41,
        "job": "technician",
        "marital": "married",
        "education": "university.degree",
        "credit_default": "no",
        "housing_loan": "yes",
        "personal_loan": "no",
        "contact_type": "cellular",
        "contact_month": "may",
        "contact_day": "tue",
        "campaign_contacts": 2,
        "days_since_previous": 6,
        "previously_contacted": True,
        "previous_contacts": 1,
        "previous_outcome": "failure",
        "emp_var_rate": -1.8,
        "cons_price_idx": 92.893,
        "cons_conf_idx": -46.2,
        "euribor3m": 1.299,
        "nr_employed": 5099.1,
    }
    assert row.month == 5


def test_bank_duration_is_never_imported_because_it_leaks_the_outcome():
    [row] = parse_rows("bank", [BANK_HEADER, bank_line(duration="4918")])
    assert 4918 not in row.properties.values()
    assert "duration" in DATASETS["bank"].excluded
    assert all("duration" not in p.name for p in DATASETS["bank"].properties)


def test_bank_pdays_999_means_never_contacted():
    [row] = parse_rows("bank", [BANK_HEADER, bank_line(pdays="999")])
    assert row.properties["days_since_previous"] is None
    assert row.properties["previously_contacted"] is False
    assert row.outcome == "lost"


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        (bank_line(age="old"), "age", '"old" is not a number'),
        (bank_line(age="-3"), "age", "-3 is below the minimum 0"),
        (bank_line(job="astronaut"), "job", '"astronaut" is not one of admin., blue-collar'),
        (bank_line(y="maybe"), "y", '"maybe": the outcome must be yes or no'),
        (bank_line(age=""), "age", "missing value"),
    ],
)
def test_bad_bank_cells_are_reported_with_column_and_reason(line, column, reason):
    [row] = parse_rows("bank", [BANK_HEADER, line])
    [(got_column, message)] = row.errors
    assert got_column == column
    assert message.startswith(reason)


def test_shoppers_row_maps_codes_as_categories_and_june_as_jun():
    [row] = parse_rows("shoppers", [SHOPPERS_HEADER, shoppers_line()])
    assert row.errors == []
    assert row.outcome == "won"
    assert row.fields["channel"] == "web"
    props = row.properties
    assert props["administrative_pages"] == 2
    assert props["administrative_duration"] == 30.5
    assert props["product_duration"] == 640.25
    assert props["session_month"] == "jun"
    assert (props["operating_system"], props["browser"], props["region_code"]) == ("3", "2", "1")
    assert props["traffic_type"] == "4"
    assert props["visitor_type"] == "New_Visitor"
    assert props["weekend"] is True
    assert row.month == 6


def test_shoppers_blank_cells_and_minus_one_durations_are_bad_rows_not_exceptions():
    text = [
        SHOPPERS_HEADER,
        shoppers_line(),
        shoppers_line(first=",,,"),
        shoppers_line(first="0,-1,0,-1"),
        shoppers_line(revenue="FALSE"),
    ]
    rows = read_rows("shoppers", text)
    assert rows.total == 4
    assert rows.lines == [2, 5]
    assert rows.outcomes == [1, 0]
    assert [b.line for b in rows.bad] == [3, 4]
    assert rows.bad[0].errors[0] == ("Administrative", "missing value")
    assert len(rows.bad[0].errors) == 4
    assert rows.bad[1].errors == [
        ("Administrative_Duration", "-1: the duration is unknown"),
        ("Informational_Duration", "-1: the duration is unknown"),
    ]


def test_a_file_without_the_expected_columns_is_refused():
    with pytest.raises(ValueError, match="not the bank file: it lacks the column"):
        list(parse_rows("bank", [SHOPPERS_HEADER, shoppers_line()]))


def test_extra_cells_are_a_row_error():
    row = map_row("bank", 7, {None: ["x"]})  # type: ignore[dict-item]
    assert ("", "the row has more values than the header has columns") in row.errors


def test_declared_schemas_are_valid_playbook_properties():
    for spec in DATASETS.values():
        declared = [Property.model_validate(p) for p in spec.schema()]
        assert [p.name for p in declared] == [p.name for p in spec.properties]
        mapped = set(spec.columns.values()) | {"previously_contacted"}
        assert {p.name for p in declared} <= mapped


@pytest.mark.parametrize(
    ("text", "number"), [("may", 5), ("June", 6), ("Dec", 12), (" jan ", 1), ("", None)]
)
def test_month_number(text, number):
    assert month_number(text) == number


def test_ordered_months_start_a_new_year_when_the_month_goes_back():
    times = assign_times([11, 12, 3, None, 3], first_year=2008, ordered=True)
    assert [(t.year, t.month) for t in times if t] == [(2008, 11), (2008, 12), (2009, 3), (2009, 3)]
    assert times[3] is None
    # two March rows share the month evenly, in file order: at 1/4 and 3/4 of its 31 days
    assert times[2] == datetime(2009, 3, 1, tzinfo=UTC) + timedelta(days=31 * 0.25)
    assert times[4] == datetime(2009, 3, 1, tzinfo=UTC) + timedelta(days=31 * 0.75)


def test_unordered_months_stay_in_one_year():
    times = assign_times([11, 2, 11], first_year=2017, ordered=False)
    assert [(t.year, t.month) for t in times if t] == [(2017, 11), (2017, 2), (2017, 11)]
    assert times[0] < times[2]


def test_stage_paths_reach_the_outcome_after_a_delay():
    t = datetime(2009, 3, 1, tzinfo=UTC)
    won = stage_path(t, "won", 20)
    assert [s for s, _ in won] == ["inquiry", "mql", "sal", "sql", "opportunity", "won"]
    assert won[1][1] == t
    assert won[-1][1] == t + timedelta(days=7 + 20 % 14)
    lost = stage_path(t, "lost", 9)
    assert lost == [("inquiry", t), ("mql", t), ("disqualified", t + timedelta(days=5))]


BANK_JOBS = next(p.choices for p in DATASETS["bank"].properties if p.name == "job")


@given(
    age=st.integers(17, 98),
    job=st.sampled_from(BANK_JOBS or []),
    month=st.sampled_from(MONTHS),
    pdays=st.integers(0, 998) | st.just(999),
    y=st.sampled_from(["yes", "no"]),
)
def test_any_valid_bank_row_maps_cleanly_and_keeps_its_values(age, job, month, pdays, y):
    line = bank_line(age=str(age), job=job, month=month, pdays=str(pdays), y=y)
    [row] = parse_rows("bank", [BANK_HEADER, line])
    assert row.errors == []
    assert (row.properties["age"], row.properties["job"]) == (age, job)
    assert row.properties["contact_month"] == month and row.month == MONTHS.index(month) + 1
    assert row.properties["days_since_previous"] == (None if pdays == 999 else pdays)
    assert row.properties["previously_contacted"] is (pdays != 999)
    assert row.outcome == ("won" if y == "yes" else "lost")


@given(st.lists(st.integers(1, 12) | st.none(), max_size=40), st.booleans())
def test_synthetic_times_fall_in_their_month_and_keep_file_order_within_it(months, ordered):
    times = assign_times(months, first_year=2008, ordered=ordered)
    assert [t is None for t in times] == [m is None for m in months]
    dated = [(m, t) for m, t in zip(months, times, strict=True) if t is not None]
    assert all(t.month == m for m, t in dated)
    if ordered:
        assert [t for _, t in dated] == sorted(t for _, t in dated)
