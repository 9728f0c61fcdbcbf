"""Throughput of one Rasa instance against two, through nginx, on one PostgreSQL + Redis (docs/benchmarks.md).

    KOKOM_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \
    KOKOM_TEST_REDIS_URL=redis://127.0.0.1:6379/1 \
    .venv/bin/python bench/instances.py --model models/<model>.tar.gz [--residents 20 --messages 5]

Each phase starts `make cluster`'s set-up (scripts/cluster.py: action servers, Rasa servers with
deploy/credentials.yml and deploy/endpoints.yml, one shared spool, Debian's nginx with
deploy/nginx-kokom.conf rendered for loopback; no console) with ONE and then TWO instances, each
on two fresh PostgreSQL databases (created and dropped here) and the WhatsApp channel in real mode
against a fake Graph API. After a warm-up (the first turns load TensorFlow's graphs), every
resident's signed deliveries go to nginx at once (each resident's in order, residents in
parallel): the time until all are handled gives the throughput, the inbound rows the latency
(received -> turn finished, replies sent) and anything lost or answered twice. Appends the numbers,
machine, commit and command to docs/benchmarks.md. Loopback only.
"""
from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from sqlalchemy import bindparam, create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from cluster import Cluster  # noqa: E402
from harness.fake_graph import FakeGraph, new_wa_id, post_signed, whatsapp_env  # noqa: E402
from harness.servers import free_port  # noqa: E402
from kokom.whatsapp import payloads  # noqa: E402

TEXTS = ["halo", "jam buka kantor kapan", "syarat bikin kk apa", "alamat kantor dimana", "terima kasih"]


def send_and_wait(cluster: Cluster, database_url: str, residents: int, messages: int,
                  timeout: float = 900) -> dict[str, float]:
    """Post ``messages`` per resident through nginx; wait until every one is handled."""
    people = [new_wa_id() for _ in range(residents)]

    def one(wa_id: str) -> None:
        for i in range(messages):
            delivery = payloads.build_delivery(wa_id, payloads.text_message(TEXTS[i % len(TEXTS)]))
            assert post_signed(cluster.webhook_url, delivery).status_code == 200

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(one, people))
    total = residents * messages
    query = text("SELECT status, received_at, handled_at, attempts FROM wa_inbound_messages "
                 "WHERE wa_id IN :ids").bindparams(bindparam("ids", expanding=True))
    engine = create_engine(database_url, future=True)
    try:
        while True:
            with engine.connect() as conn:
                rows = conn.execute(query, {"ids": people}).all()
            done = [r for r in rows if r.status in ("done", "ignored")]
            if len(done) >= total:
                seconds = time.monotonic() - started
                break
            if time.monotonic() - started > timeout:
                raise SystemExit(f"only {len(done)}/{total} handled after {timeout:.0f} s")
            time.sleep(0.2)
    finally:
        engine.dispose()
    latencies = sorted((r.handled_at - r.received_at).total_seconds() for r in done)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))]

    return {"total": total, "seconds": seconds, "rate": total / seconds, "p50": pct(0.5), "p95": pct(0.95),
            "max": latencies[-1], "lost": total - len(done), "again": sum(1 for r in done if r.attempts > 1)}


def phase(model: str, instances: int, admin_url: str, redis_url: str, graph: FakeGraph, workdir: Path,
          residents: int, messages: int) -> dict[str, float]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    names = [f"kokom_bench_{uuid.uuid4().hex[:8]}", f"kokom_bench_tr_{uuid.uuid4().hex[:8]}"]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls = [make_url(admin_url).set(database=n).render_as_string(hide_password=False) for n in names]
    env = dict(whatsapp_env(graph), DATABASE_URL=urls[0], TRACKER_DATABASE_URL=urls[1], REDIS_URL=redis_url,
               KOKOM_LOCK_PREFIX=f"kokombench{uuid.uuid4().hex[:6]}", KOKOM_MEDIA_DIR=str(workdir / "media"))
    cluster = Cluster(model, workdir, instances=instances, port=free_port(),
                      rasa_ports=[free_port() for _ in range(instances)],
                      action_ports=[free_port() for _ in range(instances)], env=env, console=False)
    try:
        cluster.start()
        # Warm-up: every instance's first turns (TensorFlow builds its graphs), not measured.
        send_and_wait(cluster, urls[0], 2 * instances + 1, 2)
        result = send_and_wait(cluster, urls[0], residents, messages)
        print(f"{instances} instance(s): {result}", flush=True)
        return result
    finally:
        cluster.stop()
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True)
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    admin_url = os.environ.get("KOKOM_TEST_POSTGRES_URL")
    redis_url = os.environ.get("KOKOM_TEST_REDIS_URL")
    if not admin_url or not redis_url:
        raise SystemExit("set KOKOM_TEST_POSTGRES_URL and KOKOM_TEST_REDIS_URL")
    graph = FakeGraph().start()
    results: dict[int, dict[str, float]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="kokom-bench-") as tmp:
            for count in (1, 2):
                results[count] = phase(args.model, count, admin_url, redis_url, graph, Path(tmp) / f"n{count}",
                                       args.residents, args.messages)
    finally:
        graph.stop()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                           text=True).stdout.strip()
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = "bench/instances.py " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    lines = [f"\n### {stamp} — one vs two Rasa instances through nginx, model {Path(args.model).name}",
             f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()}, load average {load:.1f} at the end; PostgreSQL, Redis, nginx, "
             f"every Rasa and action server on it. Commit {commit}{' (with local changes)' if dirty else ''}. "
             f"Command: `{command}`.", "",
             "| instances | messages (residents x each) | seconds | messages/s | received -> handled p50 / p95 / max (s) "
             "| lost | handled again |",
             "|---|---|---|---|---|---|---|"]
    for count, r in results.items():
        lines.append(f"| {count} | {r['total']:.0f} ({args.residents} x {args.messages}) | {r['seconds']:.1f} | "
                     f"{r['rate']:.2f} | {r['p50']:.2f} / {r['p95']:.2f} / {r['max']:.2f} | {r['lost']:.0f} | "
                     f"{r['again']:.0f} |")
    with args.out.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
