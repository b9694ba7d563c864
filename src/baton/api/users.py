"""API: who am I, users (admin), and my personal API tokens."""

from fastapi import APIRouter, Depends

from baton.api.deps import CurrentUser, NowDep, RequireRole, SessionDep
from baton.schemas.users import TokenCreate, TokenCreated, TokenRead, UserCreate, UserRead
from baton.services import auth

router = APIRouter(prefix="/api", tags=["users"])


@router.get("/me", response_model=UserRead)
def me(user: CurrentUser):
    """The user the token belongs to."""
    return user


@router.post(
    "/users",
    status_code=201,
    response_model=UserRead,
    dependencies=[Depends(RequireRole("admin"))],
)
def add_user(data: UserCreate, session: SessionDep, now: NowDep):
    """Create a user with a role (admin only); an e-mail in use answers 409."""
    return auth.add_user(session, **data.model_dump(), now=now)


@router.get(
    "/users",
    response_model=list[UserRead],
    dependencies=[Depends(RequireRole("admin", "sales_manager"))],
)
def list_users(session: SessionDep):
    """Every user (admin, sales_manager)."""
    return auth.list_users(session)


@router.post("/tokens", status_code=201, response_model=TokenCreated)
def create_token(data: TokenCreate, session: SessionDep, user: CurrentUser, now: NowDep):
    """A new token for the current user; the answer is the only time it is shown."""
    token, plain = auth.create_token(session, user=user, name=data.name, now=now)
    return TokenCreated(**TokenRead.model_validate(token).model_dump(), token=plain)


@router.get("/tokens", response_model=list[TokenRead])
def list_tokens(session: SessionDep, user: CurrentUser):
    """The current user's tokens: prefixes and dates, never the tokens."""
    return auth.list_tokens(session, user_id=user.id)


@router.delete("/tokens/{token_id}", response_model=TokenRead)
def revoke_token(token_id: int, session: SessionDep, user: CurrentUser, now: NowDep):
    """Revoke one of my tokens (an admin may revoke anyone's); it stops working at once."""
    return auth.revoke_token(
        session, token_id=token_id, user_id=user.id, is_admin=user.role == "admin", now=now
    )
