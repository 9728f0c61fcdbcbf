"""Files officers and the assistant send to residents (issue 15).

- ``canned_files``: the admins' small library of files (title, caption) officers send with two clicks;
  the bytes live under the media dir (KOKOM_MEDIA_DIR), never in the database.
- ``officer_replies``: a reply may carry a file (its path inside the media dir, MIME type, name),
  so a failed attachment is shown with its file like a sent one.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "canned_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("officer_replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_path", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("media_type", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("media_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("officer_replies", schema=None) as batch_op:
        batch_op.drop_column("media_name")
        batch_op.drop_column("media_type")
        batch_op.drop_column("media_path")
    op.drop_table("canned_files")
