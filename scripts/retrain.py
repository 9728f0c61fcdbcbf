"""The maintainers' loop from the command line (`make retrain`, `make deploy-model`, `make rollback-model`;
the console's buttons run the same commands in the background).

``retrain``: export the review queue's assigned examples to ``data/nlu/reviewed.yml``, check the
data (``tests/nlu/check_data.py`` and ``rasa data validate``), train ``models/kokom-<hash>``
(the Makefile's name for the data; skipped when it exists), evaluate the new model and the
running one on ``tests/nlu/test_split.yml`` with scripts/eval_nlu.py's functions, and keep
the comparison in ``var/model-reports/<model>.json`` (printed too). Exit status 0 when the
model passes the regression guard, 3 when it does not (it is not deployed either way).

``deploy [--model M] [--force]``: load the model (default: the newest report's) into the
running Rasa server; refused when its report failed the guard unless ``--force`` (audited).
``rollback``: load the model that ran before.

Every step prints a line starting with ``==>`` (the console shows them as progress).
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from kokom import model_ops, rasa_api  # noqa: E402

BIN = Path(sys.executable).parent
TEST_SET = ROOT / "tests" / "nlu" / "test_split.yml"
MODELS = ROOT / "models"


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def data_hash(root: Path = ROOT) -> str:
    """The Makefile's MODEL_HASH: config, domain and every data/*.yml in C-locale order."""
    files = [root / "config.yml", root / "domain.yml"]
    files += sorted((p for p in (root / "data").rglob("*.yml") if p.is_file()),
                    key=lambda p: str(p.relative_to(root)).encode())
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def audit_fn(actor: str):  # type: ignore[no-untyped-def]
    from kokom.db import run_in_transaction
    from kokom.review import audit_entry

    def record(action: str, detail: str) -> None:
        run_in_transaction(lambda s: audit_entry(s, actor, action, "model", detail, None))

    return record


def export() -> int:
    from kokom import review
    from kokom.db import run_in_transaction

    path, n = run_in_transaction(lambda s: review.write_export(s))
    step(f"{n} contoh hasil ulasan diekspor ke {path.relative_to(ROOT)}")
    return n


def run(cmd: list[str], what: str) -> None:
    step(what)
    result = subprocess.run(cmd, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"GAGAL: {what} (kode {result.returncode})")


def evaluate(model: Path) -> dict:
    from eval_nlu import load_examples, parse_all, report

    examples = load_examples(TEST_SET)
    parsed = asyncio.run(parse_all(str(model), [e["text"] for e in examples]))
    return report(examples, parsed)


def baseline_model(explicit: str | None) -> Path | None:
    search = [model_ops.DEPLOY_DIR, MODELS]
    if explicit:
        return model_ops.find_model(explicit, search)
    name = model_ops.running_model() or model_ops.read_state().current
    return model_ops.find_model(name, search) if name else None


def retrain(args: argparse.Namespace) -> int:
    export()
    run([sys.executable, str(ROOT / "tests" / "nlu" / "check_data.py")], "Memeriksa data NLU (duplikat, kebocoran)")
    run([str(BIN / "rasa"), "data", "validate"], "rasa data validate")
    name = f"kokom-{data_hash()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists():
        step(f"Model {model.name} untuk data ini sudah ada: tidak dilatih ulang")
    else:
        run([str(BIN / "rasa"), "train", "--fixed-model-name", name, "--out", str(MODELS),
             "--num-threads", str(args.threads)], f"Melatih {model.name} (beberapa menit)")
    old = baseline_model(args.baseline)
    step(f"Mengevaluasi model baru pada {TEST_SET.relative_to(ROOT)}")
    new_result = evaluate(model)
    if old is None:
        step("Model yang berjalan tidak ditemukan: dibandingkan dengan dirinya sendiri")
        old_result, old_name = new_result, None
    else:
        step(f"Mengevaluasi model yang berjalan ({old.name})")
        old_result, old_name = evaluate(old), old.name
    report = model_ops.compare(new_result, old_result, new_model=model.name, old_model=old_name,
                               test_set=str(TEST_SET.relative_to(ROOT)))
    path = model_ops.save_report(report)
    print(model_ops.render_text(report), flush=True)
    step(f"Laporan disimpan: {path}")
    if report["guard"]["ok"]:
        step(f"Lolos. Pasang dengan: make deploy-model MODEL_FILE={model.relative_to(ROOT)}")
        return 0
    step("Tidak lolos pemeriksaan regresi: model TIDAK dipasang")
    return 3


def deploy(args: argparse.Namespace) -> int:
    if args.model:
        model = model_ops.find_model(args.model, [MODELS, model_ops.DEPLOY_DIR])
    else:
        reports = model_ops.list_reports()
        model = model_ops.find_model(reports[0]["model"], [MODELS, model_ops.DEPLOY_DIR]) if reports else None
    if model is None:
        raise SystemExit("GAGAL: model tidak ditemukan (beri --model models/kokom-....tar.gz)")
    step(f"Memasang {model.name} ke Rasa yang berjalan (model lama tetap menjawab selama model baru dimuat)")
    try:
        done = model_ops.deploy(model, args.actor, force=args.force, audit=audit_fn(args.actor))
    except (model_ops.ModelOpsError, rasa_api.RasaApiError) as exc:
        raise SystemExit(f"GAGAL: {exc}") from None
    step(f"Terpasang {done['model']} dalam {done['seconds']:.1f} detik (sebelumnya: {done['previous'] or '-'})")
    return 0


def rollback(args: argparse.Namespace) -> int:
    step("Mengembalikan model sebelumnya")
    try:
        done = model_ops.rollback(args.actor, audit=audit_fn(args.actor))
    except (model_ops.ModelOpsError, rasa_api.RasaApiError) as exc:
        raise SystemExit(f"GAGAL: {exc}") from None
    step(f"Terpasang kembali {done['model']} dalam {done['seconds']:.1f} detik")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actor", default=os.environ.get("USER") or "cli", help="who (for the audit log)")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("retrain")
    r.add_argument("--baseline", help="model to compare with (default: the one Rasa runs)")
    r.add_argument("--threads", type=int, default=1)
    d = sub.add_parser("deploy")
    d.add_argument("--model")
    d.add_argument("--force", action="store_true", help="deploy even when the report refused it (audited)")
    sub.add_parser("rollback")
    sub.add_parser("export")
    args = parser.parse_args(argv)
    from kokom.privacy import secure_process

    secure_process()
    if args.command == "export":
        export()
        return 0
    return {"retrain": retrain, "deploy": deploy, "rollback": rollback}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
