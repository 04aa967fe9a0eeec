"""Statement exports: CSV (parsed) and PDF (a real PDF naming the customer), whole or by period."""

from __future__ import annotations

import csv
import io
import re
import zlib
from datetime import date

import pytest

from custledger.statement import service
from tests.statement.helpers import fetch_pages, new_ledger

D = date


def export_url(customer_id: int) -> str:
    return f"/api/v1/customers/{customer_id}/statement/export"


def pdf_text(data: bytes) -> bytes:
    """The text of a PDF drawn with core fonts: its content streams inflated, the strings of
    each text object (BT ... ET) joined, one text object a line."""
    streams = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            streams.append(zlib.decompress(match.group(1)))
        except zlib.error:
            streams.append(match.group(1))
    lines = []
    for block in re.findall(rb"BT(.*?)ET", b"\n".join(streams), re.S):
        strings = re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", block)
        if strings:
            lines.append(re.sub(rb"\\(.)", rb"\1", b"".join(strings)))
    return b"\n".join(lines)


@pytest.fixture
async def history(session, owner):
    """Deliveries and payments over three months, with activity rows."""
    ledger = await new_ledger(
        session, owner.id, owner.store_id, name="João Gonçalves", tax_id="12345678909"
    )
    order = await ledger.order(D(2025, 1, 2), 600_00, delivery_type="partial")
    await ledger.deliver(order, 200_00, D(2025, 1, 3))
    await ledger.payment(150_00, D(2025, 1, 20), method="PIX")
    await ledger.order(D(2025, 2, 1), 10_00, status="cancelled")
    await ledger.deliver(order, 100_00, D(2025, 2, 10))
    await ledger.payment(100_00, D(2025, 3, 5), method="CASH")
    await ledger.order(D(2025, 3, 6), 5_00, status="quote")
    return ledger


async def read_csv(client, actor, customer_id, **params):
    response = await client.get(export_url(customer_id), params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


async def test_csv_export_is_the_statement_oldest_first_between_opening_and_closing(
    client, owner, history
):
    rows = await read_csv(client, owner, history.customer_id, format="csv")

    assert list(rows[0]) == [
        "date",
        "type",
        "reference",
        "description",
        "debit",
        "credit",
        "balance",
    ]
    assert rows[0] == {
        "date": "2025-01-02",
        "type": "opening",
        "reference": "",
        "description": "Opening balance",
        "debit": "",
        "credit": "",
        "balance": "0.00",
    }
    assert rows[-1] == {
        "date": "2025-03-06",
        "type": "closing",
        "reference": "",
        "description": "Closing balance",
        "debit": "",
        "credit": "",
        "balance": "-50.00",
    }
    # The rows between are the statement API's, oldest first, balances included.
    expected = [
        {k: "" if v is None else str(v) for k, v in entry.items()}
        for entry in reversed(history.expected())
    ]
    assert rows[1:-1] == expected
    assert [r["type"] for r in rows[1:-1]] == [
        "order",
        "delivery",
        "payment",
        "cancelled",
        "delivery",
        "payment",
        "quote",
    ]


async def test_csv_export_of_a_period_opens_with_the_balance_before_it(client, owner, history):
    rows = await read_csv(
        client,
        owner,
        history.customer_id,
        format="csv",
        **{"from": "2025-02-01", "to": "2025-03-05"},
    )

    assert rows[0]["type"] == "opening"
    assert rows[0]["date"] == "2025-02-01"
    assert rows[0]["balance"] == "-50.00"  # −200 delivered + 150 received before February
    assert [(r["date"], r["type"], r["balance"]) for r in rows[1:-1]] == [
        ("2025-02-01", "cancelled", ""),
        ("2025-02-10", "delivery", "-150.00"),
        ("2025-03-05", "payment", "-50.00"),
    ]
    assert rows[-1]["type"] == "closing"
    assert rows[-1]["date"] == "2025-03-05"
    assert rows[-1]["balance"] == "-50.00"


async def test_csv_export_balances_match_the_paged_statement(client, owner, session):
    ledger = await new_ledger(session, owner.id, owner.store_id)
    order = await ledger.order(D(2024, 12, 30), 5000_00, delivery_type="partial")
    for i in range(30):
        day = D(2025, 1 + i % 6, 1 + i % 27)
        await ledger.deliver(order, (i + 1) * 3_00, day)
        await ledger.payment((i + 2) * 2_00, day)
    pages = await fetch_pages(client, owner.headers, ledger.customer_id, limit=9)
    api_rows = [e for page in pages for e in page["entries"]][::-1]

    rows = await read_csv(client, owner, ledger.customer_id)

    assert [r["balance"] or None for r in rows[1:-1]] == [e["balance"] for e in api_rows]
    assert rows[-1]["balance"] == api_rows[-1]["balance"]


async def test_csv_export_financial_only(client, owner, history):
    rows = await read_csv(client, owner, history.customer_id, financial_only="true")
    assert [r["type"] for r in rows] == [
        "opening",
        "delivery",
        "payment",
        "delivery",
        "payment",
        "closing",
    ]
    assert rows[0]["date"] == "2025-01-03"
    assert rows[-1]["date"] == "2025-03-05"


async def test_csv_export_of_an_empty_statement(client, owner, session):
    ledger = await new_ledger(session, owner.id, owner.store_id)
    rows = await read_csv(client, owner, ledger.customer_id)
    assert [(r["type"], r["balance"]) for r in rows] == [("opening", "0.00"), ("closing", "0.00")]


async def test_csv_export_reads_in_batches(client, owner, history, monkeypatch):
    """Several keyset batches give the same file as one."""
    whole = await read_csv(client, owner, history.customer_id)
    monkeypatch.setattr(service, "EXPORT_BATCH", 2)
    assert await read_csv(client, owner, history.customer_id) == whole


async def test_pdf_export_is_a_statement_of_account_naming_the_customer(client, owner, history):
    response = await client.get(
        export_url(history.customer_id), params={"format": "pdf"}, headers=owner.headers
    )

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response.content.rstrip().endswith(b"%%EOF")
    text = pdf_text(response.content)
    for expected in (
        "João Gonçalves",
        "custledger demo",
        "Statement of account",
        "CPF 123.456.789-09",
        "Opening balance",
        "Closing balance",
        "Partial delivery 2",
        "-50.00",
        "2025-01-02 to 2025-03-06",
        "Page 1 of 1",
    ):
        assert expected.encode("latin-1") in text, expected


async def test_pdf_export_of_a_period_shows_its_opening_balance(client, owner, history):
    response = await client.get(
        export_url(history.customer_id),
        params={"format": "pdf", "from": "2025-02-01"},
        headers=owner.headers,
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert b"2025-02-01 to 2025-03-06" in text
    assert b"2025-01-20" not in text  # the January payment is before the period


async def test_pdf_export_of_a_long_statement_has_numbered_pages(client, owner, session):
    ledger = await new_ledger(session, owner.id, owner.store_id, name="Long History Ltda")
    for i in range(70):
        await ledger.payment(1_00 + i, D(2025, 1 + i // 28, 1 + i % 28))
    response = await client.get(
        export_url(ledger.customer_id), params={"format": "pdf"}, headers=owner.headers
    )
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert b"Page 1 of 2" in text
    assert b"Page 2 of 2" in text
    assert b"Statement of account (continued)" in text


async def test_pdf_export_beyond_the_row_limit_is_refused(client, owner, history, monkeypatch):
    monkeypatch.setattr(service, "MAX_PDF_ROWS", 3)
    response = await client.get(
        export_url(history.customer_id), params={"format": "pdf"}, headers=owner.headers
    )
    assert response.status_code == 422
    assert response.json()["type"] == "statement-too-long"
    # A narrower period fits.
    response = await client.get(
        export_url(history.customer_id),
        params={"format": "pdf", "from": "2025-03-01"},
        headers=owner.headers,
    )
    assert response.status_code == 200
    # CSV has no such limit.
    response = await client.get(export_url(history.customer_id), headers=owner.headers)
    assert response.status_code == 200


async def test_export_period_must_not_end_before_it_starts(client, owner, history):
    response = await client.get(
        export_url(history.customer_id),
        params={"from": "2025-03-01", "to": "2025-02-01"},
        headers=owner.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "from"


async def test_export_unknown_format_is_refused(client, owner, history):
    response = await client.get(
        export_url(history.customer_id), params={"format": "xlsx"}, headers=owner.headers
    )
    assert response.status_code == 422


async def test_export_of_unknown_customer_is_404(client, owner):
    for fmt in ("csv", "pdf"):
        response = await client.get(
            export_url(999_999), params={"format": fmt}, headers=owner.headers
        )
        assert response.status_code == 404
        assert response.json()["type"] == "customer-not-found"


async def test_export_needs_customers_read(client, make_actor, history):
    outsider = await make_actor("clerk", permissions=["payments:read"], name="no-customers")
    for fmt in ("csv", "pdf"):
        response = await client.get(
            export_url(history.customer_id), params={"format": fmt}, headers=outsider.headers
        )
        assert response.status_code == 403


@pytest.mark.postgres
async def test_export_reads_one_snapshot_while_payments_are_recorded(owner, session):
    """Rows written while an export streams (even dated before what it already sent) do not
    make it inconsistent: it is one REPEATABLE READ snapshot, so its rows add up to the
    closing balance the customer had when the export began."""
    ledger = await new_ledger(session, owner.id, owner.store_id)
    for day in range(1, 11):
        await ledger.payment(10_00, D(2025, 1, day))
    reader = service.StatementReader(ledger.customer_id, batch_size=3)

    seen = []
    async for lines in reader.batches():
        seen += lines
        if len(seen) == 3:  # mid-export, another terminal backdates and adds payments
            await ledger.payment(500_00, D(2025, 1, 2))
            await ledger.payment(700_00, D(2025, 1, 9))

    assert len(seen) == 10
    assert reader.closing == 100_00
    assert [line.balance for line in seen] == [i * 10_00 for i in range(1, 11)]
