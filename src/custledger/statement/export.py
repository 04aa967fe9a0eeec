"""The statement exports: CSV streamed batch by batch, PDF built batch by batch off the event
loop. Both read through ``StatementReader`` (oldest first, keyset batches, own session)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from datetime import date

from anyio import to_thread

from custledger.kit.money import format_money
from custledger.statement.pdf import StatementPdf
from custledger.statement.service import Header, Line, StatementReader

CSV_COLUMNS = ("date", "type", "reference", "description", "debit", "credit", "balance")
PDF_CHUNK = 64 * 1024


def _money(cents: int | None) -> str:
    return "" if cents is None else format_money(cents)


def _day(day: date | None) -> str:
    return "" if day is None else day.isoformat()


def _csv(rows: Iterable[Iterable[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _csv_line(line: Line) -> tuple[str, ...]:
    return (
        line.date.isoformat(),
        line.type,
        str(line.reference),
        line.description,
        _money(line.debit),
        _money(line.credit),
        _money(line.balance),
    )


async def csv_body(reader: StatementReader) -> AsyncIterator[bytes]:
    """Header, an opening-balance row, the rows oldest first, a closing-balance row.

    The opening row is written once the first batch is in (its date is the first row's when
    no ``from`` was given); memory holds one batch at a time.
    """
    opened = False
    async for lines in reader.batches():
        if not opened:
            opened = True
            yield _csv([CSV_COLUMNS, _opening(reader)])
        yield _csv(_csv_line(line) for line in lines)
    if not opened:
        yield _csv([CSV_COLUMNS, _opening(reader)])
    yield _csv(
        [(_day(reader.period[1]), "closing", "", "Closing balance", "", "", _money(reader.closing))]
    )


def _opening(reader: StatementReader) -> tuple[str, ...]:
    return (
        _day(reader.period[0]),
        "opening",
        "",
        "Opening balance",
        "",
        "",
        _money(reader.opening),
    )


async def pdf_body(
    reader: StatementReader, header: Header, business_name: str, currency: str, today: date
) -> AsyncIterator[bytes]:
    """The printable statement of account. fpdf2 keeps the document in memory until it is
    output, so rows are fed to it batch by batch in a worker thread (the layout is CPU work
    that must not stall the event loop), and the bytes are sent in chunks at the end."""
    document = StatementPdf(header, business_name, currency, today)
    async for lines in reader.batches():
        if not document.started:
            await to_thread.run_sync(document.begin, reader.period, reader.opening)
        await to_thread.run_sync(document.add_lines, lines)
    if not document.started:
        await to_thread.run_sync(document.begin, reader.period, reader.opening)
    data = await to_thread.run_sync(
        document.finish,
        reader.period[1],
        reader.closing,
        reader.received,
        reader.delivered,
        reader.returned,
    )
    for start in range(0, len(data), PDF_CHUNK):
        yield data[start : start + PDF_CHUNK]
