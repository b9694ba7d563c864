"""Lead-generation programs: create, edit, list; every change is audited."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from baton.errors import Conflict, NotFound, ValidationFailed
from baton.models import Program
from baton.schemas.programs import ProgramCreate, ProgramUpdate, check_dates
from baton.services.audit import jsonable, record_audit, update_audited
from baton.services.auth import Actor


def get_program(session: Session, program_id: int) -> Program:
    """A program by id, or 404."""
    program = session.get(Program, program_id)
    if program is None:
        raise NotFound(f"no program {program_id}")
    return program


def find_program(session: Session, ref: str | int) -> Program:
    """A program by id or by exact name (for the CLI)."""
    if isinstance(ref, int) or str(ref).isdigit():
        return get_program(session, int(ref))
    program = session.scalar(select(Program).where(Program.name == str(ref).strip()))
    if program is None:
        raise NotFound(f"no program named {ref!r}")
    return program


def list_programs(session: Session, *, channel: str | None = None) -> list[Program]:
    """All programs by name, optionally of one channel."""
    query = select(Program).order_by(Program.name)
    if channel:
        query = query.where(Program.channel == channel.lower())
    return list(session.scalars(query))


def create_program(
    session: Session, *, data: ProgramCreate, actor: Actor, now: datetime
) -> Program:
    """A new program; names are unique, ignoring case."""
    _check_name_free(session, data.name)
    program = Program(**data.model_dump(), created_at=now, updated_at=now)
    session.add(program)
    session.flush()
    values = {k: jsonable(v) for k, v in data.model_dump().items()}
    record_audit(
        session,
        actor=actor,
        action="program.create",
        entity="program",
        entity_id=program.id,
        details={"values": values},
        now=now,
    )
    session.flush()
    return program


def update_program(
    session: Session, *, program_id: int, data: ProgramUpdate, actor: Actor, now: datetime
) -> Program:
    """Set the fields sent; the audit entry records each one's old and new value."""
    program = get_program(session, program_id)
    values = data.model_dump(exclude_unset=True)
    if "name" in values and values["name"] != program.name:
        _check_name_free(session, values["name"], except_id=program.id)
    try:
        check_dates(
            values.get("starts_on", program.starts_on), values.get("ends_on", program.ends_on)
        )
    except ValueError as exc:
        raise ValidationFailed(
            str(exc), fields=[{"path": "ends_on", "message": str(exc)}]
        ) from None
    update_audited(
        session,
        row=program,
        values=values,
        actor=actor,
        action="program.update",
        entity="program",
        now=now,
    )
    return program


def _check_name_free(session: Session, name: str, *, except_id: int | None = None) -> None:
    query = select(Program.id).where(func.lower(Program.name) == name.lower())
    if except_id is not None:
        query = query.where(Program.id != except_id)
    if session.scalar(query) is not None:
        raise Conflict(
            f"a program named {name!r} exists already",
            fields=[{"path": "name", "message": "already taken"}],
        )
