"""API: lead-generation programs."""

from fastapi import APIRouter, Depends

from baton.api.deps import ActorDep, CurrentUser, NowDep, RequireRole, SessionDep
from baton.schemas.programs import ProgramCreate, ProgramRead, ProgramUpdate
from baton.services import programs

router = APIRouter(prefix="/api", tags=["programs"])
EDITORS = Depends(RequireRole("admin", "marketing"))


@router.post("/programs", status_code=201, response_model=ProgramRead, dependencies=[EDITORS])
def create_program(data: ProgramCreate, session: SessionDep, actor: ActorDep, now: NowDep):
    """Create a program (admin, marketing); a name used already answers 409."""
    return programs.create_program(session, data=data, actor=actor, now=now)


@router.patch("/programs/{program_id}", response_model=ProgramRead, dependencies=[EDITORS])
def update_program(
    program_id: int, data: ProgramUpdate, session: SessionDep, actor: ActorDep, now: NowDep
):
    """Change the fields sent (admin, marketing)."""
    return programs.update_program(session, program_id=program_id, data=data, actor=actor, now=now)


@router.get("/programs", response_model=list[ProgramRead])
def list_programs(session: SessionDep, _user: CurrentUser, channel: str | None = None):
    """Every program, by name; any role may read them."""
    return programs.list_programs(session, channel=channel)


@router.get("/programs/{program_id}", response_model=ProgramRead)
def get_program(program_id: int, session: SessionDep, _user: CurrentUser):
    """One program."""
    return programs.get_program(session, program_id)
