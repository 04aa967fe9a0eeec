"""GET /customers: accent- and case-insensitive search, filters, sorts and keyset pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custledger.customers import repository
from custledger.kit.text import fold
from tests.customers.helpers import (
    BASE,
    CNPJ,
    CPF,
    bulk_insert,
    create,
    customer_row,
    get,
    main_store_id,
    quick_sale_id,
)


async def ids(client, actor, **params) -> list[int]:
    r = await client.get(BASE, params=params, headers=actor.headers)
    assert r.status_code == 200, r.text
    return [c["id"] for c in r.json()["items"]]


async def all_pages(client, actor, limit: int, **params) -> list[dict]:
    items, cursor, pages = [], None, 0
    while True:
        query = params | {"limit": limit} | ({"cursor": cursor} if cursor else {})
        r = await client.get(BASE, params=query, headers=actor.headers)
        assert r.status_code == 200, r.text
        page = r.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert page["items"], "a page with a next cursor is never empty"
        assert pages < 1000


@pytest.mark.parametrize(
    "field, stored, query",
    [
        ("name", "José Conceição", "jose"),
        ("name", "José Conceição", "CONCEICAO"),
        ("name", "josé conceição", "José"),
        ("trade_name", "Padaria Pão Quente", "pao quente"),
        ("contact", "Ângela Müller", "angela MULLER"),
        ("email", "Loja.Sao.Joao@Example.com", "SAO.JOAO@"),
        ("phone", "(31) 99876-5432", "3199876"),
        ("phone", "(31) 99876-5432", "(31) 99876-5432"),
        ("phone", "(31) 99876-5432", "98765432"),
        ("tax_id", CPF, "529.982"),
        ("tax_id", CPF, "24725"),
        ("tax_id", CNPJ, "11.222.333/0001-81"),
    ],
)
async def test_search_finds_each_field_ignoring_case_and_accents(
    client, clerk, field, stored, query
):
    wanted = await create(client, clerk, **({"name": "Target"} | {field: stored}))
    await create(client, clerk, name="Bystander", email="other@example.org", city="Recife")
    assert await ids(client, clerk, q=query) == [wanted["id"]]


async def test_search_does_not_match_the_address(client, clerk):
    # "paulo" is a name: the clerk looking for Paulo does not want every customer of São Paulo.
    paulo = await create(client, clerk, name="Paulo Rodrigues", city="Recife")
    await create(client, clerk, name="Ana Rodrigues", city="São Paulo", address="Rua Paulo Afonso")
    assert await ids(client, clerk, q="paulo") == [paulo["id"]]
    assert await ids(client, clerk, q="paul rodri") == [paulo["id"]]
    assert await ids(client, clerk, q="recife") == []


async def test_search_by_exact_number(client, clerk):
    customers = [await create(client, clerk, name=f"Customer {chr(65 + i)}") for i in range(12)]
    eleventh = customers[10]
    assert eleventh["number"] == 11
    assert await ids(client, clerk, q="11") == [eleventh["id"]]
    assert await ids(client, clerk, q="  11 ") == [eleventh["id"]]
    assert await ids(client, clerk, q="99") == []


async def test_every_word_must_match_in_any_order(client, clerk):
    jose = await create(client, clerk, name="José da Silva", city="Belo Horizonte")
    await create(client, clerk, name="José Santos", city="Recife")
    await create(client, clerk, name="Maria da Silva", city="Belo Horizonte")
    assert await ids(client, clerk, q="silva jose") == [jose["id"]]
    assert await ids(client, clerk, q="da jose") == [jose["id"]]
    assert sorted(await ids(client, clerk, q="jose")) == sorted(await ids(client, clerk, q="JOSÉ"))
    assert len(await ids(client, clerk, q="jose")) == 2


async def test_like_wildcards_in_q_are_taken_literally(client, clerk):
    percent = await create(client, clerk, name="100% Natural")
    await create(client, clerk, name="Natural Foods")
    await create(client, clerk, name="A_B")
    assert await ids(client, clerk, q="100%") == [percent["id"]]
    assert await ids(client, clerk, q="%") == [percent["id"]]
    assert len(await ids(client, clerk, q="_")) == 1


async def test_blank_q_lists_everything_and_symbols_match_no_one(client, clerk):
    await create(client, clerk, name="One")
    await create(client, clerk, name="Two")
    assert len(await ids(client, clerk, q="   ")) == 2
    assert await ids(client, clerk, q="\u2764") == []


async def test_too_many_words_or_too_long_q_is_422(client, clerk):
    r = await client.get(BASE, params={"q": " ".join("abcdefghijk")}, headers=clerk.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "q"
    r = await client.get(BASE, params={"q": "x" * 201}, headers=clerk.headers)
    assert r.status_code == 422


async def test_quick_sale_customers_are_never_listed_or_found(client, owner, session):
    quick = await quick_sale_id(session)
    r = await client.post(
        "/api/v1/stores", json={"code": "SOUTH", "name": "South"}, headers=owner.headers
    )
    assert r.status_code == 201
    regular = await create(client, owner, name="Quick Silva")
    assert await ids(client, owner) == [regular["id"]]
    assert await ids(client, owner, q="quick") == [regular["id"]]
    assert await ids(client, owner, q="sale") == []
    for sort in ("name", "-number", "created_at", "-total_purchases"):
        assert await ids(client, owner, sort=sort, status="all") == [regular["id"]]
    assert quick not in await ids(client, owner, store_id=owner.store_id)


async def test_status_blocked_and_store_filters(client, owner, make_actor):
    r = await client.post(
        "/api/v1/stores", json={"code": "WEST", "name": "West"}, headers=owner.headers
    )
    west_clerk = await make_actor("clerk", store_id=r.json()["id"])
    active = await create(client, owner, name="Active")
    inactive = await create(client, owner, name="Inactive", active=False)
    blocked = await create(client, owner, name="Blocked", blocked=True)
    blocked_inactive = await create(client, owner, name="Both", blocked=True, active=False)
    west = await create(client, west_clerk, name="Westerner")

    assert set(await ids(client, owner, status="active")) == {
        active["id"],
        blocked["id"],
        west["id"],
    }
    assert set(await ids(client, owner, status="inactive")) == {
        inactive["id"],
        blocked_inactive["id"],
    }
    assert len(await ids(client, owner)) == len(await ids(client, owner, status="all")) == 5
    assert set(await ids(client, owner, blocked="true")) == {blocked["id"], blocked_inactive["id"]}
    assert len(await ids(client, owner, blocked="false")) == 3
    assert await ids(client, owner, status="active", blocked="true") == [blocked["id"]]
    assert await ids(client, owner, store_id=west_clerk.store_id) == [west["id"]]
    for bad in ({"status": "deleted"}, {"blocked": "maybe"}, {"store_id": 0}, {"sort": "email"}):
        r = await client.get(BASE, params=bad, headers=owner.headers)
        assert r.status_code == 422, bad


def _expected(rows: list[dict], sort: str | None) -> list[int]:
    if sort is None:
        ordered = sorted(rows, key=lambda r: (not r["active"], fold(r["name"]), r["id"]))
        return [r["id"] for r in ordered]
    column = sort.lstrip("-")
    key = {
        "name": lambda r: (fold(r["name"]), r["id"]),
        "number": lambda r: (r["number"], r["id"]),
        "created_at": lambda r: (r["created_at"], r["id"]),
        "total_purchases": lambda r: (r["total_purchases"], r["id"]),
    }[column]
    return [r["id"] for r in sorted(rows, key=key, reverse=sort.startswith("-"))]


@pytest.fixture
async def catalogue(session, client, clerk) -> list[dict]:
    """37 customers with ties in every sort key, active and inactive mixed."""
    store_id = await main_store_id(session)
    names = ["Ana", "ana", "Ána", "Bruno", "Carla", "Zé", "Álvaro", "Érica", "beto", "Zilda"]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        customer_row(
            1000 + i,
            names[i % len(names)],
            store_id,
            active=i % 3 != 0,
            blocked=i % 4 == 0,
            total_purchases=(i % 5) * 10_000,
            created_at=start + timedelta(minutes=i // 3),
        )
        for i in range(37)
    ]
    await bulk_insert(session, rows)
    r = await client.get(BASE, params={"limit": 200}, headers=clerk.headers)
    listed = r.json()["items"]
    assert len(listed) == 37
    by_number = {r["number"]: r for r in rows}
    return [
        {
            "id": c["id"],
            "name": c["name"],
            "active": c["active"],
            "number": c["number"],
            "created_at": by_number[c["number"]]["created_at"],
            "total_purchases": by_number[c["number"]]["total_purchases"],
        }
        for c in listed
    ]


SORTS = [
    None,
    "name",
    "-name",
    "number",
    "-number",
    "created_at",
    "-created_at",
    "total_purchases",
    "-total_purchases",
]


@pytest.mark.parametrize("sort", SORTS)
@pytest.mark.parametrize("limit", [1, 7, 200])
async def test_every_sort_pages_without_duplicates_or_gaps(client, clerk, catalogue, sort, limit):
    params = {"sort": sort} if sort else {}
    items = await all_pages(client, clerk, limit, **params)
    assert [c["id"] for c in items] == _expected(catalogue, sort)


@pytest.mark.parametrize("sort", [None, "name", "-created_at", "total_purchases"])
async def test_filtered_search_pages_without_duplicates_or_gaps(client, clerk, catalogue, sort):
    params = {"q": "a", "blocked": "false"} | ({"sort": sort} if sort else {})
    whole = await ids(client, clerk, limit=200, **params)
    assert whole, "the filter matches something"
    paged = [c["id"] for c in await all_pages(client, clerk, 4, **params)]
    assert paged == whole
    names_with_a = {c["id"] for c in catalogue if "a" in fold(c["name"])}
    assert set(whole) <= names_with_a


async def test_default_order_is_active_first_then_inactive_by_name(client, clerk):
    for name, active in (("bia", False), ("Zoe", True), ("Ana", False), ("Caio", True)):
        await create(client, clerk, name=name, active=active)
    r = await client.get(BASE, headers=clerk.headers)
    assert [(c["name"], c["active"]) for c in r.json()["items"]] == [
        ("Caio", True),
        ("Zoe", True),
        ("Ana", False),
        ("bia", False),
    ]


async def test_a_page_reached_by_cursor_is_stable_when_rows_are_added_before_it(client, clerk):
    for name in ("Caio", "Dora", "Enzo", "Fabi"):
        await create(client, clerk, name=name)
    first = (await client.get(BASE, params={"limit": 2}, headers=clerk.headers)).json()
    await create(client, clerk, name="Aaron")  # sorts before the cursor
    second = await client.get(
        BASE, params={"limit": 2, "cursor": first["next_cursor"]}, headers=clerk.headers
    )
    assert [c["name"] for c in second.json()["items"]] == ["Enzo", "Fabi"]


async def test_limit_and_cursor_are_validated(client, clerk):
    for params in ({"limit": 201}, {"limit": 0}, {"cursor": "not-a-cursor"}):
        r = await client.get(BASE, params=params, headers=clerk.headers)
        assert r.status_code == 422, params
    for name in ("A", "B", "C"):
        await create(client, clerk, name=name)
    by_name = await client.get(BASE, params={"limit": 1, "sort": "name"}, headers=clerk.headers)
    cursor = by_name.json()["next_cursor"]
    r = await client.get(
        BASE, params={"limit": 1, "sort": "-number", "cursor": cursor}, headers=clerk.headers
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "cursor"
    r = await client.get(
        BASE, params={"limit": 1, "sort": "created_at", "cursor": cursor}, headers=clerk.headers
    )
    assert r.status_code == 422


async def test_list_items_carry_balance_and_available_credit(client, clerk, manager):
    await create(client, manager, name="Credit", credit_limit="300")
    item = (await client.get(BASE, headers=clerk.headers)).json()["items"][0]
    assert item["credit_limit"] == "300.00"
    assert item["available_credit"] == "300.00"
    assert item["balance"] == "0.00"
    assert item["tax_id"] is None
    assert "search_text" not in item and "sort_name" not in item


async def test_a_listed_customer_is_exactly_the_customer_read(client, clerk):
    """Lists and reads are written straight to JSON: both must be exactly the documented
    ``CustomerOut`` (and the same for one customer)."""
    from custledger.customers.schemas import CustomerOut

    created = await create(client, clerk, name="Lista Única", phone="(31) 98888-7777")
    r = await client.get("/api/v1/customers", params={"q": "lista"}, headers=clerk.headers)
    assert r.status_code == 200
    page = r.json()
    assert set(page) == {"items", "next_cursor"}
    [listed] = page["items"]
    assert CustomerOut.model_validate(listed).model_dump(mode="json") == listed
    assert listed == (await get(client, clerk, created["id"])).json() == created


@pytest.mark.parametrize("window", [1, 5, 8_000])
@pytest.mark.parametrize("limit", [1, 4, 200])
@pytest.mark.parametrize("status", ["all", "active"])
async def test_search_pages_are_the_matches_in_order_whatever_the_window(
    client, clerk, catalogue, monkeypatch, window, limit, status
):
    """A search first reads a window of the default order and keeps the matches; when that
    does not fill the page it asks the trigram index for every match from the cursor on.
    Both ways, with a window that fills pages, one that never does and one in between, give
    the matches in the default order, page after page."""
    monkeypatch.setattr(repository, "SEARCH_WINDOW", window)
    for q in ("a", "AN", "é", "ze", "ilda", "lva ro", "bru car", "x"):
        paged = await all_pages(client, clerk, limit, q=q, status=status)
        wanted = [
            c
            for c in catalogue
            if all(fold(w) in fold(c["name"]) for w in q.split())
            and (status == "all" or c["active"])
        ]
        assert [c["id"] for c in paged] == _expected(wanted, None), (q, window, limit)
