"""The regression guard and the comparison report on fixed evaluation results (no training),
the report files, and the retrain script's model name (the Makefile's hash)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kokom import model_ops

ROOT = Path(__file__).resolve().parent.parent


def result(f1: dict[str, float], confusions=(), doc=0.9):  # type: ignore[no-untyped-def]
    """An evaluation result shaped like scripts/eval_nlu.py's report()."""
    per = {i: {"precision": v, "recall": v, "f1": v, "support": 10} for i, v in f1.items()}
    return {"n": 10 * len(f1), "per_intent": per, "macro_f1": sum(f1.values()) / len(f1),
            "document_type_accuracy": doc, "confusions": list(confusions)}


OLD = result({"greet": 0.95, "file_complaint": 0.90, "check_status": 0.88},
             [(("file_complaint", "give_feedback"), 3), (("check_status", "greet"), 1)])


def test_a_better_model_passes_and_the_report_has_both_models():
    new = result({"greet": 0.96, "file_complaint": 0.95, "check_status": 0.88},
                 [(("file_complaint", "give_feedback"), 1), (("check_status", "greet"), 1)], doc=0.95)
    report = model_ops.compare(new, OLD, new_model="kokom-new.tar.gz", old_model="kokom-old.tar.gz")
    assert report["guard"] == {"ok": True, "reasons": []}
    row = report["per_intent"]["file_complaint"]
    assert (row["old_f1"], row["new_f1"]) == (0.90, 0.95) and row["diff_f1"] == pytest.approx(0.05)
    assert report["macro_f1"]["new"] > report["macro_f1"]["old"]
    assert report["document_type_accuracy"]["old"] == 0.9 and report["document_type_accuracy"]["new"] == 0.95
    assert report["confusions_changed"] == [{"confusion": "file_complaint -> give_feedback", "old": 3, "new": 1}]
    text = model_ops.render_text(report)
    assert "LOLOS" in text and "file_complaint" in text


def test_macro_f1_drop_over_001_is_refused():
    new = result({"greet": 0.95, "file_complaint": 0.87, "check_status": 0.86})  # each < 0.05, macro -0.0167
    report = model_ops.compare(new, OLD, new_model="m2", old_model="m1")
    assert not report["guard"]["ok"]
    assert any(r.startswith("macro-F1 turun") for r in report["guard"]["reasons"])
    assert not any("intent" in r for r in report["guard"]["reasons"])


def test_one_intent_down_over_005_is_refused_even_if_macro_holds():
    new = result({"greet": 1.0, "file_complaint": 0.84, "check_status": 0.89})  # macro +0.0, complaint -0.06
    report = model_ops.compare(new, OLD, new_model="m2", old_model="m1")
    assert report["macro_f1"]["diff"] >= -0.01
    assert report["guard"]["reasons"] == [
        "F1 intent file_complaint turun 0.060 (0.900 -> 0.840); batasnya 0.05"]


def test_small_drops_within_the_limits_pass():
    new = result({"greet": 0.95, "file_complaint": 0.86, "check_status": 0.89})  # -0.04 and macro -0.01
    assert model_ops.compare(new, OLD, new_model="m2", old_model="m1")["guard"]["ok"]


def test_reports_are_files_per_model_and_deploy_refuses_a_refused_model(tmp_path):
    bad = model_ops.compare(result({"greet": 0.5, "file_complaint": 0.5, "check_status": 0.5}), OLD,
                            new_model="kokom-bad.tar.gz", old_model="kokom-old.tar.gz")
    model_ops.save_report(bad, tmp_path / "reports")
    listed = model_ops.list_reports(tmp_path / "reports")
    assert [r["model"] for r in listed] == ["kokom-bad.tar.gz"] and listed[0]["ok"] is False
    assert model_ops.load_report("kokom-bad", tmp_path / "reports")["model"] == "kokom-bad.tar.gz"
    assert model_ops.load_report("../../etc/passwd", tmp_path / "reports") is None
    model = tmp_path / "kokom-bad.tar.gz"
    model.write_bytes(b"not a model")
    with pytest.raises(model_ops.ModelOpsError, match="ditolak pemeriksaan regresi"):
        model_ops.deploy(model, "pemelihara1", reports=tmp_path / "reports", base=tmp_path / "deployed")
    with pytest.raises(model_ops.ModelOpsError, match="Tidak ada model sebelumnya"):
        model_ops.rollback("pemelihara1", base=tmp_path / "deployed")


def test_retrain_names_the_model_like_the_makefile():
    sys.path.insert(0, str(ROOT / "scripts"))
    import retrain

    make = subprocess.run(["make", "-s", "-f", "-", "h"], input=(
        "include Makefile\nh:\n\t@echo $(MODEL_HASH)\n"), cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert retrain.data_hash() == make.stdout.strip().splitlines()[-1]


class _FakeRasaModels:
    """GET /status and PUT /model of Rasa's HTTP API, remembering the loaded model."""

    def __init__(self) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        fake = self
        self.model = "kokom-lama.tar.gz"
        self.loads: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # type: ignore[no-untyped-def]
                pass

            def do_GET(self):  # type: ignore[no-untyped-def]  # noqa: N802
                body = json.dumps({"model_file": fake.model}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_PUT(self):  # type: ignore[no-untyped-def]  # noqa: N802
                data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.loads.append(data["model_file"])
                fake.model = Path(data["model_file"]).name
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_deliberate_deploy_is_audited_and_rolls_back_in_one_step(tmp_path, monkeypatch):
    rasa = _FakeRasaModels()
    monkeypatch.setenv("RASA_URL", rasa.url)
    monkeypatch.setenv("RASA_TOKEN", "t")
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setattr(model_ops, "REPO_ROOT", tmp_path)
    (models / "kokom-lama.tar.gz").write_bytes(b"old")
    new = models / "kokom-baru.tar.gz"
    new.write_bytes(b"new")
    report = model_ops.compare(result({"greet": 0.5, "file_complaint": 0.5, "check_status": 0.5}), OLD,
                               new_model=new.name, old_model="kokom-lama.tar.gz")
    model_ops.save_report(report, tmp_path / "reports")
    audited: list[tuple[str, str]] = []
    done = model_ops.deploy(new, "pemelihara1", force=True, reports=tmp_path / "reports", base=tmp_path / "deployed",
                            audit=lambda action, detail: audited.append((action, detail)))
    assert done["previous"] == "kokom-lama.tar.gz" and rasa.model == "kokom-baru.tar.gz"
    assert audited[0][0] == "model.pasang_paksa" and "ditolak" in audited[0][1]
    assert sorted(p.name for p in (tmp_path / "deployed").glob("*.tar.gz")) == ["kokom-baru.tar.gz",
                                                                               "kokom-lama.tar.gz"]
    state = model_ops.read_state(tmp_path / "deployed")
    assert (state.current, state.previous) == ("kokom-baru.tar.gz", "kokom-lama.tar.gz")
    assert state.history[-1]["forced"] is True
    back = model_ops.rollback("pemelihara1", base=tmp_path / "deployed",
                              audit=lambda action, detail: audited.append((action, detail)))
    assert back["model"] == "kokom-lama.tar.gz" and rasa.model == "kokom-lama.tar.gz"
    assert audited[-1][0] == "model.kembalikan"
    rasa.server.shutdown()
