"""What-if settings, the cost per channel and mix, and the commitment written into the YAML."""

import pytest

from baton.playbooks import default_playbook_text
from baton.rules.planning.commitment import monthly_commitment, with_commitments
from baton.rules.planning.funnel import MonthNeed
from baton.rules.planning.mix import Channel, channel_costs, suggest_mix
from baton.rules.planning.whatif import parse_overrides, response_rate, split_setting
from baton.rules.playbook import parse_playbook


def test_settings_parse_rates_deal_size_lead_volume_and_response_time():
    whatif, problems = parse_overrides(
        [("mql_to_sal", "0.6"), ("win_rate", "30%"), ("deal_size", "30000"), ("leads", "+20%"),
         ("response_hours", "1")]
    )  # fmt: skip
    assert problems == []
    assert whatif.rates == {"mql_to_sal": 0.6, "win_rate": 0.3}
    assert (whatif.deal_size, whatif.response_hours) == (30_000, 1)
    assert whatif.lead_factor == pytest.approx(1.2)
    assert parse_overrides([("leads", "-10%")])[0].lead_factor == pytest.approx(0.9)
    assert parse_overrides([("leads", "1.5")])[0].lead_factor == 1.5


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("mql_to_sal", "1.5", "a rate is between 0 and 1"),
        ("mql_to_sal", "lots", "'lots' is not a number"),
        ("deal_size", "-5", "must be positive"),
        ("deal_size", "nan", "'nan' is not a finite number"),
        ("leads", "-150%", "lead volume cannot fall below zero"),
        ("speed", "2", "unknown setting; settings are inquiry_to_mql"),
    ],
)
def test_a_bad_setting_is_named(key, value, message):
    _, [problem] = parse_overrides([(key, value)])
    assert problem["path"] == key and problem["message"].startswith(message)


def test_a_setting_needs_an_equals_sign():
    assert split_setting(" deal_size = 5 ") == ("deal_size", "5")
    with pytest.raises(ValueError, match="write key=value"):
        split_setting("deal_size")


def test_a_faster_response_raises_mql_to_sal_by_the_stated_elasticity():
    # 5 h -> 0.5 h is ten times faster: x 10 ** 0.1 = 1.2589...
    assert response_rate(0.5, 5, 0.5) == pytest.approx(0.5 * 10**0.1)
    assert response_rate(0.9, 5, 0.01) == 1.0
    assert response_rate(0.5, 5, 50) < 0.5


CHANNELS = [
    Channel("event", cost=30_000, mqls=60, won=6, monthly_max=20),  # own: 0.1 won/MQL
    Channel("web", cost=5_000, mqls=50, won=0, monthly_max=10),  # none won: the plan's 0.05
    Channel("email", cost=1_000, mqls=10, won=5, monthly_max=4),  # too few MQLs: 0.05
    Channel("partner", cost=0, mqls=0, won=0, monthly_max=0),  # no MQLs: no unit cost
]


def test_cost_per_channel_uses_its_own_conversion_only_with_enough_mqls():
    rows = {c.channel: c for c in channel_costs(CHANNELS, won_per_mql=0.05, won_deals=4, months=2,
                                                 min_sample=30)}  # fmt: skip
    event, web, email = rows["event"], rows["web"], rows["email"]
    assert (event.cost_per_mql, event.won_per_mql, event.cost_per_won) == (500, 0.1, 5_000)
    assert (web.cost_per_mql, web.won_per_mql, web.cost_per_won) == (100, 0.05, 2_000)
    assert (email.cost_per_mql, email.won_per_mql) == (100, 0.05)
    assert event.capacity_mqls == 20 * 1.5 * 2 and event.gap_mqls == 40
    assert event.cost_to_close == 20_000 and web.cost_to_close == 8_000
    assert rows["partner"].cost_per_won is None and rows["partner"].cost_to_close is None


def test_the_mix_fills_the_cheapest_won_deal_first_up_to_capacity():
    rows = channel_costs(CHANNELS, won_per_mql=0.05, won_deals=4, months=2, min_sample=30)
    # web then email (2,000 per won deal, 30 and 12 MQLs of capacity: 1.5 and 0.6 won), then
    # event (5,000) for the 1.9 left.
    mix = suggest_mix(rows, won_deals=4)
    got = [(m.channel, round(m.mqls, 6), round(m.won_deals, 6), round(m.cost, 6)) for m in mix]
    assert got == [("email", 12.0, 0.6, 1_200.0), ("web", 30.0, 1.5, 3_000.0),
                   ("event", 19.0, 1.9, 9_500.0)]  # fmt: skip


def test_a_budget_stops_the_mix():
    rows = channel_costs(CHANNELS, won_per_mql=0.05, won_deals=4, months=2, min_sample=30)
    mix = suggest_mix(rows, won_deals=4, budget=2_000)
    assert [(m.channel, round(m.cost, 6)) for m in mix] == [("email", 1_200.0), ("web", 800.0)]
    assert suggest_mix(rows, won_deals=0) == []


def test_the_commitment_is_the_plans_mqls_per_month_rounded_up():
    needs = [MonthNeed("2026-11", 30.2, 100, True), MonthNeed("2026-11", 10, 50),
             MonthNeed("2026-12", 20, 80)]  # fmt: skip
    assert monthly_commitment(needs) == 31  # 60.2 over two months
    assert monthly_commitment([]) == 0
    with pytest.raises(ValueError, match="conversion on the way to won is 0"):
        monthly_commitment([MonthNeed("2026-12", None, None)])


def test_commitments_are_written_into_the_sla_section_and_nothing_else_changes():
    text = default_playbook_text()
    new = with_commitments(text, {"analytics": 90, "payments": 60})
    before, after = parse_playbook(text), parse_playbook(new)
    assert [(c.product, c.region, c.mqls_per_month) for c in after.sla.marketing.commitments] == [
        ("analytics", None, 90), ("payments", None, 60),
    ]  # fmt: skip
    assert after.sla.sales == before.sla.sales and after.targets == before.targets
    assert after.model_dump(exclude={"sla"}) == before.model_dump(exclude={"sla"})
    assert "# Revenue targets" in new  # comments outside `sla` are kept
    again = with_commitments(new, {"analytics": 100})
    assert [c.mqls_per_month for c in parse_playbook(again).sla.marketing.commitments] == [100, 60]


def test_a_document_without_an_sla_section_gets_one():
    from tests.rules.test_playbook import SMALL

    new = with_commitments(SMALL, {"payments": 12})
    assert parse_playbook(new).sla.marketing.commitment_for("payments") == 12
