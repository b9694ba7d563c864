"""Playbook versions: the active lead definition, and the co-signed path to the next one.

A version is proposed (validated), signed by one user of every approver role, then
activated; the previous active version is retired, so exactly one is active. Documents
never change once stored, so their parsed form is cached per version in this process.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baton.errors import Conflict, Forbidden, NotFound, ValidationFailed
from baton.models import ROLES, PlaybookApproval, PlaybookVersion, User
from baton.playbooks import default_playbook_text
from baton.rules.playbook import Playbook, diff_playbooks, parse_playbook
from baton.schemas.playbooks import MAX_DOCUMENT
from baton.services.audit import record_audit
from baton.services.auth import SYSTEM, Actor
from baton.services.memo import remember

PROPOSER_ROLES: tuple[str, ...] = ("admin", "marketing", "sales_manager")
DEFAULT_APPROVERS: tuple[str, ...] = ("marketing", "sales_manager")

# version -> (document, parsed). The text is kept and compared on every hit because a
# version number is unique only within one database (tests, demo and several databases
# may share a process); comparing a few kilobytes costs microseconds, parsing milliseconds.
_parsed: dict[int, tuple[str, Playbook]] = {}


def approver_roles(setting: str) -> tuple[str, ...]:
    """The roles that must each sign, from the comma-separated setting."""
    roles = tuple(dict.fromkeys(r.strip() for r in setting.split(",") if r.strip()))
    unknown = [r for r in roles if r not in ROLES]
    if unknown or not roles:
        raise ValueError(
            f"BATON_PLAYBOOK_APPROVER_ROLES must list roles among {', '.join(ROLES)}; "
            f"got {setting!r}"
        )
    return roles


def validate_document(text: str) -> Playbook:
    """The playbook the text describes, or PlaybookError (422) naming every path and line."""
    if len(text) > MAX_DOCUMENT:
        raise ValidationFailed(
            f"the document is longer than {MAX_DOCUMENT} characters",
            fields=[{"path": "document", "message": "too long"}],
        )
    return parse_playbook(text)


def parsed(version: int, text: str) -> Playbook:
    """A stored version's document, parsed once per process."""
    hit = _parsed.get(version)
    if hit is not None and hit[0] == text:
        return hit[1]
    playbook = parse_playbook(text)
    _parsed[version] = (text, playbook)
    return playbook


def active_playbook(session: Session, *, now: datetime) -> tuple[int, Playbook]:
    """The active version number and its playbook; a fresh install gets the default as v1.
    Read once per transaction (services.memo), until a version changes."""
    return remember(session, ("active_playbook",), ("playbook_versions",),
                    lambda: _read_active(session, now))  # fmt: skip


def _read_active(session: Session, now: datetime) -> tuple[int, Playbook]:
    row = session.execute(
        select(PlaybookVersion.version, PlaybookVersion.document).where(
            PlaybookVersion.status == "active"
        )
    ).first()
    if row is None:
        row = _bootstrap(session, now=now)
    return row.version, parsed(row.version, row.document)


def _bootstrap(session: Session, *, now: datetime):
    if session.scalar(select(func.count()).select_from(PlaybookVersion)):
        raise Conflict("no playbook version is active; activate one")
    text = default_playbook_text()
    try:
        # A savepoint: when another transaction bootstraps at the same moment, its v1 wins
        # (unique version) and this one reads it instead of failing the caller's request.
        with session.begin_nested():
            first = PlaybookVersion(
                version=1,
                status="active",
                document=text,
                note="the default playbook shipped with Baton",
                created_at=now,
                activated_at=now,
            )
            session.add(first)
            session.flush()
            _audit(session, SYSTEM, "playbook.bootstrap", first, now, {})
            session.flush()
    except IntegrityError:
        pass
    return session.execute(
        select(PlaybookVersion.version, PlaybookVersion.document).where(
            PlaybookVersion.status == "active"
        )
    ).one()


def get_version(session: Session, version: int) -> tuple[PlaybookVersion, Playbook]:
    """A stored version and its parsed document, or 404."""
    row = session.scalar(select(PlaybookVersion).where(PlaybookVersion.version == version))
    if row is None:
        raise NotFound(f"no playbook version {version}")
    return row, parsed(row.version, row.document)


@dataclass(frozen=True)
class Signature:
    """One approval of a version."""

    user_id: int
    email: str
    role: str
    approved_at: datetime


@dataclass(frozen=True)
class VersionView:
    """A version with its signatures and the approver roles still missing."""

    row: PlaybookVersion
    signatures: list[Signature]
    missing_roles: list[str]


def list_versions(
    session: Session, *, now: datetime, approvers: Sequence[str] = DEFAULT_APPROVERS
) -> list[VersionView]:
    """Every version, newest first, with its signatures."""
    active_playbook(session, now=now)  # a fresh install lists its v1
    rows = list(session.scalars(select(PlaybookVersion).order_by(PlaybookVersion.version.desc())))
    signed = _signatures(session, [r.id for r in rows])
    return [_view(r, signed.get(r.id, []), approvers) for r in rows]


def version_view(
    session: Session, *, version: int, approvers: Sequence[str] = DEFAULT_APPROVERS
) -> VersionView:
    """One version with its signatures."""
    row, _ = get_version(session, version)
    return _view(row, _signatures(session, [row.id]).get(row.id, []), approvers)


def _view(row: PlaybookVersion, signatures: list[Signature], approvers: Sequence[str]):
    missing = [] if row.status != "proposed" else _missing(signatures, approvers)
    return VersionView(row, signatures, missing)


def _missing(signatures: list[Signature], approvers: Sequence[str]) -> list[str]:
    signed = {s.role for s in signatures}
    return [role for role in approvers if role not in signed]


def _signatures(session: Session, version_ids: list[int]) -> dict[int, list[Signature]]:
    found: dict[int, list[Signature]] = {}
    if not version_ids:
        return found
    rows = session.execute(
        select(PlaybookApproval, User.email)
        .join(User, User.id == PlaybookApproval.user_id)
        .where(PlaybookApproval.version_id.in_(version_ids))
        .order_by(PlaybookApproval.id)
    )
    for approval, email in rows:
        found.setdefault(approval.version_id, []).append(
            Signature(approval.user_id, email, approval.role, approval.approved_at)
        )
    return found


def diff(session: Session, a: int, b: int) -> list[str]:
    """What changed from version a to version b, one line per path."""
    return diff_playbooks(get_version(session, a)[1], get_version(session, b)[1])


def propose(
    session: Session, *, text: str, note: str | None, actor: Actor, now: datetime
) -> PlaybookVersion:
    """Store a valid document as the next version, status proposed; nothing else changes."""
    if actor.role not in PROPOSER_ROLES:
        raise Forbidden(f"proposing a playbook needs the role {' or '.join(PROPOSER_ROLES)}")
    playbook = validate_document(text)
    active, current = active_playbook(session, now=now)
    if not diff_playbooks(current, playbook):
        raise Conflict(f"the document makes no change to the active version {active}")
    number = (session.scalar(select(func.max(PlaybookVersion.version))) or 0) + 1
    row = PlaybookVersion(
        version=number,
        status="proposed",
        document=text,
        note=(note or "").strip() or None,
        proposed_by=actor.user_id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    _parsed[number] = (text, playbook)
    _audit(session, actor, "playbook.propose", row, now, {"note": row.note})
    session.flush()
    return row


def approve(
    session: Session,
    *,
    version: int,
    actor: Actor,
    now: datetime,
    approvers: Sequence[str] = DEFAULT_APPROVERS,
) -> PlaybookVersion:
    """Sign a proposed version for the actor's role; one signature per user."""
    if actor.role not in approvers:
        raise Forbidden(f"signing a playbook needs the role {' or '.join(approvers)}")
    if actor.user_id is None:
        raise Forbidden("a signature needs a named user (the CLI takes --as EMAIL)")
    row = _locked(session, version)
    _require_proposed(row, "signed")
    taken = select(PlaybookApproval.id).where(
        PlaybookApproval.version_id == row.id, PlaybookApproval.user_id == actor.user_id
    )
    if session.scalar(taken) is not None:
        raise Conflict(f"you have signed version {version} already")
    session.add(
        PlaybookApproval(version_id=row.id, user_id=actor.user_id, role=actor.role, approved_at=now)
    )
    _audit(session, actor, "playbook.approve", row, now, {"role": actor.role})
    session.flush()
    return row


def activate(
    session: Session,
    *,
    version: int,
    actor: Actor,
    now: datetime,
    approvers: Sequence[str] = DEFAULT_APPROVERS,
) -> PlaybookVersion:
    """Make a fully signed proposal the active version and retire the one it replaces."""
    if actor.role != "admin" and actor.role not in approvers:
        roles = " or ".join(["admin", *approvers])
        raise Forbidden(f"activating a playbook needs the role {roles}")
    active_playbook(session, now=now)
    # Every activation locks the active row first, so two of them run one after the other;
    # the second then finds that row retired and stops (PostgreSQL re-checks locked rows).
    current = session.scalar(
        select(PlaybookVersion)
        .where(PlaybookVersion.status == "active")
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if current is None:
        raise Conflict("another activation happened at the same time; try again")
    row = _locked(session, version)
    _require_proposed(row, "activated")
    missing = _missing(_signatures(session, [row.id]).get(row.id, []), approvers)
    if missing:
        raise Conflict(
            f"version {version} still needs the signature of: {', '.join(missing)}",
            fields=[{"path": "approvals", "message": f"missing {role}"} for role in missing],
        )
    parsed(row.version, row.document)  # still valid under this release's schema
    retired = _conditional(session, current.id, "active", status="retired", retired_at=now)
    activated = _conditional(
        session, row.id, "proposed", status="active", activated_at=now, activated_by=actor.user_id
    )
    if not (retired and activated):
        raise Conflict("another activation happened at the same time; try again")
    session.expire(current)
    _audit(session, actor, "playbook.activate", row, now, {"retired": current.version})
    session.flush()
    session.refresh(row)
    return row


def withdraw(session: Session, *, version: int, actor: Actor, now: datetime) -> PlaybookVersion:
    """Take a proposal back; it can no longer be signed or activated."""
    if actor.role not in PROPOSER_ROLES:
        raise Forbidden(f"withdrawing a playbook needs the role {' or '.join(PROPOSER_ROLES)}")
    row = _locked(session, version)
    _require_proposed(row, "withdrawn")
    if not _conditional(session, row.id, "proposed", status="withdrawn"):
        raise Conflict(f"version {version} changed at the same time; try again")
    _audit(session, actor, "playbook.withdraw", row, now, {})
    session.flush()
    session.refresh(row)
    return row


def _locked(session: Session, version: int) -> PlaybookVersion:
    row = session.scalar(
        select(PlaybookVersion)
        .where(PlaybookVersion.version == version)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound(f"no playbook version {version}")
    return row


def _require_proposed(row: PlaybookVersion, verb: str) -> None:
    if row.status != "proposed":
        raise Conflict(
            f"version {row.version} is {row.status}; only a proposed version can be {verb}"
        )


def _conditional(session: Session, row_id: int, expected: str, **values) -> bool:
    """Set values only if the row still has the `expected` status: True when it did."""
    result = session.execute(
        update(PlaybookVersion)
        .where(PlaybookVersion.id == row_id, PlaybookVersion.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _audit(
    session: Session, actor: Actor, action: str, row: PlaybookVersion, now: datetime, details
) -> None:
    record_audit(
        session,
        actor=actor,
        action=action,
        entity="playbook_version",
        entity_id=row.id,
        details={"version": row.version, **details},
        now=now,
    )
