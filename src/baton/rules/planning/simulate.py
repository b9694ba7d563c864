"""Uncertainty: a Monte Carlo of the period's revenue over conversions and deal sizes.

Each draw takes every measured rate from its Beta posterior with the Haldane prior,
Beta(converted, entered - converted), whose mean is exactly the measured converted / entered
(so the simulation's mean IS the plan's expected revenue; a rate measured as 0 or 1 stays
there, and an override is fixed). Given the rates, each open deal wins with its chance times
its timing share; the leads in flight of a stage win Poisson(sum of timing shares x
conversion to won) deals (Le Cam: a sum of independent rare Bernoullis with different
chances), each deal's amount bootstrapped from the won amounts behind the deal size (fixed
when the deal size is an override or nothing was won). Above EXACT_DEALS open deals, or
_MAX_CELLS bootstrapped amounts, sums are drawn from their normal approximation with the
exact mean and variance (floored at 0). Seeded; numpy-vectorised.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from baton.rules.planning.gap import OpenDeal, StageExpectation, Window, deal_shares
from baton.rules.planning.model import ALL_RATES, RECYCLED, STEPS, Assumptions

DRAWS = 10_000
SEED = 20_270_101
_MAX_CELLS = 4_000_000  # draws x wins; above it, sums of bootstrapped deal sizes go normal
EXACT_DEALS = 256  # open deals drawn one by one; above it, their sum goes normal


@dataclass(frozen=True, slots=True)
class Simulation:
    """Revenue in the period over `draws` draws: quantiles, mean, its standard error, P(target)."""

    draws: int
    seed: int
    p10: float
    p50: float
    p90: float
    mean: float
    standard_error: float
    probability_of_target: float


def draw_rates(a: Assumptions, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """n draws of every rate: Beta(c, n - c) for measured ones, constant otherwise."""
    out = {}
    for key in ALL_RATES:
        rate = a.rates[key]
        c, total = rate.converted, rate.entered
        if rate.scope == "override" or total == 0 or c in (0, total):
            out[key] = np.full(n, a.rate(key))
        else:
            out[key] = rng.beta(c, total - c, size=n)
    return out


def to_won_draws(rates: dict[str, np.ndarray], stage: str) -> np.ndarray:
    """Per draw, the conversion to won from `stage` (the product of the step rates)."""
    if stage == "recycled":
        return rates[RECYCLED] * to_won_draws(rates, "mql")
    starts = [frm for _, frm, _ in STEPS]
    result = np.ones_like(rates["win_rate"])
    for key, _, _ in STEPS[starts.index(stage) :]:
        result = result * rates[key]
    return result


def simulate(
    *,
    target: float,
    won: float,
    deals: Sequence[OpenDeal],
    flight: Sequence[StageExpectation],
    assumptions: Assumptions,
    window: Window,
    draws: int = DRAWS,
    seed: int = SEED,
) -> Simulation:
    """P10, P50, P90 and mean of the period's revenue, and the chance it reaches `target`."""
    if draws < 2:
        raise ValueError("the simulation needs at least 2 draws")
    rng = np.random.default_rng(seed)
    rates = draw_rates(assumptions, draws, rng)
    revenue = np.full(draws, float(won))
    revenue += _pipeline(deals, assumptions, window, rates["win_rate"], rng)
    wins = np.zeros(draws, dtype=np.int64)
    for row in flight:
        if row.in_period > 0:
            wins += rng.poisson(row.in_period * to_won_draws(rates, row.stage))
    revenue += _deal_sums(wins, assumptions, rng)
    p10, p50, p90 = np.percentile(revenue, [10, 50, 90])
    return Simulation(
        draws, seed, float(p10), float(p50), float(p90), float(revenue.mean()),
        float(revenue.std(ddof=1) / np.sqrt(draws)), float((revenue >= target).mean()),
    )  # fmt: skip


def _pipeline(
    deals: Sequence[OpenDeal], a: Assumptions, window: Window, win: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:  # fmt: skip
    """Per draw, the revenue of the open deals that win (each with chance x timing share)."""
    total = np.zeros(len(win))
    if not deals:
        return total
    amounts = np.array([d.amount for d in deals], dtype=float)
    timing = deal_shares(deals, a, window)
    fixed = np.array([d.probability is not None for d in deals])
    given = np.array([d.probability or 0.0 for d in deals], dtype=float) * timing
    if len(deals) > EXACT_DEALS:
        return _pipeline_normal(amounts, timing, fixed, given, win, rng)
    chance = np.where(fixed, given, win[:, None] * timing)
    return (rng.random(chance.shape) < chance) @ amounts


def _pipeline_normal(amounts, timing, fixed, given, win, rng) -> np.ndarray:
    """Many deals: their sum is normal with the exact mean and variance given each draw's
    win rate (Lyapunov's CLT), floored at 0; O(draws) instead of O(draws x deals)."""
    a, t, g = amounts[~fixed], timing[~fixed], given[fixed]
    s1, s2, s3 = (a * t).sum(), (a * a * t).sum(), (a * a * t * t).sum()
    fixed_mean = (amounts[fixed] * g).sum()
    fixed_var = (amounts[fixed] ** 2 * g * (1 - g)).sum()
    mean = fixed_mean + win * s1
    var = np.maximum(fixed_var + win * s2 - win * win * s3, 0.0)
    return np.maximum(mean + np.sqrt(var) * rng.standard_normal(len(win)), 0.0)


def _deal_sums(wins: np.ndarray, a: Assumptions, rng: np.random.Generator) -> np.ndarray:
    """Per draw, the sum of `wins` deal amounts (bootstrapped, or the fixed deal size)."""
    sizes = np.asarray(a.deal_sizes, dtype=float)
    if a.deal_scope == "override" or sizes.size == 0:
        return wins * a.deal_size
    most = int(wins.max(initial=0))
    if most == 0:
        return np.zeros(len(wins))
    if most * len(wins) <= _MAX_CELLS:
        picks = rng.choice(sizes, size=(len(wins), most))
        picks[np.arange(most)[None, :] >= wins[:, None]] = 0.0
        return picks.sum(axis=1)
    # Many deals per draw: the sum of k bootstrapped amounts is normal to a fine approximation.
    mean, sd = sizes.mean(), sizes.std()
    return wins * mean + np.sqrt(wins) * sd * rng.standard_normal(len(wins))
