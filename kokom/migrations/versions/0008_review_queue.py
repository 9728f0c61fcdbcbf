"""The maintainers' review queue and its decisions (issue 12).

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_flags",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sender_id", sa.String(64), nullable=False),
        sa.Column("event_ts", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("predicted_intent", sa.String(64)),
        sa.Column("confidence", sa.Float()),
        sa.Column("context", sa.Text()),
        sa.Column("flagged_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("sender_id", "event_ts", name="uq_review_flags_message"),
    )
    op.create_index("ix_review_flags_sender_id", "review_flags", ["sender_id"])
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(500), nullable=False, unique=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("intent", sa.String(64)),
        sa.Column("entities", sa.Text()),
        sa.Column("count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_decisions")
    op.drop_index("ix_review_flags_sender_id", table_name="review_flags")
    op.drop_table("review_flags")
