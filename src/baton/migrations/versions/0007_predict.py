"""Predictive scoring: model versions and predictions (#12).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import baton.models

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = baton.models.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("segment", sa.String(length=120), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("window_from", UTC, nullable=False),
        sa.Column("window_to", UTC, nullable=False),
        sa.Column("n_train", sa.Integer(), nullable=False),
        sa.Column("n_valid", sa.Integer(), nullable=False),
        sa.Column("positives", sa.Integer(), nullable=False),
        sa.Column("metrics", JSON, nullable=False),
        sa.Column("feature_spec", JSON, nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("trained_by", sa.Integer(), nullable=True),
        sa.Column("activated_at", UTC, nullable=True),
        sa.ForeignKeyConstraint(
            ["trained_by"], ["users.id"], name=op.f("fk_model_versions_trained_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
    )
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_model_versions_segment_active", ["segment", "active"], unique=False
        )
    op.create_table(
        "lead_predictions",
        sa.Column("lead_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("top_features", JSON, nullable=False),
        sa.Column("scored_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_predictions_lead_id_leads")
        ),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_lead_predictions_model_version_id_model_versions"),
        ),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_lead_predictions")),
    )
    with op.batch_alter_table("lead_predictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lead_predictions_model_version_id"), ["model_version_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lead_predictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_predictions_model_version_id"))
    op.drop_table("lead_predictions")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_model_versions_segment_active")
    op.drop_table("model_versions")
