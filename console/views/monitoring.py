"""Monitoring dashboard (every officer) and the lurah's monthly report (admins): issue 11.

Every figure comes from :mod:`kokom.monitoring`; this module only parses the period,
renders, and serves CSV/PDF. Listings carry no reporter identity and no NIK.
"""
from __future__ import annotations

import json
from flask import Blueprint, Response, abort, render_template, request

from console import auth
from console.views.common import admin_required, client_ip, me
from kokom import monitoring as mon

monitoring_bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")

SEPARATORS = {"koma": ",", "titik-koma": ";"}


def _period() -> mon.Period:
    return mon.parse_period(request.args.get("dari"), request.args.get("sampai"), mon.today_local())


def _month_period() -> mon.Period:
    """The report's month (``bulan=2026-11``), default the current month."""
    raw = (request.args.get("bulan") or "").strip()
    if not raw:
        return mon.default_period(mon.today_local())
    try:
        year, month = (int(x) for x in raw.split("-", 1))
        return mon.month_period(year, month)
    except ValueError:
        raise mon.PeriodError("Bulan tidak valid. Gunakan format tahun-bulan, misalnya 2026-11.") from None


@monitoring_bp.route("/")
def dashboard():  # type: ignore[no-untyped-def]
    try:
        period = _period()
    except mon.PeriodError as exc:
        return render_template("monitoring.html", error=str(exc), board=None, args=request.args), 400
    board = mon.build(period)
    return render_template(
        "monitoring.html", error=None, board=board, tables=mon.tables(board),
        charts_json=json.dumps(mon.chart_data(board), ensure_ascii=False),
        args={"dari": period.start.isoformat(), "sampai": period.end.isoformat()}, fmt=mon.format_cell,
        fmt_number=mon.format_number, fmt_duration=mon.format_duration, fmt_percent=mon.format_percent,
    )


@monitoring_bp.route("/ekspor/<name>.csv")
def export(name: str):  # type: ignore[no-untyped-def]
    try:
        period = _period()
    except mon.PeriodError as exc:
        return Response(str(exc), status=400, mimetype="text/plain; charset=utf-8")
    sep = SEPARATORS.get(request.args.get("pemisah", "koma"))
    if sep is None:
        abort(400)
    board = mon.build(period)
    table = mon.tables(board).get(name)
    if table is None:
        abort(404)
    auth.audit(me(), "monitoring.ekspor", name, f"{period.start}..{period.end}", client_ip())
    filename = f"monitoring-{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    return Response(mon.csv_text(table, sep), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _report_context(period: mon.Period) -> dict:
    board = mon.build(period)
    return {"board": board, "tables": mon.tables(board), "fmt": mon.format_cell,
            "period_label": mon.format_date(period.start) + " – " + mon.format_date(period.end),
            "made_on": mon.format_date(mon.today_local()), "month": f"{period.start:%Y-%m}",
            "office_name": _office_name(), "report_tables": mon.REPORT_TABLES}


@monitoring_bp.route("/laporan")
@admin_required
def report():  # type: ignore[no-untyped-def]
    try:
        period = _month_period()
    except mon.PeriodError as exc:
        return render_template("error.html", title="Periode tidak valid", message=str(exc)), 400
    return render_template("monitoring_report.html", **_report_context(period))


@monitoring_bp.route("/laporan.pdf")
@admin_required
def report_pdf():  # type: ignore[no-untyped-def]
    from console.report_pdf import render_pdf

    try:
        period = _month_period()
    except mon.PeriodError as exc:
        return Response(str(exc), status=400, mimetype="text/plain; charset=utf-8")
    ctx = _report_context(period)
    auth.audit(me(), "monitoring.laporan_pdf", ctx["month"], None, client_ip())
    body = render_pdf(ctx["board"], ctx["tables"], office_name=ctx["office_name"], made_on=mon.today_local())
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="laporan-kokom-{ctx["month"]}.pdf"'})


def _office_name() -> str:
    from kokom.office import load_office

    return load_office().name  # validated when the console started
