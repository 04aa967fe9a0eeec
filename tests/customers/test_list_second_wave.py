"""The customer list's second wave: tab counts, the owing filter, the balance sort with keyset
pages, the customer of an all-digit number first, and merged-away customers' 404."""

from __future__ import annotations

import pytest

from tests.customers.helpers import BASE, bulk_insert, create, customer_row, main_store_id


async def all_pages(client, actor, **params):
    items, cursor, pages = [], None, 0
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = await client.get(BASE, params=query, headers=actor.headers)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        pages += 1
        cursor = r.json()["next_cursor"]
        if cursor is None:
            return items, pages


async def arrange(session):
    store = await main_store_id(session)
    rows = [
        customer_row(1, "Ana Owes", store, balance=-5000),
        customer_row(2, "Bia Owes Inactive", store, balance=-100, active=False),
        customer_row(3, "Caio Blocked", store, balance=0, blocked=True),
        customer_row(4, "Dora Credit", store, balance=2500),
        customer_row(5, "Ema Inactive", store, balance=0, active=False, blocked=True),
    ]
    await bulk_insert(session, rows)


async def test_counts_by_tab_never_count_the_quick_sale_customer(client, clerk, session):
    await arrange(session)
    r = await client.get(f"{BASE}/counts", headers=clerk.headers)
    assert r.status_code == 200, r.text
    assert r.json() == {"active": 3, "inactive": 2, "blocked": 2, "owing": 2}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "active"}, {"active": 3, "inactive": 0, "blocked": 1, "owing": 1}),
        ({"owing": "true"}, {"active": 1, "inactive": 1, "blocked": 0, "owing": 2}),
        ({"owing": "false"}, {"active": 2, "inactive": 1, "blocked": 2, "owing": 0}),
        ({"blocked": "true"}, {"active": 1, "inactive": 1, "blocked": 2, "owing": 0}),
        ({"q": "owes"}, {"active": 1, "inactive": 1, "blocked": 0, "owing": 2}),
        ({"q": "4"}, {"active": 1, "inactive": 0, "blocked": 0, "owing": 0}),
        ({"q": "%%"}, {"active": 0, "inactive": 0, "blocked": 0, "owing": 0}),
    ],
)
async def test_counts_take_the_filters_of_the_list(client, clerk, session, params, expected):
    await arrange(session)
    r = await client.get(f"{BASE}/counts", params=params, headers=clerk.headers)
    assert r.status_code == 200, r.text
    assert r.json() == expected
    listed = await client.get(
        BASE, params={**params, "status": params.get("status", "all")}, headers=clerk.headers
    )
    assert len(listed.json()["items"]) == expected["active"] + expected["inactive"]


async def test_counts_refuse_what_the_list_refuses(client, clerk):
    r = await client.get(f"{BASE}/counts", params={"status": "gone"}, headers=clerk.headers)
    assert r.status_code == 422
    r = await client.get(f"{BASE}/counts", params={"owing": "maybe"}, headers=clerk.headers)
    assert r.status_code == 422


async def test_owing_lists_only_customers_below_zero(client, clerk, session):
    await arrange(session)
    items, _ = await all_pages(client, clerk, owing="true")
    assert [c["name"] for c in items] == ["Ana Owes", "Bia Owes Inactive"]
    items, _ = await all_pages(client, clerk, owing="false", sort="name")
    assert [c["name"] for c in items] == ["Caio Blocked", "Dora Credit", "Ema Inactive"]


async def test_balance_sort_pages_through_equal_balances_without_gaps_or_repeats(
    client, clerk, session
):
    store = await main_store_id(session)
    balances = [-300, 0, 0, 0, 0, 0, 0, 0, -300, -300, 150, 0, -300, 150, 0, -7, 0]
    await bulk_insert(
        session,
        [customer_row(i + 1, f"C{i:02d}", store, balance=b) for i, b in enumerate(balances)],
    )
    for sort, reverse in (("balance", False), ("-balance", True)):
        items, pages = await all_pages(client, clerk, sort=sort, limit=3)
        assert pages == 6
        got = [(c["balance"], c["id"]) for c in items]
        assert len({i for _, i in got}) == len(balances)  # no repeats, none missing
        keys = [(int(float(b) * 100), i) for b, i in got]
        assert keys == sorted(keys, reverse=reverse)
    owing, _ = await all_pages(client, clerk, sort="balance", owing="true", limit=2)
    assert [c["balance"] for c in owing] == ["-3.00"] * 4 + ["-0.07"]


async def test_a_balance_cursor_of_another_sort_is_refused(client, clerk, session):
    store = await main_store_id(session)
    await bulk_insert(session, [customer_row(i, f"N{i}", store) for i in range(1, 4)])
    r = await client.get(BASE, params={"sort": "name", "limit": 1}, headers=clerk.headers)
    r = await client.get(
        BASE,
        params={"sort": "balance", "cursor": r.json()["next_cursor"]},
        headers=clerk.headers,
    )
    assert r.status_code == 422


@pytest.mark.parametrize("limit", [1, 2, 50])
async def test_the_customer_of_an_all_digit_number_comes_first_and_only_once(
    client, clerk, session, limit
):
    store = await main_store_id(session)
    # Customer 12's phone and others' tax ids/phones also hold "12": they match by text too.
    rows = [customer_row(12, "Zuleica Number", store, phone="(31) 91212-0000")]
    rows += [
        customer_row(100 + i, f"Abel {i}", store, phone=f"(31) 9120{i}-1200") for i in range(4)
    ]
    await bulk_insert(session, rows)
    items, _ = await all_pages(client, clerk, q="12", limit=limit)
    assert items[0]["number"] == 12
    numbers = [c["number"] for c in items]
    assert sorted(numbers) == sorted([12, 100, 101, 102, 103])
    assert numbers[1:] == [100, 101, 102, 103]  # the rest in the list's order


async def test_the_numbered_customer_keeps_the_other_filters(client, clerk, session):
    store = await main_store_id(session)
    await bulk_insert(
        session,
        [
            customer_row(7, "Gone Quiet", store, active=False),
            customer_row(70, "Phone Seven", store, phone="(31) 97777-0007"),
        ],
    )
    r = await client.get(BASE, params={"q": "7", "status": "active"}, headers=clerk.headers)
    assert [c["number"] for c in r.json()["items"]] == [70]
    r = await client.get(BASE, params={"q": "7"}, headers=clerk.headers)
    assert [c["number"] for c in r.json()["items"]] == [7, 70]


async def merge(client, owner, survivor, source):
    r = await client.post(
        f"{BASE}/{survivor}/merge", json={"source_id": source}, headers=owner.headers
    )
    assert r.status_code == 200, r.text


async def test_a_merged_customer_is_404_naming_where_it_went_through_chains(client, owner, clerk):
    a = await create(client, owner, name="Alpha")
    b = await create(client, owner, name="Beta")
    c = await create(client, owner, name="Gamma")
    await merge(client, owner, b["id"], a["id"])
    r = await client.get(f"{BASE}/{a['id']}", headers=clerk.headers)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == "customer-merged"
    assert r.json()["merged_into"] == {"id": b["id"], "number": b["number"], "name": "Beta"}
    await merge(client, owner, c["id"], b["id"])
    for gone in (a, b):
        r = await client.get(f"{BASE}/{gone['id']}", headers=clerk.headers)
        assert r.json()["type"] == "customer-merged", r.text
        assert r.json()["merged_into"] == {"id": c["id"], "number": c["number"], "name": "Gamma"}
    r = await client.get(f"{BASE}/999999", headers=clerk.headers)
    assert r.status_code == 404 and r.json()["type"] == "customer-not-found"
    assert "merged_into" not in r.json()


async def test_new_list_parameters_and_problems_are_documented(client):
    doc = (await client.get("/api/v1/openapi.json")).json()
    listing = doc["paths"]["/api/v1/customers"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert "owing" in params
    sort = params["sort"]["schema"]["anyOf"][0]["enum"]
    assert {"balance", "-balance"} <= set(sort)
    counts = doc["paths"]["/api/v1/customers/counts"]["get"]
    assert {"q", "status", "blocked", "store_id", "owing"} <= {
        p["name"] for p in counts["parameters"]
    }
    assert doc["components"]["schemas"]["CustomerCounts"]["examples"]
    read = doc["paths"]["/api/v1/customers/{customer_id}"]["get"]["responses"]["404"]
    assert "customer-merged" in read["content"]["application/problem+json"]["examples"]
