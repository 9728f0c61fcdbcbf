"""The lurah's monthly report as a PDF, drawn server-side with fpdf2 (issue 11).

Only layout: every figure and table comes from :mod:`kokom.monitoring`. DejaVu Sans
(Debian's fonts-dejavu) is used when present so every character prints; otherwise the
PDF core font with the text reduced to Latin-1.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from kokom import monitoring as mon

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def render_pdf(board: mon.Dashboard, tables: dict[str, mon.Table], *, office_name: str, made_on: date) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"Laporan bulanan SI KoKoM {mon.format_date(board.period.start)}")
    pdf.set_author(office_name)
    family = "Helvetica"
    if (FONT_DIR / "DejaVuSans.ttf").exists() and (FONT_DIR / "DejaVuSans-Bold.ttf").exists():
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        family = "DejaVu"

    def t(text: Any) -> str:
        s = str(text)
        if family != "DejaVu":
            s = s.replace("\u2013", "-").replace("\u2014", "-").encode("latin-1", "replace").decode("latin-1")
        return s

    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    pdf.set_font(family, "B", 14)
    pdf.multi_cell(0, 7, t(f"Laporan Bulanan Layanan WhatsApp SI KoKoM — {office_name}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.multi_cell(0, 6, t(f"Periode: {board.period.label} · Dibuat: {mon.format_date(made_on)}"),
                   new_x="LMARGIN", new_y="NEXT")
    if not board.has_data:
        pdf.multi_cell(0, 6, t("Belum ada data untuk periode ini."), new_x="LMARGIN", new_y="NEXT")
    res = board.ikm["hasil"]
    pdf.ln(2)
    pdf.set_font(family, "B", 12)
    grade = f" — mutu pelayanan {res.grade} ({res.grade_label})" if res.grade else " — belum ada data"
    pdf.multi_cell(0, 7, t(f"Indeks Kepuasan Masyarakat (IKM): {mon.format_cell(res.ikm)}{grade}, "
                           f"{mon.format_cell(res.respondents)} responden"), new_x="LMARGIN", new_y="NEXT")

    def section(title: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], empty: str) -> None:
        pdf.ln(2)
        pdf.set_font(family, "B", 11)
        pdf.multi_cell(0, 6, t(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 8)
        with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=4.5, text_align="LEFT") as table:
            head = table.row()
            for c in columns:
                head.cell(t(c))
            if not rows:
                row = table.row()
                row.cell(t(empty), colspan=len(columns))
            for values in rows:
                row = table.row()
                for v in values:
                    row.cell(t(mon.format_cell(v)))

    for key in mon.REPORT_TABLES:
        tb = tables[key]
        section(tb.title, tb.columns, tb.rows, "Belum ada data.")
    section("Lima kategori pengaduan terbanyak", ("Kategori", "Jumlah"),
            [(r["kategori"], r["jumlah"]) for r in board.top_categories], "Belum ada data.")
    late = tables["terlambat"]
    section(late.title, late.columns, late.rows, "Tidak ada.")
    return bytes(pdf.output())
