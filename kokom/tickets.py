"""Ticket numbers: ``ADU-YYYYMMDD-NNNN`` (complaints), ``DOK-`` (documents), ``KON-`` (consultations).

Numbers come from a per-prefix, per-day counter row incremented inside the
transaction that saves the case, so tickets stay unique when many cases are
saved at the same moment (SQLite serialises with BEGIN IMMEDIATE, PostgreSQL
with the row lock the UPDATE takes).
"""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kokom.models import TicketCounter

PREFIXES: dict[str, str] = {"complaint": "ADU", "document": "DOK", "consultation": "KON"}
# Residents type tickets as shown ("ADU-20261127-0003") and also without the dashes or with
# spaces ("adu 20261127 3", "ADU202611270003"): the prefix and the 8-digit date anchor it.
TICKET_RE = re.compile(r"\b(ADU|DOK|KON)\s*[-/.]?\s*(\d{8})\s*[-/.]?\s*(\d{1,4})\b", re.IGNORECASE)


def format_ticket(prefix: str, day: date, number: int) -> str:
    return f"{prefix}-{day:%Y%m%d}-{number:04d}"


def find_tickets(text: str | None) -> list[str]:
    """Every ticket id in a text, normalised ("adu-20261127-3" -> "ADU-20261127-0003")."""
    found = []
    for prefix, day, number in TICKET_RE.findall(text or ""):
        ticket = f"{prefix.upper()}-{day}-{int(number):04d}"
        if ticket not in found:
            found.append(ticket)
    return found


def normalize_ticket(value: str | None) -> str | None:
    tickets = find_tickets(value)
    return tickets[0] if tickets else None


def next_ticket(session: Session, kind: str, day: date) -> str:
    """Reserve the next ticket for ``kind`` on ``day`` within the caller's transaction."""
    prefix = PREFIXES[kind]
    for _ in range(3):
        result = session.execute(
            update(TicketCounter)
            .where(TicketCounter.prefix == prefix, TicketCounter.day == day)
            .values(value=TicketCounter.value + 1)
        )
        if result.rowcount:
            value = session.execute(
                select(TicketCounter.value).where(
                    TicketCounter.prefix == prefix, TicketCounter.day == day
                )
            ).scalar_one()
            return format_ticket(prefix, day, value)
        try:
            with session.begin_nested():
                session.add(TicketCounter(prefix=prefix, day=day, value=1))
            return format_ticket(prefix, day, 1)
        except IntegrityError:  # another transaction created today's counter first
            continue
    raise RuntimeError(f"could not reserve a ticket for {prefix} on {day}")
