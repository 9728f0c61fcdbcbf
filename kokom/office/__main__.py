"""Check the office file before it goes live: ``python -m kokom.office [path]``.

Officers run this after editing ``office/kelurahan.yml`` (the file's header says so):
"OK" with a summary, or every problem with its place in the file.
"""
from __future__ import annotations

import sys
from pathlib import Path

from kokom.office import OfficeConfig, OfficeConfigError, _default_path, is_placeholder, load_office

def _summary(cfg: OfficeConfig, file: Path) -> str:
    years = sorted({d.year for d in cfg.holidays})
    open_days = sum(1 for ivs in cfg.service_hours.values() if ivs)
    lines = [
        f"OK: {file}",
        f"  office: {cfg.name}, Kec. {cfg.kecamatan}, {cfg.city}",
        f"  open days per week: {open_days}",
        f"  holidays: {len(cfg.holidays)} (years: {', '.join(map(str, years)) or '-'})",
        f"  complaint categories: {len(cfg.complaint_categories)}",
        f"  documents: {len(cfg.documents)}",
    ]
    placeholders = [f"office.contacts.{k}" for k, v in cfg.contacts.items() if is_placeholder(v)]
    if is_placeholder(cfg.address):
        placeholders.insert(0, "office.address")
    if placeholders:
        lines.append("  still placeholders (please fill in): " + ", ".join(placeholders))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Check an office file so officers can validate an edit before it goes live."""
    args = sys.argv[1:] if argv is None else argv
    file = Path(args[0]) if args else _default_path()
    try:
        cfg = load_office(file)
    except OfficeConfigError as exc:
        print(f"ERROR: {file} has {len(exc.problems)} problem(s):")
        for problem in exc.problems:
            print(f"  - {problem}")
        return 1
    print(_summary(cfg, file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
