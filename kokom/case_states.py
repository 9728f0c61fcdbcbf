"""The case state machine: which statuses each kind of case has and how it may move.

The console, the action server and notifications all ask this module, so a
status name or an allowed transition is defined once.
"""
from __future__ import annotations

from dataclasses import dataclass


# A handoff (a conversation with an officer) and the consultation case it carries.
HANDOFF_WAITING = "waiting"  # queued for an officer
HANDOFF_CLAIMED = "claimed"  # an officer holds the conversation (the assistant is paused)
HANDOFF_CLOSED = "closed"  # handed back to the assistant
HANDOFF_OPEN = (HANDOFF_WAITING, HANDOFF_CLAIMED)
HANDOFF_LABELS = {HANDOFF_WAITING: "Menunggu", HANDOFF_CLAIMED: "Ditangani", HANDOFF_CLOSED: "Selesai"}
HANDOFF_OPEN_SQL = "status IN ('waiting', 'claimed')"  # the partial unique index (one open per sender)


@dataclass(frozen=True)
class Machine:
    """Statuses of one kind of case, its start state and allowed moves."""

    initial: str
    transitions: dict[str, tuple[str, ...]]
    final: frozenset[str]


MACHINES: dict[str, Machine] = {
    "complaint": Machine(
        initial="diterima",
        transitions={
            "diterima": ("diproses", "ditolak"),
            "diproses": ("selesai", "ditolak"),
            "selesai": (),
            "ditolak": (),
        },
        final=frozenset({"selesai", "ditolak"}),
    ),
    "document": Machine(
        initial="diterima",
        transitions={
            "diterima": ("diperiksa", "ditolak"),
            "diperiksa": ("siap_diambil", "ditolak"),
            "siap_diambil": ("sudah_diambil",),
            "sudah_diambil": (),
            "ditolak": (),
        },
        final=frozenset({"sudah_diambil", "ditolak"}),
    ),
    "consultation": Machine(
        initial="menunggu",
        transitions={
            "menunggu": ("ditangani", "selesai"),
            "ditangani": ("selesai",),
            "selesai": (),
        },
        final=frozenset({"selesai"}),
    ),
}

STATUS_LABELS: dict[str, str] = {
    "diterima": "Diterima",
    "diproses": "Sedang diproses",
    "selesai": "Selesai",
    "ditolak": "Ditolak",
    "diperiksa": "Sedang diperiksa",
    "siap_diambil": "Siap diambil",
    "sudah_diambil": "Sudah diambil",
    "menunggu": "Menunggu petugas",
    "ditangani": "Ditangani petugas",
}

KIND_LABELS: dict[str, str] = {
    "complaint": "Pengaduan",
    "document": "Permohonan dokumen",
    "consultation": "Konsultasi",
}


class TransitionError(ValueError):
    """A status change the state machine does not allow (message in Indonesian for the console)."""


def initial_status(kind: str) -> str:
    return MACHINES[kind].initial


def allowed_next(kind: str, status: str) -> tuple[str, ...]:
    return MACHINES[kind].transitions.get(status, ())


def is_final(kind: str, status: str) -> bool:
    return status in MACHINES[kind].final


def check_transition(kind: str, current: str, new: str, note: str | None) -> None:
    """Raise TransitionError unless ``current -> new`` is allowed (final states need a note)."""
    if kind not in MACHINES:
        raise TransitionError(f"Jenis kasus tidak dikenal: {kind}")
    if new not in allowed_next(kind, current):
        raise TransitionError(
            f"Status tidak bisa diubah dari '{label(current)}' ke '{label(new)}'."
        )
    if is_final(kind, new) and not (note or "").strip():
        raise TransitionError("Status akhir wajib disertai catatan.")


def label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
