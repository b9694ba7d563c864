"""Idempotency-Key for POST routes: a retry gets the first response and writes nothing new.

Concurrency: two requests with the same new key can both find no stored response. On SQLite
the first statement of a request takes the write lock (BEGIN IMMEDIATE), so the second waits
for the first to commit and then replays its response. On PostgreSQL the second blocks on
the unique index the first one wrote to (the lead's e-mail, or idempotency_keys(user_id,
key)); when the first commits, its insert fails, the whole transaction rolls back and it
answers 409 conflict; a later retry replays the first response. Nothing is written twice.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from baton.services.auth import Actor
from baton.services.idempotency import body_hash, remember, replay

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(description="Any unique string; a retry with the same key replays the response"),
]


async def json_body(request: Request) -> Any:
    """The parsed JSON body (FastAPI has already read and cached it for the body model)."""
    try:
        return await request.json()
    except ValueError:
        # Not JSON: the route's body model refuses the request with its own clear error.
        return None


JsonBody = Annotated[Any, Depends(json_body)]


def respond_once(
    session: Session,
    *,
    actor: Actor,
    key: str | None,
    endpoint: str,
    body: Any,
    now: datetime,
    run: Callable[[], tuple[int, dict[str, Any]]],
) -> JSONResponse:
    """Replay the stored response for this key, or run, store the response and return it."""
    if key is None or actor.user_id is None:
        status, payload = run()
        return JSONResponse(payload, status_code=status)
    request_hash = body_hash(body)
    stored = replay(
        session, user_id=actor.user_id, key=key, endpoint=endpoint, request_hash=request_hash
    )
    if stored is not None:
        status, payload = stored
        return JSONResponse(payload, status_code=status, headers={"Idempotent-Replayed": "true"})
    status, payload = run()
    remember(
        session,
        user_id=actor.user_id,
        key=key,
        endpoint=endpoint,
        request_hash=request_hash,
        status_code=status,
        response=payload,
        now=now,
    )
    return JSONResponse(payload, status_code=status)
