"""Marketing's view: MQLs delivered against the commitment per product this month (with pace),
acceptance, rejection reasons, the recycled queue, and programs and channels with their costs."""

from datetime import timedelta
from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.models import User
from baton.services.program_report import program_report
from baton.services.recycling import recycled_queue, rejection_counts
from baton.services.sla.commitments import marketing_commitments
from baton.web.charts import bar_chart, chart, csv_response, wants_csv
from baton.web.deps import require_web_role
from baton.web.render import add_nav, render

router = APIRouter(include_in_schema=False)
Marketer = Annotated[User, Depends(require_web_role("marketing", "admin"))]
add_nav("Marketing", "/marketing", roles=("marketing", "admin"), order=30)
RECYCLED_PAGE = 25

COMMITMENT_HEADER = (
    "product", "region", "delivered", "commitment", "expected_by_now", "projected", "accepted",
    "rejected", "acceptance_rate", "min_acceptance_rate", "warnings",
)  # fmt: skip
REASON_HEADER = ("reason_code", "reason", "rejections", "recycled", "disqualified")
RECYCLED_HEADER = (
    "lead_id", "email", "company", "channel", "recycled_at", "reason_code", "comment",
)  # fmt: skip
PROGRAM_HEADER = (
    "key", "name", "leads", "mqls", "sals", "sqls", "opportunities", "won", "revenue", "cost",
    "cost_per_lead", "cost_per_mql", "cost_per_sql", "cost_per_won", "roi",
)  # fmt: skip


@router.get("/marketing")
def marketing_view(
    request: Request, session: SessionDep, user: Marketer, now: NowDep, month: str = "",
    format: str = "", table: str = "commitments", page: int = 1,
) -> Response:  # fmt: skip
    """The month (company zone, default this one) as marketing answers for it."""
    report = marketing_commitments(session, month=month or None, now=now)
    period = report.month
    lines = report.lines
    reasons = rejection_counts(session, since=period.starts_at, until=period.ends_at, now=now)
    page = max(page, 1)
    recycled = recycled_queue(
        session, limit=RECYCLED_PAGE, offset=(page - 1) * RECYCLED_PAGE, now=now
    )
    zone = ZoneInfo(period.timezone)
    first_day = period.starts_at.astimezone(zone).date()
    last_day = (period.ends_at.astimezone(zone) - timedelta(days=1)).date()
    programs = program_report(session, start=first_day, end=last_day, by="program", now=now)
    channels = program_report(session, start=first_day, end=last_day, by="channel", now=now)
    tables = {
        "commitments": [[_cell(getattr(line, k)) for k in COMMITMENT_HEADER] for line in lines],
        "reasons": [
            (r.reason_code, r.reason_label, r.rejections, r.recycled, r.disqualified)
            for r in reasons.rows
        ],
        "recycled": [
            (
                i.lead_id,
                i.email,
                i.company,
                i.channel,
                i.recycled_at.isoformat(),
                i.reason_code,
                i.comment,
            )
            for i in recycled.items
        ],  # fmt: skip
        "programs": [program_cells(r) for r in programs],
        "channels": [program_cells(r) for r in channels],
    }
    if wants_csv(format):
        header = {"commitments": COMMITMENT_HEADER, "reasons": REASON_HEADER,
                  "recycled": RECYCLED_HEADER}.get(table, PROGRAM_HEADER)  # fmt: skip
        rows = tables.get(table, tables["commitments"])
        return csv_response(f"marketing-{period.name}-{table}.csv", header, rows)
    accepted = sum(line.accepted for line in lines if line.region is None)
    rejected = sum(line.rejected for line in lines if line.region is None)
    context = {
        "report": report,
        "period": period,
        "lines": lines,
        "accepted": accepted,
        "rejected": rejected,
        "acceptance": accepted / (accepted + rejected) if accepted + rejected else None,
        "reasons": reasons,
        "recycled": recycled,
        "page": page,
        "pages": max(1, -(-recycled.total // RECYCLED_PAGE)),
        "programs": programs,
        "channels": channels,
        "charts": _charts(period.name, lines, reasons, channels),
    }
    return render(request, "marketing/view.html", context, title="Marketing")


def program_cells(row) -> list:
    """One program or channel row as the CSV and the tables show it."""
    return [
        row.key, row.name, row.leads, row.mqls, row.sals, row.sqls, row.opportunities, row.won,
        _money(row.revenue), _money(row.cost), _money(row.cost_per(row.leads)),
        _money(row.cost_per(row.mqls)), _money(row.cost_per(row.sqls)),
        _money(row.cost_per(row.won)), _money(row.roi),
    ]  # fmt: skip


def _charts(month: str, lines, reasons, channels) -> dict:
    products = [line for line in lines if line.region is None]
    return {
        "commitments": bar_chart(
            "commitments",
            title=f"MQLs delivered against the commitment, {month}",
            labels=[line.product or "(no product)" for line in products],
            series={
                "Delivered": [line.delivered for line in products],
                "Expected by now (pace)": [_round(line.expected_by_now) for line in products],
                "Projected": [_round(line.projected) for line in products],
                "Committed": [line.commitment for line in products],
            },
            x_label="Product",
            y_label="MQLs",
            csv_href=f"?month={month}&format=csv&table=commitments",
        ),
        "reasons": chart(
            "reasons",
            kind="hbar",
            title=f"Why sales rejected leads, {month}",
            labels=[r.reason_label or r.reason_code for r in reasons.rows],
            series={
                "Recycled": [r.recycled for r in reasons.rows],
                "Disqualified": [r.disqualified for r in reasons.rows],
            },
            x_label="Reason",
            y_label="Rejections",
            csv_href=f"?month={month}&format=csv&table=reasons",
        ),
        "channels": bar_chart(
            "channels",
            title=f"Cost per lead, MQL, SQL and won deal by channel, {month}",
            labels=[c.key or "(none)" for c in channels],
            series={
                "Per lead": [_float(c.cost_per(c.leads)) for c in channels],
                "Per MQL": [_float(c.cost_per(c.mqls)) for c in channels],
                "Per SQL": [_float(c.cost_per(c.sqls)) for c in channels],
                "Per won": [_float(c.cost_per(c.won)) for c in channels],
            },
            x_label="Channel",
            y_label="Cost",
            csv_href=f"?month={month}&format=csv&table=channels",
        ),
    }


def _cell(value):
    if isinstance(value, tuple):
        return "; ".join(value)
    if isinstance(value, float):
        return round(value, 4)
    return value


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _money(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _float(value: Decimal | None) -> float | None:
    return _money(value)
