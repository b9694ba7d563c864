"""API: events."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["events"])
