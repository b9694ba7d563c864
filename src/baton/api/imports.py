"""API: imports."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["imports"])
