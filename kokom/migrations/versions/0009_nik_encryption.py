"""NIKs encrypted at rest, with a keyed hash for lookups; inbound claims with owner and time (issue 14).

``cases.nik`` grows to hold a Fernet token; ``cases.nik_hash`` (HMAC-SHA256 under
``KOKOM_NIK_INDEX_KEY``) is added and indexed; every existing NIK is encrypted with the
newest key of ``KOKOM_NIK_KEYS`` (kokom/nik_crypto.py). Downgrade decrypts them again.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column("nik", existing_type=sa.String(length=16), type_=sa.String(length=255),
                              existing_nullable=True)
        batch_op.add_column(sa.Column("nik_hash", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_nik_hash"), ["nik_hash"], unique=False)
    from kokom.nik_crypto import rotate_all

    rotate_all(op.get_bind())
    # Several instances: who claimed an inbound message and when (kokom/whatsapp/store.py).
    with op.batch_alter_table("wa_inbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    from kokom.nik_crypto import decrypt

    with op.batch_alter_table("wa_inbound_messages", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, nik FROM cases WHERE nik IS NOT NULL")).all()
    for row_id, stored in rows:
        bind.execute(sa.text("UPDATE cases SET nik = :nik WHERE id = :id"), {"nik": decrypt(stored), "id": row_id})
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_nik_hash"))
        batch_op.drop_column("nik_hash")
        batch_op.alter_column("nik", existing_type=sa.String(length=255), type_=sa.String(length=16),
                              existing_nullable=True)
