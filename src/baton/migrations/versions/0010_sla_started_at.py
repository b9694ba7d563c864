"""An index on sla_clocks.started_at: the compliance reports count the clocks of a month.

(Revenue planning, #9, needed no table of its own; this revision took its slot.)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 17:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.create_index("ix_sla_clocks_started_at", ["started_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_clocks_started_at")
