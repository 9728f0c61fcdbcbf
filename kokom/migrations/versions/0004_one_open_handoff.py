"""At most one open (waiting/claimed) handoff per conversation.

Two officers taking over at once, or the assistant and an officer at once,
could otherwise open two handoffs for the same resident on PostgreSQL.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('waiting', 'claimed')")


def upgrade() -> None:
    op.create_index(
        "uq_handoffs_one_open_per_sender",
        "handoffs",
        ["sender_id"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("uq_handoffs_one_open_per_sender", table_name="handoffs")
