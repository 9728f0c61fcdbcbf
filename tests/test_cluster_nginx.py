"""The production shape, started by `make cluster`'s own code (scripts/cluster.py): two Rasa servers,
two action servers and the console behind Debian's nginx (deploy/nginx-kokom.conf rendered for
loopback), on PostgreSQL + Redis, with deploy/credentials.yml, deploy/endpoints.yml and
deploy/gunicorn.conf.py. Signed webhook deliveries go through nginx only; one Rasa instance is
killed (SIGKILL) with turns in flight.

Skipped only where nginx is not installed: `make test` and `.ci/run` install Debian's package.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from cluster import Cluster, nginx_binary, render_site  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None,
                                reason="nginx is not installed (make test and .ci/run install Debian's nginx-light)")

TEXTS = ["halo", "jam buka kantor kapan", "syarat bikin kk apa", "alamat kantor dimana", "menu", "terima kasih"]


def test_the_rendered_site_is_the_production_file_for_loopback():
    template = (ROOT / "deploy" / "nginx-kokom.conf").read_text()
    site = render_site(template, [7005, 7006], 7002, "127.0.0.1:7080")
    assert "listen 127.0.0.1:7080;" in site and "listen 80" not in site and "ssl_certificate" not in site
    assert "server 127.0.0.1:7005 max_fails=1 fail_timeout=10s;" in site
    assert "server 127.0.0.1:7006 max_fails=1 fail_timeout=10s;" in site
    assert "proxy_pass http://127.0.0.1:7002;" in site and "5002" not in site.split("upstream")[1]
    # Everything else (the webhook's failover, the 404s, the console's headers) is the production file's.
    for kept in ("proxy_next_upstream error timeout http_502 http_503 non_idempotent;",
                 "location /webhooks/ {\n        return 404;", "location = /metrics {\n        return 404;"):
        assert kept in site


def bot_messages(events: list[dict]) -> list[tuple[str, str]]:
    """What the tracker says the assistant answered, as the WhatsApp messages it becomes."""
    from kokom.whatsapp import formatting

    planned = []
    for event in events:
        if event.get("event") != "bot":
            continue
        data = event.get("data") or {}
        message = {"text": event.get("text"), **{k: v for k, v in data.items() if v}}
        planned += [(o.msg_type, o.body) for o in formatting.plan_bot_message(message).messages]
    return planned


def test_two_instances_behind_nginx_one_killed_under_load(model_path, fake_graph, request, tmp_path):
    """On PostgreSQL + Redis (KOKOM_TEST_POSTGRES_URL / KOKOM_TEST_REDIS_URL, as CI sets them); without
    them on SQLite files and each Rasa's in-memory lock, so `make test` runs it on any machine."""
    from sqlalchemy import bindparam, create_engine, text

    from harness.fake_graph import new_wa_id, post_signed, whatsapp_env
    from harness.servers import free_port
    from kokom.whatsapp import payloads
    from tests.conftest import _pg_url

    tracker_db = None
    if os.environ.get("KOKOM_TEST_POSTGRES_URL"):
        database_url = request.getfixturevalue("pg_db_url")
        admin, admin_url, _ = request.getfixturevalue("pg_template")
        tracker_db = f"kokom_tr_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{tracker_db}"'))
        tracker_url = _pg_url(admin_url, tracker_db)
    else:
        database_url, tracker_url = (f"sqlite:///{tmp_path / name}" for name in ("kokom.db", "tracker.db"))
    env = dict(whatsapp_env(fake_graph), DATABASE_URL=database_url, TRACKER_DATABASE_URL=tracker_url,
               REDIS_URL=os.environ.get("KOKOM_TEST_REDIS_URL", ""),
               KOKOM_LOCK_PREFIX=f"kokomnginx{uuid.uuid4().hex[:8]}",
               KOKOM_MEDIA_DIR=str(tmp_path / "media"),
               # A killed instance's turn is taken over after 5 s (claim) and its Redis ticket expires after 5 s.
               KOKOM_CLAIM_LEASE_SECONDS="5", TICKET_LOCK_LIFETIME="5")
    cluster = Cluster(model_path, tmp_path / "cluster", port=free_port(), rasa_ports=[free_port(), free_port()],
                      action_ports=[free_port(), free_port()], console_port=free_port(), env=env)
    engine = create_engine(database_url, future=True)
    try:
        cluster.start()
        # nginx lets exactly the webhook and the console through.
        assert requests.get(f"{cluster.url}/", allow_redirects=False, timeout=10).status_code == 302
        for path in ("/webhooks/rest/webhook", "/webhooks/ops/metrics", "/metrics", "/readyz"):
            assert requests.get(f"{cluster.url}{path}", timeout=10).status_code == 404, path
        first, second = (f"127.0.0.1:{port}" for port in cluster.rasa_ports)
        log = cluster.workdir / "nginx-access.log"
        before = len(log.read_text().splitlines())

        # Five residents (odd: nginx's round robin alternates each one's deliveries between the
        # instances), six messages each, posted one after another; after three rounds, with turns
        # in flight on both, the first instance is killed.
        residents = [new_wa_id() for _ in range(5)]
        sent: dict[str, list[str]] = defaultdict(list)
        order: list[str] = []
        for i, body in enumerate(TEXTS):
            if i == 3:
                in_flight = kill_under_load(cluster, engine, residents)
            for wa_id in residents:
                delivery = payloads.build_delivery(wa_id, payloads.text_message(body))
                assert post_signed(cluster.webhook_url, delivery).status_code == 200
                sent[wa_id].append(body)
                order.append(wa_id)

        # nginx writes a request's access-log line after the response has gone out: the client can
        # be faster than the last line (29 of 30 seen once), so the log is read until it has them all.
        log_deadline = time.time() + 10
        while True:
            lines = [line.split("|") for line in log.read_text().splitlines()[before:]]
            posts = [parts for parts in lines if parts[1] == "POST"]
            if len(posts) >= len(order) or time.time() > log_deadline:
                break
            time.sleep(0.1)
        assert len(posts) == len(order) and all(p[2] == "200" for p in posts)
        landed: dict[str, set[str]] = defaultdict(set)
        for wa_id, parts in zip(order[:15], posts[:15]):
            landed[wa_id].add(parts[3])
        assert all(landed[wa_id] == {first, second} for wa_id in residents), landed  # either instance
        assert all(p[3].split(",")[-1].strip() == second for p in posts[15:])  # after the kill: failover

        deadline = time.time() + 90
        query = text("SELECT wa_id, status FROM wa_inbound_messages WHERE wa_id IN :ids").bindparams(
            bindparam("ids", expanding=True))
        while True:
            with engine.connect() as conn:
                rows = conn.execute(query, {"ids": residents}).all()
            if len(rows) == 30 and all(status == "done" for _, status in rows):
                break
            assert time.time() < deadline, rows
            time.sleep(0.5)

        token = cluster.env["RASA_TOKEN"]
        for wa_id in residents:
            events = requests.get(f"{cluster.rasa_url(1)}/conversations/{wa_id}/tracker",
                                  params={"token": token}, timeout=30).json()["events"]
            said = [e["text"] for e in events if e.get("event") == "user"]
            assert said == sent[wa_id], (wa_id, said)  # every message once, in order
            sends = fake_graph.sends(wa_id)
            received = [(s["type"], (s.get("text") or {}).get("body")
                         or ((s.get("interactive") or {}).get("body") or {}).get("text")) for s in sends]
            answered = bot_messages(events)
            # A send in flight when the instance died (no answer from Meta recorded, the row stays
            # "pending") is sent again by the survivor: at least once (docs/deploy.md, section 10).
            with engine.connect() as conn:
                unknown = [(kind, body) for kind, body in conn.execute(
                    text("SELECT msg_type, body FROM wa_outbound_messages WHERE wa_id = :w AND status = 'pending'"),
                    {"w": wa_id})]
            for kind, body in unknown:
                if (kind, body) in received and received.count((kind, body)) > answered.count((kind, body)):
                    received.remove((kind, body))
            # Every answer reached the resident once and in order: nothing lost, nothing twice.
            assert [kind for kind, _ in received] == [kind for kind, _ in answered], (wa_id, received, answered)
            assert [body for kind, body in received if kind == "text"] == \
                [body for kind, body in answered if kind == "text"], wa_id
            assert len(received) >= len(TEXTS)
        metrics = requests.get(f"{cluster.rasa_url(1)}/webhooks/ops/metrics", timeout=10).text
        assert "kokom_messages_in_total" in metrics
        # The turns the killed instance had in flight were handled again by the other, once.
        with engine.connect() as conn:
            again = conn.execute(text("SELECT id, attempts, claimed_by FROM wa_inbound_messages WHERE id IN :ids")
                                 .bindparams(bindparam("ids", expanding=True)), {"ids": in_flight}).all()
        # (re-handled by the survivor, or closed by it when Rasa had stored the turn before the kill)
        assert again and all(by in (f"cluster:{cluster.rasa_ports[1]}", None) for _, _, by in again), again
        json_lines = [line for line in (cluster.workdir / f"rasa-{cluster.rasa_ports[1]}.log").read_text().splitlines()
                      if line.startswith("{")]
        assert any("took over" in json.loads(line)["msg"] for line in json_lines)
    finally:
        engine.dispose()
        cluster.stop()
        if tracker_db is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{tracker_db}" WITH (FORCE)'))



def kill_under_load(cluster: Cluster, engine, residents: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    """SIGKILL the first Rasa instance while it is handling messages; the ids it had in flight."""
    from sqlalchemy import bindparam, text

    killed = f"cluster:{cluster.rasa_ports[0]}"
    query = text("SELECT id FROM wa_inbound_messages WHERE wa_id IN :ids AND status = 'processing' "
                 "AND claimed_by = :by").bindparams(bindparam("ids", expanding=True))
    deadline = time.time() + 20
    while True:
        with engine.connect() as conn:
            if conn.execute(query, {"ids": residents, "by": killed}).first() or time.time() > deadline:
                break
        time.sleep(0.02)
    cluster.kill(f"rasa-{cluster.rasa_ports[0]}", signal.SIGKILL)
    with engine.connect() as conn:
        return [row.id for row in conn.execute(query, {"ids": residents, "by": killed})]
