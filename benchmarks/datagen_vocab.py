"""The words generated data is made of: names, titles, countries, event types, stage moves."""

import numpy as np

from baton.models import CHANNELS
from baton.rules.identity import FREE_MAIL_DOMAINS
from baton.rules.lifecycle import STAGES, TRANSITIONS

FIRST_NAMES = (
    "anna ben chloe david emma felix grace hugo ines jonas karin liam maria noah olivia paul "
    "quinn rosa sam tara umar vera will xenia yusuf zoe alex bianca carlos diana erik fatima "
    "george hannah ivan julia kenji lena marco nina oscar priya rafael sofia thomas ursula "
    "viktor wendy yara zach aisha bruno clara dmitri elena"
).split()
LAST_NAMES = (
    "smith muller garcia rossi martin schmidt novak jensen kowalski silva johansson dubois "
    "fischer weber meyer wagner becker hoffmann lopez gonzalez brown wilson taylor moore "
    "anderson thomas jackson white harris clark lewis walker young allen king wright scott "
    "green baker adams nelson hill campbell mitchell roberts carter phillips evans turner "
    "torres parker collins edwards stewart sanchez morris rogers reed cook morgan bell murphy"
).split()
COMPANY_PREFIXES = (
    "north south east west blue red green silver golden bright clear rapid smart deep open "
    "true prime core nova terra aqua sky star iron stone river lake peak cloud data byte "
    "pixel quant vector signal orbit atlas summit harbor maple cedar oak pine birch falcon"
).split()
COMPANY_SUFFIXES = (
    "wind labs works systems soft ware logic tech dynamics analytics networks solutions "
    "partners industries group ventures bridge point line forge field gate path scale stack"
).split()
INDUSTRIES = (
    "software",
    "financial services",
    "retail",
    "manufacturing",
    "healthcare",
    "education",
    "logistics",
    "media",
    "telecommunications",
    "public sector",
)
FREE_DOMAINS = tuple(sorted(FREE_MAIL_DOMAINS))[:12] + ("gmail.com", "gmail.com", "outlook.com")

# (title, seniority, department, weight)
TITLES = (
    ("CTO", "c_level", "engineering", 2),
    ("CFO", "c_level", "finance", 2),
    ("CEO", "c_level", "management", 2),
    ("VP Engineering", "vp", "engineering", 3),
    ("VP Marketing", "vp", "marketing", 2),
    ("VP Finance", "vp", "finance", 2),
    ("Head of IT", "director", "it", 4),
    ("Head of Engineering", "director", "engineering", 3),
    ("Head of Data", "director", "data", 3),
    ("Director of Payments", "director", "finance", 2),
    ("IT Manager", "manager", "it", 6),
    ("Engineering Manager", "manager", "engineering", 6),
    ("Marketing Manager", "manager", "marketing", 6),
    ("Finance Manager", "manager", "finance", 5),
    ("Product Manager", "manager", "product", 6),
    ("Software Engineer", "individual", "engineering", 12),
    ("Data Analyst", "individual", "data", 10),
    ("Data Scientist", "individual", "data", 6),
    ("Accountant", "individual", "finance", 5),
    ("Consultant", "individual", "consulting", 5),
    ("Student", None, None, 4),
    (None, None, None, 8),
)

# ISO 3166-1 alpha-2 codes, weighted the way a B2B software company's leads are.
COUNTRIES = (
    ("US", 30),
    ("GB", 10),
    ("DE", 10),
    ("FR", 6),
    ("CA", 5),
    ("IN", 5),
    ("NL", 4),
    ("AU", 3),
    ("ES", 3),
    ("IT", 3),
    ("BR", 3),
    ("SE", 2),
    ("CH", 2),
    ("PL", 2),
    ("JP", 2),
    ("AT", 1),
    ("BE", 1),
    ("DK", 1),
    ("IE", 1),
    ("SG", 1),
    ("MX", 1),
    ("ZA", 1),
)
US_STATES = ("CA", "NY", "TX", "WA", "MA", "IL", "FL", "CO", "GA", "NC")
PRODUCTS = ("analytics", "payments")

# (channel, weight for programs, cost range in currency units)
CHANNEL_COSTS = {
    "web": (25, 0, 5_000),
    "event": (12, 20_000, 120_000),
    "direct_mail": (4, 5_000, 30_000),
    "email": (15, 500, 5_000),
    "teleprospecting": (6, 10_000, 40_000),
    "paid_search": (14, 5_000, 60_000),
    "social": (10, 2_000, 25_000),
    "partner": (6, 0, 15_000),
    "referral": (4, 0, 2_000),
    "other": (4, 0, 10_000),
}
assert set(CHANNEL_COSTS) == set(CHANNELS)

ROLE_SHARES = (("marketing", 0.15), ("sales_manager", 0.10), ("sales_rep", 0.75))

EVENT_TYPES = (
    ("page_view", 0.59),
    ("email_open", 0.20),
    ("email_click", 0.08),
    ("form_submit", 0.06),
    ("webinar_attended", 0.03),
    ("event_attended", 0.02),
    ("demo_request", 0.01),
    ("unsubscribe", 0.005),
    ("bounce", 0.005),
)
SITE = "https://www.baton.example"
# (path, weight): about one page view in eight is a pricing page.
PAGES = (
    ("/", 30),
    ("/product/analytics", 14),
    ("/product/payments", 10),
    ("/pricing", 9),
    ("/pricing/enterprise", 3),
    ("/blog/lead-scoring-101", 8),
    ("/blog/sla-for-sales", 6),
    ("/customers", 6),
    ("/docs/getting-started", 7),
    ("/careers", 3),
    ("/contact", 4),
)
CAMPAIGNS = tuple(f"nurture-{n}" for n in range(1, 9)) + ("newsletter", "product-launch")
FORMS = ("contact", "trial", "whitepaper", "webinar-signup", "newsletter")

# Stage codes are indexes into STAGES.
CODE = {name: i for i, name in enumerate(STAGES)}
# Relative odds of each allowed move; a walk never ends before its planned length, so with
# moves still to make it avoids the dead end `won` and mostly avoids `disqualified`.
MOVE_ODDS = {
    ("inquiry", "mql"): 85,
    ("inquiry", "disqualified"): 15,
    ("mql", "sal"): 60,
    ("mql", "recycled"): 30,
    ("mql", "disqualified"): 10,
    ("sal", "sql"): 60,
    ("sal", "recycled"): 30,
    ("sal", "disqualified"): 10,
    ("sql", "opportunity"): 60,
    ("sql", "recycled"): 30,
    ("sql", "disqualified"): 10,
    ("opportunity", "won"): 35,
    ("opportunity", "lost"): 65,
    ("lost", "recycled"): 100,
    ("recycled", "mql"): 80,
    ("recycled", "disqualified"): 20,
    ("disqualified", "inquiry"): 100,
}
assert {(a, b) for a, tos in TRANSITIONS.items() for b in tos} == set(MOVE_ODDS)
# Mean days spent before moving into each stage.
MEAN_DAYS_TO = {
    "inquiry": 60,
    "mql": 12,
    "sal": 1.5,
    "sql": 7,
    "opportunity": 14,
    "won": 35,
    "lost": 35,
    "recycled": 10,
    "disqualified": 6,
}
MQL_REASONS = tuple(
    f"playbook v1: fit {f} ≥ 30, engagement {e} ≥ 40" for f in (30, 35, 42, 55) for e in (40, 48)
) + ("playbook v1: hand-raiser demo_request, fit 20 ≥ 10",)
RECYCLE_REASONS = ("timing", "no_response", "exhausted", "no_budget")
DISQUALIFY_REASONS = ("not_icp", "student", "competitor", "duplicate")


def move_tables() -> tuple[np.ndarray, np.ndarray]:
    """Cumulative next-stage probabilities per stage: (for the last move, with more to come)."""
    n = len(STAGES)
    last = np.zeros((n, n))
    more = np.zeros((n, n))
    for (a, b), odds in MOVE_ODDS.items():
        last[CODE[a], CODE[b]] = odds
        if b != "won":
            more[CODE[a], CODE[b]] = odds / (10 if b == "disqualified" else 1)
    for table in (last, more):
        sums = table.sum(axis=1, keepdims=True)
        np.divide(table, sums, out=table, where=sums > 0)
        np.cumsum(table, axis=1, out=table)
        table[:, -1] = 1.0  # u < 1 always picks a stage, even with rounding
    return last, more


def weights(pairs) -> tuple[np.ndarray, np.ndarray]:
    """Values and their cumulative probabilities, for sampling with searchsorted."""
    values = np.array([p[0] for p in pairs], dtype=object)
    w = np.array([p[-1] for p in pairs], dtype=float)
    return values, np.cumsum(w / w.sum())
