"""Throughput of one Rasa instance against two on one PostgreSQL + Redis (docs/benchmarks.md).

    KOKOM_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/test \
    KOKOM_TEST_REDIS_URL=redis://127.0.0.1:6379/1 \
    .venv/bin/python bench/instances.py --model models/<model>.tar.gz [--residents 20 --messages 5]

Starts a fake Graph API and instance A (action server + Rasa with the WhatsApp channel in real
mode), sends every resident's messages at once, and measures the time until all are handled;
then starts instance B and does the same with new residents, deliveries alternating between A
and B (as nginx's round robin). Two fresh PostgreSQL databases are created and dropped.
Appends the numbers to docs/benchmarks.md. Loopback only.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from harness.fake_graph import FakeGraph, new_wa_id, post_signed, whatsapp_env  # noqa: E402
from harness.servers import WHATSAPP_CHANNEL, AssistantServers  # noqa: E402
from kokom.whatsapp import payloads  # noqa: E402

TEXTS = ["halo", "jam buka kantor kapan", "syarat bikin kk apa", "alamat kantor dimana", "terima kasih"]


def run_load(targets: list[AssistantServers], residents: int, messages: int) -> tuple[float, int]:
    """Send ``messages`` per resident (each resident's in order, residents in parallel); seconds to all done."""
    people = [new_wa_id() for _ in range(residents)]

    def one(index: int) -> None:
        wa_id = people[index]
        for i in range(messages):
            target = targets[(index + i) % len(targets)]
            body = TEXTS[i % len(TEXTS)]
            assert post_signed(target.webhook_url, payloads.build_delivery(wa_id, payloads.text_message(body))).ok

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(one, range(residents)))
    total = residents * messages
    engine = create_engine(targets[0].database_url, future=True)
    try:
        while True:
            with engine.connect() as conn:
                done = conn.execute(text(
                    "SELECT COUNT(*) FROM wa_inbound_messages WHERE wa_id IN :ids AND status IN ('done','ignored')"
                ).bindparams(_expanding()), {"ids": people}).scalar_one()
            if done >= total:
                return time.monotonic() - started, total
            if time.monotonic() - started > 900:
                raise SystemExit(f"only {done}/{total} handled after 15 minutes")
            time.sleep(0.2)
    finally:
        engine.dispose()


def _expanding():  # type: ignore[no-untyped-def]
    from sqlalchemy import bindparam

    return bindparam("ids", expanding=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True)
    parser.add_argument("--residents", type=int, default=20)
    parser.add_argument("--messages", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    admin_url = os.environ.get("KOKOM_TEST_POSTGRES_URL")
    redis_url = os.environ.get("KOKOM_TEST_REDIS_URL")
    if not admin_url or not redis_url:
        raise SystemExit("set KOKOM_TEST_POSTGRES_URL and KOKOM_TEST_REDIS_URL")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    names = [f"kokom_bench_{uuid.uuid4().hex[:8]}", f"kokom_bench_tr_{uuid.uuid4().hex[:8]}"]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls = [make_url(admin_url).set(database=n).render_as_string(hide_password=False) for n in names]
    graph = FakeGraph().start()
    shared = {"DATABASE_URL": urls[0], "TRACKER_DATABASE_URL": urls[1], "REDIS_URL": redis_url,
              "KOKOM_LOCK_PREFIX": f"kokombench{uuid.uuid4().hex[:6]}"}
    instances: list[AssistantServers] = []
    results: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="kokom-bench-") as tmp:
            for name in ("a", "b"):
                servers = AssistantServers(args.model, Path(tmp) / name, extra_credentials={WHATSAPP_CHANNEL: None},
                                           extra_env=whatsapp_env(graph))
                (Path(tmp) / name).mkdir()
                servers.env.update(shared)
                servers.database_url = urls[0]
                instances.append(servers)
            instances[0].start()
            seconds, total = run_load(instances[:1], args.residents, args.messages)
            results.append(f"- one instance: {total} messages from {args.residents} residents handled in "
                           f"{seconds:.1f} s ({total / seconds:.2f} messages/s)")
            print(results[-1], flush=True)
            instances[1].start()
            seconds, total = run_load(instances, args.residents, args.messages)
            results.append(f"- two instances (deliveries alternating): {total} messages handled in {seconds:.1f} s "
                           f"({total / seconds:.2f} messages/s)")
            print(results[-1], flush=True)
            for servers in instances:
                servers.stop()
    finally:
        for servers in instances:
            servers.stop()
        graph.stop()
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    cores = os.cpu_count()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    section = (f"\n## {stamp} — one vs two Rasa instances, model {Path(args.model).name}\n"
               f"Machine: {platform.system()} {platform.machine()}, {cores} cores, Python {platform.python_version()}; "
               f"PostgreSQL + Redis on the same machine; both instances and their action servers on it too.\n\n"
               + "\n".join(results) + "\n")
    if not args.out.exists():
        args.out.write_text(HEADER)
    with args.out.open("a") as handle:
        handle.write(section)
    return 0


HEADER = """# Benchmarks: one instance against several

Appended by `bench/instances.py` (see its docstring). Each run creates two PostgreSQL databases
(cases; Rasa's conversations), shares one Redis lock store, and sends every resident's messages
at once to the WhatsApp webhook with the real assistant answering through a fake Graph API.
Throughput is messages handled (assistant turn finished, replies sent) per second.
"""


if __name__ == "__main__":
    sys.exit(main())
