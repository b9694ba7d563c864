"""The two-way SLA: business calendars and SLA clocks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 13:36:27.680358
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import baton.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "business_calendars",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "spec",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", baton.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", baton.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_business_calendars_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_calendars")),
        sa.UniqueConstraint("name", name=op.f("uq_business_calendars_name")),
        sa.UniqueConstraint("team_id", name=op.f("uq_business_calendars_team_id")),
    )
    op.create_table(
        "sla_clocks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("lead_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column(
            "assignment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("started_at", baton.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", baton.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("warn_at", baton.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("warned_at", baton.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", baton.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("target_seconds", sa.Integer(), nullable=False),
        sa.Column("business_time", sa.Boolean(), nullable=False),
        sa.Column("calendar_id", sa.Integer(), nullable=True),
        sa.Column("playbook_version", sa.Integer(), nullable=True),
        sa.Column("claimed_until", baton.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_sla_clocks_assignment_id_assignments"),
        ),
        sa.ForeignKeyConstraint(
            ["calendar_id"],
            ["business_calendars.id"],
            name=op.f("fk_sla_clocks_calendar_id_business_calendars"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_sla_clocks_lead_id_leads")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_sla_clocks_owner_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_sla_clocks_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_clocks")),
    )
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sla_clocks_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sla_clocks_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_sla_clocks_state_due_at", ["state", "due_at"], unique=False)
        batch_op.create_index("ix_sla_clocks_state_warn_at", ["state", "warn_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sla_clocks", schema=None) as batch_op:
        batch_op.drop_index("ix_sla_clocks_state_warn_at")
        batch_op.drop_index("ix_sla_clocks_state_due_at")
        batch_op.drop_index(batch_op.f("ix_sla_clocks_owner_id"))
        batch_op.drop_index(batch_op.f("ix_sla_clocks_lead_id"))

    op.drop_table("sla_clocks")
    op.drop_table("business_calendars")
