"""The held-out evaluation sets are well formed and never leak into training (fast, no model).

tests/nlu/unseen_residents.yml and tests/conversations/routing.yml were written by
someone who never read data/nlu; `make eval` scores them. Here we only check their
shape and that no sentence (or a near copy of one) sits in the training data.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "nlu"))

import check_data  # noqa: E402

UNSEEN = ROOT / "tests" / "nlu" / "unseen_residents.yml"
ROUTING = ROOT / "tests" / "conversations" / "routing.yml"
SERVICES = {"complaint_form", "document_form", "requirements", "hours", "location", "status", "officer",
            "suggestion", "menu", "out_of_scope"}
NEEDS_DOCUMENT = {"document_form", "requirements"}


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
    """Sentences that are in training, verbatim or as a near copy (the split's rule)."""
    train_keys = {check_data.normalise(ex.text) for ex in training}
    train_tokens = [check_data.tokens(ex.text) for ex in training]
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
        for ttoks in train_tokens:
            if len(ttoks) >= check_data.NEAR_DUP_MIN_TOKENS and \
                    check_data.jaccard(toks, ttoks) >= check_data.NEAR_DUP_THRESHOLD:
                found.append(f"near copy: {text!r}")
                break
    return found


def test_unseen_residents_is_well_formed():
    data = _load(UNSEEN)
    examples = data["examples"]
    assert len(examples) >= 300
    for item in examples:
        assert isinstance(item.get("text"), str) and item["text"].strip(), item
        assert item["intent"] in check_data.INTENTS, item
        if item.get("document_type") is not None:
            assert item["document_type"] in check_data.DOCUMENT_TYPES, item
    assert {e["intent"] for e in examples} >= check_data.MAIN_INTENTS


def test_routing_set_is_well_formed():
    data = _load(ROUTING)
    firsts, dialogues = data["first_messages"], data["dialogues"]
    assert len(firsts) >= 80 and len(dialogues) >= 20
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
    texts = [e["text"] for e in _load(UNSEEN)["examples"]]
    routing = _load(ROUTING)
    texts += [c["text"] for c in routing["first_messages"]]
    texts += [t for d in routing["dialogues"] for t in d["turns"]]
    found = leaks(texts, training)
    assert not found, "evaluation sentences in data/nlu:\n" + "\n".join(found)
