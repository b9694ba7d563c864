"""The playbook's `targets` section: periods, known products, one currency, no double counts."""

import pytest

from baton.playbooks import default_playbook_text
from baton.rules.playbook import PlaybookError, diff_playbooks, parse_playbook
from baton.rules.playbook.targets import quarter_of
from tests.rules.test_playbook import SMALL


def errors_of(text: str) -> list[str]:
    with pytest.raises(PlaybookError) as caught:
        parse_playbook(text)
    return [str(e) for e in caught.value.errors]


def with_targets(*lines: str) -> str:
    return SMALL + "targets:\n" + "".join(f"  - {line}\n" for line in lines)


def test_the_default_playbook_has_targets_for_the_next_quarters():
    playbook = parse_playbook(default_playbook_text())
    q1 = {t.product: t.revenue for t in playbook.targets if t.period == "2027-Q1"}
    assert q1 == {"analytics": 500_000, "payments": 350_000}


def test_a_target_line_is_read_with_its_team_product_and_amount():
    [line] = parse_playbook(
        with_targets("{period: 2027-02, team: EMEA, product: analytics, revenue: 1200000.5}")
    ).targets
    assert (line.period, line.team, line.product, line.revenue) == (
        "2027-02", "EMEA", "analytics", 1_200_000.5,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{period: 2027-13, revenue: 5}", "targets[0].period: must be a month like 2027-01"),
        ("{period: Q1-2027, revenue: 5}", "targets[0].period: must be a month like 2027-01"),
        ("{period: 2027-Q1, revenue: 0}", "targets[0].revenue: must be greater than 0"),
        ("{period: 2027-Q1, revenue: lots}", "targets[0].revenue: must be a number"),
        ("{period: 2027-Q1}", "targets[0].revenue: is required"),
        ("{period: 2027-Q1, revenue: 5, quota: 3}", "targets[0].quota: unknown key"),
        ("{period: 2027-Q1, product: shoes, revenue: 5}",
         "targets[0].product: unknown product 'shoes'; products are analytics, payments"),
        ("{period: 2027-Q1, revenue: 5, currency: USD}",
         "targets[0].currency: must be the company currency EUR"),
    ],
)  # fmt: skip
def test_a_bad_target_line_names_its_path_and_line(line, message):
    [error] = errors_of(with_targets(line))
    assert error.startswith(message), error
    assert "(line 19)" in error


def test_a_line_given_twice_is_refused():
    errors = errors_of(
        with_targets(
            "{period: 2027-Q1, product: analytics, revenue: 5}",
            "{period: 2027-Q1, product: Analytics, revenue: 6}",
        )
    )
    assert errors == ["targets[1]: repeats targets[0] (same period, team and product) (line 20)"]


def test_one_quarters_lines_must_split_the_same_way():
    errors = errors_of(with_targets("{period: 2027-Q1, revenue: 500}",
                                    "{period: 2027-02, team: EMEA, revenue: 100}",
                                    "{period: 2027-Q2, team: EMEA, revenue: 100}"))  # fmt: skip
    assert errors == [
        "targets[1]: names team but targets[0] of 2027-Q1 names neither team nor product: one "
        "quarter's lines must split the same way (line 20)"
    ]


def test_a_quarter_and_its_month_are_not_both_given():
    errors = errors_of(
        with_targets(
            "{period: 2027-Q1, product: payments, revenue: 500}",
            "{period: 2027-03, product: payments, revenue: 100}",
        )
    )
    assert errors == [
        "targets[1].period: falls in 2027-Q1, which targets[0] sets as a whole: give the quarter "
        "or its months, not both (line 20)"
    ]


def test_months_map_to_fiscal_quarters():
    assert quarter_of("2027-03") == "2027-Q1"
    assert quarter_of("2027-07", fiscal_start_month=7) == "2028-Q1"
    assert quarter_of("2027-06", fiscal_start_month=7) == "2027-Q4"
    assert quarter_of("2027-Q2") == "2027-Q2"


def test_a_changed_target_shows_in_the_diff():
    a = parse_playbook(with_targets("{period: 2027-Q1, revenue: 500}"))
    b = parse_playbook(with_targets("{period: 2027-Q1, revenue: 600}"))
    assert any("targets" in line and "600" in line for line in diff_playbooks(a, b))
