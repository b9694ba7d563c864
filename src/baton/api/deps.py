"""Dependencies every route shares: the session (commits at the edge), the user, the role."""

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from baton.errors import Forbidden
from baton.models import User
from baton.services.auth import Actor, authenticate


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed before the response is sent, else rolled back.

    Requests wait for a database slot here, in the event loop, not in a worker thread: with
    SQLite's single connection, threads blocked on the pool would starve the request that
    holds it of the thread it needs to finish (a deadlock past 40 concurrent requests).
    """
    async with request.app.state.db_gate:
        session = request.app.state.sessionmaker()
        try:
            yield session
            await run_in_threadpool(_commit, session)
        except BaseException:
            await run_in_threadpool(_rollback, session)
            raise


def _commit(session: Session) -> None:
    try:
        session.commit()
    finally:
        session.close()


def _rollback(session: Session) -> None:
    try:
        session.rollback()
    finally:
        session.close()


# scope="function": the commit happens before the response is sent, so a failed commit is
# an error response, never a success the database did not keep.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


async def get_now(request: Request) -> datetime:
    """`now` from the app's clock (a frozen clock in tests and the demo)."""
    return request.app.state.clock()


NowDep = Annotated[datetime, Depends(get_now)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def get_current_user(request: Request, session: SessionDep, now: NowDep) -> User:
    """The user whose API token came with the request (401 without one)."""
    return authenticate(session, token=_bearer(request), now=now)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_actor(user: CurrentUser) -> Actor:
    """The current user as the actor recorded on changes."""
    return Actor(user_id=user.id, role=user.role, via="api")


ActorDep = Annotated[Actor, Depends(get_actor)]


def RequireRole(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only these roles through (403 for the others)."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise Forbidden(f"this needs the role {' or '.join(roles)}; you are {user.role}")
        return user

    return check
