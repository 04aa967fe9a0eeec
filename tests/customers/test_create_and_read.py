"""Creating and reading customers: fields, normalisation, numbers, tax ids, read-only fields."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from custledger.customers.models import Customer
from custledger.customers.schemas import CustomerOut
from tests.customers.helpers import (
    BASE,
    CNPJ,
    CNPJ_FORMATTED,
    CPF,
    CPF_FORMATTED,
    cpf_with_check_digits,
    create,
    get,
    quick_sale_id,
)

EVERY_FIELD = {
    "name": "José da Silva Comércio",
    "trade_name": "Zé Materiais",
    "contact": "Ana Souza",
    "phone": "(31) 99999-8888",
    "email": "ze@example.com.br",
    "address": "Rua das Flores",
    "address_number": "120",
    "complement": "Sala 3",
    "neighbourhood": "Centro",
    "city": "Belo Horizonte",
    "state": "MG",
    "postal_code": "30130-010",
    "country": "Brasil",
    "tax_id": CPF_FORMATTED,
    "legacy_rg_ie": "MG-12.345.678",
    "legacy_registration": "OLD-991",
    "notes": "Prefers deliveries in the morning.\nCall first.",
    "active": False,
    "blocked": True,
    "credit_limit": "1500.00",
    "next_invoice_date": "2026-04-10",
    "billing_instructions": "Invoice on the 10th.",
    "production": True,
}


async def test_creation_with_only_a_name_gets_defaults_number_and_the_callers_store(
    client, clerk, session
):
    r = await client.post(BASE, json={"name": "Maria"}, headers=clerk.headers)
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/api/v1/customers/{body['id']}"
    assert r.headers["etag"] == '"1"'
    assert body["name"] == "Maria"
    assert body["number"] == 1
    assert body["store_id"] == clerk.store_id
    assert body["active"] is True and body["blocked"] is False and body["production"] is False
    assert body["credit_limit"] is None and body["available_credit"] is None
    assert body["balance"] == "0.00" and body["total_purchases"] == "0.00"
    assert body["version"] == 1
    for optional in ("trade_name", "phone", "email", "tax_id", "notes", "next_invoice_date"):
        assert body[optional] is None
    stored = await session.get(Customer, body["id"])
    assert stored is not None and stored.sort_name == "maria" and stored.is_quick_sale is False


async def test_every_field_round_trips(client, manager):
    # Credit limit and blocked among them: credit control (sales:manage).
    created = await create(client, manager, **EVERY_FIELD)
    r = await get(client, manager, created["id"])
    assert r.status_code == 200
    body = r.json()
    assert r.headers["etag"] == '"1"'
    for field, value in EVERY_FIELD.items():
        assert body[field] == value, field
    assert body["available_credit"] == "1500.00"
    for read_only in ("id", "number", "store_id", "balance", "total_purchases"):
        assert body[read_only] is not None
    assert body["created_at"].endswith(("Z", "+00:00"))
    assert body["updated_at"]
    assert body == created  # the read is written straight to JSON, the create by the model
    assert CustomerOut.model_validate(body).model_dump(mode="json") == body


async def test_numbers_are_sequential_and_never_reused(client, clerk):
    first = await create(client, clerk, name="A")
    second = await create(client, clerk, name="B")
    assert second["number"] == first["number"] + 1
    r = await client.delete(f"{BASE}/{second['id']}", headers=clerk.headers)
    assert r.status_code == 204
    third = await create(client, clerk, name="C")
    assert third["number"] == second["number"] + 1


async def test_store_comes_from_the_principal(client, owner, make_actor):
    r = await client.post(
        "/api/v1/stores", json={"code": "NORTH", "name": "North"}, headers=owner.headers
    )
    assert r.status_code == 201, r.text
    north_clerk = await make_actor("clerk", store_id=r.json()["id"])
    created = await create(client, north_clerk, name="Northerner")
    assert created["store_id"] == north_clerk.store_id != owner.store_id


@pytest.mark.parametrize(
    "tax_id, stored, shown",
    [
        (CPF, CPF, CPF_FORMATTED),
        (CPF_FORMATTED, CPF, CPF_FORMATTED),
        (CNPJ, CNPJ, CNPJ_FORMATTED),
        (CNPJ_FORMATTED, CNPJ, CNPJ_FORMATTED),
        (" 529 982 247 25 ", CPF, CPF_FORMATTED),
    ],
)
async def test_tax_id_is_stored_as_digits_and_shown_formatted(
    client, clerk, session, tax_id, stored, shown
):
    created = await create(client, clerk, name="Taxed", tax_id=tax_id)
    assert created["tax_id"] == shown
    row = await session.get(Customer, created["id"])
    assert row is not None and row.tax_id == stored


@pytest.mark.parametrize(
    "tax_id",
    [
        "529.982.247-24",  # CPF, wrong second check digit
        "529.982.247-15",  # CPF, wrong first check digit
        "111.111.111-11",  # passes the arithmetic but is a known invalid sequence
        "11.222.333/0001-82",  # CNPJ, wrong check digit
        "00000000000000",
        "1234567890",  # 10 digits
        "123456789012",  # 12 digits
        "529.982.247-2A",
        "CPF 52998224725",
    ],
)
async def test_invalid_cpf_or_cnpj_is_refused_naming_tax_id(client, clerk, session, tax_id):
    r = await client.post(BASE, json={"name": "X", "tax_id": tax_id}, headers=clerk.headers)
    assert r.status_code == 422, r.text
    problem = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in problem["errors"]] == ["tax_id"]
    assert await session.scalar(select(Customer.id).where(Customer.name == "X")) is None


async def test_generated_cpfs_are_accepted(client, clerk):
    for base in ("123456789", "987654321", "000000191", "390533447"):
        cpf = cpf_with_check_digits(base)
        created = await create(client, clerk, name=f"C{base}", tax_id=cpf)
        assert created["tax_id"].replace(".", "").replace("-", "") == cpf


async def test_duplicate_tax_id_is_a_409_naming_the_existing_customer(client, clerk, session):
    first = await create(client, clerk, name="Original", tax_id=CPF)
    r = await client.post(
        BASE, json={"name": "Copy", "tax_id": CPF_FORMATTED}, headers=clerk.headers
    )
    assert r.status_code == 409, r.text
    problem = r.json()
    assert problem["type"] == "tax-id-taken"
    assert problem["existing_customer"] == {
        "id": first["id"],
        "number": first["number"],
        "name": "Original",
    }
    assert "Original" in problem["detail"]
    assert await session.scalar(select(Customer.id).where(Customer.name == "Copy")) is None


@pytest.mark.postgres
async def test_parallel_creations_with_one_tax_id_make_one_customer(client, clerk, session):
    import asyncio

    async def post(name: str):
        return await client.post(BASE, json={"name": name, "tax_id": CNPJ}, headers=clerk.headers)

    responses = await asyncio.gather(*(post(f"Parallel {i}") for i in range(6)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201, 409, 409, 409, 409, 409], [r.text for r in responses]
    assert all(r.json()["type"] == "tax-id-taken" for r in responses if r.status_code == 409)
    count = len((await session.scalars(select(Customer.id).where(Customer.tax_id == CNPJ))).all())
    assert count == 1


@pytest.mark.parametrize(
    "given, stored",
    [
        ("31999998888", "(31) 99999-8888"),
        ("(31) 9999-8888", "(31) 9999-8888"),
        ("31 3333 4444", "(31) 3333-4444"),
        ("  +1 415 555 0100 ", "+1 415 555 0100"),
        ("9999-8888", "9999-8888"),
        ("0800 123 4567", "0800 123 4567"),
    ],
)
async def test_phone_is_normalised(client, clerk, given, stored):
    created = await create(client, clerk, name="Phone", phone=given)
    assert created["phone"] == stored


@pytest.mark.parametrize("phone", ["call me", "31 9999 888a", "1234567", "1234567890123456"])
async def test_invalid_phone_is_refused(client, clerk, phone):
    r = await client.post(BASE, json={"name": "P", "phone": phone}, headers=clerk.headers)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == ["phone"]


async def test_email_is_validated_and_stored_lower_case(client, clerk):
    created = await create(client, clerk, name="Mail", email="  Ana.Souza+Loja@Example.COM ")
    assert created["email"] == "ana.souza+loja@example.com"
    for bad in ("ana", "ana@", "@example.com", "ana@example", "ana souza@example.com", "a@@b.co"):
        r = await client.post(BASE, json={"name": "M", "email": bad}, headers=clerk.headers)
        assert r.status_code == 422, bad
        assert [e["field"] for e in r.json()["errors"]] == ["email"]


@pytest.mark.parametrize(
    "field, limit",
    [
        ("name", 200),
        ("trade_name", 200),
        ("contact", 200),
        ("address", 200),
        ("address_number", 20),
        ("complement", 100),
        ("neighbourhood", 100),
        ("city", 100),
        ("state", 60),
        ("postal_code", 20),
        ("country", 60),
        ("legacy_rg_ie", 30),
        ("legacy_registration", 30),
    ],
)
async def test_text_longer_than_its_column_is_refused(client, clerk, field, limit):
    body = {"name": "Long"} | {field: "x" * limit}
    r = await client.post(BASE, json=body, headers=clerk.headers)
    assert r.status_code == 201, r.text
    body[field] = "x" * (limit + 1)
    r = await client.post(BASE, json=body, headers=clerk.headers)
    assert r.status_code == 422
    assert [e["field"] for e in r.json()["errors"]] == [field]


async def test_name_is_required_and_not_blank(client, clerk):
    for body in ({}, {"name": ""}, {"name": "   "}, {"name": None}):
        r = await client.post(BASE, json=body, headers=clerk.headers)
        assert r.status_code == 422, body
        assert r.json()["errors"][0]["field"] == "name"


async def test_empty_optional_text_is_stored_as_null(client, clerk):
    created = await create(client, clerk, name="Blanky", email="", phone=" ", tax_id="")
    assert created["email"] is None and created["phone"] is None and created["tax_id"] is None


@pytest.mark.parametrize(
    "credit_limit, status",
    [("-1.00", 422), ("10.001", 422), (10.5, 422), ("abc", 422), ("0.00", 201), (None, 201)],
)
async def test_credit_limit_is_non_negative_money_or_null(client, manager, credit_limit, status):
    r = await client.post(
        BASE, json={"name": "Limit", "credit_limit": credit_limit}, headers=manager.headers
    )
    assert r.status_code == status, r.text
    if status == 422:
        assert r.json()["errors"][0]["field"] == "credit_limit"


@pytest.mark.parametrize(
    "field, value",
    [
        ("balance", "1000.00"),
        ("number", 77),
        ("store_id", 2),
        ("id", 99),
        ("version", 9),
        ("total_purchases", "1.00"),
        ("available_credit", "1.00"),
        ("credit_reserved", "0.00"),
        ("created_at", "2020-01-01T00:00:00Z"),
        ("is_quick_sale", True),
        ("search_text", "x"),
    ],
)
async def test_read_only_fields_cannot_be_written_on_create(client, clerk, session, field, value):
    r = await client.post(BASE, json={"name": "Sneaky", field: value}, headers=clerk.headers)
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == field
    assert await session.scalar(select(Customer.id).where(Customer.name == "Sneaky")) is None


async def test_idempotency_key_replays_the_creation(client, clerk, session):
    headers = clerk.headers | {"Idempotency-Key": "create-ana-1"}
    first = await client.post(BASE, json={"name": "Ana"}, headers=headers)
    again = await client.post(BASE, json={"name": "Ana"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    names = (await session.scalars(select(Customer.id).where(Customer.name == "Ana"))).all()
    assert len(names) == 1
    other = await client.post(BASE, json={"name": "Bia"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["type"] == "idempotency-key-reused"


async def test_unknown_customer_is_404(client, clerk):
    r = await get(client, clerk, 987654)
    assert r.status_code == 404
    assert r.json()["type"] == "customer-not-found"
    r = await get(client, clerk, 2**40)
    assert r.status_code == 422


async def test_quick_sale_customer_can_be_read_by_id(client, pos, session):
    quick = await quick_sale_id(session)
    r = await get(client, pos, quick)
    assert r.status_code == 200
    assert r.json()["is_quick_sale"] is True
    assert r.json()["number"] is None
