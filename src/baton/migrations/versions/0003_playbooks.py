"""playbook versions and lead scores

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 13:14:18.869683
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import baton.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "playbook_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", baton.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("activated_at", baton.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("activated_by", sa.Integer(), nullable=True),
        sa.Column("retired_at", baton.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["activated_by"], ["users.id"], name=op.f("fk_playbook_versions_activated_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["users.id"], name=op.f("fk_playbook_versions_proposed_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_versions")),
        sa.UniqueConstraint("version", name=op.f("uq_playbook_versions_version")),
    )
    op.create_table(
        "playbook_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("approved_at", baton.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_playbook_approvals_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["playbook_versions.id"],
            name=op.f("fk_playbook_approvals_version_id_playbook_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_approvals")),
        sa.UniqueConstraint(
            "version_id", "user_id", name=op.f("uq_playbook_approvals_version_id_user_id")
        ),
    )
    with op.batch_alter_table("playbook_approvals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_playbook_approvals_version_id"), ["version_id"], unique=False
        )

    op.create_table(
        "lead_scores",
        sa.Column("lead_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("fit", sa.Float(), nullable=False),
        sa.Column("engagement", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=8), nullable=False),
        sa.Column("persona", sa.String(length=80), nullable=True),
        sa.Column("is_mql", sa.Boolean(), nullable=False),
        sa.Column("mql_reason", sa.Text(), nullable=True),
        sa.Column("playbook_version", sa.Integer(), nullable=False),
        sa.Column("scored_at", baton.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_scores_lead_id_leads")
        ),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_lead_scores")),
    )
    with op.batch_alter_table("lead_scores", schema=None) as batch_op:
        batch_op.create_index("ix_lead_scores_is_mql_grade", ["is_mql", "grade"], unique=False)

    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("playbook_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.drop_column("playbook_version")

    with op.batch_alter_table("lead_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_scores_is_mql_grade")

    op.drop_table("lead_scores")
    with op.batch_alter_table("playbook_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_playbook_approvals_version_id"))

    op.drop_table("playbook_approvals")
    op.drop_table("playbook_versions")
