"""The maintainers' review queue (kokom/review.py): selection rules on a real Rasa SQL tracker
store built in the test, grouping, masking, decisions (with their refusals and audit), and the
export to Rasa NLU data accepted by ``rasa data validate`` on a temporary copy of the project."""
from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from kokom import review
from kokom.console_tables import AuditLog
from kokom.db import session_scope

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------
# A tracker store with real Rasa events
# ---------------------------------------------------------------------------


def user(text: str, intent: str, confidence: float = 0.9, **metadata):  # type: ignore[no-untyped-def]
    from rasa.shared.core.events import UserUttered

    return UserUttered(text, intent={"name": intent, "confidence": confidence},
                       parse_data={"intent": {"name": intent, "confidence": confidence}, "entities": [],
                                   "text": text},
                       metadata=metadata or None)


def bot(text: str):  # type: ignore[no-untyped-def]
    from rasa.shared.core.events import BotUttered

    return BotUttered(text)


def build_tracker_store(url: str, conversations: dict[str, list]) -> None:
    """Save ``conversations`` (sender -> Rasa events) through Rasa's own SQLTrackerStore."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    store = SQLTrackerStore(domain=domain, dialect="sqlite", db=url[len("sqlite:///"):])
    for sender, events in conversations.items():
        tracker = DialogueStateTracker.from_events(sender, [], slots=domain.slots)
        ts = float(int(time.time()) - 3600 + 10 * len(conversations) + len(sender))  # recent: inside the console's window
        for i, event in enumerate(events):
            event.timestamp = ts + i
            tracker.update(event)
        asyncio.run(store.save(tracker))
    store.engine.dispose()


@pytest.fixture()
def tracker_url(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    return url


def conversation_set():  # type: ignore[no-untyped-def]
    from rasa.shared.core.events import ActiveLoop, SlotSet

    return {
        # a fallback, then the same words again (spelled differently) elsewhere
        "6281111111111": [user("Tolooong min, lampu PJU mati!!", "nlu_fallback", 0.3), bot("Maaf, belum paham."),
                          user("ok", "affirm", 0.95), bot("Baik.")],
        "6282222222222": [user("tolong   min lampu pju mati", "nlu_fallback", 0.35), bot("Maaf, belum paham.")],
        # out_of_scope, and a confident answer that was then cancelled within two turns
        "6283333333333": [user("mau tanya pajak motor", "out_of_scope", 0.9), bot("Di luar layanan."),
                          user("mau bikin surat", "request_document", 0.92), bot("Surat apa?"),
                          user("halo", "greet", 0.99), user("batal aja", "cancel", 0.97)],
        # low confidence; a message followed by a request for an officer; one followed by a fallback
        "6284444444444": [user("gimana ya caranya", "ask_requirements", 0.41), bot("Dokumen apa?"),
                          user("saya mau ngadu tetangga berisik", "give_feedback", 0.88), bot("Terima kasih"),
                          user("mau bicara petugas", "request_human", 0.96)],
        "6285555555555": [user("kapan buka kantor", "ask_office_hours", 0.97), bot("Jam 08.00"),
                          user("nomer saya 0812-3456-7890 nik 3577011203850001", "nlu_fallback", 0.2)],
        # not candidates: a button payload, answers inside a form, messages while an officer holds it
        "6286666666666": [user("/choose_service", "choose_service", 1.0),
                          user("mau lapor", "file_complaint", 0.95), ActiveLoop("complaint_form"),
                          SlotSet("reporter_name", "Budi Santoso"),
                          user("budi santoso rt 2", "inform", 0.3), ActiveLoop(None),
                          user("Budi tadi nanya lagi", "nlu_fallback", 0.2)],
        "6287777777777": [user("mau bicara petugas", "request_human", 0.97), {"pause": True},
                          user("pak tolong cepat ya", "nlu_fallback", 0.1)],
    }


def materialise(conversations):  # type: ignore[no-untyped-def]
    from rasa.shared.core.events import ConversationPaused

    return {s: [ConversationPaused() if isinstance(e, dict) else e for e in events]
            for s, events in conversations.items()}


@pytest.fixture()
def store(tracker_url):  # type: ignore[no-untyped-def]
    build_tracker_store(tracker_url, materialise(conversation_set()))
    return review.tracker_engine(tracker_url)


def by_text(candidates):  # type: ignore[no-untyped-def]
    return {c.text: c for c in candidates}


def test_selection_rules(store):  # type: ignore[no-untyped-def]
    found = by_text(review.select_candidates(review.load_events(store), threshold=0.6))
    assert found["Tolooong min, lampu PJU mati!!"].reasons == ["fallback"]
    assert found["mau tanya pajak motor"].reasons == ["out_of_scope"]
    assert found["gimana ya caranya"].reasons == ["low_confidence", "then_human"]  # two turns later
    assert found["mau bikin surat"].reasons == ["then_cancel"]  # "batal aja" two turns later
    assert "then_human" in found["saya mau ngadu tetangga berisik"].reasons
    assert "then_fallback" in found["kapan buka kantor"].reasons
    texts = set(found)
    assert "ok" not in texts  # confident, nothing went wrong after
    assert found["halo"].reasons == ["then_cancel"]
    assert not any(t.startswith("/") for t in texts)  # button payloads are not language
    assert not any("rt 2" in t for t in texts)  # an answer typed inside a form
    assert "pak tolong cepat ya" not in texts  # written to an officer while the assistant was paused
    # a confidence threshold of 0.4 keeps 0.41 out
    lower = by_text(review.select_candidates(review.load_events(store), threshold=0.4))
    assert lower["gimana ya caranya"].reasons == ["then_human"]


def test_masking_of_niks_phones_and_form_names(store):  # type: ignore[no-untyped-def]
    found = review.select_candidates(review.load_events(store), threshold=0.6)
    everything = json.dumps([c.__dict__ for c in found], ensure_ascii=False)
    assert "3577011203850001" not in everything and "0812-3456-7890" not in everything
    assert "34567890" not in everything
    assert "Budi" not in everything and "budi" not in everything  # the name the complaint form collected
    assert any("[nama] tadi nanya lagi" == c.text for c in found)
    later = next(c for c in found if c.text == "[nama] tadi nanya lagi")
    assert [m["text"] for m in later.before] == ["mau lapor", "[jawaban formulir]"]  # form answers stay hidden
    assert review.mask_text("hub +62 812 3456 7890 ya") == "hub 6281*******90 ya"
    assert review.mask_text("Sri Wahyuni minta surat", ["Sri Wahyuni"]) == "[nama] minta surat"


def test_grouping_most_frequent_first_with_context(store):  # type: ignore[no-untyped-def]
    groups = review.group(review.select_candidates(review.load_events(store), threshold=0.6))
    top = groups[0]
    assert top.key == "tolong min lampu pju mati"
    assert top.count == 2 and top.conversations == 2
    assert top.intent == "nlu_fallback" and 0.3 <= top.confidence <= 0.35
    assert top.first_seen <= top.last_seen
    assert top.example["after"][0]["text"] == "Maaf, belum paham."
    assert [g.count for g in groups] == sorted((g.count for g in groups), reverse=True)
    assert review.group_key("Tolooong   MIN,, lampu pju mati!!") == review.group_key("tolong min lampu PJU mati")


def test_flag_from_a_transcript_keeps_context(db_url, store):  # type: ignore[no-untyped-def]
    events = review.load_events(store)["6281111111111"]
    ok_ts = next(e["timestamp"] for e in events if e["event"] == "user" and e["text"] == "ok")
    with session_scope() as session:
        flag = review.flag_message(session, "6281111111111", ok_ts, "petugas1", engine=store)
        assert flag.predicted_intent == "affirm"
        again = review.flag_message(session, "6281111111111", ok_ts, "petugas1", engine=store)
        assert again.id == flag.id
    with session_scope() as session:
        groups = review.queue(session, engine=store, threshold=0.6)
        ok = next(g for g in groups if g.key == "ok")
        assert ok.reasons == {"flagged": 1}
        assert ok.example["before"][-1]["text"] == "Maaf, belum paham."
        assert session.execute(select(AuditLog).where(AuditLog.action == "ulasan.tandai")).scalar_one()
    with session_scope() as session, pytest.raises(review.ReviewError):
        review.flag_message(session, "6281111111111", 1.0, "petugas1", engine=store)


def test_assign_dismiss_refusals_and_audit(db_url, store):  # type: ignore[no-untyped-def]
    with session_scope() as session:
        d = review.assign(session, "tolong min lampu pju mati", "file_complaint", "pemelihara1", count=2)
        assert d.intent == "file_complaint"
        # the same group again, another spelling, another intent: refused, naming the earlier decision
        with pytest.raises(review.ReviewError, match="file_complaint.*pemelihara1"):
            review.assign(session, "Tolooong min lampu PJU mati!", "request_human", "pemelihara2")
        # an utterance of the held-out test split would leak the evaluation
        split = yaml.safe_load((ROOT / "tests/nlu/test_split.yml").read_text())["nlu"][0]
        line = review._example_lines(split["examples"])[0]
        with pytest.raises(review.ReviewError, match="test_split.yml"):
            review.assign(session, line.upper() + "!!", split["intent"], "pemelihara1")
        with pytest.raises(review.ReviewError, match="tidak ada di domain"):
            review.assign(session, "mau tanya pajak motor", "beli_pulsa", "pemelihara1")
        review.dismiss(session, "mau tanya pajak motor", "pemelihara1")
        with pytest.raises(review.ReviewError, match="diabaikan"):
            review.assign(session, "mau tanya pajak motor", "out_of_scope", "pemelihara1")
        actions = [a.action for a in session.execute(select(AuditLog).order_by(AuditLog.id)).scalars()]
        assert actions == ["ulasan.tetapkan", "ulasan.abaikan"]
    with session_scope() as session:
        assert [g.key for g in review.queue(session, engine=store, threshold=0.6)
                if g.key in ("tolong min lampu pju mati", "mau tanya pajak motor")] == []


def test_document_type_spans_are_checked(db_url):  # type: ignore[no-untyped-def]
    text = "mau urus akte lahir anak saya"
    start = text.index("akte lahir")
    with session_scope() as session:
        with pytest.raises(review.ReviewError, match="bukan jenis dokumen"):
            review.assign(session, text, "request_document", "m", entities=[
                {"start": start, "end": start + 10, "value": "akta_lahir_anak"}])
        with pytest.raises(review.ReviewError, match="kata utuh"):
            review.assign(session, text, "request_document", "m", entities=[
                {"start": start + 1, "end": start + 10, "value": "akta_kelahiran"}])
        d = review.assign(session, text, "request_document", "m", entities=[
            {"start": start, "end": start + 10, "value": "akta_kelahiran"}])
        assert json.loads(d.entities) == [{"start": start, "end": start + 10, "value": "akta_kelahiran"}]
        out = review.export_yaml(session)
    assert '[akte lahir]{"entity": "document_type", "value": "akta_kelahiran"}' in out


@pytest.mark.e2e  # starts a process (rasa CLI, action server or gunicorn): the full tier
def test_round_trip_export_is_valid_rasa_data(db_url, store, tmp_path):  # type: ignore[no-untyped-def]
    """fallback message -> queue -> assignment -> data/nlu/reviewed.yml -> `rasa data validate` (temp copy)."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "data", project / "data")
    (project / "data" / "nlu" / "reviewed.yml").unlink(missing_ok=True)
    with session_scope() as session:
        group = review.queue(session, engine=store, threshold=0.6)[0]
        assert group.intent == "nlu_fallback"
        review.assign(session, group.text, "file_complaint", "pemelihara1", count=group.count)
        path, n = review.write_export(session, project / "data" / "nlu" / "reviewed.yml")
    assert n == 1
    data = yaml.safe_load(path.read_text())
    assert data["nlu"] == [{"intent": "file_complaint", "examples": "- Tolooong min, lampu PJU mati!!\n"}]
    from rasa.shared.nlu.training_data.loading import load_data

    loaded = load_data(str(path))
    assert [(m.get("text"), m.get("intent")) for m in loaded.intent_examples] == [
        ("Tolooong min, lampu PJU mati!!", "file_complaint")]
    result = subprocess.run([str(Path(sys.executable).parent / "rasa"), "data", "validate", "--fail-on-warnings",
                             "--domain", "domain.yml", "--data", "data", "--config", "config.yml"],
                            cwd=project, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # and the project's own data checks (duplicates, leaks, spellings) accept it
    (project / "tests" / "nlu").mkdir(parents=True)
    for name in ("check_data.py", "test_split.yml"):
        shutil.copy(ROOT / "tests" / "nlu" / name, project / "tests" / "nlu" / name)
    checked = subprocess.run([sys.executable, "tests/nlu/check_data.py"], cwd=project, capture_output=True,
                             text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout[-3000:]
    assert not (ROOT / "data" / "nlu" / "reviewed.yml").exists() or \
        "Tolooong" not in (ROOT / "data" / "nlu" / "reviewed.yml").read_text()


def test_training_duplicate_is_refused(db_url):  # type: ignore[no-untyped-def]
    block = yaml.safe_load((ROOT / "data/nlu/greet_goodbye.yml").read_text())["nlu"][0]
    line = review._plain(review._example_lines(block["examples"])[0])
    with session_scope() as session, pytest.raises(review.ReviewError, match="data latih"):
        review.assign(session, line, "goodbye", "m")
