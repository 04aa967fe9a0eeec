"""``make bench``: load the API and the bare reference side by side, write the table.

    python -m bench.run                    # full size (builds custledger_bench if missing)
    python -m bench.run --scale small      # 20,000 customers: a quick dry run of the tooling

What it does, every step bounded and on loopback addresses only:
1. makes sure ``wrk`` is there (``apt-get install -y wrk`` when it is missing and we are root);
   without it the Python load generator ``bench.loadgen`` (httpx) is used and the table says so;
2. builds the data with ``bench.build`` unless ``bench/results/dataset.json`` describes a
   database that exists (``--rebuild`` forces it);
3. starts ``custledger serve --workers N`` with production settings (``environment=production``,
   a secret key of its own, PostgreSQL, INFO logs written to ``bench/results/server.log``) and
   the reference app (``uvicorn bench.refapp:app``, same worker count), one after the other on
   127.0.0.1;
4. runs each scenario with ``wrk`` (``--connections`` connections, ``--duration`` seconds at
   most and ``--max-requests`` requests at most, after a short warm-up), resetting and then
   reading the peak RSS (VmHWM) of the server's worker processes;
5. times the one-shot requests (receivables ageing, customers CSV export) the same way;
6. optionally (``--search-sizes``) builds smaller databases and repeats the search lines there;
7. writes ``bench/results/results.json`` and ``bench/results/results.md`` and prints the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from bench import build

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk" / "requests.lua"
HOST = "127.0.0.1"  # loopback only: nothing else is ever a target
APP_PORT = 8701
REF_PORT = 8702
# The paced search scenario: each of the 32 connections is a till whose clerk waits on average
# this long (uniformly 0 to twice that) after each answer before the next search (a search on
# every pause in typing), measured for at least PACED_SECONDS.
TILL_PAUSE_MS = 500
PACED_SECONDS = 30
SIZE_PORT = 8703
VENV_BIN = Path(sys.executable).parent

SCALES = {
    "full": {"customers": 1_000_000, "payments": 5_000_000, "history_customers": 100_000},
    "small": {"customers": 20_000, "payments": 300_000, "history_customers": 2_000},
}


@dataclass
class Outcome:
    name: str
    group: str
    target: str  # app or ref
    requests: int = 0
    seconds: float = 0.0
    rps: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    peak_rss_mb: float | None = None
    reference: str | None = None
    ratio: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Processes and memory.
# --------------------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry.name))
    return found


def workers_of(pid: int) -> list[int]:
    """The processes that serve requests: uvicorn's worker children, or the process itself."""
    kids = [p for p in children_of(pid) if "python" in _cmdline(p) or "custledger" in _cmdline(p)]
    # uvicorn --workers N spawns N workers (plus, on Linux, a resource tracker we skip).
    serving = [p for p in kids if "multiprocessing.resource_tracker" not in _cmdline(p)]
    return serving or [pid]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _status_kb(pid: int, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time the processes have used (``/proc/<pid>/stat``)."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def reset_peaks(pids: list[int]) -> None:
    """Start a new peak-RSS window (writing 5 to clear_refs resets VmHWM, Linux ≥ 4.0)."""
    for pid in pids:
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")


def peak_mb(pids: list[int]) -> float:
    return round(max((_status_kb(p, "VmHWM") for p in pids), default=0) / 1024, 1)


class Server:
    """A server process group we started; stopped by its own pid only."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int) -> None:
        self.name = name
        self.port = port
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log = (RESULTS / f"{name}.log").open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own argv
            argv,
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log.name}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    time.sleep(1.5)  # let every worker finish starting
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"{self.name} did not become ready in {timeout} s")

    def workers(self) -> list[int]:
        return workers_of(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def app_server(dsn: str, workers: int, port: int, name: str = "server") -> Server:
    env = dict(
        os.environ,
        CUSTLEDGER_DATABASE_URL=dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        CUSTLEDGER_ENVIRONMENT="production",
        CUSTLEDGER_SECRET_KEY=secrets.token_urlsafe(48),
        CUSTLEDGER_TOKEN_TTL_MINUTES="240",  # noqa: S106 - a lifetime, not a secret
        # Throughput runs send hundreds of requests a second with one token, far over a
        # principal's budget; the limits are measured by bench/ops.py.
        CUSTLEDGER_RATE_LIMIT="false",
    )
    argv = [str(VENV_BIN / "custledger"), "serve", "--host", HOST, "--port", str(port)]
    return Server(name, [*argv, "--workers", str(workers)], env, port)


def ref_server(dsn: str, workers: int) -> Server:
    env = dict(os.environ, BENCH_DSN=dsn)
    argv = [
        str(VENV_BIN / "uvicorn"),
        "bench.refapp:app",
        "--host",
        HOST,
        "--port",
        str(REF_PORT),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    return Server("reference", argv, env, REF_PORT)


# --------------------------------------------------------------------------------------------
# Load generators.
# --------------------------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        print("[bench] wrk is missing: apt-get install -y wrk", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False)  # noqa: S607
        found = shutil.which("wrk")
    if not found:
        print("[bench] wrk unavailable: using the Python load generator (bench.loadgen)")
    return found


@dataclass
class Load:
    connections: int
    duration: int
    max_requests: int
    warmup: int
    wrk: str | None
    threads: int = 2
    only: frozenset[str] = frozenset()  # groups to run; empty: all

    def skips(self, group: str) -> bool:
        return bool(self.only) and group not in self.only


def write_requests(name: str, lines: list[str]) -> Path:
    path = RESULTS / "requests" / f"{name}.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def run_load(
    load: Load,
    base: str,
    requests_file: Path,
    token: str | None,
    *,
    seconds: int,
    cap: int,
    pace_ms: int = 0,
) -> dict[str, Any]:
    assert base.startswith(f"http://{HOST}:"), "load only ever goes to loopback"
    if load.wrk:
        env = dict(
            os.environ,
            WRK_THREADS=str(load.threads),
            BENCH_RUN_ID=f"{int(time.time() * 1000)}{random.randrange(1000)}",
            BENCH_PACE_MS=str(pace_ms),
        )
        argv = [
            load.wrk,
            f"-t{load.threads}",
            f"-c{load.connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            base,
            "--",
            str(requests_file),
            token or "-",
            str(cap),
        ]
        done = subprocess.run(  # noqa: S603 - our own argv
            argv, env=env, capture_output=True, text=True, timeout=seconds + 60
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if not lines:
            raise RuntimeError(f"wrk gave no summary: {done.stdout[-500:]} {done.stderr[-500:]}")
        summary: dict[str, Any] = json.loads(lines[-1])
        if done.stderr.strip():
            summary["stderr"] = done.stderr.strip()[-600:]
        return summary
    from bench import loadgen

    return asyncio.run(
        loadgen.run(
            base,
            requests_file,
            token,
            connections=load.connections,
            seconds=seconds,
            max_requests=cap,
            pace_ms=pace_ms,
        )
    )


def probe(server: Server, line: str, token: str | None) -> int:
    """One request first: an endpoint that is missing or failing is reported, not loaded."""
    method, path, body, headers = line.split("\t")
    extra = {} if headers == "-" else dict(h.split(": ", 1) for h in headers.split("|"))
    extra = {k: v.replace("{{n}}", f"probe-{time.time_ns()}") for k, v in extra.items()}
    if token:
        extra["Authorization"] = f"Bearer {token}"
    content = None if body == "-" else body.encode()
    if content:
        extra["Content-Type"] = "application/json"
    response = httpx.request(method, server.base + path, content=content, headers=extra, timeout=60)
    if response.status_code >= 400:
        print(f"[bench] probe {path}: {response.status_code} {response.text[:300]}", flush=True)
    return response.status_code


def measure(
    load: Load,
    server: Server,
    name: str,
    group: str,
    target: str,
    lines: list[str],
    token: str | None,
    *,
    pace_ms: int = 0,
) -> Outcome | None:
    """``pace_ms``: each connection waits that long after each response (a till, not a
    tight loop); such a run lasts at least ``PACED_SECONDS`` so p99 rests on enough
    requests."""
    if load.skips(group):
        return None
    requests_file = write_requests(name, lines)
    status = probe(server, lines[0], token)
    if status >= 400:
        print(f"[bench] {name:<34} not measured: the endpoint answers {status}", flush=True)
        return Outcome(name=name, group=group, target=target, note=f"not measured: {status}")
    if load.warmup:
        run_load(
            load, server.base, requests_file, token, seconds=load.warmup, cap=load.max_requests
        )
    pids = server.workers()
    reset_peaks(pids)
    seconds = max(load.duration, PACED_SECONDS) if pace_ms else load.duration
    cpu_before = cpu_seconds(pids)
    summary = run_load(
        load, server.base, requests_file, token, seconds=seconds, cap=load.max_requests,
        pace_ms=pace_ms,
    )  # fmt: skip
    cpu = cpu_seconds(pids) - cpu_before
    outcome = Outcome(name=name, group=group, target=target)
    outcome.requests = int(summary["requests"])
    outcome.seconds = float(summary["seconds"])
    outcome.rps = round(outcome.requests / outcome.seconds, 1) if outcome.seconds else 0.0
    if load.wrk and outcome.requests >= load.max_requests * 0.98 and summary["mean_us"]:
        # The count bound stopped the threads early, but wrk reports the full -d duration:
        # take the throughput from Little's law (connections / mean latency) instead.
        outcome.rps = round(load.connections / (summary["mean_us"] / 1e6), 1)
        outcome.note = ""
        outcome.extra["capped"] = True
    outcome.p50_ms = round(summary["p50_us"] / 1000, 2)
    outcome.p99_ms = round(summary["p99_us"] / 1000, 2)
    outcome.errors = int(summary["errors"])
    outcome.peak_rss_mb = peak_mb(pids)
    if outcome.requests:
        # What a request costs the server's workers, less moved by other work on the machine
        # than the throughput (PostgreSQL's own CPU is not in it).
        outcome.extra["worker_cpu_us_per_request"] = round(cpu / outcome.requests * 1e6)
    if summary.get("stderr"):
        outcome.extra["stderr"] = summary["stderr"]
    print(
        f"[bench] {name:<34} {outcome.rps:>8.1f} req/s  p50 {outcome.p50_ms:>7.2f} ms  "
        f"p99 {outcome.p99_ms:>7.2f} ms  errors {outcome.errors}  rss {outcome.peak_rss_mb} MB  "
        f"cpu {outcome.extra.get('worker_cpu_us_per_request')} µs/req",
        flush=True,
    )
    return outcome


def one_shot(
    load: Load, server: Server, name: str, group: str, path: str, token: str, *, repeat: int = 1
) -> Outcome | None:
    """Sequential single requests, streamed to nowhere: wall time, size, peak RSS."""
    if load.skips(group):
        return None
    pids = server.workers()
    reset_peaks(pids)
    times, size, status = [], 0, 0
    with httpx.Client(base_url=server.base, timeout=600) as client:
        for _ in range(repeat):
            started = time.perf_counter()
            size = 0
            with client.stream(
                "GET", path, headers={"Authorization": f"Bearer {token}"}
            ) as response:
                status = response.status_code
                for chunk in response.iter_bytes():
                    size += len(chunk)
            times.append(time.perf_counter() - started)
    outcome = Outcome(name=name, group=group, target="app", requests=repeat)
    outcome.seconds = round(sum(times), 3)
    outcome.p50_ms = round(sorted(times)[len(times) // 2] * 1000, 1)
    outcome.p99_ms = round(max(times) * 1000, 1)
    outcome.errors = 0 if status < 400 else repeat
    outcome.peak_rss_mb = peak_mb(pids)
    outcome.extra = {
        "one_shot": True,
        "bytes": size,
        "status": status,
        "seconds_each": [round(t, 3) for t in times],
    }
    print(
        f"[bench] {name:<34} {repeat} × {outcome.p50_ms:.0f} ms (max {outcome.p99_ms:.0f} ms), "
        f"{size / 1e6:.1f} MB, status {status}, rss {outcome.peak_rss_mb} MB",
        flush=True,
    )
    return outcome


# --------------------------------------------------------------------------------------------
# The scenarios.
# --------------------------------------------------------------------------------------------


def token_for(base: str, form: dict[str, str]) -> str:
    response = httpx.post(f"{base}/api/v1/auth/token", data=form, timeout=30)
    response.raise_for_status()
    return str(response.json()["access_token"])


def tsv(method: str, path: str, body: str = "-", headers: str = "-") -> str:
    return "\t".join((method, path, body, headers))


def history_ids(dataset: dict[str, Any], count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    first, every = dataset["first_customer_id"], dataset["history_every"]
    return [
        first - 1 + every * rng.randrange(1, dataset["history_customers"]) for _ in range(count)
    ]


def any_ids(dataset: dict[str, Any], count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    first, last = dataset["first_customer_id"], dataset["last_customer_id"]
    return [rng.randrange(first, last + 1) for _ in range(count)]


def search_lines(dataset: dict[str, Any]) -> tuple[list[str], list[str]]:
    names = [
        tsv("GET", f"/api/v1/customers?q={quote(fragment)}&limit=20")
        for fragment in dataset["search_fragments"]
    ]
    phones = [
        tsv("GET", f"/api/v1/customers?q={fragment}&limit=20")
        for fragment in dataset["phone_fragments"]
    ]
    return names, phones


def scenarios(
    load: Load,
    app: Server,
    ref: Server | None,
    dataset: dict[str, Any],
    tokens: dict[str, str],
    today: str,
) -> list[Outcome]:
    out: list[Outcome | None] = []
    owner, pos = tokens["owner"], tokens["pos"]

    def ref_measure(name: str, group: str, lines: list[str]) -> None:
        if ref is not None:
            out.append(measure(load, ref, name, group, "ref", lines, None))

    for size, special in dataset["special"].items():
        cid = special["id"]
        deep_key = ",".join(map(str, special["deep_key"]))
        out.append(
            measure(
                load, app, f"statement p1 ({size} entries)", "statement", "app",
                [tsv("GET", f"/api/v1/customers/{cid}/statement")], owner,
            )
        )  # fmt: skip
        ref_measure(
            f"ref statement p1 ({size} entries)", "statement",
            [tsv("GET", f"/ref/customers/{cid}/statement")],
        )  # fmt: skip
        out.append(
            measure(
                load, app, f"statement deep ({size} entries)", "statement", "app",
                [tsv("GET", f"/api/v1/customers/{cid}/statement?cursor={special['deep_cursor']}")],
                owner,
            )
        )  # fmt: skip
        ref_measure(
            f"ref statement deep ({size} entries)", "statement",
            [tsv("GET", f"/ref/customers/{cid}/statement?before={deep_key}")],
        )  # fmt: skip

    ids = any_ids(dataset, 2000, seed=1)
    out.append(
        measure(
            load, app, "customer read", "customers", "app",
            [tsv("GET", f"/api/v1/customers/{i}") for i in ids], owner,
        )
    )  # fmt: skip
    ref_measure("ref customer read", "customers", [tsv("GET", f"/ref/customers/{i}") for i in ids])

    names, phones = search_lines(dataset)
    out.append(measure(load, app, "search by name (POS)", "search", "app", names, pos))
    out.append(measure(load, app, "search by phone (POS)", "search", "app", phones, pos))
    for lines, kind in ((names, "name"), (phones, "phone")):
        out.append(
            measure(
                load, app, f"search by {kind} (POS, tills)", "search", "app", lines, pos,
                pace_ms=TILL_PAUSE_MS,
            )
        )  # fmt: skip

    credit = dataset["credit_customers"]
    payment = json.dumps({"method": "PIX", "amount": "12.34", "received_on": today})
    out.append(
        measure(
            load, app, "payment post (Idempotency-Key)", "payments", "app",
            [tsv("POST", f"/api/v1/customers/{c}/payments", payment,
                 "Idempotency-Key: bench-pay-{{n}}") for c in credit],
            pos,
        )
    )  # fmt: skip
    bare = json.dumps({"method": "PIX", "amount": 1234, "received_on": today})
    ref_measure(
        "ref payment insert", "payments",
        [tsv("POST", f"/ref/customers/{c}/payments", bare) for c in credit],
    )  # fmt: skip
    out.append(
        measure(
            load, app, "credit sale (POST /orders)", "orders", "app",
            [
                tsv("POST", "/api/v1/orders", json.dumps({
                    "customer_id": c, "kind": "order", "delivery_type": "single",
                    "total": "25.00", "payment_terms": "credit"}),
                    "Idempotency-Key: bench-sale-{{n}}")
                for c in credit
            ],
            pos,
        )
    )  # fmt: skip
    # The till's usual sale: delivered now and paid in full in cash, under a key.
    out.append(
        measure(
            load, app, "sale at the till (POST /sales)", "orders", "app",
            [
                tsv("POST", "/api/v1/sales", json.dumps({
                    "customer_id": c, "total": "25.00", "delivery": "now",
                    "payments": [{"method": "CASH", "amount": "25.00"}]}),
                    "Idempotency-Key: bench-till-{{n}}")
                for c in credit
            ],
            pos,
        )
    )  # fmt: skip
    ref_measure(
        "ref sale insert", "orders",
        [tsv("POST", f"/ref/customers/{c}/sales", json.dumps({"total": 2500})) for c in credit],
    )  # fmt: skip
    out.append(
        measure(
            load, app, "credit report", "reports", "app",
            [tsv("GET", f"/api/v1/customers/{i}/report") for i in history_ids(dataset, 1000, 2)],
            owner,
        )
    )  # fmt: skip

    out.append(
        one_shot(
            load,
            app,
            "receivables ageing (JSON page)",
            "reports",
            "/api/v1/reports/receivables-ageing",
            owner,
            repeat=3,
        )
    )
    out.append(
        one_shot(
            load,
            app,
            "receivables ageing (CSV, all)",
            "reports",
            "/api/v1/reports/receivables-ageing?format=csv",
            owner,
        )
    )
    out.append(
        one_shot(
            load,
            app,
            "customers CSV export (all)",
            "export",
            "/api/v1/customers/export?format=csv",
            owner,
        )
    )
    return [o for o in out if o is not None]


def with_ratios(outcomes: list[Outcome]) -> None:
    refs = {o.name.removeprefix("ref "): o for o in outcomes if o.target == "ref"}
    pairs = {
        "payment post (Idempotency-Key)": "payment insert",
        "sale at the till (POST /sales)": "sale insert",
    }
    for o in outcomes:
        if o.target != "app":
            continue
        ref = refs.get(pairs.get(o.name, o.name))
        if ref is not None and ref.rps:
            o.reference = ref.name
            o.ratio = round(o.rps / ref.rps, 2)


def search_at_sizes(
    load: Load, sizes: list[int], workers: int, tokens_form: dict[str, str]
) -> list[Outcome]:
    """The search lines again on smaller customer tables (built if missing)."""
    out: list[Outcome | None] = []
    for size in sizes:
        database = f"custledger_bench_{size // 1000}k"
        dataset_file = RESULTS / f"dataset-{size // 1000}k.json"
        if not dataset_file.exists() or not database_exists(database):
            subprocess.run(  # noqa: S603 - our own argv
                [
                    sys.executable, "-m", "bench.build", "--database", database,
                    "--customers", str(size), "--payments", str(max(200_000, size)),
                    "--history-customers", str(max(100, size // 100)), "--skip-verify",
                    "--dataset", str(dataset_file),
                ],
                cwd=ROOT, check=True,
            )  # fmt: skip
        else:
            build.migrate(database)
        dataset = json.loads(dataset_file.read_text())
        server = app_server(dataset["dsn"], workers, SIZE_PORT, name=f"server-{size // 1000}k")
        try:
            server.wait_ready()
            pos = token_for(server.base, tokens_form)
            names, phones = search_lines(dataset)
            label = f"{size:,} customers".replace(",", " ")
            out.append(
                measure(load, server, f"search by name ({label})", "search-size", "app", names, pos)
            )
            out.append(
                measure(
                    load, server, f"search by phone ({label})", "search-size", "app", phones, pos
                )
            )
        finally:
            server.stop()
    return [o for o in out if o is not None]


def database_exists(database: str) -> bool:
    async def check() -> bool:
        import asyncpg

        conn = await asyncpg.connect(build.ADMIN_DSN)
        try:
            found = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database)
        finally:
            await conn.close()
        return bool(found)

    return asyncio.run(check())


def ensure_dataset(args: argparse.Namespace) -> dict[str, Any]:
    scale = SCALES[args.scale]
    described = Path(args.dataset)
    if described.exists() and not args.rebuild:
        dataset: dict[str, Any] = json.loads(described.read_text())
        if (
            dataset["counts"]["customers"] == scale["customers"]
            and dataset["database"] == args.database
            and database_exists(args.database)
        ):
            print(f"[bench] reusing {args.database} ({dataset['counts']})", flush=True)
            build.migrate(args.database)  # a reused database gets the migrations made since
            return dataset
    subprocess.run(  # noqa: S603 - our own argv
        [
            sys.executable, "-m", "bench.build", "--database", args.database,
            "--customers", str(scale["customers"]), "--payments", str(scale["payments"]),
            "--history-customers", str(scale["history_customers"]),
            "--dataset", str(described),
        ],
        cwd=ROOT, check=True,
    )  # fmt: skip
    loaded: dict[str, Any] = json.loads(described.read_text())
    return loaded


# --------------------------------------------------------------------------------------------
# The table.
# --------------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with contextlib.suppress(OSError):
        memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    postgres = subprocess.run(  # noqa: S603
        ["psql", "-h", HOST, "-U", "postgres", "-Atc", "SHOW server_version"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": memory,
        "python": platform.python_version(),
        "kernel": platform.release(),
        "postgresql": postgres,
        "load_average_before": os.getloadavg(),
    }


def table(outcomes: list[Outcome]) -> str:
    head = (
        "| scenario | req/s | p50 ms | p99 ms | errors | ratio to reference | peak RSS MB "
        "| workers' CPU µs/request |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for o in outcomes:
        if o.note:
            rows.append(f"| {o.name} | {o.note} | | | | | | |")
            continue
        rate = f"{o.requests} × one request" if o.extra.get("one_shot") else f"{o.rps:,.0f}"
        ratio = f"{o.ratio:.2f} of {o.reference}" if o.ratio is not None else ""
        cpu = o.extra.get("worker_cpu_us_per_request", "")
        rows.append(
            f"| {o.name} | {rate} | {o.p50_ms} | {o.p99_ms} | {o.errors} | {ratio} | "
            f"{o.peak_rss_mb} | {cpu} |"
        )
    return head + "\n".join(rows) + "\n"


def targets(outcomes: list[Outcome], dataset: dict[str, Any]) -> list[str]:
    by = {o.name: o for o in outcomes}
    lines = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "MISSED"

    for page in ("p1", "deep"):
        small = by.get(f"statement {page} (100 entries)")
        large = by.get(f"statement {page} (100000 entries)")
        if small and large and large.rps and large.p50_ms and small.p50_ms:
            cost = small.rps / large.rps
            lines.append(
                f"statement {page}: 100,000-entry page costs {cost:.2f}× the 100-entry page "
                f"(throughput; p50 {large.p50_ms} vs {small.p50_ms} ms) — target ≤ 1.5×: "
                f"{verdict(cost <= 1.5)}"
            )
    for name, floor in (
        ("statement p1 (100000 entries)", 0.5),
        ("statement deep (100000 entries)", 0.5),
        ("customer read", 0.5),
        ("payment post (Idempotency-Key)", 0.35),
        ("sale at the till (POST /sales)", 0.30),
    ):
        o = by.get(name)
        if o and o.ratio is not None:
            lines.append(
                f"{name}: {o.ratio:.2f} of the reference — target ≥ {floor}: "
                f"{verdict(o.ratio >= floor)}"
            )
    for name in (
        "search by name (POS)",
        "search by phone (POS)",
        "search by name (POS, tills)",
        "search by phone (POS, tills)",
    ):
        o = by.get(name)
        if o and o.p99_ms is not None:
            customers = dataset["counts"]["customers"]
            how = (
                f"{TILL_PAUSE_MS} ms mean pause after each answer"
                if "tills" in name
                else "no pause"
            )
            lines.append(
                f"{name}: p99 {o.p99_ms} ms at 32 connections ({how}, {o.rps:,.0f} req/s) over "
                f"{customers:,} customers — target < 25 ms: {verdict(o.p99_ms < 25)}"
            )
    ageing = by.get("receivables ageing (JSON page)")
    if ageing and ageing.p99_ms is not None:
        lines.append(
            f"receivables ageing over {dataset['history_customers']:,} customers with history: "
            f"slowest {ageing.p99_ms / 1000:.2f} s — target < 3 s: "
            f"{verdict(ageing.p99_ms < 3000)}"
        )
    export = by.get("customers CSV export (all)")
    if export and export.peak_rss_mb is not None:
        lines.append(
            f"customers CSV export ({export.extra.get('bytes', 0) / 1e6:.0f} MB in "
            f"{export.seconds:.1f} s): peak RSS {export.peak_rss_mb} MB — target < 150 MB: "
            f"{verdict(export.peak_rss_mb < 150)}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="make bench")
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--database", default=build.DEFAULT_DATABASE)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--dataset", default=str(build.DATASET), help="The data's description.")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=int, default=15, help="Seconds per scenario (max).")
    parser.add_argument("--max-requests", type=int, default=60_000, help="Per scenario (max).")
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of warm-up per scenario.")
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument(
        "--only",
        default="",
        help="Comma-separated scenario groups: statement, customers, search, payments, orders, "
        "reports, export (default: all)",
    )
    parser.add_argument(
        "--search-sizes",
        default="",
        help="Comma-separated smaller customer counts, e.g. 10000,100000",
    )
    args = parser.parse_args()
    if args.scale == "small" and args.database == build.DEFAULT_DATABASE:
        args.database = "custledger_bench_small"
    if args.scale == "small" and args.dataset == str(build.DATASET):
        args.dataset = str(RESULTS / "dataset-small.json")

    started = time.perf_counter()
    wrk = ensure_wrk()
    only = frozenset(g.strip() for g in args.only.split(",") if g.strip())
    load = Load(args.connections, args.duration, args.max_requests, args.warmup, wrk, only=only)
    dataset = ensure_dataset(args)
    info = machine()
    today = datetime.now(UTC).astimezone().date().isoformat()
    with contextlib.suppress(Exception):
        from custledger.kit import clock

        today = clock.today().isoformat()

    outcomes: list[Outcome] = []
    servers: list[Server] = []
    try:
        app = app_server(dataset["dsn"], args.workers, APP_PORT)
        servers.append(app)
        ref = None
        if not args.no_reference:
            ref = ref_server(dataset["dsn"], args.workers)
            servers.append(ref)
        for server in servers:
            server.wait_ready()
        tokens = {
            "owner": token_for(
                app.base,
                {"grant_type": "password", **dataset["owner"]},
            ),
            "pos": token_for(app.base, {"grant_type": "client_credentials", **dataset["pos"]}),
        }
        outcomes += scenarios(load, app, ref, dataset, tokens, today)
    finally:
        for server in reversed(servers):
            server.stop()
    sizes = [int(s) for s in args.search_sizes.split(",") if s.strip()]
    if sizes:
        form = {"grant_type": "client_credentials", **dataset["pos"]}
        outcomes += search_at_sizes(load, sizes, args.workers, form)
    with_ratios(outcomes)

    report = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": info,
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "duration_s": args.duration,
            "max_requests": args.max_requests,
            "warmup_s": args.warmup,
            "load_generator": "wrk" if wrk else "bench.loadgen (httpx)",
            "server": "custledger serve --workers N, CUSTLEDGER_ENVIRONMENT=production, "
            "INFO logs to bench/results/server.log",
        },
        "dataset": {k: dataset[k] for k in ("database", "counts", "history_customers")},
        "results": [asdict(o) for o in outcomes],
        "targets": targets(outcomes, dataset),
        "seconds": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    text = (
        f"# bench results {report['when']}\n\n"
        f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_mb']} MB, "
        f"PostgreSQL {info['postgresql']}, Python {info['python']}\n\n"
        f"data: {dataset['counts']}\n\n"
        f"load: {report['settings']['load_generator']}, {args.connections} connections, "
        f"≤ {args.duration} s and ≤ {args.max_requests} requests per scenario, "
        f"server workers {args.workers}\n\n" + table(outcomes) + "\n"
        + "\n".join(f"- {line}" for line in report["targets"]) + "\n"
    )  # fmt: skip
    (RESULTS / "results.md").write_text(text)
    print()
    print(text)


if __name__ == "__main__":
    main()
