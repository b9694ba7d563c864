"""Widen `via` so 'form:<64-character key>' fits in every history table.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("lead_changes", "stage_changes", "audit_log")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                "via",
                type_=sa.String(length=100),
                existing_type=sa.String(length=40),
                existing_nullable=False,
            )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                "via",
                type_=sa.String(length=40),
                existing_type=sa.String(length=100),
                existing_nullable=False,
            )
