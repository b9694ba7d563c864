"""The lead list (search and filters) and the lead page (profile, score, timeline, actions)."""

from dataclasses import replace

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.models import CHANNELS, Team, User
from baton.rules.handoff import ACTION_STAGES, ATTEMPT_CHANNELS, ATTEMPT_OUTCOMES
from baton.rules.lifecycle import STAGES
from baton.services.lead_list import LeadListFilter, list_leads
from baton.services.lead_page import lead_page
from baton.services.lead_timeline import lead_timeline
from baton.services.merges import MERGE_ROLES
from baton.services.playbooks import active_playbook
from baton.web.charts import csv_response, wants_csv
from baton.web.deps import WebUser
from baton.web.lead_panels import panels_for
from baton.web.paging import page_of
from baton.web.render import add_nav, render, render_fragment

router = APIRouter(include_in_schema=False)
add_nav("Leads", "/leads", order=15)
PER_PAGE = 50
CSV_MAX = 10_000


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@router.get("/leads")
def leads(
    request: Request,
    session: SessionDep,
    now: NowDep,
    user: WebUser,
    q: str = "",
    stage: str = "",
    owner: str = "",
    team: str = "",
    product: str = "",
    channel: str = "",
    grade: str = "",
    format: str = "",
) -> Response:
    """Search and filter leads; ?format=csv downloads the matching leads (up to 10,000)."""
    filters = LeadListFilter(
        q=q or None, stage=stage or None, owner_id=_int(owner), team_id=_int(team),
        product=product or None, channel=channel or None, grade=grade or None,
    )  # fmt: skip
    if wants_csv(format):
        found = list_leads(session, filters=filters, limit=CSV_MAX, offset=0)
        header = ["id", "first_name", "last_name", "email", "company", "stage", "owner", "team",
                  "product", "channel", "grade", "fit", "engagement", "created_at"]  # fmt: skip
        rows = [
            [r.lead.id, r.lead.first_name, r.lead.last_name, r.lead.email, r.lead.company,
             r.lead.stage, r.owner, r.team, r.lead.product_interest, r.lead.channel,
             r.score.grade if r.score else None, r.score.fit if r.score else None,
             r.score.engagement if r.score else None, r.lead.created_at.isoformat()]
            for r in found.rows
        ]  # fmt: skip
        return csv_response("leads.csv", header, rows)
    page = page_of(request, per_page=PER_PAGE)
    found = list_leads(session, filters=filters, limit=PER_PAGE, offset=page.offset)
    _, playbook = active_playbook(session, now=now)
    context = {
        "rows": found.rows,
        "page": replace(page, total=found.total),
        "filters": filters,
        "stages": STAGES,
        "channels": CHANNELS,
        "products": playbook.products,
        "grades": [g.grade for g in playbook.fit.grades],
        "owners": session.execute(
            select(User.id, User.name)
            .where(User.role.in_(("sales_rep", "sales_manager")))
            .order_by(User.name)
        ).all(),
        "teams": session.execute(select(Team.id, Team.name).order_by(Team.name)).all(),
    }
    return render(request, "leads/list.html", context, title="Leads")


@router.get("/leads/{lead_id}")
def lead(request: Request, lead_id: int, session: SessionDep, now: NowDep, user: WebUser):
    """One lead: profile, account, persona, score explained, SLA, timeline, actions, panels."""
    page = lead_page(session, lead_id=lead_id, now=now)
    _, playbook = active_playbook(session, now=now)
    stage = page.lead.stage
    context = {
        "p": page,
        "lead": page.lead,
        "timeline": lead_timeline(session, lead_id=lead_id),
        "panels": [
            (
                panel.title,
                render_fragment(
                    request, panel.template, {**panel.context, "lead": page.lead, "user": user}
                ),
            )
            for panel in panels_for(session, page.lead, user, now)
        ],  # fmt: skip
        "can": {action.value: stage in stages for action, stages in ACTION_STAGES.items()},
        "can_merge": user.role in MERGE_ROLES,
        "reasons": playbook.reasons,
        "products": playbook.products,
        "attempt_channels": ATTEMPT_CHANNELS,
        "attempt_outcomes": ATTEMPT_OUTCOMES,
        "back": f"/leads/{lead_id}",
    }
    return render(request, "leads/detail.html", context, title=f"Lead {lead_id}")
