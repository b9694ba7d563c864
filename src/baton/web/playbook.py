"""The playbook page: the active version read as rules, the version history with diffs, a
proposal editor with inline errors (path and line), impact preview and backtest, sign-off and
activation. Every change goes through services.playbooks, as the API's do."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from baton.api.deps import NowDep, SessionDep
from baton.errors import BatonError
from baton.models import User
from baton.rules.playbook import PlaybookError, diff_playbooks
from baton.services import playbook_impact, playbooks
from baton.services.playbooks import PROPOSER_ROLES
from baton.web.deps import WebUser, require_web_role
from baton.web.manager import web_actor
from baton.web.render import add_nav, redirect, render

router = APIRouter(include_in_schema=False)
Definer = Annotated[User, Depends(require_web_role(*PROPOSER_ROLES))]
FormStr = Annotated[str, Form()]
add_nav("Playbook", "/playbook", order=50)
# The page's backtest keeps the most recently closed leads (about 1.4 ms each on this
# machine; the API's /preview defaults to 20,000), so the page answers in seconds.
PAGE_BACKTEST_LIMIT = 1_000


def approvers(request: Request) -> tuple[str, ...]:
    """The roles that must each sign, from the app's settings."""
    return playbooks.approver_roles(request.app.state.settings.playbook_approver_roles)


Approvers = Annotated[tuple[str, ...], Depends(approvers)]


@router.get("/playbook")
def playbook_home(
    request: Request, session: SessionDep, user: WebUser, now: NowDep, roles: Approvers
) -> Response:
    """The active version, readable, and every version with its signatures."""
    number, active = playbooks.active_playbook(session, now=now)
    versions = playbooks.list_versions(session, now=now, approvers=roles)
    row = next(v.row for v in versions if v.row.version == number)
    context = {"number": number, "pb": active, "row": row, "versions": versions,
               "approvers": roles, "may_propose": user.role in PROPOSER_ROLES}  # fmt: skip
    return render(request, "playbook/home.html", context, title="Playbook")


@router.get("/playbook/propose")
def proposal_form(
    request: Request, session: SessionDep, user: Definer, now: NowDep, start: int | None = None
) -> Response:
    """The editor, holding the active version's YAML (or version `start`'s)."""
    if start is None:
        start = playbooks.active_playbook(session, now=now)[0]
    text = playbooks.get_version(session, start)[0].document
    return _editor(request, text=text, note="", start=start)


@router.post("/playbook/propose")
def propose(
    request: Request, session: SessionDep, user: Definer, now: NowDep, roles: Approvers,
    document: FormStr = "", note: FormStr = "", action: FormStr = "propose",
) -> Response:  # fmt: skip
    """Check the YAML (action=validate) or store it as a proposal; errors show in the editor."""
    text = document.replace("\r\n", "\n")
    try:
        if action == "validate":
            checked = playbooks.validate_document(text)
            number, active = playbooks.active_playbook(session, now=now)
            changes = diff_playbooks(active, checked)
            return _editor(request, text=text, note=note, checked=changes, against=number)
        row = playbooks.propose(session, text=text, note=note, actor=web_actor(user), now=now)
    except PlaybookError as exc:
        return _editor(request, text=text, note=note, issues=exc.errors, status_code=422)
    except BatonError as exc:
        return _editor(request, text=text, note=note, message=exc.message, status_code=exc.status)
    missing = ", ".join(r.replace("_", " ") for r in roles)
    flash = f"Version {row.version} is proposed; it needs the signatures of: {missing}."
    return redirect(request, f"/playbook/versions/{row.version}", flash=flash)


def _editor(request: Request, *, text: str, note: str, status_code: int = 200, **extra):
    context = {"text": text, "note": note, "issues": [], "message": None, "checked": None,
               "start": None, **extra}  # fmt: skip
    return render(
        request, "playbook/editor.html", context, status_code=status_code, title="Propose"
    )


@router.get("/playbook/versions/{version}")
def version_page(
    request: Request, version: int, session: SessionDep, user: WebUser, now: NowDep,
    roles: Approvers, against: int | None = None,
) -> Response:  # fmt: skip
    """One version: status, signatures, what it changes, its rules and YAML, the actions."""
    view = playbooks.version_view(session, version=version, approvers=roles)
    pb = playbooks.get_version(session, version)[1]
    active = playbooks.active_playbook(session, now=now)[0]
    if against is None:
        against = active if version != active else _previous(session, version, now, roles)
    changes = playbooks.diff(session, against, version) if against else None
    others = [v.row.version for v in playbooks.list_versions(session, now=now, approvers=roles)]
    signed = {s.user_id for s in view.signatures}
    context = {"view": view, "row": view.row, "pb": pb, "active": active, "against": against,
               "changes": changes, "others": others, "approvers": roles,
               "may_sign": user.role in roles and user.id not in signed,
               "may_activate": user.role == "admin" or user.role in roles,
               "may_withdraw": user.role in PROPOSER_ROLES}  # fmt: skip
    return render(request, "playbook/version.html", context, title=f"Playbook v{version}")


def _previous(session, version: int, now, roles) -> int | None:
    earlier = [
        v.row.version
        for v in playbooks.list_versions(session, now=now, approvers=roles)
        if v.row.version < version
    ]
    return max(earlier) if earlier else None


@router.get("/playbook/versions/{version}/impact")
def impact_page(
    request: Request, version: int, session: SessionDep, user: WebUser, now: NowDep,
    against: int | None = None,
) -> Response:  # fmt: skip
    """Who would enter or leave MQL today, and each version's precision and recall."""
    result = playbook_impact.impact(
        session, version=version, against=against, now=now, limit=PAGE_BACKTEST_LIMIT
    )
    context = {"impact": result, "limit": PAGE_BACKTEST_LIMIT}
    return render(request, "playbook/impact.html", context, title=f"Impact of v{version}")


@router.post("/playbook/versions/{version}/approve")
def approve(
    request: Request, version: int, session: SessionDep, user: Definer, now: NowDep,
    roles: Approvers,
) -> Response:  # fmt: skip
    """Sign the proposal for your role."""
    playbooks.approve(session, version=version, actor=web_actor(user), now=now, approvers=roles)
    view = playbooks.version_view(session, version=version, approvers=roles)
    still = ", ".join(r.replace("_", " ") for r in view.missing_roles)
    flash = f"You signed version {version}." + (f" Still to sign: {still}." if still else "")
    return redirect(request, f"/playbook/versions/{version}", flash=flash)


@router.post("/playbook/versions/{version}/activate")
def activate(
    request: Request, version: int, session: SessionDep, user: Definer, now: NowDep,
    roles: Approvers,
) -> Response:  # fmt: skip
    """Make the fully signed proposal the active version."""
    playbooks.activate(session, version=version, actor=web_actor(user), now=now, approvers=roles)
    return redirect(request, "/playbook", flash=f"Version {version} is active.")


@router.post("/playbook/versions/{version}/withdraw")
def withdraw(
    request: Request, version: int, session: SessionDep, user: Definer, now: NowDep
) -> Response:
    """Take the proposal back."""
    playbooks.withdraw(session, version=version, actor=web_actor(user), now=now)
    return redirect(request, f"/playbook/versions/{version}", flash=f"Version {version} withdrawn.")
