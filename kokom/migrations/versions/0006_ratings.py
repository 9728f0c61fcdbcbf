"""Satisfaction ratings and the IKM survey (issue 11).

Feedback rows gain the rated case and officer; ``rating_requests`` remembers the one
rating question per case (never asked twice, a late answer still found);
``ikm_responses`` holds the PermenPANRB 14/2017 survey answers (u1..u9, 1-4).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("officer", sa.String(length=100), nullable=True))
        batch.create_foreign_key("fk_feedback_case_id", "cases", ["case_id"], ["id"])
        batch.create_index("ix_feedback_case_id", ["case_id"])
    op.create_table(
        "rating_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("residents.id"), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("handoff_id", sa.Integer(), sa.ForeignKey("handoffs.id"), nullable=True),
        sa.Column("officer", sa.String(length=100), nullable=True),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("feedback_id", sa.Integer(), sa.ForeignKey("feedback.id"), nullable=True),
        sa.UniqueConstraint("case_id", name="uq_rating_requests_case_id"),
    )
    op.create_index("ix_rating_requests_resident_id", "rating_requests", ["resident_id"])
    op.create_table(
        "ikm_responses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("residents.id"), nullable=False),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("asked", sa.String(length=3), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        *[sa.Column(f"u{i}", sa.Integer(), nullable=True) for i in range(1, 10)],
    )
    op.create_index("ix_ikm_responses_resident_id", "ikm_responses", ["resident_id"])
    op.create_index("ix_ikm_responses_started_at", "ikm_responses", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_ikm_responses_started_at", table_name="ikm_responses")
    op.drop_index("ix_ikm_responses_resident_id", table_name="ikm_responses")
    op.drop_table("ikm_responses")
    op.drop_index("ix_rating_requests_resident_id", table_name="rating_requests")
    op.drop_table("rating_requests")
    with op.batch_alter_table("feedback") as batch:
        batch.drop_index("ix_feedback_case_id")
        batch.drop_constraint("fk_feedback_case_id", type_="foreignkey")
        batch.drop_column("officer")
        batch.drop_column("case_id")
