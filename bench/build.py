"""Load a large ledger into a PostgreSQL database of its own, fast, keeping every invariant.

    python -m bench.build                      # 1,000,000 customers, 5,000,000 payments
    python -m bench.build --customers 20000 --payments 100000 --history-customers 2000

The database (default ``custledger_bench`` on 127.0.0.1) is dropped, created and migrated with
``custledger migrate``. Customers are generated in Python and written with binary COPY; the
histories (orders, deliveries, payments, cheques) are generated inside PostgreSQL with
``generate_series``; the derived data (monthly totals, balances, credit reserved, total
purchases) is then computed from the entries by SQL aggregates, so it agrees with them by
construction. Secondary indexes and foreign keys are dropped during the load and recreated
exactly as the migration made them; ``custledger recompute-balances`` checks the result.

Data:
- ``--customers`` customers (names with accents, valid CPFs/CNPJs, phones, e-mails, cities),
  ``search_text`` / ``sort_name`` as the customers service writes them (a sample is checked
  against ``customers.service.search_text_of``);
- every tenth customer has a two-year history: ``--orders-per-customer`` orders (quotes,
  cancelled, open, delivered; single and partial deliveries; cash and credit terms) and its
  share of the payments (PIX, card, boleto, cheque, cash, transfer; about 6 % pending, some
  overdue);
- three named customers with exactly 100, 10,000 and 100,000 statement entries;
- ``--payments`` payments in all;
- customers ending in 5 have a large credit limit and no history (credit-sale targets).

What the load scripts need (logins, the special customers, search fragments, a deep statement
cursor) is written to ``bench/results/dataset.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg

from custledger import demo
from custledger.auth.passwords import hash_secret
from custledger.auth.roles import ROLE_PERMISSIONS, Role
from custledger.customers import service as customers_service
from custledger.kit import clock
from custledger.kit.pagination import encode_cursor
from custledger.kit.text import digits, fold

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DATASET = RESULTS / "dataset.json"
ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
DEFAULT_DATABASE = "custledger_bench"
SPECIAL_ENTRIES = (100, 10_000, 100_000)
HISTORY_EVERY = 10
BATCH = 50_000

OWNER = ("bench-owner", "bench-owner-password")
CLERK = ("bench-clerk", "bench-clerk-password")
POS = ("cl_bench_pos", "bench-pos-secret-0123456789")

BIG_TABLES = ("customers", "orders", "deliveries", "payments", "cheques", "monthly_totals")

CUSTOMER_COLUMNS = (
    "id", "number", "store_id", "is_quick_sale", "name", "trade_name", "contact", "phone",
    "email", "address", "address_number", "complement", "neighbourhood", "city", "state",
    "postal_code", "country", "tax_id", "legacy_rg_ie", "legacy_registration", "notes",
    "active", "blocked", "credit_limit", "next_invoice_date", "billing_instructions",
    "production", "balance", "credit_reserved", "total_purchases", "search_text", "sort_name",
    "version", "created_at", "updated_at",
)  # fmt: skip


def log(message: str, started: float | None = None) -> None:
    suffix = f" ({time.perf_counter() - started:.1f} s)" if started is not None else ""
    print(f"[build] {message}{suffix}", flush=True)


def dsn_of(database: str) -> str:
    base, _, _ = ADMIN_DSN.rpartition("/")
    return f"{base}/{database}"


def sqlalchemy_url(database: str) -> str:
    return dsn_of(database).replace("postgresql://", "postgresql+asyncpg://", 1)


# --------------------------------------------------------------------------------------------
# Customers, generated in Python.
# --------------------------------------------------------------------------------------------


class CustomerFactory:
    """Deterministic customer rows; folded words are cached per word (the fold of a name is
    the fold of its words joined), and every row's ``search_text`` is built in the order of
    ``customers.service.search_text_of``, which ``check_search_text`` verifies on a sample."""

    def __init__(self, seed: int, store_id: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.store_id = store_id
        self.now = now
        self.first = [(n, fold(n)) for n in demo.FIRST_NAMES]
        self.surnames = [(n, fold(n)) for n in demo.SURNAMES]
        self.connectors = list(demo.CONNECTORS)
        self.cities = [(c, s, a) for c, s, a, _ in demo.CITIES]
        self.city_weights = [c[3] for c in demo.CITIES]
        self.streets = [
            f"{t} {n}" for t in ("Rua", "Avenida", "Travessa") for n in demo.STREET_NAMES
        ]
        self.kinds = [(k, s, fold(k), fold(s)) for k, s in demo.BUSINESS_KINDS]

    def name(self) -> tuple[str, str]:
        rng = self.rng
        first, first_folded = rng.choice(self.first)
        parts, folded = [first], [first_folded]
        for _ in range(rng.choice((1, 2, 2, 2, 3))):
            surname, surname_folded = rng.choice(self.surnames)
            parts.append(surname)
            folded.append(surname_folded)
        if len(parts) > 2 and rng.random() < 0.4:
            connector = rng.choice(self.connectors)
            parts.insert(-1, connector)
            folded.insert(-1, connector)
        return " ".join(parts), " ".join(folded)

    def row(self, k: int, customer_id: int, total: int) -> tuple[Any, ...]:
        rng = self.rng
        company = k % 10 == 7
        city, state, area = rng.choices(self.cities, weights=self.city_weights)[0]
        if company:
            kind, short, kind_folded, short_folded = rng.choice(self.kinds)
            family, family_folded = rng.choice(self.surnames)
            name = f"{kind} {family} Ltda"
            name_folded = f"{kind_folded} {family_folded} ltda"
            trade_name, trade_folded = f"{short} {family}", f"{short_folded} {family_folded}"
            contact, contact_folded = self.name()
            tax_id: str | None = demo.cnpj_from_base((k * 7919 + 777) % 10**8, 1)
            local = f"contato{k}"
        else:
            name, name_folded = self.name()
            trade_name = trade_folded = contact = contact_folded = None
            tax_id = demo.cpf_from_base((k * 7919 + 12345) % 10**9) if k % 10 != 9 else None
            words = name_folded.split()
            local = f"{words[0]}.{words[-1]}{k}"
        phone = f"({area}) 9{rng.randrange(6000, 10000):04d}-{rng.randrange(10000):04d}"
        email = f"{local}@{rng.choice(demo.EMAIL_DOMAINS)}" if k % 3 else None
        words = [w for w in (name_folded, trade_folded, contact_folded) if w]
        if email:
            words.append(email)
        numbers = [n for n in (digits(phone), tax_id or "") if n]
        search_text = " ".join([*words, *numbers])
        created = self.now - timedelta(seconds=(total - k) * 150)
        credit_limit = None
        if k % 10 == 5:
            credit_limit = 100_000_000  # R$ 1,000,000.00: the credit-sale targets
        elif k % HISTORY_EVERY == 0 or k % 2 == 0:
            credit_limit = rng.choice((2000, 5000, 10000, 20000)) * 100
        return (
            customer_id, k, self.store_id, False, name, trade_name, contact, phone, email,
            rng.choice(self.streets), str(rng.randrange(1, 3000)), None,
            rng.choice(demo.NEIGHBOURHOODS), city, state,
            f"{rng.randrange(1000, 99999):05d}-{rng.randrange(1000):03d}", "Brasil", tax_id,
            None, None, None, k % 37 != 0, k % 101 == 0, credit_limit, None, None, False,
            0, 0, 0, search_text, name_folded[:200], 1, created, created,
        )  # fmt: skip


def special_name(entries: int) -> str:
    return f"Cliente Padrão Histórico {entries:,} Lançamentos".replace(",", ".")


def check_search_text(rows: list[tuple[Any, ...]]) -> None:
    """The builder's search text and sort name are the customers service's own."""
    index = {name: i for i, name in enumerate(CUSTOMER_COLUMNS)}
    for row in rows:
        fields = {name: row[i] for name, i in index.items()}
        expected = customers_service.search_text_of(SimpleNamespace(**fields))  # type: ignore[arg-type]
        if fields["search_text"] != expected:
            raise SystemExit(
                f"search_text differs from customers.service.search_text_of for {fields['name']!r}:"
                f"\n  builder: {fields['search_text']!r}\n  service: {expected!r}"
            )
        if fields["sort_name"] != fold(fields["name"])[:200]:
            raise SystemExit(f"sort_name differs for {fields['name']!r}")


# --------------------------------------------------------------------------------------------
# The build.
# --------------------------------------------------------------------------------------------


async def recreate_database(database: str) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{database}"')
    finally:
        await admin.close()


def migrate(database: str) -> None:
    env = dict(os.environ, CUSTLEDGER_DATABASE_URL=sqlalchemy_url(database))
    custledger = Path(sys.executable).with_name("custledger")
    subprocess.run([str(custledger), "migrate"], check=True, env=env, cwd=ROOT)  # noqa: S603


async def drop_secondary(conn: asyncpg.Connection) -> list[str]:
    """Drop the foreign keys, unique constraints and secondary indexes of the big tables;
    returns the statements that recreate them exactly."""
    tables = list(BIG_TABLES)
    constraints = await conn.fetch(
        """
        SELECT c.conrelid::regclass::text AS tbl, c.conname, c.contype::text AS contype,
               pg_get_constraintdef(c.oid) AS def
        FROM pg_constraint c
        WHERE c.conrelid::regclass::text = ANY($1::text[]) AND c.contype IN ('f', 'u')
           OR c.confrelid::regclass::text = ANY($1::text[]) AND c.contype = 'f'
        """,
        tables,
    )
    indexes = await conn.fetch(
        """
        SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY($1::text[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        tables,
    )
    restore: list[str] = []
    foreign = [c for c in constraints if c["contype"] == "f"]
    unique = [c for c in constraints if c["contype"] == "u"]
    for c in foreign:
        await conn.execute(f'ALTER TABLE {c["tbl"]} DROP CONSTRAINT "{c["conname"]}"')
    for c in unique:
        await conn.execute(f'ALTER TABLE {c["tbl"]} DROP CONSTRAINT "{c["conname"]}"')
    for i in indexes:
        await conn.execute(f'DROP INDEX "{i["name"]}"')
    restore += [
        f'ALTER TABLE {c["tbl"]} ADD CONSTRAINT "{c["conname"]}" {c["def"]}' for c in unique
    ]
    restore += [i["def"] for i in indexes]
    restore += [
        f'ALTER TABLE {c["tbl"]} ADD CONSTRAINT "{c["conname"]}" {c["def"]}' for c in foreign
    ]
    return restore


async def principals(conn: asyncpg.Connection, store_id: int) -> dict[str, int]:
    now = datetime.now(UTC)
    ids = {}
    for role, (login, secret) in ((Role.OWNER, OWNER), (Role.CLERK, CLERK)):
        ids[role.value] = await conn.fetchval(
            """
            INSERT INTO principals (kind, name, username, password_hash, role, permissions,
              store_id, active, failed_logins, version, created_at, updated_at)
            VALUES ('user', $1, $1, $2, $3, $4::jsonb, $5, true, 0, 1, $6, $6) RETURNING id
            """,
            login,
            hash_secret(secret),
            role.value,
            json.dumps(sorted(ROLE_PERMISSIONS[role])),
            store_id,
            now,
        )
    ids["pos"] = await conn.fetchval(
        """
        INSERT INTO principals (kind, name, client_id, secret_hash, role, permissions,
          store_id, active, failed_logins, version, created_at, updated_at)
        VALUES ('api_client', 'Bench POS', $1, $2, 'pos-terminal', $3::jsonb, $4, true, 0, 1,
          $5, $5) RETURNING id
        """,
        POS[0],
        hash_secret(POS[1]),
        json.dumps(sorted(ROLE_PERMISSIONS[Role.POS_TERMINAL])),
        store_id,
        now,
    )
    return ids


async def load_customers(
    conn: asyncpg.Connection, store_id: int, total: int, first_id: int
) -> dict[str, Any]:
    """Customers numbered 1..total with ids first_id..; the first three are the special ones."""
    factory = CustomerFactory(seed=20261123, store_id=store_id, now=datetime.now(UTC))
    sample: list[tuple[Any, ...]] = []
    fragments: list[str] = []
    phones: list[str] = []

    every = max(11, total // 24 + 1)

    def batches() -> Iterator[list[tuple[Any, ...]]]:
        batch: list[tuple[Any, ...]] = []
        for k in range(1, total + 1):
            row = factory.row(k, first_id + k - 1, total)
            if k <= len(SPECIAL_ENTRIES):
                name = special_name(SPECIAL_ENTRIES[k - 1])
                fields = dict(zip(CUSTOMER_COLUMNS, row, strict=True))
                fields.update(
                    name=name,
                    trade_name=None,
                    contact=None,
                    credit_limit=100_000_000,
                    active=True,
                    blocked=False,
                    sort_name=fold(name)[:200],
                )
                fields["search_text"] = customers_service.search_text_of(
                    SimpleNamespace(**fields)  # type: ignore[arg-type]
                )
                row = tuple(fields[c] for c in CUSTOMER_COLUMNS)
            batch.append(row)
            if k % 997 == 0 and len(sample) < 2000:
                sample.append(row)
            if k % every == 0 and k % 10 != 7:
                words = row[4].split()
                fragments.append(f"{fold(words[0])[:4]} {fold(words[-1])[:5]}")
                phones.append(digits(row[7])[-8:-2])
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    for batch in batches():
        await conn.copy_records_to_table("customers", records=batch, columns=CUSTOMER_COLUMNS)
    check_search_text(sample)
    return {"fragments": fragments, "phone_fragments": phones}


HISTORY_SQL = """
-- Orders of the history customers: every tenth customer, :orders orders over two years.
INSERT INTO orders (id, number, customer_id, store_id, created_by_id, status, delivery_type,
  payment_terms, total, delivered_amount, placed_on, closed_on, version, created_at, updated_at)
SELECT n, n, customer_id, {store}, {clerk}, status, delivery_type, terms, total,
  CASE WHEN status = 'delivered' THEN total
       WHEN status = 'open' AND delivery_type = 'partial' THEN total / 2 ELSE 0 END,
  placed_on,
  CASE WHEN status = 'cancelled' THEN least(placed_on + 3, DATE '{today}') END,
  1, placed_on + TIME '10:00', placed_on + TIME '10:00'
FROM (
  SELECT *,
    CASE WHEN status = 'quote' THEN 'unspecified'
         WHEN j % 4 = 2 OR j = {orders} THEN 'partial'
         ELSE 'single' END AS delivery_type
  FROM (
  SELECT (h - 1) * {orders} + j AS n, {first_id} - 1 + h * {every} AS customer_id, j,
    CASE WHEN j = {orders} THEN (CASE WHEN h % 3 = 0 THEN 'open' ELSE 'quote' END)
         WHEN j % 7 = 3 THEN 'quote'
         WHEN j % 11 = 5 THEN 'cancelled'
         ELSE 'delivered' END AS status,
    CASE WHEN h % 2 = 0 THEN 'credit' ELSE 'cash' END AS terms,
    2000 + (h * 7919 + j * 104729) % 150000 AS total,
    DATE '{today}' - (({orders} - j) * 700 / {orders} + (h * 13 + j * 7) % 60)::int
      - CASE WHEN j = {orders} THEN 0 ELSE 5 END AS placed_on
  FROM generate_series(1, {history}) h CROSS JOIN generate_series(1, {orders}) j
  ) inner_o
) o;

-- The special customers: 40 % of their entries are orders (one in ten a quote, the rest
-- delivered at once), the other 60 % payments; each a statement row.
INSERT INTO orders (id, number, customer_id, store_id, created_by_id, status, delivery_type,
  payment_terms, total, delivered_amount, placed_on, closed_on, version, created_at, updated_at)
SELECT n, n, customer_id, {store}, {clerk}, status,
  CASE WHEN status = 'quote' THEN 'unspecified' ELSE 'single' END, 'credit', total,
  CASE WHEN status = 'delivered' THEN total ELSE 0 END, placed_on, NULL, 1,
  placed_on + TIME '11:00', placed_on + TIME '11:00'
FROM (
  SELECT {history} * {orders} + row_number() OVER (ORDER BY s.k, i) AS n,
    {first_id} - 1 + s.k AS customer_id,
    CASE WHEN i % 10 = 0 THEN 'quote' ELSE 'delivered' END AS status,
    10000 + (i * 7919) % 90000 AS total,
    DATE '{today}' - 1 - ((s.orders - i) * 729 / s.orders)::int AS placed_on
  FROM (VALUES {specials}) AS s(k, entries, orders, payments)
  CROSS JOIN LATERAL generate_series(1, s.orders) i
) o;

INSERT INTO deliveries (order_id, customer_id, sequence, delivered_on, amount, created_by_id,
  created_at)
SELECT id, customer_id, 1, least(placed_on + 2, DATE '{today}'),
  CASE WHEN delivery_type = 'partial' THEN total / 2 ELSE total END, {clerk},
  least(placed_on + 2, DATE '{today}') + TIME '15:00'
FROM orders WHERE delivered_amount > 0
UNION ALL
SELECT id, customer_id, 2, least(placed_on + 15, DATE '{today}'), total - total / 2, {clerk},
  least(placed_on + 15, DATE '{today}') + TIME '16:00'
FROM orders WHERE delivery_type = 'partial' AND status = 'delivered' AND total - total / 2 > 0;

-- Payments of the history customers, spread over the two years; one in 17 pending (due in
-- the last 90 days or the next 60), one in 20 a cheque.
INSERT INTO payments (customer_id, order_number, recorded_by_id, method, amount, due_date,
  received_on, details, version, created_at, updated_at)
SELECT customer_id, order_number, {clerk}, method, amount,
  CASE WHEN pending THEN DATE '{today}' + ((h + n) % 150 - 90) ELSE day - (n % 10) END,
  CASE WHEN pending THEN NULL ELSE day END, NULL, 1, day + TIME '12:00', day + TIME '12:00'
FROM (
  SELECT h, n, {first_id} - 1 + h * {every} AS customer_id,
    (h - 1) * {orders} + 1 + n % {orders} AS order_number,
    (ARRAY['PIX', 'CARD', 'BOLETO', 'PIX', 'CASH', 'TRANSFER', 'BOLETO', 'PIX', 'CARD',
           'CASH'])[1 + n % 10] AS method0,
    n % 20 = 7 AS cheque,
    n % 17 = 0 AS pending,
    2000 + (p::bigint * 7919) % 19600 AS amount,
    least(DATE '{today}',
          DATE '{today}' - (({per_customer} - n) * 700 / {per_customer} + (h * 7) % 10)::int)
      AS day
  FROM (
    SELECT p, (p - 1) % {history} + 1 AS h, (p - 1) / {history} AS n
    FROM generate_series(1, {generic_payments}) p
  ) q
) r
CROSS JOIN LATERAL (SELECT CASE WHEN r.cheque THEN 'CHEQUE' ELSE r.method0 END AS method) m;

INSERT INTO payments (customer_id, order_number, recorded_by_id, method, amount, due_date,
  received_on, details, version, created_at, updated_at)
SELECT {first_id} - 1 + s.k, NULL, {clerk},
  (ARRAY['PIX', 'BOLETO', 'TRANSFER', 'CARD'])[1 + i % 4], 9000 + (i::bigint * 104729) % 60000,
  day, day, NULL, 1, day + TIME '14:00', day + TIME '14:00'
FROM (VALUES {specials}) AS s(k, entries, orders, payments)
CROSS JOIN LATERAL generate_series(1, s.payments) i
CROSS JOIN LATERAL (
  SELECT DATE '{today}' - ((s.payments - i) * 729 / s.payments)::int AS day
) d;

INSERT INTO cheques (payment_id, customer_id, predated_to, issuer_tax_id, issuer_name, bank,
  branch, account, cheque_number)
SELECT p.id, p.customer_id, p.due_date, coalesce(c.tax_id, '52998224725'), c.name,
  (ARRAY['001', '033', '104', '237', '341'])[1 + p.id % 5], lpad((p.id % 9999)::text, 4, '0'),
  (p.id % 999999)::text || '-' || (p.id % 10)::text, lpad((p.id % 999999)::text, 6, '0')
FROM payments p JOIN customers c ON c.id = p.customer_id
WHERE p.method = 'CHEQUE';
"""

DERIVED_SQL = """
INSERT INTO monthly_totals (customer_id, month, received, delivered)
SELECT customer_id, month, sum(received), sum(delivered) FROM (
  SELECT customer_id, date_trunc('month', received_on)::date AS month, amount AS received,
    0::bigint AS delivered
  FROM payments WHERE received_on IS NOT NULL
  UNION ALL
  SELECT customer_id, date_trunc('month', delivered_on)::date, 0, amount FROM deliveries
) e GROUP BY customer_id, month;

UPDATE customers c SET balance = t.net
FROM (SELECT customer_id, sum(received - delivered) AS net FROM monthly_totals
      GROUP BY customer_id) t
WHERE c.id = t.customer_id AND t.net <> 0;

UPDATE customers c SET credit_reserved = o.reserved, total_purchases = o.purchases
FROM (
  SELECT customer_id,
    sum(CASE WHEN status = 'open' AND payment_terms = 'credit' THEN total - delivered_amount
             ELSE 0 END) AS reserved,
    sum(delivered_amount) AS purchases  -- what was delivered (Σ of the order's deliveries)
  FROM orders GROUP BY customer_id
) o
WHERE c.id = o.customer_id;
"""


def special_counts() -> list[tuple[int, int, int, int]]:
    """(k, entries, orders, payments) per special customer: orders = 40 % of the entries, each
    a delivery row or (one in ten) a quote row; the rest payments."""
    return [(k, e, e * 2 // 5, e - e * 2 // 5) for k, e in enumerate(SPECIAL_ENTRIES, start=1)]


async def build(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    today = clock.today()
    if args.customers < 1000 or args.customers % HISTORY_EVERY:
        raise SystemExit("--customers must be a multiple of 10, at least 1000")
    history = min(args.history_customers, args.customers // HISTORY_EVERY)
    specials = special_counts()
    special_payments = sum(p for _, _, _, p in specials)
    generic_payments = args.payments - special_payments
    if generic_payments < history:
        raise SystemExit("--payments is too small for the history customers")

    step = time.perf_counter()
    await recreate_database(args.database)
    migrate(args.database)
    log(f"database {args.database} created and migrated", step)

    conn = await asyncpg.connect(dsn_of(args.database))
    try:
        await conn.execute("SET synchronous_commit = off")
        await conn.execute("SET maintenance_work_mem = '1GB'")
        await conn.execute("SET max_parallel_maintenance_workers = 2")
        await conn.execute("SET work_mem = '256MB'")
        store_id = await conn.fetchval("SELECT id FROM stores WHERE code = 'MAIN'")
        people = await principals(conn, store_id)
        restore = await drop_secondary(conn)
        first_id = int(await conn.fetchval("SELECT max(id) FROM customers")) + 1

        step = time.perf_counter()
        found = await load_customers(conn, store_id, args.customers, first_id)
        log(f"{args.customers:,} customers copied", step)

        per_customer = max(1, -(-generic_payments // history))
        sql = HISTORY_SQL.format(
            store=store_id,
            clerk=people["clerk"],
            today=today.isoformat(),
            orders=args.orders_per_customer,
            first_id=first_id,
            every=HISTORY_EVERY,
            history=history,
            generic_payments=generic_payments,
            per_customer=per_customer,
            specials=", ".join(f"({k}, {e}, {o}, {p})" for k, e, o, p in specials),
        )
        for statement in sql.split(";\n"):
            if statement.strip():
                step = time.perf_counter()
                status = await conn.execute(statement)
                log(f"{status} ({statement.strip().splitlines()[0][:60]}...)", step)
        for statement in DERIVED_SQL.split(";\n"):
            if statement.strip():
                step = time.perf_counter()
                status = await conn.execute(statement)
                log(f"{status} (derived)", step)

        step = time.perf_counter()
        for statement in restore:
            await conn.execute(statement)
        log(f"{len(restore)} indexes and constraints recreated", step)

        step = time.perf_counter()
        for table in ("customers", "orders", "payments", "deliveries"):
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        await conn.execute(
            "SELECT setval('customer_number_seq', (SELECT max(number) FROM customers))"
        )
        await conn.execute("SELECT setval('order_number_seq', (SELECT max(number) FROM orders))")
        await conn.execute("RESET maintenance_work_mem")
        for table in BIG_TABLES:
            await conn.execute(f"VACUUM (ANALYZE) {table}")
        log("sequences advanced, tables vacuumed and analysed", step)

        dataset = await describe(conn, args, people, first_id, history, found)
    finally:
        await conn.close()

    dataset["build_seconds"] = round(time.perf_counter() - started, 1)
    log("done", started)
    return dataset


async def describe(
    conn: asyncpg.Connection,
    args: argparse.Namespace,
    people: dict[str, int],
    first_id: int,
    history: int,
    found: dict[str, Any],
) -> dict[str, Any]:
    """What the load scripts need, read back from the database."""
    counts = {
        table: await conn.fetchval(f"SELECT count(*) FROM {table}")
        for table in ("customers", "orders", "deliveries", "payments", "cheques", "monthly_totals")
    }
    counts["customers"] -= await conn.fetchval("SELECT count(*) FROM customers WHERE is_quick_sale")
    specials = {}
    for k, entries, _, _ in special_counts():
        customer_id = first_id - 1 + k
        keys = await conn.fetch(
            """
            SELECT received_on AS day, 2 AS rank, id FROM payments
            WHERE customer_id = $1 AND received_on IS NOT NULL
            ORDER BY received_on, id
            """,
            customer_id,
        )
        # A deep page: 90 % of the way back; for 100 entries, the second (last full) page.
        deep = keys[max(30, len(keys) // 10)]
        specials[str(entries)] = {
            "id": customer_id,
            "deep_cursor": encode_cursor("statement", [deep["day"].isoformat(), 2, deep["id"]]),
            "deep_key": [deep["day"].isoformat(), 2, deep["id"]],
        }
    database_bytes = await conn.fetchval("SELECT pg_database_size(current_database())")
    return {
        "database": args.database,
        "dsn": dsn_of(args.database),
        "built_on": clock.today().isoformat(),
        "counts": counts,
        "history_customers": history,
        "orders_per_history_customer": args.orders_per_customer,
        "first_customer_id": first_id,
        "last_customer_id": first_id + args.customers - 1,
        "history_every": HISTORY_EVERY,
        "credit_customers": [
            first_id - 1 + k
            for k in range(15, min(args.customers, 20_000), 10)
            if k % 37 and k % 101
        ][:400],
        "special": specials,
        "search_fragments": found["fragments"][:12],
        "phone_fragments": found["phone_fragments"][:12],
        "owner": {"username": OWNER[0], "password": OWNER[1]},
        "clerk": {"username": CLERK[0], "password": CLERK[1]},
        "pos": {"client_id": POS[0], "client_secret": POS[1]},
        "principals": people,
        "database_size_mb": round(database_bytes / 2**20),
    }


def verify(database: str) -> None:
    """The app's own check: every stored balance equals the one derived from the entries."""
    step = time.perf_counter()
    # One aggregate over every entry: longer than the API's 15 s statement timeout at 5M rows.
    env = dict(
        os.environ,
        CUSTLEDGER_DATABASE_URL=sqlalchemy_url(database),
        CUSTLEDGER_STATEMENT_TIMEOUT_MS="900000",
    )
    custledger = Path(sys.executable).with_name("custledger")
    check = subprocess.run(  # noqa: S603
        [str(custledger), "recompute-balances"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    log(f"recompute-balances: {check.stdout.strip().splitlines()[-1:]}", step)
    if check.returncode != 0:
        raise SystemExit(f"balances differ:\n{check.stdout[-2000:]}{check.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--payments", type=int, default=5_000_000)
    parser.add_argument("--history-customers", type=int, default=100_000)
    parser.add_argument("--orders-per-customer", type=int, default=10)
    parser.add_argument("--skip-verify", action="store_true", help="Skip recompute-balances.")
    parser.add_argument("--dataset", default=str(DATASET), help="Where to describe the data.")
    args = parser.parse_args()
    dataset = asyncio.run(build(args))
    if not args.skip_verify:
        verify(args.database)
    output = Path(args.dataset)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(dataset, indent=2, default=str) + "\n")
    log(f"{output} written")
    print(json.dumps(dataset["counts"]))


if __name__ == "__main__":
    main()
