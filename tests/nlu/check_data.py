#!/usr/bin/env python
"""Consistency checks for the NLU training data and the held-out test split.

Run from the repository root:

    python tests/nlu/check_data.py

Exits non-zero (and lists every problem) when something is wrong. The same
checks run under pytest through ``test_nlu_data_is_consistent``.

What is checked:
  * every training file exists, parses as YAML and has ``version: "3.1"``;
  * the intent set is exactly the public contract, each intent lives in its
    own file and has at least the minimum number of examples;
  * no duplicate examples (after normalising case, punctuation, whitespace);
  * entity annotations are well formed, sit on whole words, use only known
    entity names, and every document_type / complaint_category value is
    canonical; ticket_id annotations match the ticket format;
  * synonyms.yml has one block per canonical document type, no spelling is
    mapped to two values, and every annotated document_type surface form is
    listed there; each document type is annotated often enough, in several
    spellings;
  * regex.yml carries the ticket_id pattern and it behaves as expected;
  * no phone numbers and no entities inside out_of_scope;
  * the test split parses, covers every intent with enough examples, and
    shares no example with training, neither verbatim nor trivially altered.
"""
from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "data" / "nlu"
TEST_FILE = ROOT / "tests" / "nlu" / "test_split.yml"

# intent -> training file that must hold it
INTENT_FILES: Dict[str, str] = {
    "greet": "greet_goodbye.yml",
    "goodbye": "greet_goodbye.yml",
    "thank": "greet_goodbye.yml",
    "affirm": "dialogue.yml",
    "deny": "dialogue.yml",
    "cancel": "dialogue.yml",
    "show_menu": "dialogue.yml",
    "inform": "dialogue.yml",
    "ask_requirements": "documents.yml",
    "request_document": "documents.yml",
    "file_complaint": "complaints.yml",
    "check_status": "status.yml",
    "request_human": "human.yml",
    "bot_challenge": "human.yml",
    "ask_office_hours": "office.yml",
    "ask_office_location": "office.yml",
    "give_feedback": "feedback.yml",
    "out_of_scope": "out_of_scope.yml",
}
INTENTS = set(INTENT_FILES)
TRAINING_FILES = sorted(set(INTENT_FILES.values()) | {"synonyms.yml", "regex.yml"})
# Written by `make retrain` from the console's review queue (kokom/review.py): optional, any
# intent, checked like the rest (duplicates, leaks into the test split, spellings).
REVIEWED_FILE = "reviewed.yml"

MAIN_INTENTS = {
    "ask_requirements", "request_document", "file_complaint", "check_status",
    "request_human", "ask_office_hours", "ask_office_location",
    "give_feedback", "out_of_scope", "greet", "cancel",
}
MIN_TRAIN = {i: (60 if i in MAIN_INTENTS else 40) for i in INTENTS}
MIN_TEST = {i: (15 if i in MAIN_INTENTS else 10) for i in INTENTS}

DOCUMENT_TYPES = {
    "ktp", "kk", "akta_kelahiran", "akta_kematian", "surat_pindah", "sktm",
    "surat_domisili", "pengantar_skck", "surat_keterangan_usaha",
    "pengantar_nikah", "surat_kehilangan", "ahli_waris", "izin_keramaian",
}
COMPLAINT_CATEGORIES = {
    "infrastruktur", "kebersihan", "keamanan", "sosial", "lingkungan",
    "pelayanan", "lainnya",
}
ENTITY_NAMES = {"document_type", "ticket_id", "complaint_category"}
MIN_DOC_MENTIONS = 5          # annotated training mentions per document type
MIN_DOC_SURFACE_FORMS = 3     # distinct spellings per document type
MIN_TICKET_ANNOTATIONS = 10   # ticket_id annotations in training

TICKET_PATTERN = r"(?i)\b(ADU|DOK|KON)-\d{8}-\d{4}\b"
TICKET_FULL = re.compile(r"(?i)^(ADU|DOK|KON)-\d{8}-\d{4}$")

# Near-duplicate guard between test and training (token Jaccard).
NEAR_DUP_MIN_TOKENS = 4
NEAR_DUP_THRESHOLD = 0.8

ANNOTATION = re.compile(
    r"\[(?P<text>[^\[\]]+)\]"
    r"(?:\((?P<short>[^()]*)\)|(?P<json>\{[^{}]*\}))"
)
PHONE = re.compile(r"(?:\+62|\b62|\b0)8\d[\d\s.-]{6,}\d")
LONG_DIGITS = re.compile(r"\d{9,}")


class Example:
    __slots__ = ("intent", "raw", "text", "entities", "source")

    def __init__(self, intent: str, raw: str, text: str,
                 entities: List[dict], source: str) -> None:
        self.intent = intent
        self.raw = raw
        self.text = text
        self.entities = entities
        self.source = source


def normalise(text: str) -> str:
    """Lowercase, drop punctuation (keeping in-word hyphens), squeeze spaces."""
    text = text.lower()
    text = re.sub(r"[^\w\s-]", " ", text)
    text = re.sub(r"(?<!\w)-|-(?!\w)", " ", text)
    return " ".join(text.split())


def tokens(text: str) -> set:
    return set(normalise(text).split())


def parse_example(raw: str) -> Tuple[str, List[dict], List[str]]:
    """Strip Rasa 3 entity markup; return plain text, entities and problems."""
    problems: List[str] = []
    entities: List[dict] = []
    plain = []
    pos = 0
    for m in ANNOTATION.finditer(raw):
        plain.append(raw[pos:m.start()])
        start = sum(len(p) for p in plain)
        surface = m.group("text")
        if m.group("short") is not None:
            name = m.group("short").strip()
            value = surface
            explicit = False
        else:
            try:
                spec = json.loads(m.group("json"))
            except json.JSONDecodeError as exc:
                problems.append(f"bad entity JSON {m.group('json')!r}: {exc}")
                spec = {}
            if not isinstance(spec, dict):
                problems.append(f"entity JSON is not an object: {m.group('json')!r}")
                spec = {}
            name = str(spec.get("entity", ""))
            value = spec.get("value", surface)
            explicit = "value" in spec
            extra = set(spec) - {"entity", "value", "role", "group"}
            if extra:
                problems.append(f"unexpected keys {sorted(extra)} in {m.group(0)!r}")
        plain.append(surface)
        entities.append({
            "entity": name, "value": value, "text": surface,
            "start": start, "end": start + len(surface), "explicit": explicit,
        })
        pos = m.end()
    plain.append(raw[pos:])
    text = "".join(plain)
    if re.search(r"[\[\]]|\]\(|\]\{", text):
        problems.append("unparsed entity markup left in text")
    for ent in entities:
        before = text[ent["start"] - 1] if ent["start"] > 0 else " "
        after = text[ent["end"]] if ent["end"] < len(text) else " "
        if before.isalnum() or after.isalnum():
            problems.append(f"entity {ent['text']!r} does not sit on word boundaries")
        if ent["text"] != ent["text"].strip():
            problems.append(f"entity {ent['text']!r} has surrounding spaces")
    return text, entities, problems


def load_yaml(path: Path, problems: List[str]) -> Optional[dict]:
    if not path.is_file():
        problems.append(f"{path.relative_to(ROOT)}: missing")
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problems.append(f"{path.relative_to(ROOT)}: YAML does not parse: {exc}")
        return None
    rel = path.relative_to(ROOT)
    if not isinstance(data, dict):
        problems.append(f"{rel}: top level is not a mapping")
        return None
    if str(data.get("version")) != "3.1":
        problems.append(f'{rel}: version must be "3.1"')
    if not isinstance(data.get("nlu"), list):
        problems.append(f"{rel}: missing `nlu:` list")
        return None
    return data


def block_lines(block, where: str, problems: List[str]) -> List[str]:
    if not isinstance(block, str):
        problems.append(f"{where}: `examples` must be a block string")
        return []
    out = []
    for line in block.splitlines():
        if not line.strip():
            continue
        stripped = line.strip()
        if not stripped.startswith("- "):
            problems.append(f"{where}: line does not start with '- ': {line!r}")
            continue
        item = stripped[2:].strip()
        if not item:
            problems.append(f"{where}: empty example")
            continue
        out.append(item)
    return out


def collect_examples(path: Path, data: dict, problems: List[str],
                     allow_other: bool = False) -> List[Example]:
    rel = str(path.relative_to(ROOT))
    examples: List[Example] = []
    for item in data["nlu"]:
        if not isinstance(item, dict):
            problems.append(f"{rel}: nlu item is not a mapping: {item!r}")
            continue
        if "intent" not in item:
            if not allow_other:
                problems.append(f"{rel}: unexpected block {sorted(item)}")
            continue
        intent = item["intent"]
        for raw in block_lines(item.get("examples"), f"{rel}:{intent}", problems):
            text, entities, errs = parse_example(raw)
            problems.extend(f"{rel}:{intent}: {e}: {raw!r}" for e in errs)
            examples.append(Example(intent, raw, text, entities, rel))
    return examples


def load_synonyms(problems: List[str]) -> Dict[str, str]:
    """Return spelling (lowercase) -> canonical value."""
    path = NLU_DIR / "synonyms.yml"
    data = load_yaml(path, problems)
    mapping: Dict[str, str] = {}
    if data is None:
        return mapping
    seen_values = set()
    for item in data["nlu"]:
        if not isinstance(item, dict) or "synonym" not in item:
            problems.append(f"synonyms.yml: unexpected block {item!r}")
            continue
        value = item["synonym"]
        if value not in DOCUMENT_TYPES:
            problems.append(f"synonyms.yml: {value!r} is not a canonical document_type")
        if value in seen_values:
            problems.append(f"synonyms.yml: duplicate synonym block for {value!r}")
        seen_values.add(value)
        spellings = block_lines(item.get("examples"), f"synonyms.yml:{value}", problems)
        if len(spellings) < 3:
            problems.append(f"synonyms.yml: {value!r} lists fewer than 3 spellings")
        for s in spellings:
            if s != s.lower():
                problems.append(f"synonyms.yml: spelling {s!r} must be lowercase")
            key = s.lower()
            if key in mapping and mapping[key] != value:
                problems.append(
                    f"synonyms.yml: {s!r} maps to both {mapping[key]!r} and {value!r}")
            elif key in mapping:
                problems.append(f"synonyms.yml: {s!r} listed twice under {value!r}")
            mapping[key] = value
    for missing in sorted(DOCUMENT_TYPES - seen_values):
        problems.append(f"synonyms.yml: no synonym block for {missing!r}")
    return mapping


def check_regex(problems: List[str]) -> None:
    data = load_yaml(NLU_DIR / "regex.yml", problems)
    if data is None:
        return
    patterns = []
    for item in data["nlu"]:
        if isinstance(item, dict) and item.get("regex") == "ticket_id":
            patterns.extend(block_lines(item.get("examples"), "regex.yml:ticket_id", problems))
        else:
            problems.append(f"regex.yml: unexpected block {item!r}")
    if TICKET_PATTERN not in patterns:
        problems.append(f"regex.yml: ticket_id must contain {TICKET_PATTERN}")
    for p in patterns:
        try:
            rx = re.compile(p)
        except re.error as exc:
            problems.append(f"regex.yml: pattern {p!r} does not compile: {exc}")
            continue
        for good in ("ADU-20261127-0003", "cek dok-20261102-0014 ya", "KON-20260101-9999"):
            if not rx.search(good):
                problems.append(f"regex.yml: {p!r} does not match {good!r}")
        for bad in ("ADU-2026112-0003", "XYZ-20261127-0003", "ADU-20261127-00031"):
            if rx.search(bad):
                problems.append(f"regex.yml: {p!r} wrongly matches {bad!r}")


def check_examples(examples: Iterable[Example], synonyms: Dict[str, str],
                   problems: List[str], label: str) -> None:
    for ex in examples:
        where = f"{label} {ex.source}:{ex.intent}: {ex.raw!r}"
        if ex.intent not in INTENTS:
            problems.append(f"{where}: unknown intent")
        if PHONE.search(ex.text) or LONG_DIGITS.search(re.sub(TICKET_PATTERN, "", ex.text)):
            problems.append(f"{where}: looks like it contains a phone number")
        if ex.intent == "out_of_scope" and ex.entities:
            problems.append(f"{where}: out_of_scope must not carry entities")
        for ent in ex.entities:
            name, value, surface = ent["entity"], ent["value"], ent["text"]
            if name not in ENTITY_NAMES:
                problems.append(f"{where}: unknown entity {name!r}")
            elif name == "document_type":
                if value not in DOCUMENT_TYPES:
                    problems.append(f"{where}: document_type value {value!r} is not canonical")
                elif surface.lower() != value and synonyms.get(surface.lower()) != value:
                    problems.append(
                        f"{where}: spelling {surface!r} is not listed under "
                        f"{value!r} in synonyms.yml")
                if not ent["explicit"] and surface != value:
                    problems.append(f"{where}: {surface!r} needs an explicit canonical value")
            elif name == "complaint_category":
                if value not in COMPLAINT_CATEGORIES:
                    problems.append(f"{where}: complaint_category {value!r} is not allowed")
                if ex.intent != "inform":
                    problems.append(f"{where}: complaint_category only belongs in inform")
            elif name == "ticket_id":
                if not TICKET_FULL.match(surface):
                    problems.append(f"{where}: ticket_id {surface!r} has the wrong format")
                if ent["explicit"]:
                    problems.append(f"{where}: ticket_id should not carry a synonym value")
        # every ticket-looking string must be annotated
        annotated = {e["text"] for e in ex.entities if e["entity"] == "ticket_id"}
        for m in re.finditer(TICKET_PATTERN, ex.text):
            if m.group(0) not in annotated:
                problems.append(f"{where}: ticket id {m.group(0)!r} is not annotated")


def check_duplicates(examples: List[Example], problems: List[str], label: str) -> None:
    seen: Dict[str, Example] = {}
    for ex in examples:
        key = normalise(ex.text)
        if key in seen:
            other = seen[key]
            problems.append(
                f"{label}: duplicate example {ex.text!r} "
                f"({other.intent} in {other.source} / {ex.intent} in {ex.source})")
        else:
            seen[key] = ex


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def check_split(train: List[Example], test: List[Example], problems: List[str]) -> None:
    train_keys = {normalise(ex.text): ex for ex in train}
    train_tokens = [(tokens(ex.text), ex) for ex in train]
    for ex in test:
        key = normalise(ex.text)
        if key in train_keys:
            problems.append(f"test example also in training: {ex.text!r} "
                            f"(train intent {train_keys[key].intent})")
            continue
        toks = tokens(ex.text)
        if len(toks) < NEAR_DUP_MIN_TOKENS:
            continue
        for ttoks, tex in train_tokens:
            if len(ttoks) >= NEAR_DUP_MIN_TOKENS and jaccard(toks, ttoks) >= NEAR_DUP_THRESHOLD:
                problems.append(f"test example {ex.text!r} is a near copy of training "
                                f"example {tex.text!r}")
                break


def run_checks() -> Tuple[List[str], Dict[str, Counter]]:
    problems: List[str] = []

    for name in TRAINING_FILES:
        if not (NLU_DIR / name).is_file():
            problems.append(f"data/nlu/{name}: missing")

    synonyms = load_synonyms(problems)
    check_regex(problems)

    train: List[Example] = []
    for name in sorted(set(INTENT_FILES.values())):
        path = NLU_DIR / name
        data = load_yaml(path, problems)
        if data is None:
            continue
        for ex in collect_examples(path, data, problems):
            if ex.intent in INTENT_FILES and INTENT_FILES[ex.intent] != name:
                problems.append(f"data/nlu/{name}: intent {ex.intent!r} belongs in "
                                f"{INTENT_FILES[ex.intent]}")
            train.append(ex)
    reviewed = NLU_DIR / REVIEWED_FILE
    if reviewed.is_file():
        data = load_yaml(reviewed, problems)
        if data is not None:
            train.extend(collect_examples(reviewed, data, problems))
    # any other yml dropped into data/nlu must not define intents behind our back
    for path in sorted(NLU_DIR.glob("*.yml")):
        if path.name not in TRAINING_FILES and path.name != REVIEWED_FILE:
            problems.append(f"{path.relative_to(ROOT)}: unexpected training file")

    test: List[Example] = []
    data = load_yaml(TEST_FILE, problems)
    if data is not None:
        test = collect_examples(TEST_FILE, data, problems)

    train_counts = Counter(ex.intent for ex in train)
    test_counts = Counter(ex.intent for ex in test)

    for intent in sorted(INTENTS):
        if train_counts[intent] < MIN_TRAIN[intent]:
            problems.append(f"training: {intent} has {train_counts[intent]} examples, "
                            f"needs >= {MIN_TRAIN[intent]}")
        if test_counts[intent] < MIN_TEST[intent]:
            problems.append(f"test split: {intent} has {test_counts[intent]} examples, "
                            f"needs >= {MIN_TEST[intent]}")
    for intent in sorted(set(train_counts) - INTENTS):
        problems.append(f"training: unknown intent {intent!r}")
    for intent in sorted(set(test_counts) - INTENTS):
        problems.append(f"test split: unknown intent {intent!r}")

    check_examples(train, synonyms, problems, "training")
    check_examples(test, synonyms, problems, "test split")
    check_duplicates(train, problems, "training")
    check_duplicates(test, problems, "test split")
    check_split(train, test, problems)

    # document_type coverage in training
    mentions: Dict[str, int] = Counter()
    surfaces: Dict[str, set] = defaultdict(set)
    tickets = []
    for ex in train:
        for ent in ex.entities:
            if ent["entity"] == "document_type":
                mentions[ent["value"]] += 1
                surfaces[ent["value"]].add(ent["text"].lower())
            elif ent["entity"] == "ticket_id":
                tickets.append(ent["text"])
    for value in sorted(DOCUMENT_TYPES):
        if mentions[value] < MIN_DOC_MENTIONS:
            problems.append(f"training: document_type {value!r} annotated "
                            f"{mentions[value]} times, needs >= {MIN_DOC_MENTIONS}")
        if len(surfaces[value]) < MIN_DOC_SURFACE_FORMS:
            problems.append(f"training: document_type {value!r} uses only "
                            f"{sorted(surfaces[value])}, needs >= "
                            f"{MIN_DOC_SURFACE_FORMS} spellings")
    if len(tickets) < MIN_TICKET_ANNOTATIONS:
        problems.append(f"training: only {len(tickets)} ticket_id annotations")
    if not any(t != t.upper() for t in tickets):
        problems.append("training: no lowercase ticket_id example")
    if len(set(tickets)) != len(tickets):
        problems.append("training: ticket ids are repeated; vary dates and numbers")

    return problems, {"train": train_counts, "test": test_counts}


def test_nlu_data_is_consistent() -> None:
    problems, _ = run_checks()
    assert not problems, "NLU data problems:\n" + "\n".join(problems)


def main() -> int:
    problems, counts = run_checks()
    print(f"{'intent':22} {'train':>6} {'test':>6}")
    for intent in sorted(INTENTS):
        print(f"{intent:22} {counts['train'][intent]:6d} {counts['test'][intent]:6d}")
    print(f"{'TOTAL':22} {sum(counts['train'].values()):6d} "
          f"{sum(counts['test'].values()):6d}")
    if problems:
        print(f"\n{len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print("\nNLU data OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
