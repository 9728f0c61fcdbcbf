"""The review pages of the console (Flask test client, fake Rasa, a real tracker store built in the test):
roles, the queue, assign/dismiss with refusals shown, CSRF, the transcript's flag, reports."""
from __future__ import annotations

from sqlalchemy import select

from kokom import model_ops, review
from kokom.console_tables import AuditLog
from kokom.db import session_scope
from tests.console_fixtures import *  # noqa: F401,F403
from tests.console_fixtures import logged_in
from tests.test_review import bot, build_tracker_store, user


def seed(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    build_tracker_store(url, {
        "6281111111111": [user("min lampu jalan gang 3 mati sejak kemarin", "nlu_fallback", 0.3), bot("Maaf.")],
        "6282222222222": [user("Min, lampu jalan gang 3 mati sejak kemarin!", "nlu_fallback", 0.2), bot("Maaf."),
                          user("halo", "greet", 0.99), bot("Halo!")],
    })
    return url


def test_only_maintainers_see_the_queue(app, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    seed(tmp_path, monkeypatch)
    officer = logged_in(app, "petugas1")
    assert officer.get("/ulasan").status_code == 403
    assert officer.get("/ulasan/model").status_code == 403
    assert officer.post("/ulasan/tetapkan", {"text": "x", "intent": "greet"}).status_code == 403
    assert "Ulasan NLU" not in officer.get("/kotak-masuk").get_data(as_text=True)
    maintainer = logged_in(app, "pemelihara1", role="pemelihara")
    page = maintainer.get("/ulasan").get_data(as_text=True)
    assert "Ulasan NLU" in page
    assert "lampu jalan gang 3 mati sejak kemarin" in page and "2 percakapan" in page
    admin = logged_in(app, "admin1", role="admin")
    assert admin.get("/ulasan").status_code == 200


def test_assign_dismiss_refusal_and_csrf(app, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    seed(tmp_path, monkeypatch)
    m = logged_in(app, "pemelihara1", role="pemelihara")
    text = "min lampu jalan gang 3 mati sejak kemarin"
    # no CSRF token: refused
    raw = m.c.post("/ulasan/tetapkan", data={"text": text, "intent": "file_complaint"})
    assert raw.status_code == 400
    r = m.post("/ulasan/tetapkan", {"text": text, "intent": "file_complaint", "count": "2"}, follow_redirects=True)
    assert "Ditetapkan sebagai file_complaint" in r.get_data(as_text=True)
    r = m.post("/ulasan/tetapkan", {"text": "MIN lampu jalan gang 3 mati sejak kemarin", "intent": "request_human"},
               follow_redirects=True)
    body = r.get_data(as_text=True)
    assert "sudah diputuskan sebelumnya" in body and "file_complaint" in body and "pemelihara1" in body
    assert "lampu jalan gang 3" not in body.split('id="review-queue"')[1].split("</table>")[0]
    r = m.post("/ulasan/abaikan", {"text": "halo"}, follow_redirects=True)
    with session_scope() as session:
        actions = [a.action for a in session.execute(select(AuditLog).where(AuditLog.action.like("ulasan.%"))
                                                     .order_by(AuditLog.id)).scalars()]
        assert actions == ["ulasan.tetapkan", "ulasan.abaikan"]
        decision = next(d for d in review.decided(session) if d["action"] == "assign")
    r = m.post(f"/ulasan/keputusan/{decision['id']}/batalkan", {}, follow_redirects=True)
    assert "kembali ke antrean" in r.get_data(as_text=True)


def test_document_type_span_from_the_form(app, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    seed(tmp_path, monkeypatch)
    m = logged_in(app, "admin1", role="admin")
    r = m.post("/ulasan/tetapkan", {"text": "mau urus akte lahir anak", "intent": "request_document",
                                    "doc_surface": "akte lahir", "doc_value": "akta_kelahiran"}, follow_redirects=True)
    assert "Ditetapkan" in r.get_data(as_text=True)
    r = m.post("/ulasan/tetapkan", {"text": "mau urus surat ijin konser rame", "intent": "request_document",
                                    "doc_surface": "ijin konser", "doc_value": "izin_keramaian"}, follow_redirects=True)
    assert "belum terdaftar" in r.get_data(as_text=True)
    with session_scope() as session:
        assert '[akte lahir]{"entity": "document_type", "value": "akta_kelahiran"}' in review.export_yaml(session)


def test_any_officer_flags_a_message_from_the_transcript(app, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    url = seed(tmp_path, monkeypatch)
    events = review.load_events(review.tracker_engine(url))["6282222222222"]
    ts = next(e["timestamp"] for e in events if e.get("text") == "halo")
    officer = logged_in(app, "petugas1")
    r = officer.post("/ulasan/tandai/6282222222222", {"ts_ms": str(int(round(ts * 1000)))})
    assert r.status_code == 302 and r.headers["Location"].endswith("/percakapan/6282222222222")
    assert officer.post("/ulasan/tandai/6282222222222", {"ts_ms": "12500"}).status_code == 302  # not found: flashed
    m = logged_in(app, "pemelihara1", role="pemelihara")
    page = m.get("/ulasan").get_data(as_text=True)
    assert "ditandai petugas (1)" in page


def test_reports_are_listed_and_shown(app, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(model_ops, "REPORTS_DIR", tmp_path / "reports")
    old = {"per_intent": {"greet": {"precision": 1, "recall": 1, "f1": 1.0, "support": 3}}, "macro_f1": 1.0,
           "confusions": []}
    new = {"per_intent": {"greet": {"precision": 0.5, "recall": 1, "f1": 0.6, "support": 3}}, "macro_f1": 0.6,
           "confusions": [(("greet", "thank"), 2)]}
    model_ops.save_report(model_ops.compare(new, old, new_model="kokom-baru.tar.gz", old_model="kokom-lama.tar.gz"))
    m = logged_in(app, "pemelihara1", role="pemelihara")
    page = m.get("/ulasan/model").get_data(as_text=True)
    assert "kokom-baru.tar.gz" in page and "ditolak" in page and "Pasang dengan sengaja" in page
    detail = m.get("/ulasan/laporan/kokom-baru.tar.gz").get_data(as_text=True)
    assert "DITOLAK" in detail and "greet -&gt; thank: 0 → 2" in detail and "-0.400" in detail
    assert m.get("/ulasan/laporan/..%2F..%2Fetc").status_code == 404


def test_transcript_offers_the_flag_on_resident_messages(app, fake_rasa, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from kokom import handoffs

    seed(tmp_path, monkeypatch)
    fake_rasa.say("6281234567002", "min gmn caranya itu lho")
    fake_rasa.bot("6281234567002", "Maaf, kami belum memahami.")
    handoffs.request_handoff("6281234567002", reason="requested", outside_hours=False)
    officer = logged_in(app, "petugas1")
    page = officer.get("/percakapan/6281234567002").get_data(as_text=True)
    assert page.count("Asisten salah paham") == 1  # on the resident's message, not the assistant's
    assert 'name="ts_ms"' in page
    api = officer.get("/api/percakapan/6281234567002").json["messages"]
    flagged = [m for m in api if m.get("flag_url")]
    assert [m["who"] for m in flagged] == ["warga"] and len(str(flagged[0]["flag_ms"])) == 13


def test_buttons_run_the_same_command_in_the_background(app, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """'Kembalikan model sebelumnya' runs scripts/retrain.py rollback; its steps and failure are shown."""
    import time

    from console import model_jobs

    monkeypatch.setattr(model_jobs, "JOBS_DIR", tmp_path / "jobs")
    m = logged_in(app, "pemelihara1", role="pemelihara")
    assert m.post("/ulasan/model/jalankan", {"command": "hapus-semua"}, follow_redirects=True).status_code == 200
    assert model_jobs.current() is None
    assert m.post("/ulasan/model/jalankan", {"command": "deploy", "model": "../../etc/passwd"}).status_code == 404
    r = m.post("/ulasan/model/jalankan", {"command": "rollback"}, follow_redirects=True)
    assert "Pekerjaan dimulai" in r.get_data(as_text=True)
    deadline = time.time() + 120
    while model_jobs.current()["running"] and time.time() < deadline:
        time.sleep(0.5)
    job = model_jobs.current()
    assert job["command"] == "rollback" and job["actor"] == "pemelihara1" and not job["running"]
    assert job["steps"][0] == "Mengembalikan model sebelumnya"
    page = m.get("/ulasan/model").get_data(as_text=True)
    assert "Mengembalikan model sebelumnya" in page and "Pekerjaan selesai" in page
    with session_scope() as session:
        assert session.execute(select(AuditLog).where(AuditLog.action == "model.rollback")).scalar_one()
