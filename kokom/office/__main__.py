"""Check the office file before it goes live: ``python -m kokom.office [path]``.

Officers run this after editing ``office/kelurahan.yml`` (the file's header says so):
"OK" with a summary, or every problem with its place in the file.
"""
from __future__ import annotations

import sys
from pathlib import Path

from kokom.office import (
    OfficeConfig,
    OfficeConfigError,
    _default_path,
    files_dir,
    is_placeholder,
    load_office,
    office_file_path,
)

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
    if is_placeholder(cfg.parking):
        placeholders.append("office.parking")
    if placeholders:
        lines.append("  still placeholders (please fill in): " + ", ".join(placeholders))
    listed = [(doc.key, f) for doc in cfg.documents.values() for f in doc.files]
    if listed:
        lines.append(f"  document files: {len(listed)}")
    missing = [f"{key}: {f.file}" for key, f in listed if office_file_path(f.file, file) is None]
    if missing:
        lines.append(f"  files not found in {files_dir(file)} (not sent): " + ", ".join(missing))
    samples = [f"{key}: {f.file}" for key, f in listed if f.is_sample]
    if samples:
        lines.append("  SAMPLE files, replace with the office's own: " + ", ".join(samples))
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
