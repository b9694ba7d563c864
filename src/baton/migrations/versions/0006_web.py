"""The web app: browser sessions and sign-in throttling (#7).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # filled in by its issue


def downgrade() -> None:
    pass
