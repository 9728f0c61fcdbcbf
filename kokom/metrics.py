"""Prometheus metrics (``prometheus-client``), one place for their names.

Two kinds:

- counters and histograms kept by the process that does the work (the Rasa process with
  the WhatsApp channel): messages in and out, failed sends, reply latency, webhook
  acknowledgement time. They are per process; Prometheus sums the instances.
- gauges read from the database when scraped (:class:`DatabaseCollector`): handoffs
  waiting, inbound messages queued, outbound messages failed. Any process (the console
  under several gunicorn workers too) reports the same, consistent numbers.

Exposition: ``/metrics`` of the console and ``/webhooks/ops/metrics`` of Rasa, answering
direct loopback clients only (nginx refuses them from outside, see deploy/nginx-kokom.conf).
No label ever carries a phone number, a NIK or a message text.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

REGISTRY = CollectorRegistry(auto_describe=True)

MESSAGES_IN = Counter("kokom_messages_in", "Inbound WhatsApp messages accepted from the webhook",
                      registry=REGISTRY)
MESSAGES_HANDLED = Counter("kokom_messages_handled", "Inbound messages handed to the assistant, by outcome",
                           ["outcome"], registry=REGISTRY)
MESSAGES_OUT = Counter("kokom_messages_out", "Outbound WhatsApp messages sent, by who sent them",
                       ["sent_by"], registry=REGISTRY)
SEND_FAILURES = Counter("kokom_send_failures", "Outbound WhatsApp messages that finally failed",
                        ["sent_by"], registry=REGISTRY)
REPLY_LATENCY = Histogram(
    "kokom_reply_latency_seconds", "From a message's arrival at the webhook to the assistant's last reply sent",
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 34, 60, 120), registry=REGISTRY)
WEBHOOK_SECONDS = Histogram("kokom_webhook_ack_seconds", "Time to acknowledge a webhook delivery",
                            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1), registry=REGISTRY)


def sender_label(sent_by: str | None) -> str:
    """Bounded label values: "bot", "officer" (any username), "system"."""
    if sent_by == "bot":
        return "bot"
    if not sent_by:
        return "system"
    return "officer"


def record_sends(results: Iterable[object], sent_by: str | None) -> None:
    label = sender_label(sent_by)
    for result in results:
        (MESSAGES_OUT if getattr(result, "ok", False) else SEND_FAILURES).labels(label).inc()


class DatabaseCollector(Collector):
    """Gauges counted in the database at scrape time (one short read transaction)."""

    def __init__(self, spool_dir: Path | None = None) -> None:
        self.spool_dir = spool_dir

    def collect(self):  # type: ignore[no-untyped-def]
        up = GaugeMetricFamily("kokom_database_up", "1 when the database answered this scrape")
        try:
            counts = _database_counts()
        except Exception as exc:  # noqa: BLE001 - a scrape never fails because the database is down
            logger.warning("metrics: database not readable (%s)", exc.__class__.__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        handoffs = GaugeMetricFamily("kokom_handoffs", "Handoffs by status (waiting, active)", labels=["status"])
        for status, value in sorted(counts["handoffs"].items()):
            handoffs.add_metric([status], value)
        yield handoffs
        inbound = GaugeMetricFamily("kokom_inbound_queue", "Inbound messages not yet handled, by state",
                                    labels=["status"])
        for status, value in sorted(counts["inbound"].items()):
            inbound.add_metric([status], value)
        yield inbound
        outbound = GaugeMetricFamily("kokom_outbound_messages", "Outbound messages stored, by delivery status",
                                     labels=["status"])
        for status, value in sorted(counts["outbound"].items()):
            outbound.add_metric([status], value)
        yield outbound
        if self.spool_dir is not None:
            spool = GaugeMetricFamily("kokom_spool_depth", "Deliveries acknowledged but not yet in the database")
            try:
                spool.add_metric([], sum(1 for _ in Path(self.spool_dir).glob("*.json")))
            except OSError:
                spool.add_metric([], 0)
            yield spool


def _database_counts() -> dict[str, dict[str, int]]:
    from sqlalchemy import func, select

    from kokom.case_states import HANDOFF_CLAIMED, HANDOFF_OPEN, HANDOFF_WAITING
    from kokom.db import session_scope
    from kokom.models import Handoff
    from kokom.whatsapp import models as wa

    with session_scope() as session:
        handoffs = dict(session.execute(
            select(Handoff.status, func.count()).where(Handoff.status.in_(HANDOFF_OPEN)).group_by(Handoff.status)).all())
        inbound = dict(session.execute(
            select(wa.WaInboundMessage.status, func.count())
            .where(wa.WaInboundMessage.status.in_((wa.PENDING, wa.PROCESSING, wa.FAILED)))
            .group_by(wa.WaInboundMessage.status)).all())
        outbound = dict(session.execute(
            select(wa.WaOutboundMessage.status, func.count()).group_by(wa.WaOutboundMessage.status)).all())
    handoffs.setdefault(HANDOFF_WAITING, 0)
    handoffs.setdefault(HANDOFF_CLAIMED, 0)
    for status in (wa.PENDING, wa.PROCESSING, wa.FAILED):
        inbound.setdefault(status, 0)
    return {"handoffs": {k: int(v) for k, v in handoffs.items()},
            "inbound": {k: int(v) for k, v in inbound.items()},
            "outbound": {k: int(v) for k, v in outbound.items()}}


_collector_lock = threading.Lock()
_collector: DatabaseCollector | None = None


def install_database_collector(spool_dir: Path | None = None) -> None:
    """Register the database gauges once per process (idempotent; the spool folder may be updated)."""
    global _collector
    with _collector_lock:
        if _collector is None:
            _collector = DatabaseCollector(spool_dir)
            REGISTRY.register(_collector)
        elif spool_dir is not None:
            _collector.spool_dir = spool_dir


def exposition() -> tuple[bytes, str]:
    """The text format body and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
