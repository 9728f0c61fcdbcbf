"""The held-out evaluation sets are well formed and never leak into training (fast, no model).

tests/nlu/unseen_residents.yml and tests/conversations/routing.yml were written by
someone who never read data/nlu; `make eval` scores them. Here we only check their
shape and that no sentence (or a near copy of one) sits in the training data.
"""
from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "nlu"))

import check_data  # noqa: E402

UNSEEN = ROOT / "tests" / "nlu" / "unseen_residents.yml"
ROUTING = ROOT / "tests" / "conversations" / "routing.yml"
# Later blind sets from other writers (unseen_residents_2.yml, routing_2.yml, ...) follow the same rules.
UNSEEN_SETS = sorted((ROOT / "tests" / "nlu").glob("unseen_residents*.yml"))
ROUTING_SETS = sorted((ROOT / "tests" / "conversations").glob("routing*.yml"))
SERVICES = {"complaint_form", "document_form", "requirements", "hours", "location", "status", "officer",
            "suggestion", "menu", "out_of_scope"}
# A requirements question may name no document ("syarat umum bikin surat apa ya": the catalog
# is listed), and so may an application ("mau ngajuin surat": the form asks which).
NEEDS_DOCUMENT: set[str] = set()


@pytest.fixture(scope="module")
def training() -> list:
    problems: list[str] = []
    examples = []
    for name in sorted(set(check_data.INTENT_FILES.values())):
        path = check_data.NLU_DIR / name
        data = check_data.load_yaml(path, problems)
        if data is not None:
            examples += check_data.collect_examples(path, data, problems)
    assert not problems, problems
    return examples


def _load(path: Path) -> dict:
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} not written yet")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def leaks(texts: list[str], training: list) -> list[str]:
    """Sentences that are in training, verbatim or as a near copy (the split's rule).

    A near copy shares at least ceil(threshold * n) of a sentence's n words, so it holds one of any
    n - ceil(threshold * n) + 1 of them: only training sentences with one of its rarest words are
    compared (the same answer as comparing all, in a second instead of a minute and a half)."""
    threshold = check_data.NEAR_DUP_THRESHOLD
    train_keys = {check_data.normalise(ex.text) for ex in training}
    train_tokens = [check_data.tokens(ex.text) for ex in training]
    frequency = Counter(t for toks in train_tokens for t in toks)
    index: dict[str, list[int]] = defaultdict(list)
    for i, toks in enumerate(train_tokens):
        if len(toks) >= check_data.NEAR_DUP_MIN_TOKENS:
            for t in toks:
                index[t].append(i)
    found = []
    for text in texts:
        if len(check_data.tokens(text)) < 3:
            continue  # "halo", "ya", "batal": every set and every training file has them
        if check_data.normalise(text) in train_keys:
            found.append(f"verbatim: {text!r}")
            continue
        toks = check_data.tokens(text)
        if len(toks) < check_data.NEAR_DUP_MIN_TOKENS:
            continue
        rarest = sorted(toks, key=lambda t: (frequency[t], t))[:len(toks) - math.ceil(threshold * len(toks)) + 1]
        candidates = {i for t in rarest for i in index.get(t, ())}
        if any(check_data.jaccard(toks, train_tokens[i]) >= threshold for i in candidates):
            found.append(f"near copy: {text!r}")
    return found


@pytest.mark.parametrize("path", UNSEEN_SETS, ids=lambda p: p.name)
def test_unseen_residents_is_well_formed(path):
    data = _load(path)
    examples = data["examples"]
    assert len(examples) >= 190  # about 200 per writer, less the lines that coincided with training
    for item in examples:
        assert isinstance(item.get("text"), str) and item["text"].strip(), item
        assert item["intent"] in check_data.INTENTS, item
        if item.get("document_type") is not None:
            assert item["document_type"] in check_data.DOCUMENT_TYPES, item
    assert {e["intent"] for e in examples} >= check_data.MAIN_INTENTS


@pytest.mark.parametrize("path", ROUTING_SETS, ids=lambda p: p.name)
def test_routing_set_is_well_formed(path):
    data = _load(path)
    firsts, dialogues = data["first_messages"], data["dialogues"]
    assert len(firsts) >= 70 and len(dialogues) >= 10
    for item in firsts + dialogues:
        assert item["service"] in SERVICES, item
        if item["service"] in NEEDS_DOCUMENT:
            assert item.get("document_type") in check_data.DOCUMENT_TYPES, item
        elif item.get("document_type") is not None:
            assert item["document_type"] in check_data.DOCUMENT_TYPES, item
    for item in firsts:
        assert isinstance(item["text"], str) and item["text"].strip(), item
    for item in dialogues:
        assert item["turns"] and all(isinstance(t, str) and t.strip() for t in item["turns"]), item


def test_evaluation_sets_are_not_in_training(training):
    texts = [e["text"] for path in UNSEEN_SETS for e in _load(path)["examples"]]
    for path in ROUTING_SETS:
        routing = _load(path)
        texts += [c["text"] for c in routing["first_messages"]]
        texts += [t for d in routing["dialogues"] for t in d["turns"]]
    found = leaks(texts, training)
    assert not found, "evaluation sentences in data/nlu:\n" + "\n".join(found)


FORMS_SETS = sorted((ROOT / "tests" / "conversations").glob("forms*.yml"))
FORM_SLOTS = {"complaint_category", "complaint_description", "complaint_location", "complaint_photo", "reporter_name",
              "complaint_confirm", "request_document_type", "applicant_name", "nik", "applicant_address", "purpose",
              "document_confirm"}


@pytest.mark.parametrize("path", FORMS_SETS, ids=lambda p: p.name)
def test_forms_set_is_well_formed(path):
    """scripts/eval_forms.py types each answer when its slot is asked: the keys must be the forms' slots."""
    dialogues = _load(path)["dialogues"]
    assert len(dialogues) >= 18
    assert len({d["name"] for d in dialogues}) == len(dialogues)
    for d in dialogues:
        assert isinstance(d["opening"], str) and d["opening"].strip(), d["name"]
        assert set(d.get("answers") or {}) <= FORM_SLOTS, d["name"]
        for correction in d.get("corrections") or []:
            assert correction["at"] in FORM_SLOTS | {"confirm"} and correction["text"].strip(), d["name"]
        assert d["expect"]["kind"] in ("complaint", "document"), d["name"]
        if d["expect"]["kind"] == "document":
            assert d["expect"]["document_type"] in check_data.DOCUMENT_TYPES, d["name"]
