"""NLU and routing report: the held-out split, residents' unseen messages, and routing through
the real assistant.

`make eval` runs it against the current model:

* NLU on ``tests/nlu/test_split.yml`` (held out from data/, written in the training
  data's voice) and on ``tests/nlu/unseen_residents.yml`` (written by someone who
  never saw data/): per-intent P/R/F1, macro-F1, document_type accuracy, confusions.
  The intent is the classifier's reading (the top intent other than nlu_fallback);
  how many messages would get a clarifying question is reported beside it, and
  the strict macro-F1 (a clarifying question counted as wrong) too.
* Routing on ``tests/conversations/routing.yml`` and on the split: starts the action
  server and Rasa (harness/servers.py, isolated databases in a temp dir), sends every
  first message (and every dialogue) over the REST channel, and reads from the
  tracker which service the last message led to. A clarifying question that offers
  the right service counts as right. Misrouted messages are listed.
* ``--thresholds``: the fallback threshold grid on the split (how often the assistant
  would ask, how many wrong readings it would still act on), used to choose the
  values in config.yml (see docs/nlu-eval.md).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FALLBACK = "nlu_fallback"

# The service each intent leads to as a FIRST message (routing on the split).
SPLIT_SERVICE = {
    "file_complaint": "complaint_form",
    "request_document": "document_form",
    "ask_requirements": "requirements",
    "check_status": "status",
    "request_human": "officer",
    "ask_office_hours": "hours",
    "ask_office_location": "location",
    "give_feedback": "suggestion",
    "out_of_scope": "out_of_scope",
    "greet": "menu",
    "show_menu": "menu",
    "thank": "menu",
    "goodbye": "menu",
    "bot_challenge": "menu",
}
# Which intent a clarifying button stands for, as a routing.yml service (the services among SPLIT_SERVICE).
BUTTON_SERVICE = {intent: service for intent, service in SPLIT_SERVICE.items()
                  if service not in ("menu", "out_of_scope")}
ACTION_SERVICE = {
    "complaint_form": "complaint_form",
    "document_form": "document_form",
    "action_document_info": "requirements",
    "action_check_status": "status",
    "action_request_human": "officer",
    "action_office_hours": "hours",
    "action_office_location": "location",
    "feedback_form": "suggestion",
    "utter_out_of_scope": "out_of_scope",
    "action_greet": "menu",
    "action_show_menu": "menu",
    "utter_thank": "menu",
    "utter_goodbye": "menu",
    "utter_iamabot": "menu",
    "utter_anything_else": "menu",
    "utter_nothing_to_cancel": "menu",
    "action_media_outside_form": "menu",
}


# --- NLU -----------------------------------------------------------------------------


def load_examples(path: Path) -> list[dict]:
    """(text, intent, document_type values) from Rasa NLU YAML or an ``examples:`` list."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if isinstance(raw, dict) and isinstance(raw.get("examples"), list):
        out = []
        for item in raw["examples"]:
            doc = item.get("document_type")
            docs = [doc] if isinstance(doc, str) else list(doc or [])
            out.append({"text": str(item["text"]), "intent": item["intent"], "document_type": docs})
        return out
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


def reading(parsed: dict) -> str:
    """The classifier's intent: the top one other than nlu_fallback."""
    name = parsed["intent"]["name"]
    if name != FALLBACK:
        return name
    for item in parsed.get("intent_ranking") or []:
        if item["name"] != FALLBACK:
            return item["name"]
    return FALLBACK


def macro_f1(gold: list[str], pred: list[str]) -> tuple[float, dict]:
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(gold))
    precision, recall, f1, support = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    per_intent = {
        label: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for label, p, r, f, s in zip(labels, precision, recall, f1, support)
    }
    return sum(v["f1"] for v in per_intent.values()) / len(per_intent), per_intent


def report(examples: list[dict], parsed: list[dict]) -> dict:
    gold = [e["intent"] for e in examples]
    pred = [reading(p) for p in parsed]
    strict = [p["intent"]["name"] for p in parsed]
    macro, per_intent = macro_f1(gold, pred)
    strict_macro, _ = macro_f1(gold, strict)
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
        "n": len(examples),
        "per_intent": per_intent,
        "macro_f1": macro,
        "strict_macro_f1": strict_macro,
        "accuracy": sum(g == p for g, p in zip(gold, pred)) / len(gold),
        "asked": sum(1 for s in strict if s == FALLBACK),
        "cues": dict(Counter(p.get("cue") for p in parsed if p.get("cue"))),
        "document_type_accuracy": doc_ok / doc_total if doc_total else None,
        "document_type_total": doc_total,
        "document_type_errors": doc_errors,
        "confusions": confusions.most_common(),
        "errors": errors,
    }


def print_report(title: str, result: dict, verbose: bool = True) -> None:
    print(f"\n=== NLU: {title} ({result['n']} messages) ===")
    if verbose:
        print(f"{'intent':<22}{'precision':>10}{'recall':>10}{'f1':>8}{'n':>6}")
        for label, m in result["per_intent"].items():
            print(f"{label:<22}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>8.3f}{m['support']:>6}")
    print(f"macro-F1: {result['macro_f1']:.3f}   accuracy: {result['accuracy']:.3f}   "
          f"(strict macro-F1, a clarifying question counted wrong: {result['strict_macro_f1']:.3f}; "
          f"clarifying questions: {result['asked']}; cues applied: {result['cues']})")
    if result["document_type_accuracy"] is not None:
        print(f"document_type accuracy: {result['document_type_accuracy']:.3f} "
              f"({result['document_type_total']} annotated examples)")
    if verbose and result["confusions"]:
        print("confusions (gold -> predicted: count):")
        for (gold, pred), count in result["confusions"]:
            print(f"  {gold} -> {pred}: {count}")
        print("misclassified examples:")
        for text, gold, pred in result["errors"]:
            print(f"  [{gold} -> {pred}] {text}")
    for text, gold, found in result["document_type_errors"]:
        print(f"  document_type {gold} -> {found}: {text}")


def threshold_grid(examples: list[dict], parsed: list[dict]) -> list[dict]:
    """For each (threshold, ambiguity): share asked, wrong readings acted on, right ones asked about."""
    from kokom.understanding import should_ask

    rows = []
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        for ambiguity in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3):
            asked = wrong_acted = right_asked = 0
            for example, p in zip(examples, parsed):
                ranking = [r for r in p.get("intent_ranking") or [] if r["name"] != FALLBACK]
                if not ranking:
                    continue
                top = ranking[0]
                ask = False if p.get("cue") else should_ask(top, ranking, threshold, ambiguity)
                right = top["name"] == example["intent"]
                asked += ask
                wrong_acted += (not ask and not right)
                right_asked += (ask and right)
            n = len(examples)
            rows.append({"threshold": threshold, "ambiguity": ambiguity, "asked": asked / n,
                         "wrong_acted": wrong_acted / n, "right_asked": right_asked / n})
    return rows


# --- routing through the real assistant --------------------------------------------------


def service_of_turn(tracker: dict) -> tuple[str, list[str], dict]:
    """(service, services offered by a clarifying question, slots) for the last user turn."""
    events = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    offered: list[str] = []
    service = "none"
    for event in events[last_user + 1:]:
        if event.get("event") == "bot":
            for button in (event.get("data") or {}).get("buttons") or []:
                payload = button.get("payload") or ""
                if payload.startswith("/choose_service"):
                    intent = payload.split('"service": "')[-1].split('"')[0]
                    if intent in BUTTON_SERVICE:
                        offered.append(BUTTON_SERVICE[intent])
                elif '"feedback_kind": "pengaduan"' in payload:
                    # "Apakah ini laporan yang perlu ditindaklanjuti petugas?" offers the complaint.
                    offered.append("complaint_form")
        if event.get("event") != "action" or service != "none":
            continue
        name = event.get("name")
        if name in ACTION_SERVICE:
            service = ACTION_SERVICE[name]
        elif name == "action_fallback":
            service = "ask"
    if service == "suggestion" and any(e.get("event") == "action" and e.get("name") == "complaint_form"
                                       for e in events[last_user + 1:]):
        service = "complaint_form"  # "mau lapor ..." typed at "Kirim ini sebagai saran?" became a complaint
    if service == "ask" and not offered:
        service = "menu"  # "not understood" + the menu
    return service, offered, tracker.get("slots") or {}


def judge(expected: str, doc: str | None, tracker: dict) -> tuple[bool, str]:
    service, offered, slots = service_of_turn(tracker)
    latest = tracker.get("latest_message") or {}
    if service == "ask":
        return expected in offered, f"asked {offered}"
    if service == "suggestion" and expected == "complaint_form" and expected in offered:
        return True, "suggestion, offered as a complaint"
    if service != expected:
        return False, service
    if doc and expected == "document_form":
        got = slots.get("request_document_type")
        return got == doc, f"{service}:{got}"
    if doc and expected == "requirements":
        got = slots.get("document_type")
        return got == doc, f"{service}:{got}"
    if doc and expected == "status":
        found = [e.get("value") for e in latest.get("entities") or [] if e.get("entity") == "document_type"]
        return doc in found, f"{service}:{found}"
    return True, service


def run_routing(model: str, groups: list[tuple[str, list[dict]]]) -> dict:
    """Route every group's items through one real assistant; {label: accuracy, misrouted}."""
    from harness.servers import AssistantServers, rest_sender

    workdir = Path(tempfile.mkdtemp(prefix="kokom-eval-"))
    servers = AssistantServers(model, workdir)
    try:
        servers.start()  # inside try: a server that fails to start must not leave the other running
        def one(sender: str, turns: list[str], expected: str, doc: str | None) -> tuple[bool, str]:
            for text in turns:
                servers.say(sender, text)
            return judge(expected, doc, servers.tracker(rest_sender(sender)))

        results: dict[str, Any] = {}
        for g, (label, items) in enumerate(groups):
            ok = 0
            wrong = []
            for i, item in enumerate(items):
                right, got = one(f"eval-{g}-{i}", item["turns"], item["service"], item.get("document_type"))
                ok += right
                if not right:
                    wrong.append({"text": " | ".join(item["turns"]), "expected": item["service"],
                                  "document_type": item.get("document_type"), "got": got})
            results[label] = {"n": len(items), "accuracy": ok / len(items) if items else None, "misrouted": wrong}
        return results
    finally:
        servers.stop()


def print_routing(results: dict) -> None:
    for label, r in results.items():
        if r["accuracy"] is None:
            continue
        print(f"\n=== Routing: {label}: {r['accuracy']:.3f} ({r['n'] - len(r['misrouted'])}/{r['n']}) ===")
        for w in r["misrouted"]:
            doc = f":{w['document_type']}" if w["document_type"] else ""
            print(f"  [{w['expected']}{doc} -> {w['got']}] {w['text']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", default=str(ROOT / "tests/nlu/test_split.yml"))
    parser.add_argument("--unseen", action="append", default=[],
                        help="residents' messages (examples: text, intent, document_type); repeatable")
    parser.add_argument("--routing", action="append", default=[],
                        help="tests/conversations/routing*.yml: route through the real assistant; repeatable")
    parser.add_argument("--thresholds", action="store_true", help="print the fallback threshold grid on --data")
    parser.add_argument("--json", help="also write the report as JSON here")
    args = parser.parse_args()

    out: dict[str, Any] = {}
    split = load_examples(Path(args.data))
    sets = [("split", args.data, split)]
    for path in args.unseen:
        if Path(path).exists():
            sets.append((Path(path).stem, path, load_examples(Path(path))))
    texts = [e["text"] for _, _, examples in sets for e in examples]
    parsed_all = asyncio.run(parse_all(args.model, texts))
    offset = 0
    for key, path, examples in sets:
        parsed = parsed_all[offset:offset + len(examples)]
        offset += len(examples)
        result = report(examples, parsed)
        print_report(Path(path).name, result)
        out[key] = {k: v for k, v in result.items() if k != "confusions"}
        if key == "split" and args.thresholds:
            grid = threshold_grid(examples, parsed)
            print("\nfallback thresholds on the split (share of messages):")
            print(f"{'threshold':>10}{'ambiguity':>10}{'asked':>8}{'wrong acted on':>16}{'right but asked':>17}")
            for row in grid:
                print(f"{row['threshold']:>10.2f}{row['ambiguity']:>10.2f}{row['asked']:>8.3f}"
                      f"{row['wrong_acted']:>16.3f}{row['right_asked']:>17.3f}")
            out["thresholds"] = grid

    routing_files = [Path(p) for p in args.routing if Path(p).exists()]
    if routing_files:
        import yaml

        groups: list[tuple[str, list[dict]]] = []
        for path in routing_files:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            groups.append((f"{path.name} first messages",
                           [{"turns": [c["text"]], "service": c["service"], "document_type": c.get("document_type")}
                            for c in data.get("first_messages") or []]))
            groups.append((f"{path.name} dialogues",
                           [{"turns": list(d["turns"]), "service": d["service"], "document_type": d.get("document_type")}
                            for d in data.get("dialogues") or []]))
        groups.append(("test split first messages",
                       [{"turns": [e["text"]], "service": SPLIT_SERVICE[e["intent"]],
                         "document_type": (e["document_type"][0] if len(e["document_type"]) == 1
                                           and e["intent"] in ("request_document", "ask_requirements") else None)}
                        for e in split if e["intent"] in SPLIT_SERVICE]))
        routing = run_routing(args.model, groups)
        print_routing(routing)
        out["routing"] = routing

    print("\n=== Summary ===")
    for key in [k for k, _, _ in sets]:
        if key in out:
            doc = out[key]["document_type_accuracy"]
            print(f"{key:<20} intent macro-F1 {out[key]['macro_f1']:.3f}  document_type accuracy "
                  f"{doc if doc is None else round(doc, 3)}")
    for label, r in (out.get("routing") or {}).items():
        if r["accuracy"] is not None:
            print(f"routing  {label}: {r['accuracy']:.3f} ({r['n'] - len(r['misrouted'])}/{r['n']})")
    if args.json:
        # The split's numbers stay at the top level (tests/test_rasa.py reads macro_f1 there).
        Path(args.json).write_text(json.dumps({**out.get("split", {}), **out}, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
