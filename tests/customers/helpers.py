"""Arranging customers for the customer registry tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.customers.models import Customer
from custledger.customers.service import search_text_of
from custledger.kit.text import fold
from custledger.stores.models import Store

BASE = "/api/v1/customers"

# Independently checked documents (not computed by the code under test).
CPF = "52998224725"
CPF_FORMATTED = "529.982.247-25"
CPF_2 = "11144477735"
CNPJ = "11222333000181"
CNPJ_FORMATTED = "11.222.333/0001-81"
CNPJ_2 = "11444777000161"


def cpf_with_check_digits(base: str) -> str:
    """A valid CPF from 9 digits (the textbook algorithm, written again for the tests)."""
    values = [int(c) for c in base]
    for weight_start in (10, 11):
        total = sum(v * w for v, w in zip(values, range(weight_start, 1, -1), strict=False))
        remainder = total % 11
        values.append(0 if remainder < 2 else 11 - remainder)
    return "".join(map(str, values))


def cnpj_with_check_digits(base: str) -> str:
    """A valid CNPJ from 12 digits (the textbook algorithm, written again for the tests)."""
    values = [int(c) for c in base]
    for weights in ([5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]):
        remainder = sum(v * w for v, w in zip(values, weights, strict=True)) % 11
        values.append(0 if remainder < 2 else 11 - remainder)
    return "".join(map(str, values))


async def create(client: httpx.AsyncClient, actor: Any, **fields: Any) -> dict[str, Any]:
    fields.setdefault("name", "Customer")
    r = await client.post(BASE, json=fields, headers=actor.headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def get(client: httpx.AsyncClient, actor: Any, customer_id: int) -> httpx.Response:
    return await client.get(f"{BASE}/{customer_id}", headers=actor.headers)


async def main_store_id(session: AsyncSession) -> int:
    store_id = await session.scalar(select(Store.id).where(Store.code == "MAIN"))
    assert store_id is not None
    return int(store_id)


async def quick_sale_id(session: AsyncSession) -> int:
    customer_id = await session.scalar(
        select(Store.quick_sale_customer_id).where(Store.code == "MAIN")
    )
    assert customer_id is not None
    return int(customer_id)


def customer_row(number: int, name: str, store_id: int, **fields: Any) -> dict[str, Any]:
    """A row for a bulk insert, with the search columns the service would compute."""
    now = fields.pop("created_at", datetime(2026, 1, 1, tzinfo=UTC))
    values: dict[str, Any] = {
        "number": number,
        "store_id": store_id,
        "is_quick_sale": False,
        "name": name,
        "active": True,
        "blocked": False,
        "production": False,
        "balance": 0,
        "credit_reserved": 0,
        "total_purchases": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        **fields,
    }
    values["search_text"] = search_text_of(Customer(**values))
    values["sort_name"] = fold(name)
    return values


async def bulk_insert(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    await session.execute(insert(Customer), rows)
    await session.commit()
