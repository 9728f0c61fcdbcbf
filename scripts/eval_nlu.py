"""NLU report on the held-out split: per-intent P/R/F1, macro-F1, document_type accuracy, confusions.

`make eval` runs it against the current model. The split (tests/nlu/test_split.yml)
is never part of training data (data/ only), so the numbers estimate how the
assistant does on sentences it has not seen.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load_examples(path: Path) -> list[dict]:
    """(text, intent, document_type values) from a Rasa NLU YAML file."""
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    out = []
    for message in data.intent_examples:
        entities = [e["value"] for e in message.get("entities", []) if e["entity"] == "document_type"]
        out.append({"text": message.get("text"), "intent": message.get("intent"), "document_type": entities})
    return out


async def parse_all(model: str, texts: list[str]) -> list[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    return [await agent.parse_message(text) for text in texts]


def report(examples: list[dict], parsed: list[dict]) -> dict:
    from sklearn.metrics import precision_recall_fscore_support

    gold = [e["intent"] for e in examples]
    pred = [p["intent"]["name"] for p in parsed]
    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    per_intent = {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    macro_f1 = sum(v["f1"] for v in per_intent.values()) / len(per_intent)
    doc_total = doc_ok = 0
    doc_errors = []
    for example, result in zip(examples, parsed):
        if not example["document_type"]:
            continue
        doc_total += 1
        found = [e["value"] for e in result.get("entities", []) if e["entity"] == "document_type"]
        if sorted(set(found)) == sorted(set(example["document_type"])):
            doc_ok += 1
        else:
            doc_errors.append((example["text"], example["document_type"], found))
    confusions = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    errors = [(e["text"], e["intent"], p) for e, p in zip(examples, pred) if e["intent"] != p]
    return {
        "per_intent": per_intent,
        "macro_f1": macro_f1,
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold),
        "document_type_accuracy": doc_ok / doc_total if doc_total else None,
        "document_type_total": doc_total,
        "document_type_errors": doc_errors,
        "confusions": confusions.most_common(),
        "errors": errors,
    }


def print_report(result: dict) -> None:
    print(f"{'intent':<22}{'precision':>10}{'recall':>10}{'f1':>8}{'n':>6}")
    for label, m in result["per_intent"].items():
        print(f"{label:<22}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>8.3f}{m['support']:>6}")
    print(f"\nmacro-F1: {result['macro_f1']:.3f}   accuracy: {result['accuracy']:.3f}")
    if result["document_type_accuracy"] is not None:
        print(f"document_type accuracy: {result['document_type_accuracy']:.3f} "
              f"({result['document_type_total']} annotated examples)")
    if result["confusions"]:
        print("\nconfusions (gold -> predicted: count):")
        for (gold, pred), count in result["confusions"]:
            print(f"  {gold} -> {pred}: {count}")
        print("\nmisclassified examples:")
        for text, gold, pred in result["errors"]:
            print(f"  [{gold} -> {pred}] {text}")
    for text, gold, found in result["document_type_errors"]:
        print(f"  document_type {gold} -> {found}: {text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", default=str(ROOT / "tests/nlu/test_split.yml"))
    parser.add_argument("--json", help="also write the report as JSON here")
    args = parser.parse_args()
    examples = load_examples(Path(args.data))
    parsed = asyncio.run(parse_all(args.model, [e["text"] for e in examples]))
    result = report(examples, parsed)
    print_report(result)
    if args.json:
        Path(args.json).write_text(json.dumps({k: v for k, v in result.items() if k != "confusions"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
