"""API: users."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["users"])
