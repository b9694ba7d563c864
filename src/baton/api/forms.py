"""API: forms, and the public endpoint a website's HTML form posts to."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["forms"])
public_router = APIRouter(tags=["public forms"])
