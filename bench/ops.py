"""Operations measurements on the bench database (loopback only, bounded in time; see
docs/performance.md "Fair limits and metrics"):

- ``flood``: 31 tills search by name at the tills' pace, each its own POS client, without and
  then with a flood from a 32nd client (unpaced, many connections), in alternating runs: the
  tills' p99 with the flood against without, and what the flood got (200s and 429s).
- ``metrics``: paired runs of one scenario (customer read, unpaced) against a server with
  metrics off and one with metrics on, alternating: each worker's CPU time per request.

Never builds the bench database: it must exist (``dataset-small.json`` in bench/results). The
flood's 32 POS clients are added to it for the run and removed at the end; their tokens are
signed with the server's secret, which this script chooses.

    flock /tmp/bench.lock .venv/bin/python -m bench.ops flood --duration 10
    flock /tmp/bench.lock .venv/bin/python -m bench.ops metrics --duration 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import threading
import time
from pathlib import Path
from typing import Any

import asyncpg

from bench.run import (
    APP_PORT,
    HOST,
    RESULTS,
    TILL_PAUSE_MS,
    VENV_BIN,
    Load,
    Server,
    any_ids,
    database_exists,
    ensure_wrk,
    run_load,
    search_lines,
    token_for,
    tsv,
    write_requests,
)

TILLS = 31
FLOOD_LEAD_S = 3
CLIENT_PREFIX = "bench_flood_"
TICKS = os.sysconf("SC_CLK_TCK")


def dataset() -> dict[str, Any]:
    described = RESULTS / "dataset-small.json"
    if not described.exists():
        raise SystemExit(f"{described} is missing: copy the built dataset's description there")
    found: dict[str, Any] = json.loads(described.read_text())
    if not database_exists(found["database"]):
        raise SystemExit(f"the bench database {found['database']} does not exist")
    return found


def server(dsn: str, secret: str, name: str, **settings: str) -> Server:
    env = dict(
        os.environ,
        CUSTLEDGER_DATABASE_URL=dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        CUSTLEDGER_ENVIRONMENT="production",
        CUSTLEDGER_SECRET_KEY=secret,
        CUSTLEDGER_TOKEN_TTL_MINUTES="240",  # noqa: S106 - a lifetime, not a secret
        **{f"CUSTLEDGER_{key.upper()}": value for key, value in settings.items()},
    )
    argv = [str(VENV_BIN / "custledger"), "serve", "--host", HOST, "--port", str(APP_PORT)]
    return Server(name, [*argv, "--workers", "2"], env, APP_PORT)


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


# --------------------------------------------------------------------------------------------
# The flood.
# --------------------------------------------------------------------------------------------


async def add_clients(dsn: str, count: int) -> list[int]:
    from custledger.auth.roles import ROLE_PERMISSIONS, Role

    permissions = json.dumps(sorted(ROLE_PERMISSIONS[Role("pos-terminal")]))
    conn = await asyncpg.connect(dsn)
    try:
        store = await conn.fetchval("SELECT id FROM stores WHERE code = 'MAIN'")
        ids = []
        for n in range(count):
            ids.append(
                await conn.fetchval(
                    "INSERT INTO principals (kind, name, client_id, secret_hash, role, "
                    "permissions, store_id, active, failed_logins, version, created_at, "
                    "updated_at) VALUES ('api_client', $1, $1, 'unusable', 'pos-terminal', "
                    "$2, $3, true, 0, 1, now(), now()) RETURNING id",
                    f"{CLIENT_PREFIX}{n}",
                    permissions,
                    store,
                )
            )
        return ids
    finally:
        await conn.close()


async def remove_clients(dsn: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DELETE FROM principals WHERE client_id LIKE $1", CLIENT_PREFIX + "%")
    finally:
        await conn.close()


def mint(secret: str, principal_id: int) -> str:
    from custledger.auth import tokens
    from custledger.config import Settings

    settings = Settings(secret_key=secret, environment="production", token_ttl_minutes=240)
    return tokens.issue(settings, principal_id)[0]


def flood(args: argparse.Namespace) -> dict[str, Any]:
    data = dataset()
    dsn = data["dsn"]
    secret = secrets.token_urlsafe(48)
    wrk = ensure_wrk()
    tills_load = Load(TILLS, args.duration, 10**9, 0, wrk, threads=1)
    flood_load = Load(args.flood_connections, args.duration, 10**9, 0, wrk, threads=1)
    asyncio.run(remove_clients(dsn))
    ids = asyncio.run(add_clients(dsn, TILLS + 1))
    runs: list[dict[str, Any]] = []
    app = server(dsn, secret, "ops-flood")
    try:
        app.wait_ready()
        till_tokens = [mint(secret, i) for i in ids[:TILLS]]
        flooder = mint(secret, ids[TILLS])
        names, _ = search_lines(data)
        lines = []
        for n, line in enumerate(names * TILLS):
            method, path, body, _ = line.split("\t")
            token = till_tokens[n % TILLS]
            lines.append(tsv(method, path, body, f"Authorization: Bearer {token}"))
        tills_file = write_requests("ops-tills", lines)
        flood_file = write_requests("ops-flood", names)
        # Warm the workers (statement caches, the planner's kept estimates) without measuring.
        run_load(tills_load, app.base, tills_file, None, seconds=5, cap=10**9, pace_ms=50)
        for round_ in range(args.rounds):
            for flooded in (False, True):
                result: dict[str, Any] = {"round": round_ + 1, "flood": flooded}
                flood_summary: dict[str, Any] = {}

                def run_flood(out: dict[str, Any] = flood_summary) -> None:
                    out.update(
                        run_load(
                            flood_load, app.base, flood_file, flooder,
                            seconds=args.duration + FLOOD_LEAD_S, cap=10**9,
                        )
                    )  # fmt: skip

                thread = threading.Thread(target=run_flood) if flooded else None
                if thread:
                    # The flood is under way (its burst spent) when the tills are measured.
                    thread.start()
                    time.sleep(FLOOD_LEAD_S)
                tills = run_load(
                    tills_load, app.base, tills_file, None, seconds=args.duration, cap=10**9,
                    pace_ms=TILL_PAUSE_MS,
                )  # fmt: skip
                if thread:
                    thread.join()
                result["tills"] = _figures(tills)
                if flood_summary:
                    result["flooder"] = _figures(flood_summary)
                print(f"[ops] {json.dumps(result)}", flush=True)
                runs.append(result)
    finally:
        app.stop()
        asyncio.run(remove_clients(dsn))
    quiet = [r["tills"]["p99_ms"] for r in runs if not r["flood"]]
    loud = [r["tills"]["p99_ms"] for r in runs if r["flood"]]
    return {
        "scenario": f"{TILLS} tills (each its own POS client) search by name, pause 0-"
        f"{2 * TILL_PAUSE_MS} ms; flood: one more POS client, {args.flood_connections} "
        f"connections, no pause, started {FLOOD_LEAD_S} s before the tills are measured; "
        "2 workers, default budgets",
        "duration_s": args.duration,
        "load_generator": "wrk" if wrk else "bench.loadgen",
        "runs": runs,
        "tills_p99_ms_without_flood": quiet,
        "tills_p99_ms_with_flood": loud,
        "ratio_of_medians": round(statistics.median(loud) / statistics.median(quiet), 2),
    }


def _figures(summary: dict[str, Any]) -> dict[str, Any]:
    requests = int(summary["requests"])
    seconds = float(summary["seconds"]) or 1.0
    return {
        "requests": requests,
        "rps": round(requests / seconds, 1),
        "non_2xx": int(summary.get("status_errors", summary.get("errors", 0))),
        "p50_ms": round(summary["p50_us"] / 1000, 2),
        "p99_ms": round(summary["p99_us"] / 1000, 2),
    }


# --------------------------------------------------------------------------------------------
# Metrics on and off.
# --------------------------------------------------------------------------------------------


def metrics_cost(args: argparse.Namespace) -> dict[str, Any]:
    data = dataset()
    dsn = data["dsn"]
    secret = secrets.token_urlsafe(48)
    wrk = ensure_wrk()
    load = Load(32, args.duration, 10**9, 0, wrk)
    lines = [tsv("GET", f"/api/v1/customers/{i}") for i in any_ids(data, 2000, seed=1)]
    requests_file = write_requests("ops-customer-read", lines)
    runs: list[dict[str, Any]] = []
    # The bench's throughput is far over a principal's budget: off for both.
    limits = {"rate_limit": "false"}
    for round_ in range(args.rounds):
        for enabled in (False, True) if round_ % 2 == 0 else (True, False):
            app = server(dsn, secret, "ops-metrics", metrics_enabled=str(enabled).lower(), **limits)
            try:
                app.wait_ready()
                owner = token_for(app.base, {"grant_type": "password", **data["owner"]})
                run_load(load, app.base, requests_file, owner, seconds=3, cap=10**9)
                pids = app.workers()
                before = cpu_seconds(pids)
                summary = run_load(
                    load, app.base, requests_file, owner, seconds=args.duration, cap=10**9
                )
                used = cpu_seconds(pids) - before
                figures = _figures(summary)
                figures["worker_cpu_us_per_request"] = round(
                    used / max(1, figures["requests"]) * 1e6, 1
                )
                if enabled:
                    import httpx

                    scraped = httpx.get(f"{app.base}/metrics", timeout=10)
                    figures["metrics_status"] = scraped.status_code
                    figures["metrics_bytes"] = len(scraped.content)
            finally:
                app.stop()
            result = {"round": round_ + 1, "metrics": enabled, **figures}
            print(f"[ops] {json.dumps(result)}", flush=True)
            runs.append(result)
    off = [r["worker_cpu_us_per_request"] for r in runs if not r["metrics"]]
    on = [r["worker_cpu_us_per_request"] for r in runs if r["metrics"]]
    return {
        "scenario": "customer read by id, 32 connections, no pause, 2 workers, owner token, "
        "rate limits off",
        "duration_s": args.duration,
        "load_generator": "wrk" if wrk else "bench.loadgen",
        "runs": runs,
        "cpu_us_per_request_off": off,
        "cpu_us_per_request_on": on,
        "ratio_of_medians": round(statistics.median(on) / statistics.median(off), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["flood", "metrics"])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--flood-connections", type=int, default=8)
    args = parser.parse_args()
    report = flood(args) if args.what == "flood" else metrics_cost(args)
    out = RESULTS / f"ops-{args.what}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    main()
