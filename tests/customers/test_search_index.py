"""On PostgreSQL the search runs on the trigram index of the folded search column and the
default listing on the listing index (checked with EXPLAIN on 20,000 customers)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text, true
from sqlalchemy.dialects.postgresql import asyncpg

from custledger.customers import repository
from custledger.customers.models import Customer
from custledger.customers.repository import CustomerFilters
from tests.customers.helpers import CPF, bulk_insert, customer_row, main_store_id

pytestmark = pytest.mark.postgres

FIRST = ["José", "Maria", "Ana", "João", "Antônio", "Carlos", "Luíza", "Sebastião"]
LAST = ["Silva", "Santos", "Oliveira", "Souza", "Conceição", "Araújo", "Carvalho", "Lima"]


async def _plan(session, query) -> str:
    sql = str(query.compile(dialect=asyncpg.dialect(), compile_kwargs={"literal_binds": True}))
    rows = (await session.execute(text("EXPLAIN " + sql))).scalars().all()
    return "\n".join(rows)


async def _arrange(session, count: int) -> None:
    """``count`` ordinary customers and a handful the tests look for."""
    store_id = await main_store_id(session)
    rows = [
        customer_row(
            10_000 + i,
            f"{FIRST[i % 8]} {LAST[(i // 8) % 8]} {LAST[(i // 64) % 8]}",
            store_id,
            phone=f"({11 + i % 80}) 9{i % 10_000:04d}-{(i * 7) % 10_000:04d}",
            email=f"c{i}@example.com",
            city="Belo Horizonte",
            active=i % 5 != 0,
        )
        for i in range(count)
    ]
    rows += [
        customer_row(90_000, "Quintanilha Brandão", store_id, phone="(48) 3344-5566"),
        customer_row(90_001, "Zuleica Quintanilha", store_id, tax_id=CPF),
    ]
    for start in range(0, len(rows), 5_000):
        await bulk_insert(session, rows[start : start + 5_000])
    await session.execute(text("ANALYZE customers"))
    await session.commit()


async def test_search_and_listing_use_their_indexes(session):
    await _arrange(session, 20_000)

    # The search predicate is served by the trigram index (forced: no sequential scan).
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    for q in ("carvalho", "conceicao joao", "3190", "529.982", "brandao", "C123@EXAMPLE"):
        condition = repository.search_condition(q)
        assert condition is not None
        plan = await _plan(session, select(Customer.id).where(condition))
        assert "ix_customers_search_text_trgm" in plan, (q, plan)
    await session.rollback()

    # The real page query of a selective search picks it by itself. (A common word may
    # instead walk the listing index in name order and stop at the page size: no sort.)
    for q in ("quintanilha", "brandao", "48 3344", "529.982.247", "c1234@"):
        conditions = repository.filter_conditions(CustomerFilters(q=q))
        query = repository.page_query(
            [*conditions, Customer.active == true()], Customer.sort_name, False, None, 51
        )
        plan = await _plan(session, query)
        assert "ix_customers_search_text_trgm" in plan, (q, plan)

    # The default listing reads the listing index in order from the cursor: no sort.
    conditions = repository.filter_conditions(CustomerFilters())
    query = repository.page_query(
        [*conditions, Customer.active == true()], Customer.sort_name, False, ("maria", 5), 51
    )
    plan = await _plan(session, query)
    assert "ix_customers_listing" in plan, plan
    assert "Sort" not in plan, plan
