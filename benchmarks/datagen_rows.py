"""Rows for one chunk of leads: the leads, their events, stage walks and '*' change rows."""

import json
from dataclasses import dataclass, field

import numpy as np

from baton.models import CHANNELS
from baton.rules.lifecycle import STAGES
from benchmarks import datagen_vocab as v
from benchmarks.datagen_world import DAY_US, US, World, nullable, pick, sql_times

LEAD_COLUMNS = (
    "id", "email", "source", "external_id", "first_name", "last_name", "title", "seniority",
    "department", "phone", "company", "account_id", "country", "region", "product_interest",
    "channel", "program_id", "stage", "owner_id", "do_not_contact", "properties", "erased_at",
    "created_at", "updated_at",
)  # fmt: skip
EVENT_COLUMNS = ("lead_id", "type", "occurred_at", "program_id", "properties", "created_at")
STAGE_COLUMNS = ("lead_id", "from_stage", "to_stage", "changed_at", "actor_id", "via", "reason")
CHANGE_COLUMNS = ("lead_id", "field", "old_value", "new_value", "actor_id", "via", "changed_at")

STAGE_NAMES = np.array(list(STAGES) + [None], dtype=object)  # code -1 (no stage) -> None
CHANNEL_NAMES = np.array(CHANNELS, dtype=object)
LAST_MOVE, MORE_MOVES = v.move_tables()
MEAN_GAP_US = np.array([v.MEAN_DAYS_TO[s] * DAY_US for s in STAGES])
TITLE_ROWS, TITLE_CDF = v.weights(v.TITLES)
TITLE_TABLE = np.array([t[:3] for t in v.TITLES], dtype=object)
COUNTRY_NAMES, COUNTRY_CDF = v.weights(v.COUNTRIES)
EVENT_NAMES, EVENT_CDF = v.weights(v.EVENT_TYPES)
EVENT_CODE = {name: i for i, name in enumerate(EVENT_NAMES)}
PAGE_JSON = np.array([json.dumps({"url": v.SITE + p}) for p, _ in v.PAGES], dtype=object)
_, PAGE_CDF = v.weights(v.PAGES)
CAMPAIGN_JSON = np.array([json.dumps({"campaign": c}) for c in v.CAMPAIGNS], dtype=object)
CLICK_JSON = np.array(
    [json.dumps({"campaign": c, "url": v.SITE + "/pricing"}) for c in v.CAMPAIGNS], dtype=object
)
FORM_JSON = np.array([json.dumps({"form": f}) for f in v.FORMS], dtype=object)
UTM_JSON = np.array(
    ["{}"] * 7
    + [
        json.dumps({"utm_source": s, "utm_campaign": c})
        for s in ("google", "linkedin", "newsletter")
        for c in ("spring-launch", "always-on")
    ]
)
FORM_CHANNELS = {CHANNELS.index(c) for c in ("web", "paid_search", "social", "email")}


@dataclass
class Rows:
    """Row tuples per table, in the column orders above."""

    leads: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    stages: list[tuple] = field(default_factory=list)
    changes: list[tuple] = field(default_factory=list)


def chunk_rows(world: World, lo: int, hi: int, rng: np.random.Generator) -> Rows:
    """The rows of leads lo..hi-1 (indexes into the world's lead plan)."""
    n = hi - lo
    lead_ids = world.ids.lead + np.arange(lo, hi)
    created = world.lead_created_us[lo:hi]
    lengths = world.walk_lengths[lo:hi]
    frm, to, times, row_lead = _walks(rng, lengths, created, world.end_us)
    final = np.zeros(n, dtype=np.int64)  # inquiry when no history is written
    last_time = created.copy()
    has = lengths > 0
    ends = np.cumsum(lengths)[has] - 1
    final[has], last_time[has] = to[ends], times[ends]
    reached_mql = np.bincount(row_lead[to == v.CODE["mql"]], minlength=n) > 0

    work = rng.random(n) < 0.75 if len(world.account_cdf) else np.zeros(n, dtype=bool)
    acc = pick(rng, world.account_cdf, n) if len(world.account_cdf) else np.zeros(n, np.int64)
    reps = world.rep_ids
    owner = reps[rng.integers(0, len(reps), n)] if len(reps) else np.full(n, -1)
    if len(world.account_cdf):  # leads of an owned account go to the account's owner
        acc_owner = world.account_owner[acc]
        owner = np.where(work & (acc_owner >= 0), acc_owner, owner)
    owner = np.where(reached_mql, owner, -1)
    prog, has_program = _programs_of(rng, world, created)
    program_id = np.where(has_program, world.ids.program + prog, -1)
    channel = np.where(
        has_program,
        world.program_channel[prog] if len(world.program_channel) else 0,
        rng.choice([CHANNELS.index(c) for c in ("web", "other", "referral")], n),
    )
    from_crm = rng.random(n) < 0.15
    entry_via = np.where(
        from_crm, "import", np.where(np.isin(channel, list(FORM_CHANNELS)), "form", "api")
    ).astype(object)

    rows = Rows()
    unsubscribed = _events(rng, world, rows, lead_ids, created, program_id)
    rows.stages = _stage_rows(rng, world, lead_ids, frm, to, times, row_lead, owner, entry_via)
    rows.leads = _lead_rows(
        rng, world, lead_ids, created, last_time, work, acc, owner, program_id, channel,
        from_crm, final, unsubscribed,
    )  # fmt: skip
    if world.shape.with_changes:
        rows.changes = _change_rows(rows.leads, entry_via)
    return rows


def _programs_of(rng, world: World, created: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each lead's program, drawn by weight among those started before the lead was created."""
    n = len(created)
    started = np.searchsorted(world.program_start_us, created, side="right")
    if not len(world.program_cumw):
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
    reach = world.program_cumw[np.maximum(started, 1) - 1] * rng.random(n)
    prog = np.minimum(np.searchsorted(world.program_cumw, reach, side="right"), started - 1)
    return np.maximum(prog, 0), (started > 0) & (rng.random(n) < 0.85)


def _walks(rng, lengths: np.ndarray, created: np.ndarray, end_us: int):
    """Valid lifecycle walks of exactly the planned lengths, with increasing times."""
    n, total = len(lengths), int(lengths.sum())
    starts = np.cumsum(lengths) - lengths
    frm = np.full(total, -1, dtype=np.int64)
    to = np.zeros(total, dtype=np.int64)  # every walk starts with the entry row -> inquiry
    state = np.zeros(n, dtype=np.int64)
    active = np.nonzero(lengths > 1)[0]
    step = 1
    while active.size:
        s = state[active]
        last = (lengths[active] == step + 1)[:, None]
        cum = np.where(last, LAST_MOVE[s], MORE_MOVES[s])
        nxt = (rng.random(active.size)[:, None] >= cum).sum(axis=1)
        pos = starts[active] + step
        frm[pos], to[pos], state[active] = s, nxt, nxt
        active = active[lengths[active] > step + 1]
        step += 1
    row_lead = np.repeat(np.arange(n), lengths)
    has = lengths > 0
    gaps = rng.exponential(1.0, total) * MEAN_GAP_US[to]
    gaps[starts[has]] = 0
    # Squeeze long walks into the time between the lead's creation and the end.
    needed = np.bincount(row_lead, weights=gaps, minlength=n)
    room = 0.9 * (end_us - created)
    scale = np.minimum(1.0, room / np.maximum(needed, 1.0))
    gaps = np.maximum((gaps * scale[row_lead]).astype(np.int64), 1000)  # strictly increasing
    gaps[starts[has]] = 0
    csum = np.cumsum(gaps)
    times = created[row_lead] + csum - np.repeat(csum[starts[has]], lengths[has])
    return frm, to, times, row_lead


def _stage_rows(rng, world, lead_ids, frm, to, times, row_lead, owner, entry_via) -> list[tuple]:
    total = len(to)
    actor = owner[row_lead].copy()
    via = np.where(rng.random(total) < 0.7, "web", "api").astype(object)
    reason = np.full(total, None, dtype=object)
    entry = frm < 0
    actor[entry] = -1
    via[entry] = entry_via[row_lead[entry]]
    reason[entry] = "created via " + entry_via[row_lead[entry]]
    for stage, reasons in (("mql", v.MQL_REASONS), ("recycled", v.RECYCLE_REASONS),
                           ("disqualified", v.DISQUALIFY_REASONS)):  # fmt: skip
        m = to == v.CODE[stage]
        reason[m] = np.array(reasons, dtype=object)[rng.integers(0, len(reasons), m.sum())]
    scored = to == v.CODE["mql"]
    actor[scored], via[scored] = -1, "scoring"
    timed_out = reason == "exhausted"  # the SLA clock, not a person, recycles these
    actor[timed_out], via[timed_out] = -1, "sla"
    reopened = (to == v.CODE["inquiry"]) & ~entry
    actor[reopened] = world.admin_id if world.admin_id is not None else -1
    via[reopened], reason[reopened] = "web", "reopened by admin"
    accepted = to == v.CODE["sal"]
    reason[accepted] = "accepted"
    return list(
        zip(
            lead_ids[row_lead].tolist(),
            STAGE_NAMES[frm].tolist(),
            STAGE_NAMES[to].tolist(),
            sql_times(times),
            nullable(actor),
            via.tolist(),
            reason.tolist(),
            strict=True,
        )
    )


def _events(rng, world, rows: Rows, lead_ids, created, program_id) -> np.ndarray:
    """Fill rows.events; return which leads unsubscribed."""
    n = len(lead_ids)
    counts = world.event_counts[lead_ids - world.ids.lead]
    total = int(counts.sum())
    row_lead = np.repeat(np.arange(n), counts)
    # Engagement clusters soon after creation and thins out (u**1.5 leans early).
    span = world.end_us - 60 * US - created
    occurred = created[row_lead] + (rng.random(total) ** 1.5 * span[row_lead]).astype(np.int64)
    occurred = occurred[np.lexsort((occurred, row_lead))]
    kind = pick(rng, EVENT_CDF, total)
    props = np.full(total, "{}", dtype=object)
    event_program = np.full(total, -1, dtype=np.int64)
    m = kind == EVENT_CODE["page_view"]
    props[m] = PAGE_JSON[pick(rng, PAGE_CDF, int(m.sum()))]
    for name, table in (("email_open", CAMPAIGN_JSON), ("email_click", CLICK_JSON),
                        ("form_submit", FORM_JSON)):  # fmt: skip
        m = kind == EVENT_CODE[name]
        props[m] = table[rng.integers(0, len(table), int(m.sum()))]
    m = kind == EVENT_CODE["form_submit"]
    event_program[m] = program_id[row_lead[m]]
    for names, channel in ((("email_open", "email_click"), "email"),
                           (("webinar_attended", "event_attended"), "event")):  # fmt: skip
        pool = world.ids.program + np.nonzero(world.program_channel == CHANNELS.index(channel))[0]
        m = np.isin(kind, [EVENT_CODE[x] for x in names])
        if len(pool):
            event_program[m] = pool[rng.integers(0, len(pool), int(m.sum()))]
    created_at = occurred + rng.integers(0, 2 * US, total)
    rows.events = list(
        zip(
            lead_ids[row_lead].tolist(),
            EVENT_NAMES[kind].tolist(),
            sql_times(occurred),
            nullable(event_program),
            props.tolist(),
            sql_times(created_at),
            strict=True,
        )
    )
    return np.bincount(row_lead[kind == EVENT_CODE["unsubscribe"]], minlength=n) > 0


def _lead_rows(
    rng, world, lead_ids, created, updated, work, acc, owner, program_id, channel, from_crm,
    final, unsubscribed,
) -> list[tuple]:  # fmt: skip
    n = len(lead_ids)
    first = np.array(v.FIRST_NAMES, dtype=object)[rng.integers(0, len(v.FIRST_NAMES), n)]
    last = np.array(v.LAST_NAMES, dtype=object)[rng.integers(0, len(v.LAST_NAMES), n)]
    free = np.array(v.FREE_DOMAINS, dtype=object)[rng.integers(0, len(v.FREE_DOMAINS), n)]
    domain = np.where(work, world.account_domain[acc], free) if len(acc) and work.any() else free
    ids = lead_ids.tolist()
    # The id in the local part keeps e-mails unique however many leads share a name.
    emails = [f"{f}.{la}.{i}@{d}" for f, la, i, d in zip(first, last, ids, domain, strict=True)]
    names_known = world.account_name[acc] if len(world.account_name) else np.full(n, None)
    company = np.where(work | (rng.random(n) < 0.3), names_known, None)
    title = TITLE_TABLE[pick(rng, TITLE_CDF, n)]
    country = COUNTRY_NAMES[pick(rng, COUNTRY_CDF, n)]
    if len(world.account_country):
        country = np.where(work & (rng.random(n) < 0.85), world.account_country[acc], country)
    region = np.where(
        country == "US", np.array(v.US_STATES, dtype=object)[rng.integers(0, 10, n)], None
    )
    product = np.array(list(v.PRODUCTS) + [None], dtype=object)[pick(rng, _PRODUCT_CDF, n)]
    phones = np.where(rng.random(n) < 0.55, [f"+1 555 {i % 10_000_000:07d}" for i in ids], None)
    dnc = unsubscribed | (rng.random(n) < 0.01)
    source = np.where(from_crm, "salesforce", None)
    external = np.where(from_crm, [f"00Q{i:015d}" for i in ids], None)
    props = UTM_JSON[rng.integers(0, len(UTM_JSON), n)]
    nones = [None] * n
    return list(
        zip(
            ids, emails, source.tolist(), external.tolist(), [f.title() for f in first],
            [la.title() for la in last], title[:, 0].tolist(), title[:, 1].tolist(),
            title[:, 2].tolist(), phones.tolist(), company.tolist(),
            nullable(np.where(work, world.ids.account + acc, -1)), country.tolist(),
            region.tolist(), product.tolist(), CHANNEL_NAMES[channel].tolist(),
            nullable(program_id), STAGE_NAMES[final].tolist(), nullable(owner), dnc.tolist(),
            props.tolist(), nones, sql_times(created), sql_times(updated),
            strict=True,
        )
    )  # fmt: skip


_PRODUCT_CDF = np.cumsum([0.55, 0.35, 0.10])
_CHANGED = ("email", "source", "external_id", "first_name", "last_name", "title", "seniority",
            "department", "phone", "company", "country", "region", "product_interest",
            "channel", "program_id")  # fmt: skip


def _change_rows(leads: list[tuple], entry_via: np.ndarray) -> list[tuple]:
    """The '*' row capture_lead writes: the values the lead was created with."""
    idx = [LEAD_COLUMNS.index(c) for c in _CHANGED]
    i_dnc, i_props = LEAD_COLUMNS.index("do_not_contact"), LEAD_COLUMNS.index("properties")
    out = []
    for row, via in zip(leads, entry_via.tolist(), strict=True):
        values = {c: row[i] for c, i in zip(_CHANGED, idx, strict=True) if row[i] is not None}
        values["do_not_contact"] = bool(row[i_dnc])
        values["properties"] = json.loads(row[i_props])
        out.append((row[0], "*", "null", json.dumps(values), None, via, row[-2]))
    return out
