"""Benchmark: open-loop WhatsApp load at fixed rates, the REST floor, memory and training time.

`make bench` (or ``python bench/run.py [--quick]``) starts the real stack exactly as the
tests do (action server, Rasa with the WhatsApp channel in real mode, a fake Graph API
on 127.0.0.1, databases in a scratch folder) and then, for each rate in ``--rates``:

- sends signed webhook deliveries at that fixed rate for ``--duration`` seconds,
  open-loop (a message is sent at its time whatever the server is doing), from
  residents holding realistic conversations (greeting, a requirements question, a
  document request, a complaint with its location and a photo, a status check with
  the ticket they were given) and from residents who send one message; a resident
  answers a reply after ``--think`` seconds, so each conversation stays in order;
- measures, per message, the acknowledgement (the webhook's 200) and the first reply
  (from the POST to the first outbound send that reaches the fake Graph API);
- after the last rate waits for every message to be answered and counts lost
  messages (never answered) and duplicated ones (a message id twice in Rasa's tracker
  store, or not handled exactly once in the channel's inbound table).

Then it measures the floor: the same model over Rasa's REST channel with an action
server that does nothing (bench/null_actions.py), alternating turns with SI KoKoM over
REST at the lowest rate (both stacks up at once, so both see the same shared machine),
and prints SI KoKoM's latency as a ratio to the floor. Peak resident memory
(VmHWM) of each process and the training time recorded by ``make train`` are reported.
``--profile RATE`` samples both servers with py-spy during that rate (flame graphs and
a text summary into docs/profiles/). Results are appended to docs/benchmarks.md.

The load generator is one asyncio loop with a keep-alive aiohttp session; the fake
Graph API runs in threads of the same process and timestamps each request as it
arrives. Only loopback addresses are used.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import fake_graph as fg  # noqa: E402
from harness.fake_graph import whatsapp_env  # noqa: E402
from harness.servers import WHATSAPP_CHANNEL, AssistantServers  # noqa: E402
from kokom.whatsapp import payloads  # noqa: E402

RESULTS = ROOT / "docs" / "benchmarks.md"
PROFILES = ROOT / "docs" / "profiles"  # flame graphs (kept in git)
RAW_PROFILES = ROOT / "var" / "bench-profiles"  # collapsed stacks (megabytes; summarised into the report)
TICKET = re.compile(r"\b(?:ADU|DOK|KON)-\d{8}-\d{4}\b")

# One-message residents: what a kelurahan's number gets on a busy morning.
ONE_MESSAGE = [
    "pagi min mau tanya syarat kk",
    "brp lama bikin akta lahir",
    "besok kantor buka gak",
    "alamat kelurahan dmn ya",
    "syarat sktm apa aja bu",
    "jam buka kantor kelurahan hari sabtu?",
    "bansos kapan cair min",
    "mau tanya cara urus surat pindah",
    "matur nuwun bu",
    "lampu jalan di rt 4 mati sejak kemarin",
]
FIRST_NAMES = ["Hendra", "Siti", "Eko", "Sri", "Budi", "Dewi", "Agus", "Rina", "Joko", "Lestari"]
LAST_NAMES = ["Wijaya", "Aminah", "Wahyudi", "Wahyuni", "Santoso", "Purnama", "Setiawan", "Handayani"]


def random_nik() -> str:
    day, month, year = random.randint(1, 28), random.randint(1, 12), random.randint(60, 99)
    return f"357701{day:02d}{month:02d}{year:02d}{random.randint(1, 9999):04d}"


def random_name() -> str:
    return f"{random.choice(FIRST_NAMES)} {random.choice(LAST_NAMES)}"


Step = Callable[["Conversation"], dict[str, Any]]


def text(body: str) -> Step:
    return lambda conv: payloads.text_message(body)


def status_check(conv: "Conversation") -> dict[str, Any]:
    return payloads.text_message(f"cek status {conv.ticket or 'ADU-20261127-0003'}")


def document_script() -> list[Step]:
    name, nik = random_name(), random_nik()
    return [
        text("halo selamat pagi"),
        text("syarat bikin kk apa aja ya"),
        text(f"saya mau buat surat domisili, nama {name} NIK {nik}, alamat jl cendrawasih "
             f"{random.randint(1, 40)} rt {random.randint(1, 9)} rw {random.randint(1, 5)}, untuk daftar sekolah anak"),
        text("iya benar kirim"),
        status_check,
    ]


def complaint_script(photo_id: str) -> list[Step]:
    name = random_name()
    return [
        text("assalamualaikum min"),
        text("mau lapor jalan berlubang besar di depan SD Sogaten, bahaya buat pengendara motor"),
        lambda conv: payloads.location_message(-7.6239, 111.5082, "Gang Mawar", "Sogaten, Manguharjo, Kota Madiun"),
        lambda conv: payloads.image_message(photo_id, "image/jpeg", caption="lubangnya"),
        text(name),
        text("iya benar"),
        status_check,
    ]


@dataclass
class Message:
    wa_id: str
    kind: str  # "single" or "conversation"
    rate: float
    posted: float = 0.0
    acked: float | None = None
    ack_status: int | None = None
    first_reply: float | None = None


@dataclass
class Conversation:
    wa_id: str
    steps: list[Step]
    position: int = 0
    ready_at: float = 0.0
    ticket: str | None = None
    busy: bool = False


@dataclass
class RateResult:
    rate: float
    sent: int = 0
    messages: list[Message] = field(default_factory=list)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Load:
    """Open-loop load over signed webhooks; replies timed at the fake Graph API."""

    def __init__(self, graph: fg.FakeGraph, webhook_url: str, think: float, single_share: float) -> None:
        self.graph = graph
        self.webhook_url = webhook_url
        self.think = think
        self.single_share = single_share
        self.lock = threading.Lock()
        self.outstanding: dict[str, Message] = {}
        self.conversations: dict[str, Conversation] = {}
        self.all: list[Message] = []
        self.unexpected_sends = 0  # sends to a resident with nothing outstanding (further bubbles of a turn)
        self.photo_id = graph.add_media(fg.TINY_JPEG, "image/jpeg")
        graph.record = False  # the callback keeps what the benchmark needs; memory stays flat
        graph.on_record = self._on_graph

    # called in the fake Graph API's threads
    def _on_graph(self, rec: fg.Recorded) -> None:
        body = rec.json
        if rec.method != "POST" or not isinstance(body, dict) or body.get("status") == "read" or rec.status != 200:
            return
        to = body.get("to")
        content = json.dumps(body, ensure_ascii=False)
        with self.lock:
            msg = self.outstanding.pop(to, None)
            conv = self.conversations.get(to)
            if conv is not None:
                found = TICKET.search(content)
                if found:
                    conv.ticket = found.group(0)
            if msg is None:
                self.unexpected_sends += 1
                return
            msg.first_reply = rec.at
            if conv is not None:
                conv.busy = False
                conv.ready_at = rec.at + self.think

    async def _post(self, session: aiohttp.ClientSession, msg: Message, message: dict[str, Any]) -> None:
        delivery = payloads.build_delivery(msg.wa_id, message, profile_name="Warga")
        raw = json.dumps(delivery, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": fg.sign(raw)}
        with self.lock:
            msg.posted = time.time()
            self.outstanding[msg.wa_id] = msg
            self.all.append(msg)
        try:
            async with session.post(self.webhook_url, data=raw, headers=headers) as response:
                await response.read()
                msg.ack_status = response.status
        except aiohttp.ClientError:
            msg.ack_status = 0
        msg.acked = time.time()

    def _next(self, rate: float) -> tuple[Message, dict[str, Any]] | None:
        now = time.time()
        with self.lock:
            if random.random() >= self.single_share:
                for conv in self.conversations.values():
                    if not conv.busy and conv.position < len(conv.steps) and conv.ready_at <= now:
                        step = conv.steps[conv.position]
                        conv.position += 1
                        conv.busy = True
                        return Message(conv.wa_id, "conversation", rate), step(conv)
                if len(self.conversations) % 2 == 0:
                    steps = document_script()
                else:
                    steps = complaint_script(self.photo_id)
                conv = Conversation(fg.new_wa_id(), steps, position=1, busy=True)
                self.conversations[conv.wa_id] = conv
                return Message(conv.wa_id, "conversation", rate), steps[0](conv)
        return Message(fg.new_wa_id(), "single", rate), payloads.text_message(random.choice(ONE_MESSAGE))

    async def run_rate(self, session: aiohttp.ClientSession, rate: float, duration: float) -> RateResult:
        result = RateResult(rate)
        tasks = []
        start = time.perf_counter()
        for i in itertools.count():
            due = start + i / rate
            if due - start >= duration:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            item = self._next(rate)
            if item is None:
                continue
            msg, message = item
            result.messages.append(msg)
            tasks.append(asyncio.create_task(self._post(session, msg, message)))
        result.sent = len(tasks)
        await asyncio.gather(*tasks)
        # Conversations that did not finish in this rate's window are left there (a resident who stops).
        with self.lock:
            for conv in self.conversations.values():
                conv.position = len(conv.steps)
        return result

    async def drain(self, timeout: float) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if not self.outstanding:
                    return
            await asyncio.sleep(0.2)


def summarize(result: RateResult) -> dict[str, Any]:
    msgs = result.messages
    answered = [m for m in msgs if m.first_reply is not None]
    first = [(m.first_reply - m.posted) * 1000 for m in answered]
    acks = [((m.acked or m.posted) - m.posted) * 1000 for m in msgs]
    wall = max((m.first_reply for m in answered), default=0) - min((m.posted for m in msgs), default=0)
    return {
        "rate": result.rate,
        "sent": len(msgs),
        "singles": sum(1 for m in msgs if m.kind == "single"),
        "answered": len(answered),
        "lost": len(msgs) - len(answered),
        "ack_failed": sum(1 for m in msgs if m.ack_status != 200),
        "first_p50": pct(first, 0.5), "first_p95": pct(first, 0.95), "first_p99": pct(first, 0.99),
        "first_max": max(first, default=float("nan")),
        "ack_p50": pct(acks, 0.5), "ack_p99": pct(acks, 0.99),
        "throughput": len(answered) / wall if wall > 0 else 0.0,
    }


# --- the servers --------------------------------------------------------------------

def proc_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            pids.extend(proc_tree(int(child)))
    return pids


def peak_rss_mb(pid: int, tree: bool = True) -> float:
    total = 0
    for p in (proc_tree(pid) if tree else [pid]):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


class FloorServers(AssistantServers):
    """The same model over REST, with bench/null_actions.py as the action server."""

    def _start(self, name: str, cmd: list[str]) -> subprocess.Popen:
        if name == "actions":
            cmd = [sys.executable, str(ROOT / "bench" / "null_actions.py"), str(self.action_port)]
        return super()._start(name, cmd)


def _rows(url: str, sql: str) -> list[tuple]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def duplicates(app_url: str, tracker_url: str, wa_ids: set[str]) -> tuple[int, int]:
    """(user messages twice in the tracker store, inbound messages not handled exactly once)."""
    seen: dict[str, int] = {}
    for sender, data in _rows(tracker_url, "SELECT sender_id, data FROM events WHERE type_name = 'user'"):
        if sender not in wa_ids:
            continue
        mid = (json.loads(data) or {}).get("message_id")
        if mid:
            seen[mid] = seen.get(mid, 0) + 1
    twice = sum(1 for n in seen.values() if n > 1)
    bad = _rows(app_url, "SELECT COUNT(*) FROM wa_inbound_messages WHERE status NOT IN ('done', 'ignored')")[0][0]
    return twice, bad


def cases_saved(app_url: str, wa_ids: set[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for kind, wa_id in _rows(app_url, "SELECT c.kind, r.wa_id FROM cases c JOIN residents r ON r.id = c.resident_id"):
        if wa_id in wa_ids:
            out[kind] = out.get(kind, 0) + 1
    return out


class PgDatabases:
    """Two fresh PostgreSQL databases (application, tracker) for one run, dropped after it."""

    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
        stamp = f"{int(time.time())}_{os.getpid()}"
        self.names = [f"kokom_bench_app_{stamp}", f"kokom_bench_tracker_{stamp}"]
        base = make_url(admin_url)
        self.urls = [str(base.set(database=name).render_as_string(hide_password=False)) for name in self.names]

    def __enter__(self) -> "PgDatabases":
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self

    def __exit__(self, *exc: Any) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


# --- profiling ----------------------------------------------------------------------

def py_spy() -> str | None:
    exe = Path(sys.executable).parent / "py-spy"
    return str(exe) if exe.exists() else None


def start_profiles(servers: AssistantServers, label: str, duration: float) -> list[tuple[subprocess.Popen, Path]]:
    exe = py_spy()
    if exe is None:
        print("py-spy not installed in the virtualenv: no profile", file=sys.stderr)
        return []
    PROFILES.mkdir(parents=True, exist_ok=True)
    out = []
    for name, proc in (("actions", servers.procs[0]), ("rasa", servers.procs[1])):
        # The flame graph to look at, and the same samples as collapsed stacks for the summary.
        for fmt_, folder, suffix in (("flamegraph", PROFILES, "svg"), ("raw", RAW_PROFILES, "txt")):
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{label}-{name}.{suffix}"
            p = subprocess.Popen([exe, "record", "--pid", str(proc.pid), "--duration", str(int(duration)),
                                  "--rate", "50", "--nonblocking", "--format", fmt_, "--output", str(path)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            out.append((p, path))
    return out


# Leaf frames of a waiting thread (py-spy cannot see that uvloop's or a queue's wait is idle).
IDLE_LEAVES = {"serve (sanic/server/runners.py)", "_worker (concurrent/futures/thread.py)",
               "wait (threading.py)", "select (selectors.py)", "_run_once (asyncio/base_events.py)"}


def profile_summary(raw: Path, top: int = 22) -> str:
    """From py-spy's collapsed stacks: share of samples in which each function is on the stack
    (inclusive, each sample counted once per function) and at the top of it (self)."""
    if not raw.exists():
        return f"(no profile: {raw.name} missing)"
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = idle = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")]
        if frames[-1] in IDLE_LEAVES:
            idle += n
            continue
        total += n
        for name in set(frames):
            inclusive[name] = inclusive.get(name, 0) + n
        own[frames[-1]] = own.get(frames[-1], 0) + n
    if not total:
        return "(no samples: the process was idle)"
    lines = [f"{total} busy samples (50 per second per thread; {idle} more were idle: an event loop waiting "
             f"for input or a pool thread waiting for work). Share of the busy samples, inclusive / self:"]
    for name, n in sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]:
        lines.append(f"{100 * n / total:5.1f}% {100 * own.get(name, 0) / total:5.1f}%  {name}")
    lines.append("Top self time:")
    for name, n in sorted(own.items(), key=lambda kv: -kv[1])[:10]:
        lines.append(f"{100 * n / total:5.1f}%  {name}")
    return "\n".join(lines)


# --- report ---------------------------------------------------------------------------

def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    load = os.getloadavg()
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
            f"{mem_kb / 1024 / 1024:.0f} GiB RAM, Python {platform.python_version()}; "
            f"load average at start {load[0]:.2f} (the machine is shared)")


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    sha = git("rev-parse", "--short", "HEAD")
    dirty = " (+ uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return f"{sha}{dirty}"


def train_time(model: str) -> str:
    timing = Path(model).with_suffix("").with_suffix(".train-seconds")
    if timing.exists():
        return f"{float(timing.read_text().strip()):.0f} s (recorded by `make train` in {timing.name})"
    return "not recorded for this model (`make train` writes it when it trains; `--train` times one here)"


def time_training() -> float:
    out = Path(tempfile.mkdtemp(prefix="kokom-bench-train-"))
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    start = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "--out", str(out), "--num-threads", "2"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "run"


def fmt(value: float) -> str:
    return "-" if value != value else f"{value:.0f}"  # NaN -> "-"


def held(s: dict[str, Any]) -> bool:
    return s["lost"] == 0 and s["ack_failed"] == 0 and s["first_p95"] < 1000


# --- REST (floor and SI KoKoM) ---------------------------------------------------------------

async def rest_pair(kokom_url: str, floor_url: str, rate: float, duration: float,
                    warmup: int = 6) -> tuple[list[float], list[float]]:
    """Alternate one-message REST turns between SI KoKoM and the floor at ``rate`` in total,
    so both see the same machine at the same time (it is shared). Returns (kokom, floor) ms."""
    results: dict[str, list[float]] = {kokom_url: [], floor_url: []}

    async def one(session: aiohttp.ClientSession, url: str, i: int, keep: bool) -> None:
        start = time.perf_counter()
        async with session.post(f"{url}/webhooks/rest/webhook",
                                json={"sender": f"bench-{i}-{random.randint(0, 10**9)}",
                                      "message": ONE_MESSAGE[(i // 2) % len(ONE_MESSAGE)]}) as response:
            await response.read()
            if keep and response.status == 200:
                results[url].append((time.perf_counter() - start) * 1000)

    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        for i in range(warmup):  # first predictions in each pool thread
            await one(session, (kokom_url, floor_url)[i % 2], i, False)
        tasks = []
        start = time.perf_counter()
        for i in itertools.count():
            due = start + i / rate
            if due - start >= duration:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(session, (kokom_url, floor_url)[i % 2], i, True)))
        await asyncio.gather(*tasks)
    return results[kokom_url], results[floor_url]


# --- main -------------------------------------------------------------------------------

async def whatsapp_phases(load: Load, rates: list[float], duration: float, drain: float,
                          servers: AssistantServers, profile_rate: float | None, label: str,
                          stop_after_fail: bool, warmup: float = 0.0) -> list[dict[str, Any]]:
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=30)
    summaries = []
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        if warmup > 0:
            # Not measured: the first predictions in each pool thread and the first database
            # connections are slower than the steady state the rates are meant to show.
            await load.run_rate(session, 2.0, warmup)
            await load.drain(drain)
        for rate in rates:
            profiles = start_profiles(servers, f"{slug(label)}-{rate:g}mps", duration) if rate == profile_rate else []
            result = await load.run_rate(session, rate, duration)
            await load.drain(drain)
            for proc, _svg in profiles:
                proc.wait(timeout=duration + 60)
            summary = summarize(result)
            summaries.append(summary)
            print(f"rate {rate:g}/s: {json.dumps({k: round(v, 1) if isinstance(v, float) else v for k, v in summary.items()})}",
                  flush=True)
            if stop_after_fail and not held(summary):
                break
        await load.drain(drain * 3)
    return summaries


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=os.environ.get("KOKOM_MODEL"))
    parser.add_argument("--rates", default="2,5,10,20,30,40", help="messages per second, comma-separated")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per rate (at least 30 for the record)")
    parser.add_argument("--drain", type=float, default=30.0, help="seconds to wait for answers after each rate")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds of unmeasured load at 2 msg/s first")
    parser.add_argument("--think", type=float, default=1.0, help="a resident's pause before answering a reply")
    parser.add_argument("--single-share", type=float, default=0.4, help="share of one-message residents")
    parser.add_argument("--quick", action="store_true", help="rates 2,10,30 for 8 s each (a smoke run)")
    parser.add_argument("--keep-going", action="store_true", help="run every rate even after one is not held")
    parser.add_argument("--no-floor", action="store_true", help="skip the REST floor")
    parser.add_argument("--profile", type=float, default=None, help="py-spy both servers during this rate")
    parser.add_argument("--label", default="run", help="names this run in docs/benchmarks.md and profiles")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="WHATSAPP_CONCURRENCY for the channel (default: the channel's own default)")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL admin URL: the run gets two fresh databases there (default: SQLite files)")
    parser.add_argument("--train", action="store_true", help="also time a full `rasa train` (slow)")
    parser.add_argument("--no-write", action="store_true", help="print only; do not append to docs/benchmarks.md")
    args = parser.parse_args()
    if args.quick:
        args.rates, args.duration, args.drain, args.warmup = "2,10,30", 8.0, 20.0, 5.0
    if not args.model:
        models = sorted((ROOT / "models").glob("kokom-*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not models:
            raise SystemExit("no model in models/: run `make train`")
        args.model = str(models[-1])
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    command = "python bench/run.py " + " ".join(a for a in sys.argv[1:])
    started = datetime.now(timezone.utc)
    header = [
        f"## {started:%Y-%m-%d %H:%M} UTC — {args.label}",
        "",
        f"- Machine: {machine()}",
        f"- Commit: {commit()}; model {Path(args.model).name}",
        f"- Command: `{command.strip()}`",
        f"- Load: {args.duration:g} s per rate, open-loop; {args.single_share:.0%} one-message residents, the rest "
        f"in conversations (document request or complaint with location and photo, then a status check), "
        f"{args.think:g} s thinking time before answering a reply; {args.warmup:g} s of unmeasured warm-up at 2 msg/s; "
        f"WHATSAPP_CONCURRENCY {args.concurrency or 'default'}; databases: "
        f"{'PostgreSQL (fresh databases at ' + args.database_url.split('@')[-1] + ')' if args.database_url else 'SQLite files'}",
    ]
    training = f"{time_training():.0f} s (timed now, `rasa train --num-threads 2`)" if args.train \
        else train_time(args.model)

    with contextlib.ExitStack() as stack:
        pg = stack.enter_context(PgDatabases(args.database_url)) if args.database_url else None
        return run(args, rates, header, training, pg)


def run(args: argparse.Namespace, rates: list[float], header: list[str], training: str,
        pg: "PgDatabases | None") -> int:
    graph = fg.FakeGraph().start()
    workdir = Path(tempfile.mkdtemp(prefix="kokom-bench-"))
    db_env = {"DATABASE_URL": pg.urls[0], "TRACKER_DATABASE_URL": pg.urls[1]} if pg else {}
    servers = AssistantServers(args.model, workdir, extra_credentials={WHATSAPP_CHANNEL: None},
                               extra_env={**whatsapp_env(graph), **(
                                   {"WHATSAPP_CONCURRENCY": str(args.concurrency)} if args.concurrency else {})})
    if pg:
        servers.env.update(db_env)
        servers.database_url = pg.urls[0]
    rest_kokom: list[float] = []
    floor: list[float] = []
    try:
        servers.start()
        load = Load(graph, servers.webhook_url, args.think, args.single_share)
        summaries = asyncio.run(whatsapp_phases(load, rates, args.duration, args.drain, servers, args.profile,
                                                args.label, not args.keep_going, args.warmup))
        wa_ids = {m.wa_id for m in load.all}
        lost_total = sum(1 for m in load.all if m.first_reply is None)
        app_url = pg.urls[0] if pg else f"sqlite:///{workdir / 'kokom.db'}"
        tracker_url = pg.urls[1] if pg else f"sqlite:///{workdir / 'tracker.db'}"
        twice, not_once = duplicates(app_url, tracker_url, wa_ids)
        cases = cases_saved(app_url, wa_ids)
        rss = {"Rasa": peak_rss_mb(servers.procs[1].pid), "action server": peak_rss_mb(servers.procs[0].pid),
               "bench (load + fake Graph API)": peak_rss_mb(os.getpid(), tree=False)}
        if not args.no_floor:
            floor_servers = FloorServers(args.model, Path(tempfile.mkdtemp(prefix="kokom-bench-floor-")))
            try:
                floor_servers.start()
                rest_kokom, floor = asyncio.run(rest_pair(servers.url, floor_servers.url, rates[0], args.duration))
            finally:
                floor_servers.stop()
    finally:
        servers.stop()
        graph.stop()

    lines = [*header, "", "| rate (msg/s) | sent | answered | unanswered after the rate's drain | first reply p50 / p95 / p99 / max (ms) | "
             "ack p50 / p99 (ms) | answered/s | held |", "|---|---|---|---|---|---|---|---|"]
    for s in summaries:
        lines.append(
            f"| {s['rate']:g} | {s['sent']} ({s['singles']} one-message) | {s['answered']} | {s['lost']} | "
            f"{fmt(s['first_p50'])} / {fmt(s['first_p95'])} / {fmt(s['first_p99'])} / {fmt(s['first_max'])} | "
            f"{s['ack_p50']:.1f} / {s['ack_p99']:.1f} | {s['throughput']:.1f} | {'yes' if held(s) else 'no'} |")
    held_rates = [s["rate"] for s in summaries if held(s)]
    lines += [
        "",
        f"- Highest rate held (every message answered once, first reply p95 < 1 s): "
        f"{max(held_rates):g} msg/s" if held_rates else "- Highest rate held: none of the rates tried",
        f"- After the last rate and a final wait: {lost_total} message(s) never answered; {twice} answered twice "
        f"(same message id twice in the tracker store); {not_once} inbound row(s) not handled",
        f"- Cases saved by the conversations: {', '.join(f'{v} {k}' for k, v in sorted(cases.items())) or 'none'}",
        "- Peak resident memory (VmHWM): " + ", ".join(f"{k} {v:.0f} MB" for k, v in rss.items()),
        f"- Training time: {training}",
    ]
    if floor and rest_kokom:
        lines += [
            f"- Floor, same model over REST with do-nothing actions (bench/null_actions.py), alternating with "
            f"SI KoKoM's REST turns at {rates[0]:g} msg/s in total: p50 {pct(floor, .5):.0f} ms, "
            f"p95 {pct(floor, .95):.0f} ms (n={len(floor)})",
            f"- SI KoKoM over REST (whole turn) at {rates[0]:g} msg/s: p50 {pct(rest_kokom, .5):.0f} ms, "
            f"p95 {pct(rest_kokom, .95):.0f} ms (n={len(rest_kokom)}); ratio to the floor p50 "
            f"{pct(rest_kokom, .5) / pct(floor, .5):.1f}x, p95 {pct(rest_kokom, .95) / pct(floor, .95):.1f}x",
            f"- SI KoKoM over WhatsApp (first reply) at {rates[0]:g} msg/s as a ratio to the floor: p50 "
            f"{summaries[0]['first_p50'] / pct(floor, .5):.1f}x, p95 {summaries[0]['first_p95'] / pct(floor, .95):.1f}x",
        ]
    if args.profile is not None and any(s["rate"] == args.profile for s in summaries):
        for name in ("rasa", "actions"):
            base = f"{slug(args.label)}-{args.profile:g}mps-{name}"
            lines += ["", f"Profile of the {name} server at {args.profile:g} msg/s (py-spy, 50 Hz, flame graph "
                      f"[{base}.svg](profiles/{base}.svg)):", "",
                      "```", profile_summary(RAW_PROFILES / f"{base}.txt"), "```"]
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_write:
        if not RESULTS.exists():
            RESULTS.write_text("# Benchmarks\n\nAppended by `make bench` (bench/run.py); newest last.\n\n")
        with RESULTS.open("a") as handle:
            handle.write("\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
