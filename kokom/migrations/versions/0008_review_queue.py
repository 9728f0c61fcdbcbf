"""The maintainers' review queue and its decisions (issue 12).

Revision ID: 0008
Revises: 0007
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: filled in by the work


def downgrade() -> None:
    pass
