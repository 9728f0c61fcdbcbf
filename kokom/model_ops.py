"""Models after retraining: the comparison report, the regression guard, deploy and rollback.

- :func:`compare` turns two evaluation results of ``scripts/eval_nlu.py``'s ``report()`` (the new
  model and the running one, on ``tests/nlu/test_split.yml``) into one report: per intent
  precision/recall/F1 of both and the difference, macro-F1 of both, ``document_type`` accuracy
  of both, and the confusions whose count changed.
- :func:`guard` refuses a model whose macro-F1 is lower by more than 0.01, or any intent's F1
  lower by more than 0.05 (:data:`MAX_MACRO_DROP`, :data:`MAX_INTENT_DROP`); the reasons go
  into the report. A maintainer can still deploy it (``force``), which the audit log records.
- Reports are kept as files per model in ``var/model-reports/<model>.json`` (not committed).
- :func:`deploy` copies the model into ``var/models/`` (the running one and the one before it
  are kept there, so a rollback never depends on ``models/`` being pruned), loads it into the
  running Rasa server (``PUT /model``, :func:`kokom.rasa_api.load_model`) and records it in
  ``var/models/deployed.json``; :func:`rollback` loads the previous one again.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from kokom import REPO_ROOT, VAR_DIR, rasa_api
from kokom.privacy import private_dir

MAX_MACRO_DROP = 0.01
MAX_INTENT_DROP = 0.05
REPORTS_DIR = VAR_DIR / "model-reports"
DEPLOY_DIR = VAR_DIR / "models"
STATE_FILE = "deployed.json"


class ModelOpsError(RuntimeError):
    """A deploy/rollback that cannot be done (Indonesian message)."""


# ---------------------------------------------------------------------------
# Comparison and guard
# ---------------------------------------------------------------------------


def _metrics(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "per_intent": result.get("per_intent") or {},
        "macro_f1": float(result.get("macro_f1") or 0.0),
        "document_type_accuracy": result.get("document_type_accuracy"),
        "confusions": {f"{g} -> {p}": n for (g, p), n in (result.get("confusions") or [])},
        "n": result.get("n"),
    }


def compare(new: dict[str, Any], old: dict[str, Any], *, new_model: str, old_model: str | None,
            test_set: str = "tests/nlu/test_split.yml") -> dict[str, Any]:
    n, o = _metrics(new), _metrics(old)
    intents = sorted(set(n["per_intent"]) | set(o["per_intent"]))
    per_intent = {}
    for intent in intents:
        a = o["per_intent"].get(intent) or {}
        b = n["per_intent"].get(intent) or {}
        row: dict[str, Any] = {"support": b.get("support", a.get("support", 0))}
        for metric in ("precision", "recall", "f1"):
            row[f"old_{metric}"] = float(a.get(metric, 0.0))
            row[f"new_{metric}"] = float(b.get(metric, 0.0))
            row[f"diff_{metric}"] = row[f"new_{metric}"] - row[f"old_{metric}"]
        per_intent[intent] = row
    changed = []
    for pair in sorted(set(n["confusions"]) | set(o["confusions"])):
        before, after = o["confusions"].get(pair, 0), n["confusions"].get(pair, 0)
        if before != after:
            changed.append({"confusion": pair, "old": before, "new": after})
    changed.sort(key=lambda c: -abs(c["new"] - c["old"]))
    doc_old, doc_new = o["document_type_accuracy"], n["document_type_accuracy"]
    report = {
        "model": new_model,
        "baseline": old_model,
        "test_set": test_set,
        "n": n["n"],
        "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "per_intent": per_intent,
        "macro_f1": {"old": o["macro_f1"], "new": n["macro_f1"], "diff": n["macro_f1"] - o["macro_f1"]},
        "document_type_accuracy": {"old": doc_old, "new": doc_new,
                                   "diff": (doc_new - doc_old) if doc_new is not None and doc_old is not None
                                   else None},
        "confusions_changed": changed,
    }
    report["guard"] = guard(report)
    return report


def guard(report: dict[str, Any]) -> dict[str, Any]:
    """{"ok": bool, "reasons": [...]} under the regression rules."""
    reasons = []
    drop = -report["macro_f1"]["diff"]
    if drop > MAX_MACRO_DROP + 1e-9:
        reasons.append(f"macro-F1 turun {drop:.3f} ({report['macro_f1']['old']:.3f} -> "
                       f"{report['macro_f1']['new']:.3f}); batasnya {MAX_MACRO_DROP:.2f}")
    for intent, row in report["per_intent"].items():
        fall = -row["diff_f1"]
        if fall > MAX_INTENT_DROP + 1e-9:
            reasons.append(f"F1 intent {intent} turun {fall:.3f} ({row['old_f1']:.3f} -> {row['new_f1']:.3f}); "
                           f"batasnya {MAX_INTENT_DROP:.2f}")
    return {"ok": not reasons, "reasons": reasons}


def render_text(report: dict[str, Any]) -> str:
    """The report as plain text (printed by `make retrain`)."""
    lines = [f"Model baru  : {report['model']}", f"Model jalan : {report.get('baseline') or '-'}",
             f"Data uji    : {report['test_set']} ({report.get('n')} pesan)", ""]
    lines.append(f"{'intent':<22}{'P lama':>8}{'P baru':>8}{'R lama':>8}{'R baru':>8}{'F1 lama':>9}{'F1 baru':>9}"
                 f"{'selisih':>9}")
    for intent, r in report["per_intent"].items():
        lines.append(f"{intent:<22}{r['old_precision']:>8.3f}{r['new_precision']:>8.3f}{r['old_recall']:>8.3f}"
                     f"{r['new_recall']:>8.3f}{r['old_f1']:>9.3f}{r['new_f1']:>9.3f}{r['diff_f1']:>+9.3f}")
    m = report["macro_f1"]
    lines.append(f"\nmacro-F1: lama {m['old']:.3f}, baru {m['new']:.3f} ({m['diff']:+.3f})")
    d = report["document_type_accuracy"]
    if d["new"] is not None:
        lines.append(f"akurasi document_type: lama {d['old'] if d['old'] is None else round(d['old'], 3)}, "
                     f"baru {d['new']:.3f}")
    if report["confusions_changed"]:
        lines.append("kekeliruan yang berubah (benar -> terbaca: lama -> baru):")
        lines += [f"  {c['confusion']}: {c['old']} -> {c['new']}" for c in report["confusions_changed"]]
    g = report["guard"]
    lines.append("\nPemeriksaan regresi: " + ("LOLOS" if g["ok"] else "DITOLAK, model tidak dipasang otomatis:"))
    lines += [f"  - {r}" for r in g["reasons"]]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Report files
# ---------------------------------------------------------------------------


def model_name(path: str | Path) -> str:
    name = Path(str(path)).name
    return name[:-len(".tar.gz")] if name.endswith(".tar.gz") else name


def reports_dir(base: Path | None = None) -> Path:
    return private_dir(base or REPORTS_DIR)


def save_report(report: dict[str, Any], base: Path | None = None) -> Path:
    path = reports_dir(base) / f"{model_name(report['model'])}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_report(name: str, base: Path | None = None) -> dict[str, Any] | None:
    safe = model_name(name)
    if not safe or "/" in safe or safe.startswith("."):
        return None
    path = reports_dir(base) / f"{safe}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def list_reports(base: Path | None = None) -> list[dict[str, Any]]:
    out = []
    for path in sorted(reports_dir(base).glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            r = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        out.append({"model": r.get("model"), "baseline": r.get("baseline"), "created_at": r.get("created_at"),
                    "macro_old": r["macro_f1"]["old"], "macro_new": r["macro_f1"]["new"],
                    "ok": r["guard"]["ok"], "reasons": r["guard"]["reasons"]})
    return out


# ---------------------------------------------------------------------------
# Deploy / rollback
# ---------------------------------------------------------------------------


@dataclass
class DeployState:
    current: str | None
    previous: str | None
    history: list[dict[str, Any]]


def _state_path(base: Path | None) -> Path:
    return private_dir(base or DEPLOY_DIR) / STATE_FILE


def read_state(base: Path | None = None) -> DeployState:
    path = _state_path(base)
    if not path.is_file():
        return DeployState(None, None, [])
    raw = json.loads(path.read_text(encoding="utf-8"))
    return DeployState(raw.get("current"), raw.get("previous"), raw.get("history") or [])


def _write_state(state: DeployState, base: Path | None) -> None:
    path = _state_path(base)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state.__dict__, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def running_model() -> str | None:
    """The file name of the model the Rasa server runs (None when unreachable)."""
    try:
        return rasa_api.status().get("model_file")
    except rasa_api.RasaApiError:
        return None


def _keep(path: Path, base: Path | None) -> Path:
    folder = private_dir(base or DEPLOY_DIR)
    target = folder / path.name
    if path.resolve() != target.resolve():
        tmp = folder / f".{path.name}.tmp"
        shutil.copyfile(path, tmp)
        os.replace(tmp, target)
    return target


def _prune(state: DeployState, base: Path | None) -> None:
    keep = {state.current, state.previous}
    for path in private_dir(base or DEPLOY_DIR).glob("*.tar.gz"):
        if path.name not in keep:
            try:
                path.unlink()
            except OSError:
                pass


def deploy(model_path: str | Path, actor: str, *, force: bool = False, reports: Path | None = None,
           base: Path | None = None, audit: Any = None) -> dict[str, Any]:
    """Load ``model_path`` into the running Rasa; refused when its report failed the guard, unless ``force``."""
    source = Path(model_path)
    if not source.is_file():
        raise ModelOpsError(f"Model {source} tidak ditemukan.")
    report = load_report(source.name, reports)
    note = ""
    if report is None:
        if not force:
            raise ModelOpsError(f"Belum ada laporan evaluasi untuk {source.name}: jalankan `make retrain` dulu "
                                "(atau pasang dengan sengaja).")
        note = "tanpa laporan evaluasi"
    elif not report["guard"]["ok"]:
        if not force:
            raise ModelOpsError("Model ditolak pemeriksaan regresi: " + "; ".join(report["guard"]["reasons"]))
        note = "dipasang dengan sengaja walau ditolak: " + "; ".join(report["guard"]["reasons"])
    state = read_state(base)
    before = rasa_api.status().get("model_file") or state.current  # Rasa unreachable: stop before copying
    if before and before != source.name:
        # keep the running model beside the new one: a rollback must not depend on models/
        old = find_model(before, [private_dir(base or DEPLOY_DIR), REPO_ROOT / "models"])
        if old is not None:
            _keep(old, base)
    kept = _keep(source, base)
    started = time.monotonic()
    rasa_api.load_model(str(kept.resolve()))
    seconds = time.monotonic() - started
    previous = before if before and before != kept.name else state.previous
    state = DeployState(kept.name, previous, (state.history + [{
        "at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"), "model": kept.name,
        "previous": previous, "by": actor, "forced": bool(force and note), "note": note,
        "load_seconds": round(seconds, 1)}])[-50:])
    _write_state(state, base)
    _prune(state, base)
    detail = f"{kept.name} (sebelumnya {previous or '-'}; {seconds:.1f} dtk)" + (f"; {note}" if note else "")
    if audit is not None:
        audit("model.pasang" + ("_paksa" if force and note else ""), detail)
    return {"model": kept.name, "previous": previous, "seconds": seconds, "note": note}


def rollback(actor: str, *, base: Path | None = None, audit: Any = None) -> dict[str, Any]:
    """Load the model that ran before the last deploy."""
    state = read_state(base)
    if not state.previous:
        raise ModelOpsError("Tidak ada model sebelumnya untuk dikembalikan.")
    folder = private_dir(base or DEPLOY_DIR)
    path = folder / state.previous
    if not path.is_file():
        raise ModelOpsError(f"Model sebelumnya {state.previous} tidak ada lagi di {folder}.")
    started = time.monotonic()
    rasa_api.load_model(str(path.resolve()))
    seconds = time.monotonic() - started
    new_state = DeployState(state.previous, state.current, (state.history + [{
        "at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"), "model": state.previous,
        "previous": state.current, "by": actor, "rollback": True, "load_seconds": round(seconds, 1)}])[-50:])
    _write_state(new_state, base)
    if audit is not None:
        audit("model.kembalikan", f"{state.previous} (menggantikan {state.current})")
    return {"model": state.previous, "previous": state.current, "seconds": seconds}


def find_model(name: str, search: list[Path]) -> Path | None:
    """A model file by name (with or without .tar.gz) in the given folders."""
    file_name = name if name.endswith(".tar.gz") else f"{name}.tar.gz"
    if "/" in file_name:
        path = Path(file_name)
        return path if path.is_file() else None
    for folder in search:
        if (folder / file_name).is_file():
            return folder / file_name
    return None


__all__ = [
    "MAX_INTENT_DROP",
    "MAX_MACRO_DROP",
    "ModelOpsError",
    "compare",
    "deploy",
    "find_model",
    "guard",
    "list_reports",
    "load_report",
    "read_state",
    "render_text",
    "rollback",
    "running_model",
    "save_report",
]
