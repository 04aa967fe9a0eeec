"""Time the purchase history page of one customer with a long history (docs/decisions/orders.md).

    createdb -h 127.0.0.1 -U postgres cl_purchases
    CUSTLEDGER_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1/cl_purchases custledger migrate
    CUSTLEDGER_DATABASE_URL=... python bench/purchases_history.py --orders 50000

Gives three customers the same N delivered orders (one delivery each, placed and delivered on
consecutive days), generated in SQL, and lets them owe nothing, the last 10 deliveries, or the
last N/10; then reads their first page of 50 and a page near the end through the app's reading
path (the history function on an autocommit session) and prints the median of 20 runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import date

from sqlalchemy import text

from custledger.kit.db import Database
from custledger.kit.pagination import decode_cursor
from custledger.orders.purchases import history

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
    SELECT 900000 + g, s.id, false, 'History ' || g, true, false, false, 0, 0, 0,
           'history ' || g, 'history ' || g, 1, now(), now()
    FROM generate_series(1, 3) g CROSS JOIN stores s WHERE s.code = 'MAIN'
    """,
    """
    INSERT INTO orders (number, customer_id, store_id, created_by_id, status, delivery_type,
                        payment_terms, total, delivered_amount, placed_on, version,
                        created_at, updated_at)
    SELECT 5000000 + c.number::bigint * 1000000 + k, c.id, c.store_id, p.id, 'delivered', 'single',
           'credit', 10000, 10000, DATE '1880-01-01' + k, 1, now(), now()
    FROM customers c
    CROSS JOIN generate_series(1, :n) k
    CROSS JOIN (SELECT id FROM principals WHERE username = 'bench-owner') p
    WHERE c.number BETWEEN 900001 AND 900003
    """,
    """
    INSERT INTO deliveries (order_id, customer_id, sequence, delivered_on, amount,
                            created_by_id, created_at)
    SELECT o.id, o.customer_id, 1, o.placed_on, o.total, o.created_by_id, now()
    FROM orders o JOIN customers c ON c.id = o.customer_id
    WHERE c.number BETWEEN 900001 AND 900003
    """,
    # Owing nothing, the last 10 deliveries, the last n/10.
    """
    UPDATE customers SET total_purchases = 10000 * :n,
           balance = CASE number WHEN 900001 THEN 0 WHEN 900002 THEN -100000
                                 ELSE -10000 * (:n / 10) END
    WHERE number BETWEEN 900001 AND 900003
    """,
    "ANALYZE",
]


async def main(orders: int) -> None:
    database = Database()
    async with database.engine.begin() as connection:
        exists = await connection.scalar(
            text("SELECT count(*) FROM customers WHERE number = 900001")
        )
        if not exists:
            for statement in FILL[:-1]:
                await connection.execute(text(statement), {"n": orders})
    async with database.engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("ANALYZE"))
        ids = (
            await connection.execute(
                text("SELECT number, id FROM customers WHERE number BETWEEN 900001 AND 900003")
            )
        ).all()
    for number, customer_id in sorted(ids):
        for label, pages in (("first page", 0), ("page 100", 99)):
            session = database.session(reading=True)
            after = None
            for _ in range(pages):
                page = await history(session, customer_id, after=after, limit=50)
                key = decode_cursor("purchases", page.next_cursor, 2)
                assert key is not None
                after = (date.fromisoformat(key[0]), key[1])
            times = []
            for _ in range(20):
                start = time.perf_counter()
                page = await history(session, customer_id, after=after, limit=50)
                times.append((time.perf_counter() - start) * 1000)
            await database.release(session)
            owed = sum(int(p.unpaid_amount) for p in page.items)
            print(
                f"customer {number} ({orders} deliveries), {label}: "
                f"median {statistics.median(times):.2f} ms, unpaid on the page {owed}"
            )
    await database.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=50_000)
    asyncio.run(main(parser.parse_args().orders))
