"""Analytics: stored stage durations and kept-up funnel aggregates (#6).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # filled in by its issue


def downgrade() -> None:
    pass
