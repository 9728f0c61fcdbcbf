"""Benchmark: training time, NLU parse, REST round trip, and the webhook's acknowledgement.

`make bench` runs it against the current model with a real action server, Rasa
server and a fake Graph API on 127.0.0.1 (the same harness as the tests), then
appends the numbers and the machine's description to bench/RESULTS.md. Request
loops are bounded; only loopback addresses are used.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import fake_graph as fg  # noqa: E402
from harness.fake_graph import whatsapp_env  # noqa: E402
from harness.servers import TOKEN, WHATSAPP_CHANNEL, AssistantServers  # noqa: E402

UTTERANCES = [
    "pagi min mau tanya syarat kk",
    "brp lama bikin akta lahir",
    "besok kantor buka gak",
    "mau lapor lampu jalan mati di rt 3",
    "cek status ADU-20261127-0003",
    "sy mau bicara dgn petugas",
    "alamat kelurahan dmn ya",
    "matur nuwun bu",
]


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000  # noqa: E731
    return f"p50 {p(0.5):.1f} ms, p95 {p(0.95):.1f} ms, max {ordered[-1] * 1000:.1f} ms (n={len(ordered)})"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = subprocess.run(["free", "-g"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem} GiB RAM, Python {platform.python_version()}"


def bench_parse(servers: AssistantServers, rounds: int) -> list[float]:
    samples = []
    for i in range(rounds):
        text = UTTERANCES[i % len(UTTERANCES)]
        start = time.perf_counter()
        requests.post(f"{servers.url}/model/parse", params={"token": TOKEN}, json={"text": text}, timeout=30)
        samples.append(time.perf_counter() - start)
    return samples


def bench_rest(servers: AssistantServers, rounds: int) -> list[float]:
    samples = []
    for i in range(rounds):
        start = time.perf_counter()
        servers.say(f"bench-rest-{i}", UTTERANCES[i % len(UTTERANCES)])
        samples.append(time.perf_counter() - start)
    return samples


def bench_webhook(servers: AssistantServers, rounds: int, concurrency: int) -> list[float]:
    url = f"{servers.url}/webhooks/whatsapp/webhook"

    def one(i: int) -> float:
        payload = fg.sample("text", fg.new_wa_id())
        payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = UTTERANCES[i % len(UTTERANCES)]
        start = time.perf_counter()
        response = fg.post_signed(url, payload)
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.text
        return elapsed

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, range(rounds)))


def bench_training() -> str:
    """Wall time of a full `rasa train` (NLU + policies) into a scratch folder."""
    out = Path(tempfile.mkdtemp(prefix="kokom-bench-train-"))
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
    start = time.perf_counter()
    subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "train", "--out", str(out), "--num-threads", "2"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return f"- Full training (`rasa train`, 2 threads): {time.perf_counter() - start:.0f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=os.environ.get("KOKOM_MODEL"))
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--train", action="store_true", help="also time a full training run")
    args = parser.parse_args()
    if not args.model:
        models = sorted((ROOT / "models").glob("kokom-*.tar.gz"), key=lambda p: p.stat().st_mtime)
        args.model = str(models[-1])
    training = bench_training() if args.train else None
    graph = fg.FakeGraph().start()
    workdir = Path(tempfile.mkdtemp(prefix="kokom-bench-"))
    servers = AssistantServers(args.model, workdir, extra_credentials={WHATSAPP_CHANNEL: None},
                               extra_env=whatsapp_env(graph))
    try:
        servers.start()
        lines = [
            f"## {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — model {Path(args.model).name}",
            f"Machine: {machine()}",
            "",
            *([training] if training else []),
            f"- NLU parse (`/model/parse`, sequential): {percentiles(bench_parse(servers, args.rounds))}",
            f"- REST round trip (message in, all replies out, sequential): "
            f"{percentiles(bench_rest(servers, max(20, args.rounds // 4)))}",
            f"- WhatsApp webhook acknowledgement (signed text, sequential): "
            f"{percentiles(bench_webhook(servers, args.rounds, 1))}",
            f"- WhatsApp webhook acknowledgement (signed text, 10 concurrent senders): "
            f"{percentiles(bench_webhook(servers, args.rounds, 10))}",
            "",
        ]
    finally:
        servers.stop()
        graph.stop()
    report = "\n".join(lines)
    print(report)
    results = ROOT / "bench" / "RESULTS.md"
    if not results.exists():
        results.write_text("# Benchmark results\n\nAppended by `make bench` (bench/run.py). Newest last.\n\n")
    with results.open("a") as handle:
        handle.write(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
