"""Jinja filters and helpers: WIB times, waiting durations, masked numbers, labels."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask

from console.queries import office_tz, to_local
from kokom import case_states
from kokom.handoffs import REASON_LABELS
from kokom.privacy import mask_nik
from kokom.validators import mask_phone

MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def tz_abbr() -> str:
    try:
        offset = datetime.now(office_tz()).utcoffset()
        hours = int(offset.total_seconds() // 3600) if offset is not None else 7
    except Exception:  # noqa: BLE001
        hours = 7
    return {7: "WIB", 8: "WITA", 9: "WIT"}.get(hours, f"UTC+{hours}")


def wib(dt: datetime | None, with_date: bool = True) -> str:
    """UTC (naive) -> office time, e.g. "27 Nov 2026 14.05 WIB"."""
    local = to_local(dt)
    if local is None:
        return "-"
    clock = f"{local.hour:02d}.{local.minute:02d}"
    if not with_date:
        return clock
    return f"{local.day} {MONTHS[local.month]} {local.year} {clock} {tz_abbr()}"


def wib_epoch(ts: float | None) -> str:
    if not ts:
        return "-"
    from datetime import timezone

    dt = datetime.fromtimestamp(float(ts), tz=timezone.utc).replace(tzinfo=None)
    local = to_local(dt)
    assert local is not None
    return f"{local.day} {MONTHS[local.month]} {local.hour:02d}.{local.minute:02d}"


def duration(seconds: int | float | None) -> str:
    """"3 mnt", "1 jam 5 mnt", "2 hari 3 jam"."""
    s = int(seconds or 0)
    if s < 60:
        return f"{s} dtk"
    minutes = s // 60
    if minutes < 60:
        return f"{minutes} mnt"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} jam {minutes} mnt" if minutes else f"{hours} jam"
    days, hours = divmod(hours, 24)
    return f"{days} hari {hours} jam" if hours else f"{days} hari"


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        wib=wib,
        wib_epoch=wib_epoch,
        duration=duration,
        mask_nik=mask_nik,
        mask_phone=mask_phone,
        status_label=case_states.label,
        kind_label=lambda k: case_states.KIND_LABELS.get(k, k),
        reason_label=lambda r: REASON_LABELS.get(r, r),
    )

    @app.context_processor
    def globals_() -> dict[str, Any]:
        from kokom.office import load_office

        return {"KIND_LABELS": case_states.KIND_LABELS, "tz_abbr": tz_abbr(), "office_name": load_office().name}
