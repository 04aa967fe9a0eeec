"""GET /customers/export: streamed CSV, same filters as the list, no formula injection."""

from __future__ import annotations

import csv
import io
import tracemalloc

import pytest
from sqlalchemy import update

from custledger.customers import service
from custledger.customers.models import Customer
from custledger.customers.repository import CustomerFilters
from tests.customers.helpers import (
    BASE,
    CPF,
    CPF_FORMATTED,
    bulk_insert,
    create,
    customer_row,
    main_store_id,
    quick_sale_id,
)

URL = f"{BASE}/export"


def parse(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


async def listed_ids(client, actor, **params) -> list[int]:
    found, cursor = [], None
    while True:
        query = params | {"limit": 200} | ({"cursor": cursor} if cursor else {})
        r = await client.get(BASE, params=query, headers=actor.headers)
        assert r.status_code == 200, r.text
        found += [c["id"] for c in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return found


async def _ten_thousand(session) -> None:
    store_id = await main_store_id(session)
    rows = [
        customer_row(
            100_000 + i,
            f"Cliente {i:05d} São João",
            store_id,
            active=i % 10 != 0,
            blocked=i % 7 == 0,
            city="Belo Horizonte" if i % 2 else "Contagem",
            total_purchases=i * 100,
        )
        for i in range(10_000)
    ]
    for start in range(0, len(rows), 2_000):
        await bulk_insert(session, rows[start : start + 2_000])


async def test_export_of_ten_thousand_customers_matches_the_list(client, manager, session):
    await _ten_thousand(session)
    r = await client.get(URL, params={"format": "csv"}, headers=manager.headers)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="customers.csv"'
    assert r.content.startswith(b"id,number,name,")
    rows = parse(r.content)
    assert len(rows) == 10_000
    assert [int(row["id"]) for row in rows] == await listed_ids(client, manager)
    assert rows[0]["name"].endswith("São João")
    quick = await quick_sale_id(session)
    assert str(quick) not in {row["id"] for row in rows}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "inactive"},
        {"blocked": "true", "sort": "-total_purchases"},
        {"q": "nome 9", "sort": "name"},
        {"status": "active", "sort": "-created_at"},
    ],
)
async def test_export_takes_the_filters_and_sort_of_the_list(client, manager, session, params):
    store_id = await main_store_id(session)
    await bulk_insert(
        session,
        [
            customer_row(
                200 + i,
                f"Nome {i}",
                store_id,
                active=i % 3 != 0,
                blocked=i % 4 == 0,
                city="Contagem",
                total_purchases=(i % 6) * 1000,
            )
            for i in range(250)
        ],
    )
    r = await client.get(URL, params=params, headers=manager.headers)
    assert r.status_code == 200
    exported = [int(row["id"]) for row in parse(r.content)]
    expected = await listed_ids(client, manager, **params)
    assert exported == expected
    assert exported


async def test_export_streams_in_batches_so_memory_does_not_grow_with_customers(
    client, manager, session
):
    await _ten_thousand(session)
    filters = CustomerFilters()
    chunks = [chunk async for chunk in service.export_csv(filters, None, batch_size=1_000)]
    assert len(chunks) == 1 + 10  # the header, then one chunk per batch of 1,000 rows
    assert all(chunk.count(b"\r\n") <= 1_000 for chunk in chunks)

    async def peak_bytes(batch_size: int) -> int:
        tracemalloc.start()
        try:
            async for _chunk in service.export_csv(filters, None, batch_size=batch_size):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    streamed = await peak_bytes(500)
    whole = await peak_bytes(10_000)
    # Holding one batch of 500 costs a fraction of holding all 10,000 rows at once.
    assert streamed * 4 < whole, (streamed, whole)


async def test_cells_that_a_spreadsheet_would_run_are_neutralised(client, manager, session):
    await create(client, manager, name='=HYPERLINK("http://evil","x")', notes="@SUM(A1:A9)")
    await create(client, manager, name="+55 cmd", trade_name="-2+3", city="=1+1")
    plain = await create(client, manager, name="Plain", tax_id=CPF, credit_limit="10")
    store_id = await main_store_id(session)
    await bulk_insert(
        session,
        [
            customer_row(900, "\tTabbed", store_id),
            customer_row(901, "\rReturned", store_id, balance=-12_050),
        ],
    )
    r = await client.get(URL, headers=manager.headers)
    rows = {row["number"]: row for row in parse(r.content)}
    cells = [v for row in rows.values() for v in row.values() if v]
    assert not [c for c in cells if c[0] in "=+@\t\r"], cells
    assert rows["1"]["name"] == '\'=HYPERLINK("http://evil","x")'
    assert rows["1"]["notes"] == "'@SUM(A1:A9)"
    assert rows["2"]["name"] == "'+55 cmd"
    assert rows["2"]["trade_name"] == "'-2+3"
    assert rows["2"]["city"] == "'=1+1"
    assert rows["900"]["name"] == "'\tTabbed"
    assert rows["901"]["name"] == "'\rReturned"
    # Numbers we format ourselves stay numbers, negative ones included.
    assert rows["901"]["balance"] == "-120.50"
    assert rows[str(plain["number"])]["tax_id"] == CPF_FORMATTED
    assert rows[str(plain["number"])]["credit_limit"] == "10.00"
    assert rows[str(plain["number"])]["active"] == "true"


async def test_export_of_no_customers_is_just_the_header(client, manager):
    r = await client.get(URL, headers=manager.headers)
    assert r.status_code == 200
    assert r.content.decode().splitlines() == [",".join(service.CSV_COLUMNS)]


async def test_export_formats_other_than_csv_are_422(client, manager):
    for export_format in ("xlsx", "pdf", ""):
        r = await client.get(URL, params={"format": export_format}, headers=manager.headers)
        assert r.status_code == 422, export_format
        assert r.json()["errors"][0]["field"] == "format"


async def test_export_validates_its_filters_before_streaming(client, manager):
    r = await client.get(URL, params={"status": "gone"}, headers=manager.headers)
    assert r.status_code == 422
    r = await client.get(URL, params={"q": "a b c d e f g h i j k"}, headers=manager.headers)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_export_reflects_committed_edits(client, manager, session):
    created = await create(client, manager, name="Before")
    await session.execute(update(Customer).where(Customer.id == created["id"]).values(name="After"))
    await session.commit()
    r = await client.get(URL, headers=manager.headers)
    assert [row["name"] for row in parse(r.content)] == ["After"]
