"""Tables of the WhatsApp channel (schema created by migration 0002).

- ``wa_inbound_messages``: every accepted inbound message, unique on Meta's message id
  (de-duplication across retries, concurrent deliveries and restarts) and with its
  handling state, so a message accepted but not handled before a stop is handled
  after the restart.
- ``wa_outbound_messages``: every message sent to a resident (bot, officer, template),
  its delivery status and, when it finally failed, the error. In sandbox mode this
  table is the local outbox the simulator reads.
- ``wa_status_events``: status webhooks (sent, delivered, read, failed) as received.
- ``wa_choice_menus``: the last numbered-choice menu sent to a resident (more than
  ten options), so a reply "3" maps back to the third payload.
"""
from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)

from kokom.models import Base, utcnow

# Inbound handling states
PENDING = "pending"  # accepted, not handled yet
PROCESSING = "processing"  # being handled (given to the assistant)
DONE = "done"  # handled
IGNORED = "ignored"  # needs no handling (reaction, sticker)
FAILED = "failed"  # handling raised; see error

# Outbound states, in the order WhatsApp reports them ("failed" can follow any)
OUT_PENDING = "pending"
OUT_SENT = "sent"
OUT_DELIVERED = "delivered"
OUT_READ = "read"
OUT_FAILED = "failed"
STATUS_RANK = {OUT_PENDING: 0, OUT_SENT: 1, OUT_DELIVERED: 2, OUT_READ: 3}


class WaInboundMessage(Base):
    __tablename__ = "wa_inbound_messages"

    id = Column(Integer, primary_key=True)
    wamid = Column(String(255), nullable=False, unique=True)
    wa_id = Column(String(64), nullable=False, index=True)
    profile_name = Column(String(200))
    msg_type = Column(String(30), nullable=False)
    payload = Column(Text, nullable=False)  # the message object as JSON
    phone_number_id = Column(String(64))
    sent_at = Column(DateTime)  # the message's own timestamp (UTC)
    received_at = Column(DateTime, nullable=False, default=utcnow)
    status = Column(String(20), nullable=False, default=PENDING)
    attempts = Column(Integer, nullable=False, default=0)
    handled_at = Column(DateTime)
    read_at = Column(DateTime)  # when the read receipt was sent
    error = Column(Text)
    # Which instance took the message to "processing", and when (migration 0009): another
    # instance takes it over only when that claim is older than the lease (kokom.whatsapp.store).
    claimed_by = Column(String(200))
    claimed_at = Column(DateTime)

    __table_args__ = (Index("ix_wa_inbound_status_id", "status", "id"),)


class WaOutboundMessage(Base):
    __tablename__ = "wa_outbound_messages"

    id = Column(Integer, primary_key=True)
    wa_id = Column(String(64), nullable=False, index=True)
    msg_type = Column(String(30), nullable=False)  # text | interactive | location | image | document | template
    body = Column(Text)  # readable text of the message (for the console and the transcript)
    payload = Column(Text, nullable=False)  # the JSON finally sent (or attempted)
    status = Column(String(20), nullable=False, default=OUT_PENDING)
    wamid = Column(String(255), unique=True)
    error_code = Column(Integer)
    error = Column(Text)
    attempts = Column(Integer, nullable=False, default=0)
    used_template = Column(Boolean, nullable=False, default=False)
    sent_by = Column(String(100))  # "bot", an officer's username, or None
    sandbox = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    __table_args__ = (Index("ix_wa_outbound_wa_id_id", "wa_id", "id"),)


class WaStatusEvent(Base):
    __tablename__ = "wa_status_events"

    id = Column(Integer, primary_key=True)
    wamid = Column(String(255), nullable=False, index=True)
    outbound_id = Column(Integer, ForeignKey("wa_outbound_messages.id"), index=True)
    status = Column(String(20), nullable=False)
    recipient_id = Column(String(64))
    occurred_at = Column(DateTime)
    error_code = Column(Integer)
    error = Column(Text)
    raw = Column(Text)
    received_at = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("wamid", "status", name="uq_wa_status_wamid_status"),)


class WaChoiceMenu(Base):
    __tablename__ = "wa_choice_menus"

    wa_id = Column(String(64), primary_key=True)
    options = Column(Text, nullable=False)  # JSON list of {"title", "payload"}
    outbound_id = Column(Integer)
    created_at = Column(DateTime, nullable=False, default=utcnow)


__all__ = [
    "WaInboundMessage",
    "WaOutboundMessage",
    "WaStatusEvent",
    "WaChoiceMenu",
]
