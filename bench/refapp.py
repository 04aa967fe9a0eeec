"""The bare reference: FastAPI + raw asyncpg, no auth, no ORM, no middleware, kept only to
measure what the hardware and the database allow for the same work.

    BENCH_DSN=postgresql://postgres@127.0.0.1/custledger_bench \
        uvicorn bench.refapp:app --port 8702 --workers 2 --no-access-log

The SQL is *our* SQL: at start-up each worker runs the statement repository's and the
customers repository's own queries once, with sentinel arguments, records the exact text and
parameters SQLAlchemy sends (``before_cursor_execute``), and from then on executes that text
with asyncpg, substituting the real arguments for the sentinels. The payment insert writes
what ``payments.service.create_payment`` writes for the money (lock the customer, insert the
payment, add to the month's totals, move the balance) in one transaction; it leaves out what
is not the money (the idempotency record, the audit row, the re-read for the response).

Routes (no ``/api/v1``, no token):
- ``GET /ref/customers/{id}`` — the customer read query, the row as JSON;
- ``GET /ref/customers/{id}/statement?before=YYYY-MM-DD,rank,id`` — the statement page;
- ``POST /ref/customers/{id}/payments`` ``{"method", "amount" (cents), "received_on"}``;
- ``POST /ref/customers/{id}/sales`` ``{"total" (cents), "method"}``: what a cash sale at the
  till (``sales.service.create_sale``, delivered now and paid in full) writes for the money: lock
  the customer, insert the order, its delivery and the payment, add to the month's totals, move
  the balance and the customer's total purchases; without the audit rows, the idempotency
  record and the response's re-reads.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from custledger.customers import repository as customers_repository
from custledger.statement import repository as statement_repository
from custledger.statement.repository import RANK_ACTIVITY, RANK_DELIVERY, RANK_PAYMENT, Window

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/custledger_bench")
POOL_SIZE = int(os.environ.get("BENCH_REF_POOL", "20"))
PAGE = 50

SENTINEL_CUSTOMER = 2_000_000_011
SENTINEL_ID = 2_000_000_013
SENTINEL_DAY = date(1901, 2, 3)  # early in its month: the month is summed from its start
SENTINEL_LATE_DAY = date(1901, 2, 27)  # late: from its end
SENTINEL_MONTH = date(1901, 2, 1)
SENTINEL_NEXT_MONTH = date(1901, 3, 1)

DELIVERY_DESCRIPTIONS = {
    "single": "Single delivery",
    "collected": "Collected by customer",
    "awaiting_collection": "Ready for collection",
    "unspecified": "Delivery",
}


class Template:
    """One recorded statement: its text and its parameters with the sentinels marked."""

    def __init__(self, sql: str, parameters: tuple[Any, ...]) -> None:
        self.sql = sql
        self.parameters = parameters

    def bind(self, customer_id: int, key: tuple[date, int, int] | None = None) -> list[Any]:
        values = []
        for value in self.parameters:
            if value == SENTINEL_CUSTOMER:
                value = customer_id
            elif key is not None and value == SENTINEL_ID:
                value = key[2]
            elif key is not None and value in (SENTINEL_DAY, SENTINEL_LATE_DAY):
                value = key[0]
            elif key is not None and value == SENTINEL_MONTH:
                value = key[0].replace(day=1)
            elif key is not None and value == SENTINEL_NEXT_MONTH:
                value = statement_repository.next_month_start(key[0])
            values.append(value)
        return values


async def record(
    engine: AsyncEngine, work: Callable[[AsyncSession], Awaitable[Any]]
) -> list[Template]:
    """The statements ``work`` sends, in order."""
    seen: list[Template] = []

    def listener(
        _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        seen.append(Template(statement, tuple(parameters or ())))

    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        async with AsyncSession(engine) as session:
            await work(session)
            await session.rollback()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)
    return seen


class Queries:
    """Our queries, recorded once per worker."""

    customer_read: Template
    statement_header: Template
    edge: Template
    rows: dict[int | None, Template]
    sums: dict[tuple[int, bool], Template]  # (rank, summed from the month's end)

    async def load(self, dsn: str) -> None:
        engine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://", 1))
        try:
            c = SENTINEL_CUSTOMER
            (self.customer_read,) = await record(
                engine, lambda s: customers_repository.out_row(s, c)
            )
            (self.statement_header,) = await record(
                engine, lambda s: statement_repository.customer(s, c)
            )
            (self.edge,) = await record(
                engine, lambda s: statement_repository.edge_date(s, c, financial_only=False)
            )
            self.rows, self.sums = {}, {}
            for rank in (None, RANK_ACTIVITY, RANK_DELIVERY, RANK_PAYMENT):
                key = None if rank is None else (SENTINEL_DAY, rank, SENTINEL_ID)
                window = Window(limit=PAGE + 1, before=key)
                (self.rows[rank],) = await record(
                    engine,
                    lambda s, w=window: statement_repository.read_rows(
                        s, c, w, financial_only=False
                    ),
                )
                if rank is None:
                    continue
                for day in (SENTINEL_DAY, SENTINEL_LATE_DAY):
                    at = (day, rank, SENTINEL_ID)
                    (self.sums[rank, statement_repository.from_month_end(day)],) = await record(
                        engine, lambda s, k=at: statement_repository.sums(s, c, k)
                    )
        finally:
            await engine.dispose()


queries = Queries()
pool: asyncpg.Pool | None = None


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    global pool
    await queries.load(DSN)
    pool = await asyncpg.create_pool(DSN, min_size=2, max_size=POOL_SIZE)
    yield
    await pool.close()


app = FastAPI(
    lifespan=lifespan,
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
    telemetry={"tracing": False, "metrics": False, "logs": False},  # as the app's
)


def money(cents: int | None) -> str | None:
    if cents is None:
        return None
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def json_response(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def problem(status: int, detail: str) -> Response:
    return Response(
        orjson.dumps({"status": status, "detail": detail}),
        status_code=status,
        media_type="application/problem+json",
    )


@app.get("/healthz")
async def healthz() -> Response:
    return json_response({"status": "ok"})


@app.get("/ref/customers/{customer_id}")
async def customer_read(customer_id: int) -> Response:
    assert pool is not None
    q = queries.customer_read
    row = await pool.fetchrow(q.sql, *q.bind(customer_id))
    if row is None:
        return problem(404, "no such customer")
    body = dict(row)
    for field in ("balance", "credit_reserved", "total_purchases", "credit_limit"):
        body[field] = money(body[field])
    return json_response(body)


def describe(row: asyncpg.Record) -> dict[str, Any]:
    rank = row["rank"]
    entry: dict[str, Any] = {"date": row["date"], "reference": row["reference"]}
    if rank == RANK_PAYMENT:
        entry.update(type="payment", description=row["method"], debit=None, credit=row["amount"])
    elif rank == RANK_DELIVERY:
        kind = row["delivery_type"]
        text = (
            f"Partial delivery {row['sequence']}"
            if kind == "partial"
            else DELIVERY_DESCRIPTIONS.get(kind, "Delivery")
        )
        entry.update(type="delivery", description=text, debit=row["amount"], credit=None)
    else:
        status = row["status"]
        kind, text = {
            "cancelled": ("cancelled", "Order cancelled"),
            "quote": ("quote", "Quote"),
            "consumed": ("quote", "Quote consumed"),
        }.get(status, ("order", "Order placed"))
        entry.update(type=kind, description=text, debit=None, credit=None)
    return entry


def parse_key(before: str | None) -> tuple[date, int, int] | None:
    if not before:
        return None
    day, rank, row_id = before.split(",")
    return (date.fromisoformat(day), int(rank), int(row_id))


@app.get("/ref/customers/{customer_id}/statement")
async def statement(customer_id: int, before: str | None = None) -> Response:
    assert pool is not None
    key = parse_key(before)
    async with pool.acquire() as conn:
        header = queries.statement_header
        if await conn.fetchrow(header.sql, *header.bind(customer_id)) is None:
            return problem(404, "no such customer")
        rows_q = queries.rows[None if key is None else key[1]]
        rows = await conn.fetch(rows_q.sql, *rows_q.bind(customer_id, key))
        page = rows[:PAGE]
        oldest = (page[-1]["date"], page[-1]["rank"], page[-1]["id"]) if page else key
        if oldest is None:
            return json_response({"entries": [], "period": {"from": None, "to": None}})
        upper = statement_repository.from_month_end(oldest[0])
        sums_q = queries.sums[oldest[1], upper]
        s = await conn.fetchrow(sums_q.sql, *sums_q.bind(customer_id, oldest))
        # sum(bigint) is numeric: asyncpg gives Decimals.
        received, delivered = int(s["received"]), int(s["delivered"])
        in_month = int(s["received_in_month"]), int(s["delivered_in_month"])
        if upper:
            in_month = (
                int(s["received_month"]) - in_month[0],
                int(s["delivered_month"]) - in_month[1],
            )
        received_before = int(s["received_earlier"]) + in_month[0]
        delivered_before = int(s["delivered_earlier"]) + in_month[1]
        newest = page[0]["date"] if key is None else None
        if key is not None:
            edge = queries.edge
            found = [v for v in await conn.fetchrow(edge.sql, *edge.bind(customer_id)) if v]
            newest = max(found) if found else None
    balance = received_before - delivered_before
    entries = [describe(row) for row in page]
    for entry in reversed(entries):
        if entry["type"] in ("payment", "delivery"):
            balance += (entry["credit"] or 0) - (entry["debit"] or 0)
            entry["balance"] = money(balance)
        else:
            entry["balance"] = None
        entry["credit"], entry["debit"] = money(entry["credit"]), money(entry["debit"])
    body = {
        "entries": entries,
        "period": {"from": page[-1]["date"] if page else None, "to": newest},
        "total_received": money(received - received_before),
        "total_delivered": money(delivered - delivered_before),
        "next_cursor": ",".join(map(str, (oldest[0].isoformat(), oldest[1], oldest[2])))
        if len(rows) > PAGE
        else None,
    }
    return json_response(body)


@app.post("/ref/customers/{customer_id}/payments")
async def payment_insert(customer_id: int, request: Request) -> Response:
    assert pool is not None
    body = orjson.loads(await request.body())
    amount = int(body["amount"])
    received_on = date.fromisoformat(body["received_on"]) if body.get("received_on") else None
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        locked = await conn.fetchval(
            "SELECT id FROM customers WHERE id = $1 FOR UPDATE", customer_id
        )
        if locked is None:
            return problem(404, "no such customer")
        payment_id = await conn.fetchval(
            "INSERT INTO payments (customer_id, order_number, recorded_by_id, method, amount,"
            " due_date, received_on, details, version, created_at, updated_at)"
            " VALUES ($1, NULL, $2, $3, $4, $5, $6, NULL, 1, $7, $7) RETURNING id",
            customer_id,
            int(body.get("recorded_by_id", 1)),
            body["method"],
            amount,
            received_on or now.date(),
            received_on,
            now,
        )
        if received_on is not None:
            await conn.execute(
                "INSERT INTO monthly_totals (customer_id, month, received, delivered)"
                " VALUES ($1, $2, $3, 0) ON CONFLICT (customer_id, month)"
                " DO UPDATE SET received = monthly_totals.received + EXCLUDED.received",
                customer_id,
                received_on.replace(day=1),
                amount,
            )
            await conn.execute(
                "UPDATE customers SET balance = balance + $2 WHERE id = $1", customer_id, amount
            )
    return json_response(
        {"id": payment_id, "customer_id": customer_id, "amount": money(amount)}, status=201
    )


@app.post("/ref/customers/{customer_id}/sales")
async def sale_insert(customer_id: int, request: Request) -> Response:
    assert pool is not None
    body = orjson.loads(await request.body())
    total = int(body["total"])
    recorder = int(body.get("recorded_by_id", 1))
    now = datetime.now(UTC)
    today = now.date()
    async with pool.acquire() as conn, conn.transaction():
        store_id = await conn.fetchval(
            "SELECT store_id FROM customers WHERE id = $1 FOR UPDATE", customer_id
        )
        if store_id is None:
            return problem(404, "no such customer")
        order_id, number = await conn.fetchrow(
            "INSERT INTO orders (number, customer_id, store_id, created_by_id, kind, status,"
            " delivery_type, payment_terms, total, delivered_amount, placed_on, closed_on,"
            " version, created_at, updated_at)"
            " VALUES (nextval('order_number_seq'), $1, $2, $3, 'order', 'delivered',"
            " 'collected', 'cash', $4, $4, $5, NULL, 2, $6, $6) RETURNING id, number",
            customer_id, store_id, recorder, total, today, now,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO deliveries (order_id, customer_id, sequence, delivered_on, amount,"
            " created_by_id, created_at) VALUES ($1, $2, 1, $3, $4, $5, $6)",
            order_id, customer_id, today, total, recorder, now,
        )  # fmt: skip
        payment_id = await conn.fetchval(
            "INSERT INTO payments (customer_id, order_number, recorded_by_id, method, amount,"
            " due_date, received_on, details, version, created_at, updated_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $6, NULL, 1, $7, $7) RETURNING id",
            customer_id, number, recorder, body.get("method", "CASH"), total, today, now,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO monthly_totals (customer_id, month, received, delivered)"
            " VALUES ($1, $2, $3, $3) ON CONFLICT (customer_id, month) DO UPDATE SET"
            " received = monthly_totals.received + EXCLUDED.received,"
            " delivered = monthly_totals.delivered + EXCLUDED.delivered",
            customer_id, today.replace(day=1), total,
        )  # fmt: skip
        await conn.execute(
            "UPDATE customers SET balance = balance + 0,"
            " total_purchases = total_purchases + $2, updated_at = $3 WHERE id = $1",
            customer_id, total, now,
        )  # fmt: skip
    return json_response(
        {"order_id": order_id, "number": number, "payment_id": payment_id, "total": money(total)},
        status=201,
    )
