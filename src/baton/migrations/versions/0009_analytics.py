"""Analytics: stored stage durations and kept-up funnel aggregates (#6).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import baton.models

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
WHEN = baton.models.UTCDateTime(timezone=True)


def _keys(*extra: sa.Column) -> list[sa.Column]:
    return [
        sa.Column("grain", sa.String(length=5), nullable=False),
        sa.Column("dim", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=80), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        *extra,
    ]


def upgrade() -> None:
    op.create_table(
        "analytics_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_stage_change_id", BIG_ID, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("week_start", sa.String(length=10), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_state")),
    )
    op.create_table(
        "stage_stays",
        sa.Column("id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("lead_id", BIG_ID, nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("entered_at", WHEN, nullable=False),
        sa.Column("left_at", WHEN, nullable=True),
        sa.Column("next_stage", sa.String(length=20), nullable=True),
        sa.Column("reentry", sa.Boolean(), nullable=False),
        sa.Column("calendar_seconds", sa.Float(), nullable=True),
        sa.Column("business_seconds", sa.Float(), nullable=True),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("product", sa.String(length=80), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("persona", sa.String(length=80), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("converted_next", sa.Boolean(), nullable=False),
        sa.Column("converted_won", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_stays")),
    )
    op.create_index("ix_stage_stays_lead_id_entered_at", "stage_stays", ["lead_id", "entered_at"])
    op.create_index("ix_stage_stays_stage_left_at", "stage_stays", ["stage", "left_at"])
    op.create_index("ix_stage_stays_left_at", "stage_stays", ["left_at"])
    counters = [
        sa.Column(name, sa.Integer(), nullable=False)
        for name in ("entries", "reentries", "converted_next", "converted_won", "completed", "open")
    ]
    op.create_table(
        "funnel_counts",
        *_keys(*counters),
        sa.PrimaryKeyConstraint(
            "grain", "dim", "period", "value", "stage", name=op.f("pk_funnel_counts")
        ),
    )
    op.create_table(
        "stay_histogram",
        *_keys(
            sa.Column("kind", sa.String(length=3), nullable=False),
            sa.Column("total", sa.Integer(), nullable=False),
            sa.Column("bins", sa.Text(), nullable=False),
        ),
        sa.PrimaryKeyConstraint(
            "grain", "dim", "period", "value", "stage", "kind", name=op.f("pk_stay_histogram")
        ),
    )


def downgrade() -> None:
    op.drop_table("stay_histogram")
    op.drop_table("funnel_counts")
    op.drop_index("ix_stage_stays_left_at", table_name="stage_stays")
    op.drop_index("ix_stage_stays_stage_left_at", table_name="stage_stays")
    op.drop_index("ix_stage_stays_lead_id_entered_at", table_name="stage_stays")
    op.drop_table("stage_stays")
    op.drop_table("analytics_state")
