"""GET /customers/duplicates: search before you create, best match first."""

from __future__ import annotations

from tests.customers.helpers import (
    BASE,
    CPF,
    CPF_FORMATTED,
    bulk_insert,
    create,
    customer_row,
    main_store_id,
)

URL = f"{BASE}/duplicates"


async def duplicates(client, actor, **params) -> list[dict]:
    r = await client.get(URL, params=params, headers=actor.headers)
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


async def test_same_tax_id_beats_same_phone_or_email_which_beat_a_similar_name(client, clerk):
    by_name = await create(client, clerk, name="Maria Aparecida da Silva")
    by_phone = await create(client, clerk, name="M. A. Silva", phone="(31) 98888-7777")
    by_email = await create(client, clerk, name="Cida", email="cida@example.com")
    by_tax = await create(client, clerk, name="Aparecida Comércio", tax_id=CPF)
    await create(client, clerk, name="João Pereira", phone="(11) 3333-4444")

    items = await duplicates(
        client,
        clerk,
        name="Maria Silva",
        tax_id=CPF_FORMATTED,
        phone="31 98888 7777",
        email="CIDA@example.com",
    )
    order = [i["id"] for i in items]
    assert order[0] == by_tax["id"]
    assert set(order[1:3]) == {by_phone["id"], by_email["id"]}
    assert order[3] == by_name["id"]
    assert len(order) == 4
    reasons = {i["id"]: i["reasons"] for i in items}
    assert reasons[by_tax["id"]] == ["same tax id"]
    assert reasons[by_phone["id"]] == ["same phone"]
    assert reasons[by_email["id"]] == ["same email"]
    assert reasons[by_name["id"]] == ["similar name"]
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    assert items[0]["tax_id"] == CPF_FORMATTED and items[0]["name"] == "Aparecida Comércio"


async def test_several_reasons_add_up(client, clerk):
    both = await create(client, clerk, name="Rafael Lima", phone="(21) 97777-6666")
    phone_only = await create(client, clerk, name="Beatriz", phone="21977776666")
    items = await duplicates(client, clerk, name="Rafael Lima", phone="(21) 97777-6666")
    assert [i["id"] for i in items] == [both["id"], phone_only["id"]]
    assert items[0]["reasons"] == ["same phone", "same name"]
    assert items[0]["score"] > items[1]["score"]


async def test_phone_matches_with_or_without_area_or_country_code(client, clerk):
    customer = await create(client, clerk, name="Phoned", phone="(31) 99999-8888")
    for phone in ("99999-8888", "+55 31 99999-8888", "31999998888"):
        assert [i["id"] for i in await duplicates(client, clerk, phone=phone)] == [
            customer["id"]
        ], phone
    assert await duplicates(client, clerk, phone="(31) 99999-8887") == []


async def test_name_similarity_ignores_case_accents_and_particles(client, clerk):
    jose = await create(client, clerk, name="José dos Santos")
    await create(client, clerk, name="Josefina Alves")
    items = await duplicates(client, clerk, name="JOSE SANTOS")
    assert [i["id"] for i in items] == [jose["id"]]
    assert items[0]["reasons"] == ["same name"]
    assert await duplicates(client, clerk, name="Pedro Henrique") == []


async def test_at_most_20_duplicates(client, clerk, session):
    store_id = await main_store_id(session)
    rows = [customer_row(5000 + i, "Carlos Souza", store_id) for i in range(30)]
    await bulk_insert(session, rows)
    items = await duplicates(client, clerk, name="Carlos Souza")
    assert len(items) == 20
    assert all(i["reasons"] == ["same name"] for i in items)


async def test_quick_sale_customers_are_never_duplicates(client, clerk):
    assert await duplicates(client, clerk, name="Quick sale — Main store") == []
    assert await duplicates(client, clerk, name="Quick sale") == []


async def test_at_least_one_field_is_required(client, clerk):
    for params in ({}, {"name": "  "}, {"phone": "--"}):
        r = await client.get(URL, params=params, headers=clerk.headers)
        assert r.status_code == 422, params
        assert r.json()["type"] == "validation-error"


async def test_duplicates_is_not_mistaken_for_a_customer_id(client, clerk):
    r = await client.get(URL, params={"name": "x"}, headers=clerk.headers)
    assert r.status_code == 200
    assert r.json() == {"items": []}
