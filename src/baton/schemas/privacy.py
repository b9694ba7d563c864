"""Erasure output."""

from datetime import datetime

from pydantic import BaseModel


class ErasureRead(BaseModel):
    """What an erasure anonymised: row counts per table, never the data itself."""

    lead_id: int
    erased_at: datetime
    anonymised: dict[str, int]
