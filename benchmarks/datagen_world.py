"""The shared part of a data set: users, accounts, programs, and each lead's plan."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

from benchmarks import datagen_vocab as v

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = 1_000_000  # microseconds per second
DAY_US = 86_400 * US
SPAN_DAYS = 365
MAX_WALK = 40  # stage rows per lead, unless the shape asks for more on average


@dataclass(frozen=True)
class Shape:
    """How much of each table to write."""

    leads: int
    events: int = 0
    stage_changes: int = 0
    programs: int = 20
    users: int = 20
    with_changes: bool = False

    def check(self) -> None:
        """Refuse shapes the generator cannot honour exactly."""
        if min(self.leads, self.events, self.stage_changes, self.programs, self.users) < 0:
            raise ValueError("counts must not be negative")
        if self.events and not self.leads:
            raise ValueError("events need leads")
        if self.stage_changes and self.stage_changes < self.leads:
            raise ValueError("every lead has its entry row: stage_changes must be 0 or >= leads")


@dataclass(frozen=True)
class Ids:
    """The first id of each table this run writes (rows already there are kept)."""

    user: int
    account: int
    program: int
    lead: int


@dataclass
class World:
    """What every chunk of leads draws from; computed once, deterministically."""

    shape: Shape
    ids: Ids
    end_us: int
    users: list[tuple]
    accounts: list[tuple]
    programs: list[tuple]
    rep_ids: np.ndarray
    admin_id: int | None
    account_cdf: np.ndarray
    account_name: np.ndarray
    account_domain: np.ndarray
    account_country: np.ndarray
    account_owner: np.ndarray
    program_cumw: np.ndarray
    program_start_us: np.ndarray
    program_channel: np.ndarray
    lead_created_us: np.ndarray
    event_counts: np.ndarray
    walk_lengths: np.ndarray


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (moment - EPOCH) // timedelta(microseconds=1)


def sql_times(us: np.ndarray) -> list[str]:
    """'YYYY-MM-DD HH:MM:SS.ffffff' strings, exactly as SQLAlchemy's SQLite dialect writes them."""
    text = np.datetime_as_string(np.asarray(us, dtype="datetime64[us]"), unit="us")
    if len(text):
        text.view(np.uint32).reshape(len(text), -1)[:, 10] = ord(" ")  # 'T' -> ' ', vectorised
    return text.tolist()


def pick(rng: np.random.Generator, cdf: np.ndarray, n: int) -> np.ndarray:
    """n indexes drawn with the probabilities whose cumulative sums are `cdf`."""
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def nullable(values: np.ndarray) -> list:
    """A list of ints with the negative ones (the 'none' marker) as None."""
    out = values.astype(object)
    out[values < 0] = None
    return out.tolist()


def build_world(shape: Shape, ids: Ids, seed: int, end: datetime) -> World:
    """Users, accounts and programs as rows, and each lead's time, events and walk length."""
    shape.check()
    rng = np.random.default_rng([seed, 0])
    end_us = to_us(end)
    now_text = sql_times(np.array([end_us - SPAN_DAYS * DAY_US]))[0]
    users, rep_ids, admin_id = _users(rng, shape.users, ids.user, now_text)
    n_accounts = max(1, shape.leads // 20) if shape.leads else 0
    accounts, account_cdf, account_country, account_owner = _accounts(
        rng, n_accounts, ids.account, rep_ids, now_text
    )
    programs, program_cumw, program_start, program_channel = _programs(
        rng, shape.programs, ids.program, end
    )
    created = _lead_times(rng, shape.leads, end_us)
    # Engagement is heavy-tailed (a few leads do most things) and grows with time on file.
    age = (end_us - created) / (SPAN_DAYS * DAY_US)
    activity = np.minimum(rng.pareto(1.6, shape.leads) + 0.05, 40.0) * np.sqrt(age)
    event_counts = _spread(rng, shape.events, activity)
    walk_lengths = np.zeros(shape.leads, dtype=np.int64)
    if shape.stage_changes:
        # Engaged leads move further; capped, so no walk is an endless loop of recycles.
        keen = np.minimum(activity / max(activity.mean(), 1e-9), 5.0)
        pull = rng.exponential(1.0, shape.leads) * (0.5 + keen)
        extra = shape.stage_changes - shape.leads
        cap = max(MAX_WALK, -(-extra // shape.leads) * 2)  # about six trips round the funnel
        walk_lengths = 1 + _spread(rng, extra, pull * age, cap=cap)
    return World(
        shape=shape,
        ids=ids,
        end_us=end_us,
        users=users,
        accounts=accounts,
        programs=programs,
        rep_ids=rep_ids,
        admin_id=admin_id,
        account_cdf=account_cdf,
        account_name=np.array([a[1] for a in accounts], dtype=object),
        account_domain=np.array([a[2] for a in accounts], dtype=object),
        account_country=account_country,
        account_owner=account_owner,
        program_cumw=program_cumw,
        program_start_us=program_start,
        program_channel=program_channel,
        lead_created_us=created,
        event_counts=event_counts,
        walk_lengths=walk_lengths,
    )


def _spread(rng: np.random.Generator, total: int, weight: np.ndarray, cap: int = 0) -> np.ndarray:
    """Exactly `total` items shared among slots in proportion to the weights, at most `cap` each."""
    counts = np.zeros(weight.size, dtype=np.int64)
    weight = weight.astype(float)
    while total > 0 and weight.sum() > 0:
        p = weight / weight.sum()
        counts += rng.multinomial(total, p / p.sum())
        if not cap:
            break
        over = np.maximum(counts - cap, 0)
        total = int(over.sum())  # hand the excess to the slots that still have room
        counts -= over
        weight = np.where(counts < cap, weight, 0.0)
    return counts


def _lead_times(rng: np.random.Generator, n: int, end_us: int) -> np.ndarray:
    """Creation times over the last year, growing, quieter at weekends, mostly office hours."""
    start = end_us - SPAN_DAYS * DAY_US
    days = np.arange(SPAN_DAYS)
    weekday = (start // DAY_US + days + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    w = (1.0 + 0.6 * days / SPAN_DAYS) * np.where(weekday >= 5, 0.35, 1.0)
    day = pick(rng, np.cumsum(w / w.sum()), n)
    hour = np.where(rng.random(n) < 0.8, rng.normal(13.0, 3.0, n), rng.uniform(0, 24, n))
    seconds = np.clip(hour, 0, 23.999) * 3600
    created = start + day * DAY_US + (seconds * US).astype(np.int64)
    # Keep the last hour free, so every walk and event fits between creation and the end.
    created = np.minimum(created, end_us - 3600 * US - rng.integers(0, 600 * US, n))
    created.sort()  # ids follow creation time, as they do in a live system
    return created


def _users(rng, n: int, id0: int, now_text: str) -> tuple[list[tuple], np.ndarray, int | None]:
    roles = ["admin"] if n else []
    for role, share in v.ROLE_SHARES:
        roles += [role] * round((n - 1) * share)
    roles = (roles + ["sales_rep"] * n)[:n]
    rows = []
    for i, role in enumerate(roles):
        uid = id0 + i
        first = v.FIRST_NAMES[int(rng.integers(len(v.FIRST_NAMES)))]
        last = v.LAST_NAMES[int(rng.integers(len(v.LAST_NAMES)))]
        email = f"{first}.{last}.{uid}@baton.example"
        rows.append((uid, email, f"{first.title()} {last.title()}", role, True, now_text))
    reps = np.array([r[0] for r in rows if r[3] == "sales_rep"], dtype=np.int64)
    return rows, reps, (id0 if n else None)


def _accounts(rng, n: int, id0: int, rep_ids: np.ndarray, now_text: str):
    employees = np.maximum(1, rng.lognormal(5.0, 1.6, n)).astype(np.int64)
    countries, country_cdf = v.weights(v.COUNTRIES)
    country = countries[pick(rng, country_cdf, n)]
    owner = rep_ids[rng.integers(0, len(rep_ids), n)] if len(rep_ids) else np.full(n, -1)
    owner = np.where(rng.random(n) < 0.6, owner, -1)  # named accounts have owners
    industry = rng.integers(0, len(v.INDUSTRIES), n)
    rows = []
    np_, ns = len(v.COMPANY_PREFIXES), len(v.COMPANY_SUFFIXES)
    for i in range(n):
        aid = id0 + i
        # Derived from the id, so domains stay unique when a database gets a second data set.
        pre, suf, k = (
            v.COMPANY_PREFIXES[aid % np_],
            v.COMPANY_SUFFIXES[aid // np_ % ns],
            aid // (np_ * ns),
        )
        name = f"{pre.title()}{suf} {k}" if k else f"{pre.title()}{suf}"
        domain = f"{pre}{suf}{k or ''}.com"
        rows.append(
            (aid, name, domain, v.INDUSTRIES[industry[i]], int(employees[i]), country[i],
             None if owner[i] < 0 else int(owner[i]), now_text, now_text)
        )  # fmt: skip
    # Bigger companies send more leads.
    w = np.sqrt(employees.astype(float))
    return rows, np.cumsum(w / w.sum()) if n else w, country, owner


def _programs(rng, n: int, id0: int, end: datetime):
    """Program rows (ids in order of start), weights, start times and channel codes."""
    channels = list(v.CHANNEL_COSTS)
    cw = np.array([v.CHANNEL_COSTS[c][0] for c in channels], dtype=float)
    chosen = pick(rng, np.cumsum(cw / cw.sum()), n)
    # A few programs run since before the data begins, so the first leads have some too.
    ago = np.minimum(np.sort(rng.uniform(20, SPAN_DAYS + 90, n))[::-1], SPAN_DAYS).astype(int)
    rows, starts_us = [], []
    for i in range(n):
        pid, channel = id0 + i, channels[chosen[i]]
        _, lo, hi = v.CHANNEL_COSTS[channel]
        product = v.PRODUCTS[int(rng.integers(len(v.PRODUCTS)))]
        starts = (end - timedelta(days=int(ago[i]))).date()
        ends = min(starts + timedelta(days=int(rng.integers(1, 120))), end.date())
        starts_us.append(to_us(datetime.combine(starts, datetime.min.time(), UTC)))
        created = sql_times(np.array(starts_us[-1:]))[0]
        name = f"{channel.replace('_', ' ').title()} {product} {_quarter(starts)} #{pid}"
        cost = round(float(rng.uniform(lo, hi)), 2)
        rows.append((pid, name, channel, product, cost, str(starts), str(ends), created, created))
    w = rng.pareto(1.2, n) + 0.2  # a few programs bring most leads
    return rows, np.cumsum(w), np.array(starts_us, dtype=np.int64), np.array(chosen, np.int64)


def _quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
