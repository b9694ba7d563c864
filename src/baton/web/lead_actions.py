"""One-click answers on a lead (inbox and lead page): accept, reject with a reason, log an
attempt, qualify, open a deal, merge a duplicate. Each goes back where it came from."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.errors import ValidationFailed
from baton.models import User
from baton.rules.handoff import Action
from baton.services import handoff, opportunities
from baton.services.auth import Actor
from baton.services.merges import MERGE_ROLES, merge
from baton.web.deps import WebActor, require_web_role
from baton.web.render import redirect, safe_next

router = APIRouter(include_in_schema=False)
FormStr = Annotated[str, Form()]
Merger = Annotated[User, Depends(require_web_role(*MERGE_ROLES))]


def acting(action: Action):
    """A dependency: the actor, once they may take `action` on the lead (403 page, else)."""

    def check(lead_id: int, session: SessionDep, actor: WebActor) -> Actor:
        handoff.check_lead_action(session, lead_id=lead_id, action=action, actor=actor)
        return actor

    return check


def _back(back: str, lead_id: int) -> str:
    return safe_next(back, f"/leads/{lead_id}")


@router.post("/leads/{lead_id}/accept")
def accept(
    request: Request, lead_id: int, session: SessionDep, now: NowDep,
    actor: Annotated[Actor, Depends(acting(Action.ACCEPT))],
    back: FormStr = "", note: FormStr = "",
) -> Response:  # fmt: skip
    """Accept the MQL (mql -> sal)."""
    handoff.accept_lead(session, lead_id=lead_id, note=note or None, actor=actor, now=now)
    return redirect(request, _back(back, lead_id), flash=f"Lead {lead_id} accepted.")


@router.post("/leads/{lead_id}/reject")
def reject(
    request: Request, lead_id: int, session: SessionDep, now: NowDep,
    actor: Annotated[Actor, Depends(acting(Action.REJECT))],
    back: FormStr = "", reason_code: FormStr = "", comment: FormStr = "",
) -> Response:  # fmt: skip
    """Reject with a reason of the active playbook (recycled or disqualified as it says)."""
    if not reason_code:
        raise ValidationFailed("choose a reason to reject the lead")
    rejection = handoff.reject_lead(
        session, lead_id=lead_id, reason_code=reason_code, comment=comment or None,
        actor=actor, now=now,
    )  # fmt: skip
    message = f"Lead {lead_id} rejected ({rejection.reason_code}): {rejection.outcome}."
    return redirect(request, _back(back, lead_id), flash=message)


@router.post("/leads/{lead_id}/attempts")
def log_attempt(
    request: Request, lead_id: int, session: SessionDep, now: NowDep,
    actor: Annotated[Actor, Depends(acting(Action.ATTEMPT))],
    back: FormStr = "", channel: FormStr = "call", outcome: FormStr = "no_answer",
    note: FormStr = "",
) -> Response:  # fmt: skip
    """Log an attempt to reach the lead, made now."""
    handoff.log_attempt(
        session, lead_id=lead_id, channel=channel, outcome=outcome, note=note or None,
        actor=actor, now=now,
    )  # fmt: skip
    label = f"{channel}, {outcome.replace('_', ' ')}"
    return redirect(
        request, _back(back, lead_id), flash=f"Attempt logged on lead {lead_id}: {label}."
    )


@router.post("/leads/{lead_id}/qualify")
def qualify(
    request: Request, lead_id: int, session: SessionDep, now: NowDep,
    actor: Annotated[Actor, Depends(acting(Action.QUALIFY))],
    back: FormStr = "", note: FormStr = "",
) -> Response:  # fmt: skip
    """Qualify the lead (sal -> sql)."""
    handoff.qualify_lead(session, lead_id=lead_id, note=note or None, actor=actor, now=now)
    return redirect(request, _back(back, lead_id), flash=f"Lead {lead_id} qualified (SQL).")


@router.post("/leads/{lead_id}/opportunities")
def open_deal(
    request: Request, lead_id: int, session: SessionDep, now: NowDep,
    actor: Annotated[Actor, Depends(acting(Action.OPEN_OPPORTUNITY))],
    back: FormStr = "", amount: FormStr = "", product: FormStr = "",
    expected_close_on: FormStr = "",
) -> Response:  # fmt: skip
    """Open a deal on the sales-qualified lead."""
    try:
        value = Decimal(amount.replace(",", "").strip())
    except InvalidOperation:
        raise ValidationFailed(f"the amount {amount!r} is not a number") from None
    try:
        close = date.fromisoformat(expected_close_on.strip())
    except ValueError:
        raise ValidationFailed("give the expected close date as YYYY-MM-DD") from None
    deal = opportunities.open_opportunity(
        session, lead_id=lead_id, amount=value, product=product, expected_close_on=close,
        actor=actor, now=now,
    )  # fmt: skip
    message = f"Deal opened on lead {lead_id}: {deal.amount} {deal.currency}."
    return redirect(request, _back(back, lead_id), flash=message)


@router.post("/leads/{lead_id}/merge")
def merge_duplicate(
    request: Request, lead_id: int, session: SessionDep, now: NowDep, actor: WebActor,
    _user: Merger, duplicate_id: FormStr = "",
) -> Response:  # fmt: skip
    """Merge another lead (a duplicate) into this one; the duplicate disappears."""
    if not duplicate_id.strip().isdigit():
        raise ValidationFailed("give the id of the duplicate lead to merge into this one")
    done = merge(session, into_id=lead_id, from_id=int(duplicate_id), actor=actor, now=now)
    moved = sum(done.moved.values())
    message = f"Lead {done.from_id} merged into this one ({moved} rows moved"
    message += f", filled: {', '.join(done.filled)})." if done.filled else ")."
    return redirect(request, f"/leads/{lead_id}", flash=message)
