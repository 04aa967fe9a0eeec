"""Time the reports on a large PostgreSQL database (docs/decisions/reports.md has the figures).

    createdb -h 127.0.0.1 -U postgres cl_reports
    CUSTLEDGER_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1/cl_reports custledger migrate
    CUSTLEDGER_DATABASE_URL=... python bench/reports_ageing.py --customers 100000

Fills an empty database with N customers of 3 delivered credit orders and 2 received payments
each (plus a pending payment for one customer in five), generated in SQL, then calls the
report routes in-process through the app and prints the median of a few runs of each.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx
from sqlalchemy import text

FILL = [
    """
    INSERT INTO principals (kind, name, username, password_hash, role, permissions, store_id,
                            active, failed_logins, version, created_at, updated_at)
    SELECT 'user', 'bench owner', 'bench-owner', 'x', 'owner', '["owner"]'::jsonb, s.id,
           true, 0, 1, now(), now()
    FROM stores s WHERE s.code = 'MAIN'
    ON CONFLICT (username) DO NOTHING
    """,
    """
    INSERT INTO customers (number, store_id, is_quick_sale, name, active, blocked, production,
                           balance, credit_reserved, total_purchases, search_text, sort_name,
                           version, created_at, updated_at)
    SELECT 1000 + g, s.id, false, 'Customer ' || g, true, false, false, 0, 0, 0,
           'customer ' || g, 'customer ' || g, 1, now(), now()
    FROM generate_series(1, :n) g CROSS JOIN stores s WHERE s.code = 'MAIN'
    """,
    "SELECT setseed(0.42)",
    """
    INSERT INTO orders (number, customer_id, store_id, created_by_id, status, delivery_type,
                        payment_terms, total, delivered_amount, placed_on, version,
                        created_at, updated_at)
    SELECT 1000000 + c.id * 3 + k, c.id, c.store_id, p.id, 'delivered', 'single', 'credit',
           t.total, t.total, DATE '2025-01-01' + (random() * 420)::int, 1, now(), now()
    FROM customers c
    CROSS JOIN generate_series(1, 3) k
    CROSS JOIN LATERAL (SELECT (1000 + random() * 90000)::bigint AS total, k AS kk) t
    CROSS JOIN (SELECT id FROM principals WHERE username = 'bench-owner') p
    WHERE NOT c.is_quick_sale
    """,
    """
    INSERT INTO deliveries (order_id, customer_id, sequence, delivered_on, amount,
                            created_by_id, created_at)
    SELECT o.id, o.customer_id, 1, o.placed_on, o.total, o.created_by_id, now() FROM orders o
    """,
    """
    INSERT INTO payments (customer_id, recorded_by_id, method, amount, due_date, received_on,
                          version, created_at, updated_at)
    SELECT o.customer_id, o.created_by_id, 'PIX', GREATEST(1, (o.total * random())::bigint),
           o.placed_on + 30, LEAST(DATE '2026-03-01', o.placed_on + (random() * 150)::int),
           1, now(), now()
    FROM orders o WHERE o.number % 3 <> 0
    """,
    """
    INSERT INTO payments (customer_id, recorded_by_id, method, amount, due_date, received_on,
                          version, created_at, updated_at)
    SELECT o.customer_id, o.created_by_id, 'BOLETO', o.total, o.placed_on + 60, NULL,
           1, now(), now()
    FROM orders o WHERE o.number % 15 = 0
    """,
    """
    UPDATE customers c SET balance =
        coalesce((SELECT sum(amount) FROM payments p
                  WHERE p.customer_id = c.id AND p.received_on IS NOT NULL), 0)
      - coalesce((SELECT sum(amount) FROM deliveries d WHERE d.customer_id = c.id), 0)
    """,
    "ANALYZE",
]


async def fill(customers: int) -> None:
    from custledger.kit.db import get_database

    database = get_database()
    async with database.engine.connect() as connection:
        existing = await connection.scalar(
            text("SELECT count(*) FROM customers WHERE NOT is_quick_sale")
        )
        if existing:
            print(f"database already holds {existing} customers; not filling")
            return
        started = time.perf_counter()
        for statement in FILL:
            await connection.execute(text(statement), {"n": customers} if ":n" in statement else {})
            await connection.commit()
        print(f"filled {customers} customers in {time.perf_counter() - started:.1f} s")
    async with database.engine.connect() as connection:
        for table in ("customers", "orders", "deliveries", "payments"):
            count = await connection.scalar(text(f"SELECT count(*) FROM {table}"))
            print(f"  {table}: {count}")


async def timed(label: str, call: Callable[[], Awaitable[object]], runs: int = 3) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        times.append(time.perf_counter() - started)
    print(f"{label:<62} median {statistics.median(times) * 1000:8.0f} ms")


async def measure() -> None:
    from custledger.app import create_app
    from custledger.auth import tokens
    from custledger.config import get_settings
    from custledger.kit.db import get_database

    async with get_database().engine.connect() as connection:
        owner = await connection.scalar(
            text("SELECT id FROM principals WHERE username = 'bench-owner'")
        )
        some_customer = await connection.scalar(
            text("SELECT id FROM customers WHERE NOT is_quick_sale ORDER BY id OFFSET 5000 LIMIT 1")
        )
        last_customer = await connection.scalar(text("SELECT max(id) FROM customers"))
    token, _ = tokens.issue(get_settings(), int(owner))
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def get(url: str, **params: object) -> httpx.Response:
            response = await client.get(url, params=params, headers=headers, timeout=600)
            assert response.status_code == 200, response.text
            return response

        ageing = "/api/v1/reports/receivables-ageing"
        first = (await get(ageing, as_of="2026-03-10")).json()
        print(f"first page: {len(first['items'])} rows, totals {first['totals']}")
        deep = encode_deep_cursor(int(last_customer) - 2000)
        await timed(
            "ageing, first page of 100 (with totals)", lambda: get(ageing, as_of="2026-03-10")
        )
        await timed(
            "ageing, page of 100 near the end (cursor)",
            lambda: get(ageing, as_of="2026-03-10", cursor=deep),
        )
        await timed("ageing, page of 1000", lambda: get(ageing, as_of="2026-03-10", limit=1000))
        await timed(
            "ageing as of 2025-06-30 (a past date), page of 100",
            lambda: get(ageing, as_of="2025-06-30"),
        )
        csv_response = await get(ageing, as_of="2026-03-10", format="csv")
        lines = csv_response.text.count("\n")
        print(f"csv: {len(csv_response.content) / 1e6:.1f} MB, {lines} lines")
        await timed(
            "ageing CSV export, every customer + TOTAL",
            lambda: get(ageing, as_of="2026-03-10", format="csv"),
            runs=2,
        )
        await timed(
            "credit report of one customer",
            lambda: get(f"/api/v1/customers/{some_customer}/report"),
            runs=5,
        )
        await timed("overdue list, first page of 50", lambda: get("/api/v1/reports/overdue"))
    await get_database().dispose()


def encode_deep_cursor(after_id: int) -> str:
    from custledger.kit.pagination import encode_cursor

    return encode_cursor("receivables-ageing", [after_id])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    args = parser.parse_args()
    if not os.environ.get("CUSTLEDGER_DATABASE_URL", "").startswith("postgresql"):
        raise SystemExit("set CUSTLEDGER_DATABASE_URL to a scratch PostgreSQL database")
    os.environ.setdefault("CUSTLEDGER_LOG_LEVEL", "WARNING")
    os.environ.setdefault("CUSTLEDGER_STATEMENT_TIMEOUT_MS", "600000")

    async def run() -> None:
        await fill(args.customers)
        await measure()

    asyncio.run(run())


if __name__ == "__main__":
    main()
