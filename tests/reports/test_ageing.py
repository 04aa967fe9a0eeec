"""GET /reports/receivables-ageing: buckets on a fixed as_of, paging, totals, CSV, the SQL
allocation against the Python one, permissions."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

import pytest

from custledger.kit.money import format_money
from custledger.reports.allocation import DeliveryEntry, ReceiptEntry, age_receivables
from custledger.stores.service import create_store
from tests.reports.helpers import TODAY, Ledger, cents

URL = "/api/v1/reports/receivables-ageing"
AS_OF = date(2026, 1, 31)
ZERO = {
    "current": "0.00",
    "days_1_30": "0.00",
    "days_31_60": "0.00",
    "days_61_90": "0.00",
    "over_90": "0.00",
    "total": "0.00",
}


def before(days: int, as_of: date = AS_OF) -> date:
    return as_of - timedelta(days=days)


async def get_ageing(client, actor, **params):
    r = await client.get(URL, params=params, headers=actor.headers)
    assert r.status_code == 200, r.text
    return r.json()


async def arrange_bucket_edges(ledger: Ledger) -> dict[str, int]:
    """Customers A (every bucket edge), B (old debt), C (paid up), D (in credit), a quick-sale
    customer with debt. Returns their ids."""
    a = await ledger.customer("A — every edge")
    # Delivered at ages 91, 90, 61, 60, 31, 30, 1 and 0 days as of 31 January: 380.00.
    for age, amount in [
        (91, "100.00"),
        (90, "10.00"),
        (61, "20.00"),
        (60, "30.00"),
        (31, "40.00"),
        (30, "50.00"),
        (1, "60.00"),
        (0, "70.00"),
    ]:
        await ledger.sale(a, before(age), cents(amount))
    # 125.00 received pays the oldest first: the 100.00 (91 days), the 10.00 (90 days) and
    # 15.00 of the 20.00 (61 days), leaving 5.00 in 61–90.
    await ledger.receive(a, cents("125.00"), before(20))
    # After as_of: neither this delivery nor this payment counts as of 31 January.
    await ledger.sale(a, before(-1), cents("999.00"))
    await ledger.receive(a, cents("300.00"), before(-1))

    b = await ledger.customer("B — old debt")
    await ledger.sale(b, before(200), cents("100.00"))

    c = await ledger.customer("C — paid up")
    await ledger.sale(c, before(50), cents("80.00"))
    await ledger.receive(c, cents("80.00"), before(40))

    d = await ledger.customer("D — in credit")
    await ledger.sale(d, before(50), cents("80.00"))
    await ledger.receive(d, cents("100.00"), before(49))

    walk_in = await ledger.customer("Quick sale", quick_sale=True)
    await ledger.sale(walk_in, before(10), cents("45.00"))
    return {"a": a, "b": b, "c": c, "d": d, "walk_in": walk_in}


async def test_ageing_buckets_on_a_fixed_as_of(client, manager, ledger: Ledger, ledger_consistent):
    ids = await arrange_bucket_edges(ledger)
    body = await get_ageing(client, manager, as_of=AS_OF.isoformat())
    assert body["as_of"] == "2026-01-31"
    expected_a = {
        "customer_id": ids["a"],
        "number": 1,
        "name": "A — every edge",
        "current": "70.00",
        "days_1_30": "110.00",  # 60.00 (1 day) + 50.00 (30 days)
        "days_31_60": "70.00",  # 40.00 (31 days) + 30.00 (60 days)
        "days_61_90": "5.00",  # what is left of the 20.00 (61 days)
        "over_90": "0.00",
        "total": "255.00",  # 380.00 − 125.00
    }
    expected_b = {
        "customer_id": ids["b"],
        "number": 2,
        "name": "B — old debt",
        **ZERO,
        "over_90": "100.00",
        "total": "100.00",
    }
    # C owes nothing, D is in credit, the quick-sale customer is never listed.
    assert body["items"] == [expected_a, expected_b]
    assert body["totals"] == {
        "current": "70.00",
        "days_1_30": "110.00",
        "days_31_60": "70.00",
        "days_61_90": "5.00",
        "over_90": "100.00",
        "total": "355.00",
    }
    assert body["next_cursor"] is None
    # A page exactly as long as what is left is the last page; one shorter is not.
    exact = await get_ageing(client, manager, as_of=AS_OF.isoformat(), limit=2)
    assert exact["items"] == [expected_a, expected_b] and exact["next_cursor"] is None
    short = await get_ageing(client, manager, as_of=AS_OF.isoformat(), limit=1)
    assert short["items"] == [expected_a] and short["next_cursor"] is not None
    await ledger_consistent()


async def test_ageing_defaults_to_today_and_counts_later_entries(client, manager, ledger: Ledger):
    ids = await arrange_bucket_edges(ledger)
    body = await get_ageing(client, manager)
    assert body["as_of"] == TODAY.isoformat()
    a = next(item for item in body["items"] if item["customer_id"] == ids["a"])
    # As of today the 300.00 received on 1 February counts, and the 999.00 delivery too:
    # 380.00 + 999.00 − 125.00 − 300.00 = 954.00, all of it older than 1 day.
    assert a["total"] == "954.00"
    assert a["current"] == "0.00"


async def test_ageing_pages_by_customer_with_totals_over_all_pages(client, manager, ledger: Ledger):
    debtors = []
    for n in range(5):
        debtor = await ledger.customer(f"Debtor {n}")
        await ledger.sale(debtor, before(10 * n), cents("10.00") * (n + 1))
        debtors.append(debtor)
        settled = await ledger.customer(f"Settled {n}")
        await ledger.sale(settled, before(5), cents("10.00"))
        await ledger.receive(settled, cents("10.00"), before(5))
    seen, cursor, pages = [], None, 0
    while True:
        params = {"as_of": AS_OF.isoformat(), "limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = await get_ageing(client, manager, **params)
        pages += 1
        assert len(body["items"]) <= 2
        # 10 + 20 + 30 + 40 + 50
        assert body["totals"]["total"] == "150.00"
        seen += [item["customer_id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == debtors
    assert pages == 3


async def test_ageing_filters_by_store(client, manager, session, ledger: Ledger):
    branch = await create_store(session, "BRANCH", "Branch")
    await session.commit()
    main_customer = await ledger.customer("Main debtor")
    await ledger.sale(main_customer, before(3), cents("10.00"))
    branch_customer = await ledger.customer("Branch debtor", store_id=branch.id)
    await ledger.sale(branch_customer, before(3), cents("25.00"))
    body = await get_ageing(client, manager, as_of=AS_OF.isoformat(), store_id=branch.id)
    assert [item["customer_id"] for item in body["items"]] == [branch_customer]
    assert body["totals"]["total"] == "25.00"
    body = await get_ageing(client, manager, as_of=AS_OF.isoformat(), store_id=999)
    assert body["items"] == [] and body["totals"] == ZERO


async def test_ageing_csv_has_the_same_columns_and_a_total_line(client, manager, ledger: Ledger):
    ids = await arrange_bucket_edges(ledger)
    formula = await ledger.customer("=HYPERLINK(1)")
    await ledger.sale(formula, before(100), cents("1.00"))
    r = await client.get(
        URL, params={"as_of": AS_OF.isoformat(), "format": "csv"}, headers=manager.headers
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert 'filename="receivables-ageing-2026-01-31.csv"' in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == [
        "customer_id",
        "number",
        "name",
        "current",
        "days_1_30",
        "days_31_60",
        "days_61_90",
        "over_90",
        "total",
    ]
    assert rows[1] == [
        str(ids["a"]),
        "1",
        "A — every edge",
        "70.00",
        "110.00",
        "70.00",
        "5.00",
        "0.00",
        "255.00",
    ]
    assert rows[2] == [
        str(ids["b"]),
        "2",
        "B — old debt",
        "0.00",
        "0.00",
        "0.00",
        "0.00",
        "100.00",
        "100.00",
    ]
    # A name a spreadsheet would run as a formula is defused.
    assert rows[3][2] == "'=HYPERLINK(1)"
    assert rows[4] == ["", "", "TOTAL", "70.00", "110.00", "70.00", "5.00", "101.00", "356.00"]
    assert len(rows) == 5


async def test_ageing_csv_of_no_receivables_is_a_header_and_a_zero_total(client, manager):
    r = await client.get(URL, params={"format": "csv"}, headers=manager.headers)
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [
        [
            "customer_id",
            "number",
            "name",
            "current",
            "days_1_30",
            "days_31_60",
            "days_61_90",
            "over_90",
            "total",
        ],
        ["", "", "TOTAL", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00"],
    ]


async def test_ageing_needs_sales_manage(client, clerk, pos, owner):
    for actor in (clerk, pos):
        r = await client.get(URL, headers=actor.headers)
        assert r.status_code == 403
        assert r.json()["type"] == "forbidden"
    r = await client.get(URL, params={"format": "csv"}, headers=clerk.headers)
    assert r.status_code == 403
    assert (await client.get(URL, headers=owner.headers)).status_code == 200
    assert (await client.get(URL)).status_code == 401


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 1001}, "limit"),
        ({"limit": 0}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"as_of": "2026-02-30"}, "as_of"),
        ({"format": "xml"}, "format"),
        ({"store_id": 0}, "store_id"),
    ],
)
async def test_ageing_refuses_bad_parameters(client, manager, params, field):
    r = await client.get(URL, params=params, headers=manager.headers)
    assert r.status_code == 422, r.text
    assert r.json()["type"] == "validation-error"
    assert field in [e["field"] for e in r.json()["errors"]]


async def test_a_cursor_of_another_list_is_refused(client, manager, clerk):
    from custledger.kit.pagination import encode_cursor

    r = await client.get(
        URL, params={"cursor": encode_cursor("overdue", ["2026-01-01", 1])}, headers=manager.headers
    )
    assert r.status_code == 422


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_sql_ageing_matches_the_python_allocation(client, manager, ledger: Ledger, seed):
    """Random histories (partial payments, overpayments, backdated receipts, same-day entries):
    the SQL window allocation equals ``allocation.age_receivables`` customer by customer."""
    rng = random.Random(seed)
    start = date(2025, 6, 1)
    histories: dict[int, tuple[list[DeliveryEntry], list[ReceiptEntry]]] = {}
    for n in range(12):
        cid = await ledger.customer(f"Random {seed}-{n}")
        deliveries, receipts = [], []
        for _ in range(rng.randint(0, 6)):
            on = start + timedelta(days=rng.randint(0, 280))
            amount = rng.randint(1, 50000)
            deliveries.append(DeliveryEntry(await ledger.sale(cid, on, amount), on, amount))
        for _ in range(rng.randint(0, 5)):
            # Entered in random date order: later rows are often backdated before earlier ones.
            on = start + timedelta(days=rng.randint(0, 280))
            amount = rng.randint(1, 40000)
            receipts.append(ReceiptEntry(await ledger.receive(cid, amount, on), on, amount))
        histories[cid] = (deliveries, receipts)

    for as_of in (date(2025, 9, 1), date(2025, 12, 31), date(2026, 3, 10)):
        expected_rows = []
        expected_totals = dict.fromkeys(
            ("current", "days_1_30", "days_31_60", "days_61_90", "over_90", "total"), 0
        )
        for cid, (deliveries, receipts) in histories.items():
            buckets = age_receivables(deliveries, receipts, as_of)
            if buckets["total"] > 0:
                expected_rows.append((cid, {k: format_money(v) for k, v in buckets.items()}))
                for k, v in buckets.items():
                    expected_totals[k] += v
        body = await get_ageing(client, manager, as_of=as_of.isoformat(), limit=5)
        items = body["items"]
        cursor = body["next_cursor"]
        while cursor:
            more = await get_ageing(
                client, manager, as_of=as_of.isoformat(), limit=5, cursor=cursor
            )
            items += more["items"]
            cursor = more["next_cursor"]
        got = [(item["customer_id"], {k: item[k] for k in expected_totals}) for item in items]
        assert got == expected_rows
        assert body["totals"] == {k: format_money(v) for k, v in expected_totals.items()}
        # The CSV export runs the same allocation as one streamed query.
        r = await client.get(
            URL, params={"as_of": as_of.isoformat(), "format": "csv"}, headers=manager.headers
        )
        rows = list(csv.reader(io.StringIO(r.text)))
        columns = rows[0][3:]
        assert [(int(row[0]), dict(zip(columns, row[3:], strict=True))) for row in rows[1:-1]] == (
            expected_rows
        )
        assert rows[-1][3:] == [format_money(expected_totals[c]) for c in columns]


@pytest.mark.parametrize("limit", [1, 3])
async def test_sparse_debtors_are_found_across_several_scan_chunks(
    client, manager, ledger: Ledger, monkeypatch, limit
):
    """A page scans customer ids chunk by chunk until it is full; with tiny chunks, pages
    must still hold every debtor once, in id order, whatever lies between them."""
    from custledger.reports import service

    monkeypatch.setattr(service, "MIN_CHUNK", 2)
    monkeypatch.setattr(service, "MAX_CHUNK", 3)
    debtors = []
    for n in range(12):
        cid = await ledger.customer(f"Customer {n}")
        await ledger.sale(cid, before(5), cents("10.00"))
        if n in (0, 5, 6, 11):
            debtors.append(cid)
        else:
            await ledger.receive(cid, cents("10.00"), before(5))
        await ledger.customer(f"No deliveries {n}")
    seen, cursor = [], None
    while True:
        params = {"as_of": AS_OF.isoformat(), "limit": limit}
        if cursor:
            params["cursor"] = cursor
        body = await get_ageing(client, manager, **params)
        seen += [item["customer_id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == debtors
    assert body["totals"]["total"] == "40.00"
