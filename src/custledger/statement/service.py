"""The account statement: rows of payments, deliveries and order activity with a running
balance, paged newest first in constant cost, and read oldest first for the exports.

The running balance after a financial row is Σ received − Σ delivered − Σ returned cheques
over every financial row whose key ``(date, rank, id)`` is at or below that row's. A page
computes the balance just before its oldest row from the monthly totals (plus one month of
entries) and walks up the page, so the figure is the same whether the page was reached by
paging or by loading everything, and no request ever sums the whole history.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from custledger.kit.db import RowData, get_database, is_postgres
from custledger.kit.errors import NotFound, Unprocessable, invalid
from custledger.kit.money import format_money
from custledger.kit.pagination import decode_cursor, encode_cursor
from custledger.statement import repository
from custledger.statement.repository import (
    RANK_ACTIVITY,
    RANK_DELIVERY,
    RANK_PAYMENT,
    RANK_RETURNED,
    RANKS,
    Key,
    Window,
)
from custledger.statement.schemas import EntryType

CURSOR_KIND = "statement"
MAX_PAGE = 50
EXPORT_BATCH = 1000
# A PDF is laid out in memory (fpdf2) at ~0.5 KB and ~0.3 ms of CPU a row; past this many
# rows (some 500 pages) the export is refused and a date range or the CSV asked for.
MAX_PDF_ROWS = 20_000

DELIVERY_DESCRIPTIONS = {
    "single": "Single delivery",
    "collected": "Collected by customer",
    "awaiting_collection": "Ready for collection",
    "unspecified": "Delivery",
}


class Line(NamedTuple):
    """One statement row; ``balance`` is the running balance (None on activity rows). A named
    tuple: a page makes a hundred of them, and a frozen dataclass costs three times as much to
    create."""

    key: Key
    date: date
    type: EntryType
    reference: int
    description: str
    debit: int | None
    credit: int | None
    balance: int | None = None

    @property
    def movement(self) -> int:
        return (self.credit or 0) - (self.debit or 0)

    @property
    def financial(self) -> bool:
        return self.key[1] != RANK_ACTIVITY


def describe(row: RowData) -> Line:
    """A source row (see ``repository.COLUMNS``) as a statement line, without its balance."""
    day, rank, reference, amount = row["date"], row["rank"], row["reference"], row["amount"]
    key: Key = (day, rank, row["id"])
    if rank == RANK_PAYMENT:
        return Line(key, day, "payment", reference, row["method"], None, amount)
    if rank == RANK_RETURNED:
        return Line(key, day, "returned_cheque", reference, "Returned cheque", amount, None)
    if rank == RANK_DELIVERY:
        if row["delivery_type"] == "partial":
            description = f"Partial delivery {row['sequence']}"
        else:
            description = DELIVERY_DESCRIPTIONS.get(row["delivery_type"], "Delivery")
        return Line(key, day, "delivery", reference, description, amount, None)
    kind: EntryType
    status = row["status"]
    if status == "cancelled":
        kind, description = "cancelled", "Order cancelled"
    elif status == "quote":
        kind, description = "quote", "Quote"
    elif status == "consumed":
        kind, description = "quote", "Quote consumed"
    else:
        kind, description = "order", "Order placed"
    return Line(key, day, kind, reference, description, None, None)


def with_balances(lines: Sequence[Line], opening: int) -> tuple[list[Line], int]:
    """Lines in chronological order with their running balances from ``opening``; and the
    balance after the last one."""
    balance = opening
    out = []
    for line in lines:
        if line.financial:
            balance += line.movement
            out.append(_replace_balance(line, balance))
        else:
            out.append(line)
    return out, balance


def _replace_balance(line: Line, balance: int) -> Line:
    return Line(
        line.key,
        line.date,
        line.type,
        line.reference,
        line.description,
        line.debit,
        line.credit,
        balance,
    )


def decode(cursor: str | None) -> Key | None:
    value = decode_cursor(CURSOR_KIND, cursor, 3)
    if value is None:
        return None
    day, rank, row_id = value
    try:
        if not isinstance(day, str) or type(rank) is not int or type(row_id) is not int:
            raise ValueError
        if rank not in RANKS or not 0 <= row_id < 2**63:
            raise ValueError
        return (date.fromisoformat(day), rank, row_id)
    except ValueError:
        raise invalid("cursor", "not a cursor this list returned", "query") from None


def encode(key: Key) -> str:
    day, rank, row_id = key
    return encode_cursor(CURSOR_KIND, [day.isoformat(), rank, row_id])


async def require_customer(session: AsyncSession, customer_id: int) -> RowData:
    found = await repository.customer(session, customer_id)
    if found is None:
        raise NotFound(f"No customer with id {customer_id}.", type="customer-not-found")
    return found


def _money(cents: int | None) -> str | None:
    return None if cents is None else format_money(cents)


def entry(line: Line) -> dict[str, Any]:
    """A line as the JSON of a ``StatementEntry``."""
    return {
        "date": line.date.isoformat(),
        "type": line.type,
        "reference": line.reference,
        "description": line.description,
        "debit": _money(line.debit),
        "credit": _money(line.credit),
        "balance": _money(line.balance),
    }


async def statement_page(
    session: AsyncSession,
    customer_id: int,
    *,
    financial_only: bool = False,
    limit: int = MAX_PAGE,
    cursor: str | None = None,
) -> dict[str, Any]:
    """One page of the statement, newest first, rows strictly before ``cursor``: the JSON of
    a ``StatementPage``, built directly (a page is up to 50 rows on the busiest read path;
    the schema tests check the shape against the model)."""
    before = decode(cursor)
    await require_customer(session, customer_id)
    rows = await repository.read_rows(
        session,
        customer_id,
        Window(limit=limit + 1, before=before),
        financial_only=financial_only,
    )
    newest_first = [describe(row) for row in rows[:limit]]
    more = len(rows) > limit
    oldest = newest_first[-1].key if newest_first else before
    sums = await repository.sums(session, customer_id, oldest)
    chronological, _ = with_balances(newest_first[::-1], sums.balance_before)
    period: dict[str, date | None] = {"from": None, "to": None}
    if newest_first:
        period["from"] = newest_first[-1].date
        if before is None:
            period["to"] = newest_first[0].date
        else:
            period["to"] = await repository.edge_date(
                session, customer_id, financial_only=financial_only
            )
    return {
        "entries": [entry(line) for line in reversed(chronological)],
        "period": {k: None if v is None else v.isoformat() for k, v in period.items()},
        "total_received": format_money(sums.received - sums.received_before),
        "total_delivered": format_money(sums.delivered - sums.delivered_before),
        "total_returned": format_money(sums.returned - sums.returned_before),
        "next_cursor": encode(newest_first[-1].key) if more and newest_first else None,
    }


@dataclass(frozen=True)
class Header:
    """What an exported statement says about itself."""

    customer_id: int
    customer_number: int | None
    customer_name: str
    customer_tax_id: str | None
    since: date | None
    until: date | None


class StatementReader:
    """The statement oldest first, in keyset batches, on a session of its own (an export body
    runs after the request's session is gone).

    On PostgreSQL the whole read is one REPEATABLE READ, read-only transaction: the opening
    balance and every batch see the same snapshot, so the rows add up to the closing balance
    even while terminals keep writing. On SQLite every transaction takes the write lock
    (``BEGIN IMMEDIATE``), so each query ends its own transaction instead.
    """

    def __init__(
        self,
        customer_id: int,
        *,
        since: date | None = None,
        until: date | None = None,
        financial_only: bool = False,
        batch_size: int | None = None,
    ) -> None:
        self.customer_id = customer_id
        self.since = since
        self.until = until
        self.financial_only = financial_only
        self.batch_size = batch_size or EXPORT_BATCH
        self.opening = 0
        self.closing = 0
        self.received = 0
        self.delivered = 0
        self.returned = 0
        self.first_date: date | None = None
        self.last_date: date | None = None
        self.prepared = False

    async def batches(self) -> AsyncIterator[list[Line]]:
        """Lines with running balances, oldest first; ``opening`` is set before the first
        batch is yielded, ``closing`` and the totals once the last one has been."""
        async with get_database().sessionmaker() as session:
            snapshot = is_postgres(session)
            if snapshot:
                await session.connection(
                    execution_options={
                        "isolation_level": "REPEATABLE READ",
                        "postgresql_readonly": True,
                    }
                )
            async for batch in self._read(session, snapshot):
                yield batch

    async def _prepare(self, session: AsyncSession) -> None:
        """The opening balance and the period, known before the first row is read."""
        if self.since is not None:
            sums = await repository.sums(session, self.customer_id, (self.since, RANK_ACTIVITY, 0))
            self.opening = sums.balance_before
        self.closing = self.opening
        for newest in (False, True):
            if (self.until if newest else self.since) is not None:
                continue
            edge = await repository.edge_date(
                session,
                self.customer_id,
                financial_only=self.financial_only,
                newest=newest,
                since=self.since,
                until=self.until,
            )
            if newest:
                self.last_date = edge
            else:
                self.first_date = edge
        self.prepared = True

    async def _read(self, session: AsyncSession, snapshot: bool) -> AsyncIterator[list[Line]]:
        await self._prepare(session)
        if not snapshot:
            await session.commit()
        balance = self.opening
        after: Key | None = None
        while True:
            rows = await repository.read_rows(
                session,
                self.customer_id,
                Window(
                    limit=self.batch_size,
                    descending=False,
                    after=after,
                    since=self.since,
                    until=self.until,
                ),
                financial_only=self.financial_only,
            )
            if not snapshot:
                await session.commit()
            if not rows:
                break
            lines, balance = with_balances([describe(row) for row in rows], balance)
            after = lines[-1].key
            for line in lines:
                self.received += line.credit or 0
                if line.type == "returned_cheque":
                    self.returned += line.debit or 0
                else:
                    self.delivered += line.debit or 0
            self.closing = balance
            yield lines
            if len(rows) < self.batch_size:
                break
        self.closing = balance

    @property
    def period(self) -> tuple[date | None, date | None]:
        """The period the export covers: the range asked for, else its rows' dates (known once
        the first batch is in, or the reading is over)."""
        return (self.since or self.first_date, self.until or self.last_date)


async def export_header(
    session: AsyncSession,
    customer_id: int,
    since: date | None,
    until: date | None,
    *,
    pdf: bool = False,
    financial_only: bool = False,
) -> Header:
    """The export's header, after the checks that must answer before the body streams."""
    if since is not None and until is not None and since > until:
        raise invalid("from", "must not be after `to`", "query")
    customer = await require_customer(session, customer_id)
    if pdf:
        window = Window(limit=MAX_PDF_ROWS + 1, descending=False, since=since, until=until)
        rows = await repository.count_rows(
            session, customer_id, window, financial_only=financial_only
        )
        if rows > MAX_PDF_ROWS:
            raise Unprocessable(
                f"The statement has more than {MAX_PDF_ROWS} rows in this period, too many "
                "for a printable PDF. Narrow the period with `from` and `to`, or export CSV.",
                type="statement-too-long",
                max_rows=MAX_PDF_ROWS,
            )
    return Header(
        customer_id=customer["id"],
        customer_number=customer["number"],
        customer_name=customer["name"],
        customer_tax_id=customer["tax_id"],
        since=since,
        until=until,
    )
