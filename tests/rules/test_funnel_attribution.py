"""Attribution of deals and revenue to programs and channels: first, last and linear touch."""

from decimal import Decimal

import pytest

from baton.rules.funnel import Deal, Touch, attribute, attribution, split
from tests.rules.funnel_data import utc

# Lead 1: webinar (event), ebook (web), demo (web) before its 900 deal on Jan 20, and a
# newsletter after it, which must not count. Lead 2: ebook (web) then a 300 deal.
# Lead 3: a 100 deal and no touches at all.
TOUCHES = [
    Touch(1, utc(2025, 1, 1), "webinar", "event"),
    Touch(1, utc(2025, 1, 10), "demo", "web"),
    Touch(1, utc(2025, 1, 5), "ebook", "web"),
    Touch(1, utc(2025, 2, 1), "newsletter", "email"),
    Touch(2, utc(2025, 1, 3), "ebook", "web"),
]
DEALS = [
    Deal(1, Decimal("900"), utc(2025, 1, 20)),
    Deal(2, Decimal("300"), utc(2025, 1, 4)),
    Deal(3, Decimal("100"), utc(2025, 1, 4)),
]


def revenue(model: str, dimension: str) -> dict:
    return {c.key: c.revenue for c in attribute(TOUCHES, DEALS, model=model, dimension=dimension)}


@pytest.mark.parametrize(
    ("model", "dimension", "expected"),
    [
        # First touch: lead 1 -> webinar 900, lead 2 -> ebook 300, lead 3 -> nobody 100.
        ("first_touch", "program", {"webinar": 900, "ebook": 300, None: 100}),
        ("last_touch", "program", {"demo": 900, "ebook": 300, None: 100}),
        # Linear: lead 1's 900 in three: 300 each; ebook also gets lead 2's 300.
        ("linear", "program", {"ebook": 600, "webinar": 300, "demo": 300, None: 100}),
        ("first_touch", "channel", {"event": 900, "web": 300, None: 100}),
        ("last_touch", "channel", {"web": 1200, None: 100}),
        # web: 2 of lead 1's 3 touches (600) + lead 2 (300).
        ("linear", "channel", {"web": 900, "event": 300, None: 100}),
    ],
)
def test_credit_by_hand(model, dimension, expected) -> None:
    assert revenue(model, dimension) == {k: Decimal(v) for k, v in expected.items()}


def test_linear_deal_credit_is_split_like_the_revenue() -> None:
    credits = {
        c.key: c.deals for c in attribute(TOUCHES, DEALS, model="linear", dimension="program")
    }
    assert credits == pytest.approx({"ebook": 1 + 1 / 3, "webinar": 1 / 3, "demo": 1 / 3, None: 1})


def test_credits_come_largest_first_and_unattributed_last_among_equals() -> None:
    keys = [c.key for c in attribute(TOUCHES, DEALS, model="linear", dimension="program")]
    assert keys[0] == "ebook" and keys[-1] is None


def test_a_touch_at_the_deal_time_counts_and_one_without_the_dimension_does_not() -> None:
    touches = [Touch(1, utc(2025, 1, 1), None, "web"), Touch(1, utc(2025, 1, 20), "demo", None)]
    deal = [Deal(1, Decimal("50"), utc(2025, 1, 20))]
    assert {c.key for c in attribute(touches, deal, model="first_touch", dimension="program")} == {
        "demo"
    }
    assert {c.key for c in attribute(touches, deal, model="last_touch", dimension="channel")} == {
        "web"
    }


def test_every_model_and_dimension_adds_up_to_the_revenue() -> None:
    credits = attribution(TOUCHES, DEALS)
    assert len({(c.model, c.dimension) for c in credits}) == 6
    for model in ("first_touch", "last_touch", "linear"):
        for dimension in ("program", "channel"):
            part = [c for c in credits if (c.model, c.dimension) == (model, dimension)]
            assert sum(c.revenue for c in part) == Decimal("1300")


@pytest.mark.parametrize(
    ("amount", "parts", "shares"),
    [
        (Decimal("100"), 3, ["33.34", "33.33", "33.33"]),
        (Decimal("0.05"), 2, ["0.03", "0.02"]),
        (Decimal("0.001"), 2, ["0.001", "0.000"]),  # finer than a cent: its own precision
        (Decimal("-10"), 3, ["-3.33", "-3.33", "-3.34"]),
        (7, 2, ["3.50", "3.50"]),
    ],
)
def test_split_is_exact_to_the_cent(amount, parts, shares) -> None:
    assert split(amount, parts) == [Decimal(s) for s in shares]
    assert sum(split(amount, parts)) == amount


def test_split_divides_floats_and_keeps_a_single_share_as_is() -> None:
    assert split(1.0, 4) == [0.25] * 4
    assert split(7, 1) == [7]


def test_unknown_model_is_refused() -> None:
    with pytest.raises(ValueError, match="model"):
        attribute(TOUCHES, DEALS, model="u_shaped", dimension="program")
