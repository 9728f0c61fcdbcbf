"""The maintainers' review queue: what the assistant misunderstood, and what to learn from it.

Pure domain logic over two stores, no web framework:

- Rasa's SQL tracker store (the ``events`` table of :class:`rasa.core.tracker_store.SQLTrackerStore`,
  read directly with SQLAlchemy, so this module does not import Rasa): every resident message
  that fell to ``nlu_fallback``/``out_of_scope``, was classified below
  ``KOKOM_REVIEW_CONFIDENCE`` (default 0.6, :mod:`kokom.settings`), or was followed within two
  turns by a request for an officer, a "batal"/cancel or another fallback, is a candidate.
  Officers' flags ("Asisten salah paham", :func:`flag_message`) join them.
  Not candidates: button/list payloads ("/..."), messages while an officer holds the
  conversation (the assistant was paused and did not answer them), and answers typed inside
  a form (they are read by the form, not classified; they are also where names, NIKs and
  addresses are typed). In the context shown around an example, such form answers
  are replaced by "[jawaban formulir]".
- The application database (``review_flags``, ``review_decisions``; migration 0008): officers'
  flags and maintainers' decisions (assign an intent with ``document_type`` spans, or dismiss),
  each audited in ``audit_log``.

Candidates are grouped by :func:`group_key` (case, spacing, punctuation, repeated letters),
most frequent first. Every text leaves this module masked (:func:`mask_text`): NIKs, phone
numbers, and the names the forms collected in that conversation (slots
``reporter_name``/``applicant_name``) and the resident's WhatsApp profile name.

:func:`assign` refuses: an intent outside the trained ones, an utterance already decided
otherwise (naming the earlier decision), one in a held-out evaluation set (``tests/nlu``:
it would leak the evaluation), one already in the training data, and ``document_type`` spans
that are not on whole words, not a canonical value, or a spelling synonyms.yml does not list.
:func:`export_yaml` writes the assigned examples as Rasa NLU data (``data/nlu/reviewed.yml``).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml
from sqlalchemy import Column, DateTime, Float, Integer, String, Text, UniqueConstraint, create_engine, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kokom import REPO_ROOT, settings
from kokom.models import Base, utcnow
from kokom.privacy import mask_niks

FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
MISUNDERSTOOD = frozenset({FALLBACK, OUT_OF_SCOPE})
HANDOFF_INTENT = "request_human"
CANCEL_INTENT = "cancel"
FOLLOW_TURNS = 2  # "followed within two turns by ..."
WINDOW_DAYS = 90  # the console reads this many days of conversations (officers' flags are always shown)
CONTEXT_MESSAGES = 2  # messages shown before and after an example
NAME_SLOTS = ("reporter_name", "applicant_name")
ENTITY = "document_type"
FORM_ANSWER = "[jawaban formulir]"

REASONS = {
    "fallback": "tidak dipahami (nlu_fallback)",
    "out_of_scope": "dianggap di luar layanan",
    "low_confidence": "keyakinan rendah",
    "then_human": "lalu minta petugas",
    "then_cancel": "lalu membatalkan",
    "then_fallback": "lalu tidak dipahami lagi",
    "flagged": "ditandai petugas",
}

DATA_DIR = REPO_ROOT / "data" / "nlu"
REVIEWED_FILE = DATA_DIR / "reviewed.yml"
HELD_OUT_DIR = REPO_ROOT / "tests" / "nlu"
DOMAIN_FILE = REPO_ROOT / "domain.yml"
# The same near-copy rule as tests/nlu/check_data.py (a training line this close to a
# held-out one makes the held-out number meaningless).
NEAR_DUP_MIN_TOKENS = 4
NEAR_DUP_THRESHOLD = 0.8


class ReviewError(ValueError):
    """A decision the maintainer cannot make (Indonesian message, shown as is)."""


# ---------------------------------------------------------------------------
# Tables (migration 0008)
# ---------------------------------------------------------------------------


class ReviewFlag(Base):
    """An officer marked one resident message as misunderstood ("Asisten salah paham")."""

    __tablename__ = "review_flags"

    id = Column(Integer, primary_key=True)
    sender_id = Column(String(64), nullable=False, index=True)
    event_ts = Column(Float, nullable=False)  # the user event's timestamp in the tracker
    text = Column(Text, nullable=False)  # masked
    predicted_intent = Column(String(64))
    confidence = Column(Float)
    context = Column(Text)  # JSON: masked messages before/after
    flagged_by = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (UniqueConstraint("sender_id", "event_ts", name="uq_review_flags_message"),)


class ReviewDecision(Base):
    """A maintainer's decision on a group of messages (one per normalised text)."""

    __tablename__ = "review_decisions"

    id = Column(Integer, primary_key=True)
    key = Column(String(500), nullable=False, unique=True)  # group_key of the text
    text = Column(Text, nullable=False)  # the masked example exported for training
    action = Column(String(20), nullable=False)  # assign | dismiss
    intent = Column(String(64))
    entities = Column(Text)  # JSON list of {"start", "end", "value"} (document_type)
    count = Column(Integer, nullable=False, default=0)  # how many messages the group held
    decided_by = Column(String(64), nullable=False)
    decided_at = Column(DateTime, nullable=False, default=utcnow)


# ---------------------------------------------------------------------------
# Text: grouping key and masking
# ---------------------------------------------------------------------------

_PUNCT = re.compile(r"[^\w\s*]", re.UNICODE)
_REPEAT = re.compile(r"([^\W\d_])\1+", re.UNICODE)
# Indonesian mobile/WhatsApp numbers however written: 0812-3456-7890, +62 812 3456 7890, 62812...
_PHONE = re.compile(r"(?<![\d*])(?:\+?62|0)[\s.-]?8\d(?:[\s.-]?\d){6,11}(?![\d*])")
_LONG_DIGITS = re.compile(r"(?<![\d*])\d{9,}(?![\d*])")


def group_key(text: str) -> str:
    """Case, punctuation, spacing and repeated letters ignored: "Tolooong!!  min" -> "tolong min"."""
    value = _PUNCT.sub(" ", (text or "").lower())
    value = _REPEAT.sub(r"\1", value)
    return " ".join(value.split())[:500]


def _mask_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return digits[:4] + "*" * max(len(digits) - 6, 0) + digits[-2:]


def mask_text(value: str | None, names: Iterable[str] = ()) -> str:
    """NIKs, phone numbers (and any other long number) and the given names masked."""
    out = mask_niks(value or "")
    out = _PHONE.sub(_mask_phone, out)
    out = _LONG_DIGITS.sub(lambda m: "*" * len(m.group(0)), out)
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True):
        out = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "[nama]", out, flags=re.IGNORECASE)
        for word in name.split():  # "Budi Santoso" also hides a later bare "budi"
            if len(word) >= 3:
                out = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "[nama]", out, flags=re.IGNORECASE)
    return out


# ---------------------------------------------------------------------------
# Reading the tracker store
# ---------------------------------------------------------------------------


def review_threshold() -> float:
    return settings.get().review_confidence


_engines: dict[str, Engine] = {}


def tracker_engine(url: str | None = None) -> Engine:
    from kokom.db import tracker_database_url

    url = url or tracker_database_url()
    if url not in _engines:
        _engines[url] = create_engine(url, future=True)
    return _engines[url]


def _epoch_dt(ts: float | None) -> datetime | None:
    if not ts:
        return None
    return datetime.fromtimestamp(float(ts), tz=timezone.utc).replace(tzinfo=None)


@dataclass
class Candidate:
    sender_id: str
    ts: float
    text: str  # masked
    key: str
    intent: str | None
    confidence: float | None
    reasons: list[str]
    before: list[dict[str, Any]] = field(default_factory=list)
    after: list[dict[str, Any]] = field(default_factory=list)


def load_events(engine: Engine, since: float | None = None,
                sender_id: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Events per conversation, oldest first (only the kinds the queue needs)."""
    kinds = ("user", "bot", "slot", "active_loop", "pause", "resume", "action", "restart", "session_started")
    params: dict[str, Any] = {}
    query = "SELECT sender_id, type_name, timestamp, data FROM events WHERE type_name IN ({})".format(
        ", ".join(f"'{k}'" for k in kinds))
    if since is not None:
        query += " AND timestamp >= :since"
        params["since"] = since
    if sender_id is not None:
        query += " AND sender_id = :sender"
        params["sender"] = sender_id
    query += " ORDER BY id"
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        try:
            rows = conn.execute(text(query), params).all()
        except Exception:  # noqa: BLE001 - no conversation yet: Rasa creates the table on first start
            if "events" not in _table_names(engine):
                return {}
            raise
    for sender, kind, ts, data in rows:
        try:
            event = json.loads(data) if data else {}
        except ValueError:
            continue
        event["event"] = kind
        event.setdefault("timestamp", ts)
        out.setdefault(sender, []).append(event)
    return out


def _table_names(engine: Engine) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(engine).get_table_names())


def _parse(event: dict[str, Any]) -> tuple[str | None, float | None]:
    intent = ((event.get("parse_data") or {}).get("intent") or {})
    name = intent.get("name")
    conf = intent.get("confidence")
    return name, (float(conf) if conf is not None else None)


def _is_payload(text: str) -> bool:
    return text.startswith("/")


def _names_in(events: list[dict[str, Any]]) -> set[str]:
    names: set[str] = set()
    for ev in events:
        if ev["event"] == "slot" and ev.get("name") in NAME_SLOTS and isinstance(ev.get("value"), str):
            names.add(ev["value"])
        if ev["event"] == "user":
            wa = (ev.get("metadata") or {}).get("whatsapp") or {}
            if isinstance(wa, dict) and isinstance(wa.get("profile_name"), str):
                names.add(wa["profile_name"])
    return names


def _messages(events: list[dict[str, Any]], names: set[str]) -> list[dict[str, Any]]:
    """User and bot messages with the state the queue needs (masked text)."""
    out: list[dict[str, Any]] = []
    paused = False
    loop: str | None = None
    for ev in events:
        kind = ev["event"]
        if kind == "pause":
            paused = True
        elif kind == "resume":
            paused = False
        elif kind == "active_loop":
            loop = ev.get("name")
        elif kind in ("restart", "session_started"):
            loop = None
        elif kind == "user":
            raw = ev.get("text") or ""
            intent, conf = _parse(ev)
            out.append({"who": "warga", "raw": raw, "text": mask_text(raw, names), "ts": ev.get("timestamp") or 0,
                        "intent": intent, "confidence": conf, "paused": paused, "in_form": loop is not None,
                        "payload": _is_payload(raw.strip())})
        elif kind == "bot":
            meta = ev.get("metadata") or {}
            out.append({"who": "petugas" if meta.get("officer") else "asisten",
                        "text": mask_text(ev.get("text") or "", names), "ts": ev.get("timestamp") or 0})
    return out


def _context(messages: list[dict[str, Any]], index: int) -> tuple[list[dict], list[dict]]:
    def brief(m: dict[str, Any]) -> dict[str, Any]:
        # an answer typed inside a form (address, complaint details...) is the resident's data, not context
        text_ = FORM_ANSWER if m["who"] == "warga" and m.get("in_form") else m["text"]
        return {"who": m["who"], "text": text_, "ts": m["ts"]}

    before = [brief(m) for m in messages[max(0, index - CONTEXT_MESSAGES):index]]
    after = [brief(m) for m in messages[index + 1:index + 1 + CONTEXT_MESSAGES]]
    return before, after


def _is_cancel(message: dict[str, Any]) -> bool:
    return message["intent"] == CANCEL_INTENT or "batal" in group_key(message["raw"]).split()


def select_candidates(events_by_sender: dict[str, list[dict[str, Any]]],
                      threshold: float | None = None) -> list[Candidate]:
    """Every resident message the rules put in the queue (see the module's docstring)."""
    threshold = review_threshold() if threshold is None else threshold
    out: list[Candidate] = []
    for sender, events in events_by_sender.items():
        messages = _messages(events, _names_in(events))
        users = [i for i, m in enumerate(messages) if m["who"] == "warga" and not m["paused"]]
        for pos, index in enumerate(users):
            m = messages[index]
            if m["payload"] or m["in_form"] or not m["text"].strip():
                continue
            reasons: list[str] = []
            if m["intent"] == FALLBACK:
                reasons.append("fallback")
            elif m["intent"] == OUT_OF_SCOPE:
                reasons.append("out_of_scope")
            if m["confidence"] is not None and m["confidence"] < threshold and m["intent"] != FALLBACK:
                reasons.append("low_confidence")
            for later in (messages[j] for j in users[pos + 1:pos + 1 + FOLLOW_TURNS]):
                if later["intent"] == HANDOFF_INTENT and "then_human" not in reasons:
                    reasons.append("then_human")
                elif _is_cancel(later) and "then_cancel" not in reasons:
                    reasons.append("then_cancel")
                elif later["intent"] == FALLBACK and "then_fallback" not in reasons:
                    reasons.append("then_fallback")
            if not reasons:
                continue
            before, after = _context(messages, index)
            out.append(Candidate(sender, m["ts"], m["text"], group_key(m["text"]), m["intent"], m["confidence"],
                                 reasons, before, after))
    return out


# ---------------------------------------------------------------------------
# Flags from the console's transcript
# ---------------------------------------------------------------------------


def flag_message(session: Session, sender_id: str, event_ts: float, officer: str,
                 engine: Engine | None = None, ip: str | None = None) -> ReviewFlag:
    """Store "Asisten salah paham" for the resident message at ``event_ts`` (with its context, masked)."""
    events = load_events(engine or tracker_engine(), sender_id=sender_id).get(sender_id) or []
    messages = _messages(events, _names_in(events))
    index = next((i for i, m in enumerate(messages)
                  if m["who"] == "warga" and abs(float(m["ts"]) - float(event_ts)) < 1e-3), None)
    if index is None:
        raise ReviewError("Pesan warga itu tidak ditemukan di riwayat percakapan.")
    m = messages[index]
    existing = session.execute(select(ReviewFlag).where(ReviewFlag.sender_id == sender_id,
                                                        ReviewFlag.event_ts == float(m["ts"]))).scalar_one_or_none()
    if existing is not None:
        return existing
    before, after = _context(messages, index)
    row = ReviewFlag(sender_id=sender_id, event_ts=float(m["ts"]), text=m["text"], predicted_intent=m["intent"],
                     confidence=m["confidence"], context=json.dumps({"before": before, "after": after}),
                     flagged_by=officer)
    session.add(row)
    audit_entry(session, officer, "ulasan.tandai", f"warga:{sender_id}", f"{m['intent'] or '-'}: {m['text'][:200]}", ip)
    session.flush()
    return row


def flag_candidates(session: Session) -> list[Candidate]:
    rows = session.execute(select(ReviewFlag).order_by(ReviewFlag.id)).scalars()
    out = []
    for r in rows:
        ctx = json.loads(r.context or "{}")
        out.append(Candidate(r.sender_id, r.event_ts, r.text, group_key(r.text), r.predicted_intent, r.confidence,
                             ["flagged"], ctx.get("before") or [], ctx.get("after") or []))
    return out


# ---------------------------------------------------------------------------
# The queue
# ---------------------------------------------------------------------------


@dataclass
class Group:
    key: str
    text: str  # the most frequent (masked) spelling
    count: int
    conversations: int
    reasons: dict[str, int]
    intent: str | None  # the most frequent prediction
    confidence: float | None  # its mean confidence
    first_seen: datetime | None
    last_seen: datetime | None
    example: dict[str, Any]
    decision: dict[str, Any] | None = None

    @property
    def reason_labels(self) -> list[str]:
        return [f"{REASONS.get(k, k)} ({n})" for k, n in sorted(self.reasons.items(), key=lambda kv: -kv[1])]


def group(candidates: list[Candidate]) -> list[Group]:
    """Candidates grouped by :func:`group_key`, most frequent first (then the most recent)."""
    by_key: dict[str, list[Candidate]] = {}
    for c in candidates:
        if c.key:
            by_key.setdefault(c.key, []).append(c)
    groups = []
    for key, items in by_key.items():
        # one message counted once even when it is both flagged and selected by a rule
        unique: dict[tuple[str, float], Candidate] = {}
        for c in items:
            seen = unique.get((c.sender_id, round(c.ts, 3)))
            if seen is None:
                unique[(c.sender_id, round(c.ts, 3))] = c
            else:
                seen.reasons = list(dict.fromkeys(seen.reasons + c.reasons))
        members = sorted(unique.values(), key=lambda c: c.ts)
        reasons = Counter(r for c in members for r in c.reasons)
        intents = Counter(c.intent for c in members)
        intent = intents.most_common(1)[0][0]
        confs = [c.confidence for c in members if c.intent == intent and c.confidence is not None]
        example = members[-1]
        groups.append(Group(
            key=key,
            text=Counter(c.text for c in members).most_common(1)[0][0],
            count=len(members),
            conversations=len({c.sender_id for c in members}),
            reasons=dict(reasons),
            intent=intent,
            confidence=sum(confs) / len(confs) if confs else None,
            first_seen=_epoch_dt(members[0].ts),
            last_seen=_epoch_dt(members[-1].ts),
            example={"before": example.before, "text": example.text, "after": example.after},
        ))
    groups.sort(key=lambda g: (-g.count, -(g.last_seen.timestamp() if g.last_seen else 0)))
    return groups


def decisions(session: Session) -> dict[str, ReviewDecision]:
    return {d.key: d for d in session.execute(select(ReviewDecision)).scalars()}


def _decision_dict(d: ReviewDecision) -> dict[str, Any]:
    return {"action": d.action, "intent": d.intent, "entities": json.loads(d.entities or "[]"), "text": d.text,
            "by": d.decided_by, "at": d.decided_at, "id": d.id}


def queue(session: Session, *, engine: Engine | None = None, since: float | None = None,
          threshold: float | None = None, include_decided: bool = False) -> list[Group]:
    """The review queue: open groups (and decided ones when asked), most frequent first."""
    candidates = select_candidates(load_events(engine or tracker_engine(), since=since), threshold)
    candidates += flag_candidates(session)
    made = decisions(session)
    out = []
    for g in group(candidates):
        d = made.get(g.key)
        if d is not None:
            if not include_decided:
                continue
            g.decision = _decision_dict(d)
        out.append(g)
    return out


# ---------------------------------------------------------------------------
# What the maintainer may assign, and what is refused
# ---------------------------------------------------------------------------


def _plain(example: str) -> str:
    """An NLU example line without Rasa's entity markup."""
    return re.sub(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))", r"\1", example)


def _example_lines(block: Any) -> list[str]:
    if isinstance(block, str):
        return [line.strip()[2:].strip() for line in block.splitlines() if line.strip().startswith("- ")]
    return []


def _nlu_examples(path: Path) -> list[tuple[str, str]]:
    """(plain text, intent) of a Rasa NLU file or of an ``examples:`` list (the blind sets)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    out: list[tuple[str, str]] = []
    if isinstance(raw.get("examples"), list):
        for item in raw["examples"]:
            if isinstance(item, dict) and "text" in item:
                out.append((str(item["text"]), str(item.get("intent") or "")))
    for block in raw.get("nlu") or []:
        if isinstance(block, dict) and block.get("intent"):
            out += [(_plain(line), str(block["intent"])) for line in _example_lines(block.get("examples"))]
    return out


def _norm(text: str) -> str:
    """tests/nlu/check_data.py's normalisation (duplicates and leaks are judged the same way)."""
    value = text.lower()
    value = re.sub(r"[^\w\s-]", " ", value)
    value = re.sub(r"(?<!\w)-|-(?!\w)", " ", value)
    return " ".join(value.split())


def held_out_files(root: Path | None = None) -> list[Path]:
    base = (root / "tests" / "nlu") if root else HELD_OUT_DIR
    return [base / "test_split.yml", *sorted(base.glob("unseen_residents*.yml"))]


def training_files(root: Path | None = None) -> list[Path]:
    base = (root / "data" / "nlu") if root else DATA_DIR
    return [p for p in sorted(base.glob("*.yml")) if p.name not in ("reviewed.yml", "synonyms.yml", "regex.yml")]


@lru_cache(maxsize=4)
def _held_out(root: str) -> tuple[tuple[str, str, frozenset, str], ...]:
    rows = []
    for path in held_out_files(Path(root)):
        for text_, intent in _nlu_examples(path):
            key = _norm(text_)
            rows.append((key, intent, frozenset(key.split()), path.name))
    return tuple(rows)


def leak_of(text_: str, root: Path | None = None) -> str | None:
    """The held-out set an utterance (or a near copy of it) is in, else None."""
    key = _norm(text_)
    toks = set(key.split())
    for other, _intent, other_toks, name in _held_out(str(root or REPO_ROOT)):
        if key == other:
            return name
        if len(toks) >= NEAR_DUP_MIN_TOKENS and len(other_toks) >= NEAR_DUP_MIN_TOKENS:
            if len(toks & other_toks) / len(toks | other_toks) >= NEAR_DUP_THRESHOLD:
                return name
    return None


def in_training(text_: str, root: Path | None = None) -> tuple[str, str] | None:
    """(intent, file) of the same utterance in data/nlu (reviewed.yml excluded), else None."""
    key = _norm(text_)
    for path in training_files(root):
        for other, intent in _nlu_examples(path):
            if _norm(other) == key:
                return intent, path.name
    return None


def assignable_intents(root: Path | None = None) -> list[str]:
    """The domain's intents that the NLU is trained on (payload-only intents excluded)."""
    domain = yaml.safe_load(((root / "domain.yml") if root else DOMAIN_FILE).read_text(encoding="utf-8")) or {}
    declared = [i if isinstance(i, str) else next(iter(i)) for i in domain.get("intents") or []]
    trained = {intent for path in training_files(root) for _, intent in _nlu_examples(path)}
    return [i for i in declared if i in trained]


def document_types() -> set[str]:
    from kokom import doc_names

    return doc_names.keys()


def _synonym_spellings() -> dict[str, str]:
    from kokom import doc_names

    data = yaml.safe_load(doc_names.SYNONYMS_FILE.read_text(encoding="utf-8")) or {}
    out: dict[str, str] = {}
    for block in data.get("nlu") or []:
        if isinstance(block, dict) and block.get("synonym"):
            for line in _example_lines(block.get("examples")):
                out[line.lower()] = block["synonym"]
    return out


def check_entities(text_: str, intent: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``document_type`` spans checked and normalised to {"start", "end", "value"}, sorted."""
    if not entities:
        return []
    if intent == OUT_OF_SCOPE:
        raise ReviewError("Pesan di luar layanan (out_of_scope) tidak boleh memuat jenis dokumen.")
    known = document_types()
    spellings = _synonym_spellings()
    out: list[dict[str, Any]] = []
    for ent in entities:
        try:
            start, end = int(ent["start"]), int(ent["end"])
        except (KeyError, TypeError, ValueError):
            raise ReviewError("Posisi jenis dokumen tidak valid.") from None
        value = str(ent.get("value") or "").strip()
        if not (0 <= start < end <= len(text_)):
            raise ReviewError("Posisi jenis dokumen di luar teks pesan.")
        surface = text_[start:end]
        if surface != surface.strip() or (start > 0 and text_[start - 1].isalnum()) or (
                end < len(text_) and text_[end].isalnum()):
            raise ReviewError(f"Tandai kata utuh: '{surface}' memotong sebuah kata.")
        if value not in known:
            raise ReviewError(f"'{value}' bukan jenis dokumen yang dikenal (pilih dari katalog).")
        if surface.lower() != value and surface.lower() != value.replace("_", " ") and \
                spellings.get(surface.lower()) != value:
            raise ReviewError(
                f"Ejaan '{surface}' belum terdaftar untuk {value} di data/nlu/synonyms.yml: tambahkan dulu ejaan "
                "itu di sana (lihat docs/pemeliharaan.md), lalu tandai lagi.")
        out.append({"start": start, "end": end, "value": value})
    out.sort(key=lambda e: e["start"])
    for a, b in zip(out, out[1:]):
        if b["start"] < a["end"]:
            raise ReviewError("Dua tanda jenis dokumen saling tumpang tindih.")
    return out


def _describe(d: ReviewDecision) -> str:
    when = d.decided_at.strftime("%Y-%m-%d %H:%M") if d.decided_at else "?"
    what = f"intent '{d.intent}'" if d.action == "assign" else "diabaikan"
    return f"{what} oleh {d.decided_by} pada {when} UTC"


def audit_entry(session: Session, actor: str, action: str, target: str | None, detail: str | None,
           ip: str | None) -> None:
    from kokom.console_tables import AuditLog

    session.add(AuditLog(actor=actor[:64], action=action[:64], target=(target or "")[:200] or None,
                         detail=mask_niks(detail or "")[:2000] or None, ip=(ip or "")[:64] or None))


def _clean_export_text(text_: str) -> str:
    # Rasa's markup characters would change the example's meaning; newlines end a YAML list item.
    return " ".join(re.sub(r"[\[\]{}]", " ", text_).split())


def assign(session: Session, text_: str, intent: str, actor: str, *, entities: list[dict[str, Any]] | None = None,
           count: int = 0, ip: str | None = None, root: Path | None = None) -> ReviewDecision:
    """Assign ``intent`` (and document_type spans) to the group of ``text_`` (already masked)."""
    text_ = _clean_export_text(text_)
    key = group_key(text_)
    if not key:
        raise ReviewError("Teks pesan kosong.")
    intents = assignable_intents(root)
    if intent not in intents:
        raise ReviewError(f"Intent '{intent}' tidak ada di domain (pilih salah satu: {', '.join(intents)}).")
    spans = check_entities(text_, intent, list(entities or []))
    earlier = session.execute(select(ReviewDecision).where(ReviewDecision.key == key)).scalar_one_or_none()
    if earlier is not None and not (earlier.action == "assign" and earlier.intent == intent):
        raise ReviewError(
            f"Ditolak: pesan ini sudah diputuskan sebelumnya ({_describe(earlier)}). "
            "Batalkan keputusan itu dulu bila memang keliru.")
    leak = leak_of(text_, root)
    if leak:
        raise ReviewError(
            f"Ditolak: pesan ini (atau yang hampir sama) ada di data uji tests/nlu/{leak}. Memasukkannya ke data "
            "latih membocorkan evaluasi, sehingga angka evaluasi tidak lagi jujur.")
    trained = in_training(text_, root)
    if trained:
        raise ReviewError(
            f"Ditolak: pesan ini sudah ada di data latih data/nlu/{trained[1]} sebagai intent '{trained[0]}'."
            + ("" if trained[0] == intent else " Dua intent untuk satu kalimat membingungkan model."))
    detail = f"{intent}: {text_[:200]}" + (f" [{', '.join(s['value'] for s in spans)}]" if spans else "")
    if earlier is not None:  # same intent again: the spans are updated
        earlier.entities = json.dumps(spans)
        earlier.text = text_
        earlier.decided_by, earlier.decided_at = actor, utcnow()
        audit_entry(session, actor, "ulasan.ubah", f"ulasan:{earlier.id}", detail, ip)
        return earlier
    row = ReviewDecision(key=key, text=text_, action="assign", intent=intent, entities=json.dumps(spans),
                         count=count, decided_by=actor)
    session.add(row)
    session.flush()
    audit_entry(session, actor, "ulasan.tetapkan", f"ulasan:{row.id}", detail, ip)
    return row


def dismiss(session: Session, text_: str, actor: str, *, count: int = 0, ip: str | None = None) -> ReviewDecision:
    key = group_key(text_)
    if not key:
        raise ReviewError("Teks pesan kosong.")
    earlier = session.execute(select(ReviewDecision).where(ReviewDecision.key == key)).scalar_one_or_none()
    if earlier is not None:
        if earlier.action == "dismiss":
            return earlier
        raise ReviewError(f"Ditolak: pesan ini sudah diputuskan sebelumnya ({_describe(earlier)}). "
                          "Batalkan keputusan itu dulu bila memang keliru.")
    row = ReviewDecision(key=key, text=_clean_export_text(text_), action="dismiss", count=count, decided_by=actor)
    session.add(row)
    session.flush()
    audit_entry(session, actor, "ulasan.abaikan", f"ulasan:{row.id}", text_[:200], ip)
    return row


def revoke(session: Session, decision_id: int, actor: str, ip: str | None = None) -> None:
    row = session.get(ReviewDecision, decision_id)
    if row is None:
        raise ReviewError("Keputusan tidak ditemukan.")
    audit_entry(session, actor, "ulasan.batalkan", f"ulasan:{row.id}", f"{_describe(row)}: {row.text[:200]}", ip)
    session.delete(row)


def decided(session: Session) -> list[dict[str, Any]]:
    rows = session.execute(select(ReviewDecision).order_by(ReviewDecision.decided_at.desc())).scalars()
    return [_decision_dict(r) for r in rows]


# ---------------------------------------------------------------------------
# Export to Rasa NLU data
# ---------------------------------------------------------------------------

HEADER = (
    "# Generated by `make retrain` from the maintainers' review queue (console: Ulasan NLU).\n"
    "# Do not edit by hand: assign or revoke in the console, then export again.\n"
)


def annotate(text_: str, spans: list[dict[str, Any]]) -> str:
    out, pos = [], 0
    for span in sorted(spans, key=lambda s: s["start"]):
        surface = text_[span["start"]:span["end"]]
        out.append(text_[pos:span["start"]])
        if surface == span["value"]:
            out.append(f"[{surface}]({ENTITY})")
        else:
            out.append(f'[{surface}]{{"entity": "{ENTITY}", "value": "{span["value"]}"}}')
        pos = span["end"]
    out.append(text_[pos:])
    return "".join(out)


def export_yaml(session: Session) -> str:
    """The assigned examples as Rasa NLU YAML (version 3.1), one block per intent."""
    rows = session.execute(select(ReviewDecision).where(ReviewDecision.action == "assign")
                           .order_by(ReviewDecision.intent, ReviewDecision.key)).scalars()
    by_intent: dict[str, list[str]] = {}
    for r in rows:
        by_intent.setdefault(r.intent, []).append(annotate(r.text, json.loads(r.entities or "[]")))
    lines = [HEADER + 'version: "3.1"', "nlu:" if by_intent else "nlu: []"]
    for intent, examples in sorted(by_intent.items()):
        lines.append(f"- intent: {intent}")
        lines.append("  examples: |")
        lines += [f"    - {e}" for e in examples]
    return "\n".join(lines) + "\n"


def write_export(session: Session, path: Path | None = None) -> tuple[Path, int]:
    path = Path(path or REVIEWED_FILE)
    content = export_yaml(session)
    path.write_text(content, encoding="utf-8")
    return path, content.count("\n    - ")


__all__ = [
    "Candidate",
    "Group",
    "ReviewDecision",
    "ReviewError",
    "ReviewFlag",
    "assign",
    "assignable_intents",
    "check_entities",
    "decided",
    "dismiss",
    "export_yaml",
    "flag_message",
    "group",
    "group_key",
    "leak_of",
    "load_events",
    "mask_text",
    "queue",
    "revoke",
    "select_candidates",
    "write_export",
]
