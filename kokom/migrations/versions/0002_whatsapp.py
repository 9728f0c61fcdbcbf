"""whatsapp channel: inbound de-duplication, outbound records/outbox, status events, numbered menus

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 22:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wa_inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wamid", sa.String(length=255), nullable=False),
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("profile_name", sa.String(length=200), nullable=True),
        sa.Column("msg_type", sa.String(length=30), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("phone_number_id", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wamid"),
    )
    with op.batch_alter_table("wa_inbound_messages", schema=None) as batch_op:
        batch_op.create_index("ix_wa_inbound_status_id", ["status", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wa_inbound_messages_wa_id"), ["wa_id"], unique=False)

    op.create_table(
        "wa_outbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("msg_type", sa.String(length=30), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("wamid", sa.String(length=255), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("used_template", sa.Boolean(), nullable=False),
        sa.Column("sent_by", sa.String(length=100), nullable=True),
        sa.Column("sandbox", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wamid"),
    )
    with op.batch_alter_table("wa_outbound_messages", schema=None) as batch_op:
        batch_op.create_index("ix_wa_outbound_wa_id_id", ["wa_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wa_outbound_messages_wa_id"), ["wa_id"], unique=False)

    op.create_table(
        "wa_status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wamid", sa.String(length=255), nullable=False),
        sa.Column("outbound_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("recipient_id", sa.String(length=64), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=True),
        sa.Column("error_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["outbound_id"], ["wa_outbound_messages.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wamid", "status", name="uq_wa_status_wamid_status"),
    )
    with op.batch_alter_table("wa_status_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wa_status_events_outbound_id"), ["outbound_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wa_status_events_wamid"), ["wamid"], unique=False)

    op.create_table(
        "wa_choice_menus",
        sa.Column("wa_id", sa.String(length=64), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("outbound_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("wa_id"),
    )


def downgrade() -> None:
    op.drop_table("wa_choice_menus")
    with op.batch_alter_table("wa_status_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wa_status_events_wamid"))
        batch_op.drop_index(batch_op.f("ix_wa_status_events_outbound_id"))
    op.drop_table("wa_status_events")
    with op.batch_alter_table("wa_outbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wa_outbound_messages_wa_id"))
        batch_op.drop_index("ix_wa_outbound_wa_id_id")
    op.drop_table("wa_outbound_messages")
    with op.batch_alter_table("wa_inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wa_inbound_messages_wa_id"))
        batch_op.drop_index("ix_wa_inbound_status_id")
    op.drop_table("wa_inbound_messages")
