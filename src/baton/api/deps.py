"""Dependencies every route shares: the session (commits at the edge), the user, the role."""

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from baton.errors import Forbidden
from baton.models import User
from baton.services.auth import Actor, authenticate


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: committed when the route returns, rolled back on error."""
    session = request.app.state.sessionmaker()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def get_now(request: Request) -> datetime:
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


def get_actor(user: CurrentUser) -> Actor:
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
