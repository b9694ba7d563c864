"""Demo data for the sales-tools library: ~30 tools for the two demo products, a few uses on
existing opportunities, ratings, requests and the objections reps heard.

`seed_content(session, *, rng, now)` is called by the demo after leads and opportunities
exist; everything goes through the library's services except the back-dated usage rows.
"""

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from baton.models import ContentItem, ContentUsage, Lead, Opportunity, User
from baton.schemas.content import ContentCreate, FieldNoteCreate, RatingCreate, RequestCreate
from baton.services.auth import Actor
from baton.services.content.feedback import log_field_note, rate_item, request_material
from baton.services.content.items import create_item

MAX_OPPORTUNITIES = 400  # uses are recorded on a sample: enough to compare win rates
TECH, ECON, USER = "technical buyer", "economic buyer", "end user"


def _card(vs: str, product: str, strengths: str, traps: str) -> str:
    return (
        f"## Why we win against {vs}\n\n{strengths}\n\n## Where {vs} attacks us\n\n{traps}\n\n"
        f"## Landmines to lay\n\n- Ask how long their last {vs} change request took.\n"
        f"- Ask who owns the {product} integration when the {vs} account manager leaves.\n"
    )


def _script(stage: str, questions: list[str]) -> str:
    body = (
        f"Use on the first call with a lead in **{stage.upper()}**.\n\n## Qualifying questions\n\n"
    )
    return (
        body
        + "\n".join(f"{i}. {q}" for i, q in enumerate(questions, 1))
        + ("\n\n> Log every objection you hear on the lead page, so marketing can answer it.")
    )


# (kind, title, body, tags, review in days: negative = already stale)
ITEMS: list[tuple[str, str, str, dict[str, list[str]], int]] = [
    (
        "battle_card",
        "Payments vs Stripe",
        _card(
            "Stripe",
            "payments",
            "- Blended fees 0.4 points lower on European cards.\n"
            "- Local acquiring in 14 countries.",
            "- *Developer experience*: show our SDK samples and the sandbox.\n- *Brand*: use the "
            "Wayne Retail case study.",
        ),
        {"product": ["payments"], "competitor": ["stripe"], "stage": ["sql", "opportunity"]},
        120,
    ),  # fmt: skip
    (
        "battle_card",
        "Payments vs Adyen",
        _card(
            "Adyen",
            "payments",
            "- No minimum monthly volume.\n- Onboarding in days, not months.",
            "- *Enterprise scale*: cite Stark Logistics (2.1 M transactions a month).",
        ),
        {"product": ["payments"], "competitor": ["adyen"], "stage": ["sql", "opportunity"]},
        90,
    ),  # fmt: skip
    (
        "battle_card",
        "Analytics vs Looker",
        _card(
            "Looker",
            "analytics",
            "- Self-service dashboards without LookML.\n- Price per viewer, not per developer.",
            "- *Google Cloud bundle*: compare the three-year cost, not the first year.",
        ),
        {"product": ["analytics"], "competitor": ["looker"], "stage": ["sql", "opportunity"]},
        -10,
    ),  # fmt: skip
    (
        "competitive_comparison",
        "Payments: feature comparison with Stripe and Adyen",
        "| Capability | Baton Pay | Stripe | Adyen |\n|:-|:-:|:-:|:-:|\n| Local acquiring EU | yes "
        "| partly | yes |\n| Minimum volume | none | none | high |\n| Same-day payouts | yes | "
        "paid add-on | no |",
        {"product": ["payments"], "competitor": ["stripe", "adyen"]},
        60,
    ),
    (
        "competitive_comparison",
        "Analytics vs Looker and Power BI",
        "| | Baton Analytics | Looker | Power BI |\n|:-|:-:|:-:|:-:|\n| Viewer licences | "
        "unlimited | per user | per user |\n| Semantic layer | built in | LookML | DAX |",
        {"product": ["analytics"], "competitor": ["looker", "power bi"]},
        30,
    ),
    (
        "case_study",
        "Wayne Retail cut payment fees by 18 %",
        "Wayne Retail (FR, 4,000 employees) moved card payments from Stripe in six weeks.\n\n"
        "- **18 %** lower fees in the first quarter\n- Chargebacks down a third",
        {
            "product": ["payments"],
            "industry": ["retail"],
            "persona": [ECON],
            "competitor": ["stripe"],
        },
        200,
    ),  # fmt: skip
    (
        "case_study",
        "Stark Logistics: 2.1 M transactions a month",
        "How a logistics company consolidated three acquirers into one.",
        {"product": ["payments"], "industry": ["logistics"], "persona": [TECH]},
        200,
    ),
    (
        "case_study",
        "Globex: reporting time halved with Analytics",
        "Globex moved 300 dashboards and saved 40 analyst hours a month.",
        {"product": ["analytics"], "industry": ["software"], "persona": [USER, TECH]},
        150,
    ),
    (
        "case_study",
        "Umbrella Analytics replaced Looker in 30 days",
        "Migration plan, costs before and after, and what their CFO said.",
        {"product": ["analytics"], "competitor": ["looker"], "persona": [ECON]},
        150,
    ),
    (
        "case_study",
        "Soylent Foods: one view of sales and stock",
        "A food manufacturer joined ERP and shop data in one model.",
        {"product": ["analytics"], "industry": ["manufacturing"]},
        -30,
    ),
    (
        "call_script",
        "Discovery call: payments",
        _script(
            "mql",
            [
                "Which payment providers do you use today, and for which countries?",
                "What do you pay per transaction, blended?",
                "Who signs a change of provider?",
                "What would make you switch this year?",
            ],
        ),
        {"product": ["payments"], "stage": ["mql", "sal"]},
        180,
    ),  # fmt: skip
    (
        "call_script",
        "Discovery call: analytics",
        _script(
            "mql",
            [
                "How many people build reports today, and how many read them?",
                "Which tool do they use, and what does it cost per seat?",
                "Which decision waits longest for data?",
            ],
        ),
        {"product": ["analytics"], "stage": ["mql", "sal"]},
        180,
    ),  # fmt: skip
    (
        "call_script",
        "Qualification call (BANT) for any product",
        _script(
            "sal",
            [
                "Budget: is money set aside this fiscal year?",
                "Authority: who else decides?",
                "Need: what happens if you do nothing?",
                "Timing: when must it be live?",
            ],
        ),
        {"stage": ["sal", "sql"]},
        365,
    ),  # fmt: skip
    (
        "call_script",
        "Talking to a CFO",
        _script(
            "sql",
            [
                "What is the cost of payments as a share of revenue?",
                "How do you forecast cash from card sales today?",
            ],
        ),
        {"persona": [ECON], "stage": ["sql", "opportunity"]},
        365,
    ),  # fmt: skip
    (
        "objection_handling",
        "“It is too expensive”",
        "1. Agree on the baseline: total cost today, including fees and people.\n"
        "2. Show the three-year cost, not the list price.\n3. Offer the pilot price.",
        {"objection": ["too expensive"]},
        240,
    ),
    (
        "objection_handling",
        "“We are locked into a contract”",
        "Ask for the end date; offer to run in parallel for the last quarter at no charge.",
        {"objection": ["locked into a contract"], "product": ["payments"]},
        240,
    ),
    (
        "objection_handling",
        "“Our IT team has no time”",
        "Show the two-week onboarding plan and who does what; offer our implementation team.",
        {"objection": ["no it capacity"], "persona": [TECH]},
        240,
    ),
    (
        "collateral",
        "Payments one-pager",
        "Baton Pay in one page: fees, countries, payouts.",
        {"product": ["payments"], "stage": ["inquiry", "mql"]},
        120,
    ),
    (
        "collateral",
        "Analytics one-pager",
        "Baton Analytics in one page: self-service, governance, pricing per viewer.",
        {"product": ["analytics"], "stage": ["inquiry", "mql"]},
        120,
    ),  # fmt: skip
    (
        "collateral",
        "Security and compliance overview",
        "PCI DSS level 1, SOC 2 type II, GDPR data processing addendum, EU data residency.",
        {"persona": [TECH], "stage": ["sql", "opportunity"]},
        45,
    ),
    (
        "collateral",
        "ROI calculator guide (analytics)",
        "How to fill in the ROI sheet with the prospect: hours saved, licences retired.",
        {"product": ["analytics"], "persona": [ECON], "stage": ["sql"]},
        100,
    ),
    (
        "collateral",
        "Retail payments brochure",
        "Omnichannel payments for retailers.",
        {"product": ["payments"], "industry": ["retail"]},
        -5,
    ),
    (
        "demo",
        "Payments demo: checkout to payout in 10 minutes",
        "Script for the standard demo; sandbox logins are in the team vault.",
        {"product": ["payments"], "stage": ["sal", "sql"], "persona": [TECH]},
        90,
    ),
    (
        "demo",
        "Analytics demo: from CSV to board deck",
        "The 15-minute demo with the Globex sample data.",
        {"product": ["analytics"], "stage": ["sal", "sql"], "persona": [USER]},
        90,
    ),
    (
        "demo",
        "Executive demo (20 minutes, both products)",
        "Outcome first: cost, cash, decisions. No configuration screens.",
        {"persona": [ECON], "stage": ["sql", "opportunity"]},
        90,
    ),
    (
        "rfp_answer",
        "RFP: data residency and sub-processors",
        "Standard answer: data stays in the EU (Frankfurt, Dublin); sub-processor list attached.",
        {"stage": ["opportunity"]},
        180,
    ),
    (
        "rfp_answer",
        "RFP: availability and support SLAs",
        "99.95 % monthly availability; P1 response within 30 minutes, around the clock.",
        {"stage": ["opportunity"]},
        180,
    ),
    (
        "rfp_answer",
        "RFP: payments reconciliation and reporting",
        "Daily settlement files, API and SFTP; matched to orders automatically.",
        {"product": ["payments"], "stage": ["opportunity"]},
        180,
    ),
    (
        "rfp_answer",
        "RFP: analytics access control",
        "Row-level security, SSO (SAML, OIDC), SCIM provisioning, audit log export.",
        {"product": ["analytics"], "stage": ["opportunity"], "persona": [TECH]},
        180,
    ),
    (
        "competitive_comparison",
        "Build vs buy: in-house payments",
        "What a team of four engineers costs per year against our fees.",
        {"product": ["payments"], "persona": [TECH, ECON], "competitor": ["in-house build"]},
        60,
    ),
]
OBJECTIONS: list[tuple[str, str | None, str | None, int]] = [
    # topic, product, competitor, how many
    ("too expensive", "payments", None, 9),
    ("too expensive", "analytics", None, 5),
    ("already use stripe", "payments", "stripe", 7),
    ("adyen offered a lower rate", "payments", "adyen", 4),
    ("looker is bundled with google cloud", "analytics", "looker", 6),
    ("locked into a contract", "payments", None, 3),
    ("no it capacity", "analytics", None, 3),
    ("power bi comes free with office", "analytics", "power bi", 5),
    ("we will build it ourselves", "payments", "in-house build", 2),
]
REQUESTS = (
    ("A battle card against Power BI: we hear 'it comes free with Office' every week.",
     "battle_card", "analytics", "power bi"),
    ("A case study from a German manufacturer, in German.", "case_study", "analytics", None),
    ("An RFP answer on PSD2 strong customer authentication.", "rfp_answer", "payments", None),
)  # fmt: skip


def seed_content(session: Session, *, rng: random.Random, now: datetime) -> list[ContentItem]:
    """The demo library, uses on existing opportunities, ratings, requests and objections."""
    users = list(session.scalars(select(User).order_by(User.id)))
    marketing = next((u for u in users if u.role == "marketing"), None)
    reps = [u for u in users if u.role in ("sales_rep", "sales_manager")] or users
    owner = Actor(user_id=marketing.id if marketing else None, role="marketing", via="demo")
    items = []
    for kind, title, body, tags, review_days in ITEMS:
        data = ContentCreate(kind=kind, title=title, body=body, tags=tags,
                             review_on=(now + timedelta(days=review_days)).date())  # fmt: skip
        created = now - timedelta(days=rng.randint(20, 200))
        items.append(create_item(session, data=data, actor=owner, now=created))
    _seed_usage(session, items, reps, rng=rng, now=now)
    for item in rng.sample(items, min(12, len(items))):
        for rep in rng.sample(reps, min(len(reps), rng.randint(1, 3))):
            actor = Actor(user_id=rep.id, role=rep.role, via="demo")
            stars = RatingCreate(stars=rng.choice([2, 3, 4, 4, 5, 5]))
            when = now - timedelta(days=rng.randint(1, 60))
            rate_item(session, item_id=item.id, data=stars, actor=actor, now=when)
    _seed_feedback(session, reps, rng=rng, now=now)
    session.flush()
    return items


def _seed_usage(session, items, reps, *, rng: random.Random, now: datetime) -> None:
    """Uses on existing opportunities, dated while each was open; the winning ones get the
    case studies and battle cards a little more often, so influence shows something."""
    opps = list(session.scalars(select(Opportunity).order_by(Opportunity.id)))
    for opp in rng.sample(opps, min(len(opps), MAX_OPPORTUNITIES)):
        product_items = [i for i in items if _fits(i, opp.product)]
        chance = 0.7 if opp.status == "won" else 0.45
        for item in rng.sample(product_items, min(3, len(product_items))):
            if rng.random() > chance:
                continue
            end = opp.closed_at or now
            span = max((end - opp.created_at).total_seconds(), 60)
            at = opp.created_at + timedelta(seconds=rng.uniform(0, span))
            rep = opp.owner_id or rng.choice(reps).id
            session.add(
                ContentUsage(
                    item_id=item.id,
                    lead_id=opp.lead_id,
                    opportunity_id=opp.id,
                    user_id=rep,
                    kind=rng.choice(["used", "sent"]),
                    used_at=at,
                )
            )
    session.flush()


def _fits(item: ContentItem, product: str | None) -> bool:
    """An item for this opportunity's product, or for no product in particular."""
    products = [p for p in ("payments", "analytics") if p in item.tags_text]
    return product is None or not products or product in products


def _seed_feedback(session, reps, *, rng: random.Random, now: datetime) -> None:
    leads = list(session.scalars(select(Lead.id).order_by(Lead.id).limit(200)))
    for topic, product, competitor, times in OBJECTIONS:
        for _ in range(times):
            rep = rng.choice(reps)
            data = FieldNoteCreate(topic=topic, product=product, competitor=competitor,
                                   lead_id=rng.choice(leads) if leads and rng.random() < 0.6
                                   else None)  # fmt: skip
            log_field_note(
                session,
                data=data,
                actor=Actor(rep.id, rep.role, "demo"),
                now=now - timedelta(days=rng.randint(0, 80), hours=rng.randint(0, 8)),
            )
    for answer in ("Budget approved for Q1", "Needs SSO with Okta", "Evaluating two vendors"):
        rep = rng.choice(reps)
        log_field_note(
            session,
            data=FieldNoteCreate(kind="qualifying_answer", topic=answer),
            actor=Actor(rep.id, rep.role, "demo"),
            now=now - timedelta(days=3),
        )
    for description, kind, product, competitor in REQUESTS:
        rep = rng.choice(reps)
        request_material(
            session,
            data=RequestCreate(
                description=description, kind=kind, product=product, competitor=competitor
            ),
            actor=Actor(rep.id, rep.role, "demo"),
            now=now - timedelta(days=5),
        )
