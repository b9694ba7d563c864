from datetime import UTC, datetime

import pytest

from baton import models
from baton.rules.mapping import (
    CHANNELS,
    GENERIC,
    HUBSPOT,
    SALESFORCE,
    RowMapper,
    detect,
    map_channel,
    map_stage,
    mapping_from_dict,
    parse_created,
    snake_case,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HUBSPOT_HEADERS = [
    "First Name",
    "Last Name",
    "Email",
    "Phone Number",
    "Company Name",
    "Job Title",
    "Country/Region",
    "State/Region",
    "Lifecycle Stage",
    "Lead Status",
    "Original Source",
    "Create Date",
]
SALESFORCE_HEADERS = [
    "FirstName",
    "LastName",
    "Email",
    "Phone",
    "Company",
    "Title",
    "Country",
    "State",
    "LeadSource",
    "Status",
    "Industry",
    "NumberOfEmployees",
    "CreatedDate",
]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Lead Status", "lead_status"),
        ("NumberOfEmployees", "number_of_employees"),
        ("Country/Region", "country_region"),
        ("  Favourite colour ", "favourite_colour"),
        ("utm_source", "utm_source"),
        ("???", "column"),
    ],
)
def test_headers_become_snake_case_property_keys(header, key):
    assert snake_case(header) == key


@pytest.mark.parametrize(
    ("headers", "name"),
    [
        (HUBSPOT_HEADERS, "hubspot"),
        (SALESFORCE_HEADERS, "salesforce"),
        (["email", "first_name", "stage"], "generic"),
        (["Email", "Colour"], "generic"),
        ([" first name ", "EMAIL", "lifecycle stage"], "hubspot"),
    ],
)
def test_detection_picks_the_mapping_that_knows_most_headers(headers, name):
    assert detect(headers).name == name


@pytest.mark.parametrize(
    ("label", "stage"),
    [
        ("subscriber", "inquiry"),
        ("Lead", "inquiry"),
        ("other", "inquiry"),
        ("marketingqualifiedlead", "mql"),
        ("Marketing Qualified Lead", "mql"),
        ("salesqualifiedlead", "sql"),
        ("opportunity", "opportunity"),
        ("customer", "won"),
        ("Evangelist", "won"),
        ("Open - Not Contacted", "inquiry"),
        ("Working - Contacted", "sal"),
        ("Nurturing", "recycled"),
        ("Qualified", "sql"),
        ("Closed - Converted", "opportunity"),
        ("Closed - Not Converted", "disqualified"),
        ("sal", "sal"),
        ("LOST", "lost"),
    ],
)
def test_crm_stage_labels_map_to_baton_stages(label, stage):
    assert map_stage(label, {}) == stage


def test_an_unknown_stage_label_is_an_error_naming_it():
    with pytest.raises(ValueError, match="unknown stage 'Hot prospect'"):
        map_stage("Hot prospect", {})
    assert map_stage("Hot prospect", {"hotprospect": "mql"}) == "mql"


@pytest.mark.parametrize(
    ("label", "channel"),
    [
        ("Organic Search", "web"),
        ("Paid Search", "paid_search"),
        ("Email Marketing", "email"),
        ("Offline Sources", "event"),
        ("Trade Show", "event"),
        ("Partner Referral", "partner"),
        ("Phone Inquiry", "teleprospecting"),
        ("direct_mail", "direct_mail"),
        ("Carrier pigeon", "other"),
    ],
)
def test_source_labels_map_to_channels_and_unknown_ones_to_other(label, channel):
    assert map_channel(label, {}) == channel


def test_every_channel_the_mapping_knows_is_a_model_channel():
    assert set(CHANNELS) == set(models.CHANNELS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-01", datetime(2024, 3, 1, tzinfo=UTC)),
        ("2024-03-01 10:30", datetime(2024, 3, 1, 10, 30, tzinfo=UTC)),
        ("2024/03/01 10:30", datetime(2024, 3, 1, 10, 30, tzinfo=UTC)),
        ("2024-03-01T10:30:00.000+0000", datetime(2024, 3, 1, 10, 30, tzinfo=UTC)),
        ("2024-03-01T10:30:00Z", datetime(2024, 3, 1, 10, 30, tzinfo=UTC)),
        ("2024-03-01T12:30:00+02:00", datetime(2024, 3, 1, 10, 30, tzinfo=UTC)),
    ],
)
def test_created_dates_are_read_as_aware_utc(raw, expected):
    parsed = parse_created(raw, now=NOW)
    assert parsed == expected and parsed.tzinfo is UTC


@pytest.mark.parametrize(
    ("raw", "message"),
    [("yesterday", "unreadable date"), ("03/01/2024", "unreadable date"), ("2027-01-01", "future")],
)
def test_unreadable_or_future_created_dates_are_refused(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_created(raw, now=NOW)


def test_a_hubspot_row_maps_fields_stage_channel_date_and_properties():
    mapper = RowMapper(HUBSPOT, [*HUBSPOT_HEADERS, "Favourite Colour"], now=NOW)
    row = {
        "First Name": " Ann ",
        "Last Name": "",
        "Email": "ann@acme.io",
        "Country/Region": "Germany",
        "Lifecycle Stage": "Marketing Qualified Lead",
        "Lead Status": "NEW",
        "Original Source": "Organic Search",
        "Create Date": "2024-03-01 10:00",
        "Favourite Colour": "blue",
    }
    mapped = mapper.map(row)
    assert mapped.errors == []
    assert mapped.created_at == datetime(2024, 3, 1, 10, tzinfo=UTC)
    assert mapped.item == {
        "first_name": "Ann",
        "email": "ann@acme.io",
        "country": "Germany",
        "stage": "mql",
        "channel": "web",
        "source": "hubspot",
        "properties": {
            "lead_status": "NEW",
            "original_source": "Organic Search",
            "favourite_colour": "blue",
        },
    }


def test_a_salesforce_row_keeps_employees_as_a_number_and_reports_bad_cells():
    mapper = RowMapper(SALESFORCE, SALESFORCE_HEADERS, now=NOW, source="sfdc", program_id=7)
    good = mapper.map({"Email": "a@b.io", "NumberOfEmployees": "1,200", "Industry": "Retail"})
    assert good.item["properties"] == {"employees": 1200, "industry": "Retail"}
    assert good.item["source"] == "sfdc" and good.item["program_id"] == 7
    bad = mapper.map({"Email": "a@b.io", "Status": "Hot", "CreatedDate": "soon", None: ["x"]})
    assert [column for column, _ in bad.errors] == ["Status", "CreatedDate", ""]


def test_a_file_without_email_or_external_id_column_cannot_be_identified():
    assert RowMapper(HUBSPOT, ["First Name"], now=NOW).missing_identity()
    assert RowMapper(GENERIC, ["external_id"], now=NOW).missing_identity()
    assert RowMapper(GENERIC, ["external_id"], now=NOW, source="crm").missing_identity() is None
    assert RowMapper(HUBSPOT, ["Record ID"], now=NOW).missing_identity() is None


def test_errors_name_the_column_that_fed_the_field():
    mapper = RowMapper(HUBSPOT, HUBSPOT_HEADERS, now=NOW)
    assert mapper.column_for("country") == "Country/Region"
    assert mapper.column_for("") == "Email"
    assert mapper.column_for("owner_id") == ""


def test_a_yaml_mapping_names_columns_stages_and_source():
    mapping = mapping_from_dict(
        "crm",
        {
            "source": "crm",
            "columns": {"E-Mail": "email", "Phase": "stage", "Junk": None, "Score": "properties.s"},
            "stages": {"Hot": "mql"},
        },
    )
    mapper = RowMapper(mapping, ["E-Mail", "Phase", "Junk", "Score", "Other"], now=NOW)
    mapped = mapper.map(
        {"E-Mail": "a@b.io", "Phase": "hot", "Junk": "x", "Score": "9", "Other": "y"}
    )
    assert mapped.item == {
        "email": "a@b.io",
        "stage": "mql",
        "source": "crm",
        "properties": {"s": "9", "other": "y"},
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([], "YAML mapping"),
        ({"columns": {}}, "names no columns"),
        ({"Mail": "e_mail"}, "unknown target 'e_mail'"),
        ({"columns": {"Mail": "email"}, "stages": {"Hot": "warm"}}, "unknown stage 'warm'"),
        ({"columns": {"Mail": "email"}, "channels": {"Fair": "fairs"}}, "unknown channel"),
    ],
)
def test_a_bad_yaml_mapping_is_refused_with_the_reason(spec, message):
    with pytest.raises(ValueError, match=message):
        mapping_from_dict("bad", spec)
