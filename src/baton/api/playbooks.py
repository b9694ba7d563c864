"""API: playbook versions — validate, propose, co-sign, activate, withdraw, diff, preview."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ValidationError

from baton.api.deps import ActorDep, CurrentUser, NowDep, RequireRole, SessionDep
from baton.errors import BatonError, ValidationFailed
from baton.rules.playbook import PlaybookError
from baton.schemas.playbooks import (
    DiffRead,
    ImpactRead,
    PlaybookProposal,
    PlaybookVersionDetail,
    PlaybookVersionRead,
    SignatureRead,
    ValidationReport,
)
from baton.services import playbook_impact, playbooks
from baton.services.playbooks import PROPOSER_ROLES, VersionView

router = APIRouter(prefix="/api/playbooks", tags=["playbooks"])
PROPOSERS = Depends(RequireRole(*PROPOSER_ROLES))
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
# Documented bodies: a JSON object, or the YAML itself (the note then goes in ?note=).
BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": PlaybookProposal.model_json_schema()},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


def approvers(request: Request) -> tuple[str, ...]:
    """The roles that must sign, from the app's settings."""
    return playbooks.approver_roles(request.app.state.settings.playbook_approver_roles)


Approvers = Annotated[tuple[str, ...], Depends(approvers)]


async def proposal_body(request: Request) -> PlaybookProposal:
    """The document from a JSON body {document, note}, or a raw YAML body (?note=...)."""
    body = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in YAML_TYPES:
        try:
            values: Any = {
                "document": body.decode("utf-8"),
                "note": request.query_params.get("note"),
            }
        except UnicodeDecodeError:
            raise ValidationFailed("the YAML body is not UTF-8 text") from None
        return _validated(values)
    try:
        return PlaybookProposal.model_validate_json(body or b"{}")
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            message = "the request body is not valid JSON (or send application/yaml)"
            raise BatonError(message) from None
        raise _failed(exc) from None


def _validated(values: dict[str, Any]) -> PlaybookProposal:
    try:
        return PlaybookProposal.model_validate(values)
    except ValidationError as exc:
        raise _failed(exc) from None


def _failed(exc: ValidationError) -> ValidationFailed:
    fields = [
        {"path": ".".join(map(str, e["loc"])) or "body", "message": e["msg"]} for e in exc.errors()
    ]
    message = "; ".join(f"{f['path']}: {f['message']}" for f in fields)
    return ValidationFailed(message, fields=fields)


Body = Annotated[PlaybookProposal, Depends(proposal_body)]


def _read(view: VersionView) -> PlaybookVersionRead:
    row = view.row
    return PlaybookVersionRead(
        **{k: getattr(row, k) for k in _ROW_FIELDS},
        signatures=[SignatureRead(**asdict(s)) for s in view.signatures],
        missing_roles=view.missing_roles,
    )


_ROW_FIELDS = (
    "version",
    "status",
    "note",
    "proposed_by",
    "created_at",
    "activated_at",
    "activated_by",
    "retired_at",
)


def _detail(session, version: int, approvers: tuple[str, ...]) -> PlaybookVersionDetail:
    view = playbooks.version_view(session, version=version, approvers=approvers)
    playbook = playbooks.get_version(session, version)[1]
    return PlaybookVersionDetail(
        **_read(view).model_dump(),
        document=view.row.document,
        playbook=playbook.model_dump(mode="json", exclude_none=True),
    )


@router.get("", response_model=list[PlaybookVersionRead])
def list_versions(session: SessionDep, _user: CurrentUser, now: NowDep, roles: Approvers):
    """Every version, newest first, with its signatures; any role may read them."""
    return [_read(v) for v in playbooks.list_versions(session, now=now, approvers=roles)]


@router.get("/active", response_model=PlaybookVersionDetail)
def active(session: SessionDep, _user: CurrentUser, now: NowDep, roles: Approvers):
    """The version in force: its YAML text and the parsed document."""
    version, _ = playbooks.active_playbook(session, now=now)
    return _detail(session, version, roles)


@router.post("/validate", response_model=ValidationReport, openapi_extra=BODY_DOC)
def validate(body: Body, _user: CurrentUser):
    """Check a document without storing it: ok, or every error with its path and line."""
    try:
        playbooks.validate_document(body.document)
    except PlaybookError as exc:
        return ValidationReport(ok=False, errors=exc.fields)
    return ValidationReport(ok=True)


@router.post(
    "",
    status_code=201,
    response_model=PlaybookVersionRead,
    dependencies=[PROPOSERS],
    openapi_extra=BODY_DOC,
)
def propose(body: Body, session: SessionDep, actor: ActorDep, now: NowDep, roles: Approvers):
    """Propose a new version (admin, marketing, sales_manager); 422 lists every error."""
    row = playbooks.propose(session, text=body.document, note=body.note, actor=actor, now=now)
    return _read(playbooks.version_view(session, version=row.version, approvers=roles))


@router.get("/{version}", response_model=PlaybookVersionDetail)
def get_version(version: int, session: SessionDep, _user: CurrentUser, roles: Approvers):
    """One version: status, signatures, YAML text and parsed document."""
    return _detail(session, version, roles)


@router.post("/{version}/approve", response_model=PlaybookVersionRead)
def approve(version: int, session: SessionDep, actor: ActorDep, now: NowDep, roles: Approvers):
    """Sign a proposal for your role (each approver role must sign; 403 for other roles)."""
    playbooks.approve(session, version=version, actor=actor, now=now, approvers=roles)
    return _read(playbooks.version_view(session, version=version, approvers=roles))


@router.post("/{version}/activate", response_model=PlaybookVersionRead)
def activate(version: int, session: SessionDep, actor: ActorDep, now: NowDep, roles: Approvers):
    """Activate a fully signed proposal; 409 names the roles still to sign."""
    playbooks.activate(session, version=version, actor=actor, now=now, approvers=roles)
    return _read(playbooks.version_view(session, version=version, approvers=roles))


@router.post("/{version}/withdraw", response_model=PlaybookVersionRead, dependencies=[PROPOSERS])
def withdraw(version: int, session: SessionDep, actor: ActorDep, now: NowDep, roles: Approvers):
    """Withdraw a proposal; it can no longer be signed or activated."""
    playbooks.withdraw(session, version=version, actor=actor, now=now)
    return _read(playbooks.version_view(session, version=version, approvers=roles))


@router.get("/{a}/diff/{b}", response_model=DiffRead)
def diff(a: int, b: int, session: SessionDep, _user: CurrentUser):
    """What changed from version a to version b, one line per path."""
    return DiffRead(a=a, b=b, changes=playbooks.diff(session, a, b))


@router.get("/{version}/preview", response_model=ImpactRead)
def preview(
    version: int,
    session: SessionDep,
    _user: CurrentUser,
    now: NowDep,
    against: Annotated[str, Query(description="`active` or a version number")] = "active",
):
    """Who would enter or leave MQL today, and each version's precision and recall."""
    baseline = None if against == "active" else _version_number(against)
    result = playbook_impact.impact(session, version=version, against=baseline, now=now)
    return ImpactRead.model_validate(result, from_attributes=True)


def _version_number(text: str) -> int:
    if not text.isdigit():
        raise ValidationFailed(
            "against must be `active` or a version number",
            fields=[{"path": "against", "message": "`active` or a version number"}],
        )
    return int(text)
