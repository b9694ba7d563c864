"""The rep's inbox: my open leads, most urgent SLA first, with one-click answers."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.models import User
from baton.rules.handoff import ACTION_STAGES, ATTEMPT_CHANNELS, ATTEMPT_OUTCOMES
from baton.services.inbox import rep_inbox
from baton.services.playbooks import active_playbook
from baton.web.deps import require_web_role
from baton.web.render import add_nav, render

router = APIRouter(include_in_schema=False)
SALES_ROLES = ("sales_rep", "sales_manager", "admin")
Seller = Annotated[User, Depends(require_web_role(*SALES_ROLES))]
add_nav("Inbox", "/inbox", roles=SALES_ROLES, order=10)
SHOWN = 50


@router.get("/inbox")
def inbox(
    request: Request, session: SessionDep, now: NowDep, user: Seller, all: bool = False
) -> Response:
    """Leads I own that are still open, overdue and soonest due first (the first 50 unless
    ?all=1: each card carries its answer forms, and a page of hundreds is slow to use)."""
    _, playbook = active_playbook(session, now=now)
    items = rep_inbox(session, user=user, now=now)
    context = {
        "items": items if all else items[:SHOWN],
        "total": len(items),
        "can": {action.value: stages for action, stages in ACTION_STAGES.items()},
        "reasons": playbook.reasons,
        "products": playbook.products,
        "attempt_channels": ATTEMPT_CHANNELS,
        "attempt_outcomes": ATTEMPT_OUTCOMES,
        "back": "/inbox",
        "now": now,
    }
    return render(request, "inbox.html", context, title="Inbox")
