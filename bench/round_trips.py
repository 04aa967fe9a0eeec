"""The database round trips of one money write, counted in-process (docs/performance.md).

    python -m bench.round_trips --dataset bench/results/dataset-small.json --requests 200

Calls the app through httpx's ASGI transport (no HTTP socket), so every socket write is one the
database driver makes: a round trip to PostgreSQL (the driver sends a statement's messages in
one write and waits for the answer; a statement it must prepare first is two). Counted over
``--requests`` requests of each scenario after a warm-up (the driver's statement caches filled),
on a bench database (``bench.build``); the writes add rows to it as the bench's scenarios do.
The CPU time is the whole process's (the app, the driver and the httpx client, which costs the
same in every scenario) while the requests run one at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import time
from asyncio import selector_events
from typing import Any

WRITES = 0


def _counting(method: Any) -> Any:
    def write(self: Any, data: Any) -> Any:
        global WRITES
        WRITES += 1
        return method(self, data)

    return write


def count_socket_writes() -> None:
    transport = selector_events._SelectorSocketTransport
    transport.write = _counting(transport.write)  # type: ignore[method-assign]
    transport.writelines = _counting(transport.writelines)  # type: ignore[method-assign]


def scenarios(dataset: dict[str, Any], today: str) -> dict[str, Any]:
    """Each scenario: (path, body of the n-th request) as bench.run sends them."""
    credit = dataset["credit_customers"]
    return {
        "payment post (Idempotency-Key)": lambda n: (
            f"/api/v1/customers/{credit[n % len(credit)]}/payments",
            {"method": "PIX", "amount": "12.34", "received_on": today},
        ),
        "sale at the till (POST /sales)": lambda n: (
            "/api/v1/sales",
            {
                "customer_id": credit[n % len(credit)],
                "total": "25.00",
                "delivery": "now",
                "payments": [{"method": "CASH", "amount": "25.00"}],
            },
        ),
    }


async def run(dataset: dict[str, Any], requests: int, warmup: int, only: str) -> None:
    import httpx

    from custledger.app import create_app
    from custledger.kit import clock

    app = create_app()
    run_id = secrets.token_hex(4)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench"
    ) as client:
        form = {"grant_type": "client_credentials", **dataset["pos"]}
        token = (await client.post("/api/v1/auth/token", data=form)).json()["access_token"]
        for name, request in scenarios(dataset, clock.today().isoformat()).items():
            if only and not name.startswith(only):
                continue
            counted, cpu = 0, 0.0
            for n in range(warmup + requests):
                path, body = request(n)
                headers = {
                    "Authorization": f"Bearer {token}",
                    "Idempotency-Key": f"round-trips-{run_id}-{name[:4]}-{n}",
                }
                before, started = WRITES, time.process_time()
                response = await client.post(path, json=body, headers=headers)
                if response.status_code != 201:
                    raise SystemExit(f"{name}: {response.status_code} {response.text}")
                if n >= warmup:
                    counted += WRITES - before
                    cpu += time.process_time() - started
            print(
                f"{name}: {counted / requests:.2f} round trips, {cpu / requests * 1e6:,.0f} µs "
                f"of this process's CPU a request ({requests} requests)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", required=True, help="bench.build's description of the data")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--only", default="", help="the scenarios whose name starts so")
    args = parser.parse_args()
    with open(args.dataset) as described:
        dataset = json.load(described)
    os.environ.update(
        CUSTLEDGER_DATABASE_URL=dataset["dsn"].replace("postgresql://", "postgresql+asyncpg://", 1),
        CUSTLEDGER_ENVIRONMENT="production",
        CUSTLEDGER_SECRET_KEY=secrets.token_urlsafe(48),
        CUSTLEDGER_RATE_LIMIT="false",
        CUSTLEDGER_LOG_LEVEL="WARNING",
    )
    count_socket_writes()
    asyncio.run(run(dataset, args.requests, args.warmup, args.only))


if __name__ == "__main__":
    main()
