"""What the SLA compliance report reads, as columns of sla_clocks, and one covering index.

`product` is the lead's product_interest lower-cased (filled here from the lead as it is now,
what the report grouped by until this revision; new clocks keep the product they started
on); `ended_by`, `elapsed_seconds`, `attempts` and `over_contact` are copies of the same keys
of `details`. The index on (started_at, ...) covering every column the report reads replaces
the one on started_at alone (0010), which it serves as well.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_INDEX = (
    "started_at", "kind", "state", "ended_by", "owner_id", "team_id", "product", "attempts",
    "over_contact", "elapsed_seconds",
)  # fmt: skip

BACKFILL = {
    "postgresql": """
        UPDATE sla_clocks AS c SET
            product = lower(l.product_interest),
            ended_by = c.details ->> 'ended_by',
            elapsed_seconds = (c.details ->> 'elapsed_seconds')::double precision,
            attempts = (c.details ->> 'attempts')::integer,
            over_contact = (c.details ->> 'over_contact')::integer
        FROM leads AS l
        WHERE l.id = c.lead_id
    """,
    "sqlite": """
        UPDATE sla_clocks SET
            product = (SELECT lower(l.product_interest) FROM leads AS l
                       WHERE l.id = sla_clocks.lead_id),
            ended_by = json_extract(details, '$.ended_by'),
            elapsed_seconds = json_extract(details, '$.elapsed_seconds'),
            attempts = json_extract(details, '$.attempts'),
            over_contact = json_extract(details, '$.over_contact')
    """,
}


def upgrade() -> None:
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("product", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("ended_by", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("elapsed_seconds", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("over_contact", sa.Integer(), nullable=True))
    bind = op.get_bind()
    op.execute(BACKFILL[bind.dialect.name])
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_clocks_started_at")
        batch_op.create_index("ix_sla_clocks_started_at_report", list(REPORT_INDEX), unique=False)
    if bind.dialect.name == "postgresql":
        # Fresh statistics after rewriting every row. VACUUM, which index-only scans want too,
        # cannot run in the migration's transaction: autovacuum follows so many updates soon.
        # (SQLite runs without ANALYZE statistics: sqlite_stat1 would change every plan.)
        op.execute("ANALYZE sla_clocks")


def downgrade() -> None:
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_clocks_started_at_report")
        batch_op.create_index("ix_sla_clocks_started_at", ["started_at"], unique=False)
        batch_op.drop_column("over_contact")
        batch_op.drop_column("attempts")
        batch_op.drop_column("elapsed_seconds")
        batch_op.drop_column("ended_by")
        batch_op.drop_column("product")
