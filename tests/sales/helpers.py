"""Bodies and table counts of the sales tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from custledger.models import Base

API = "/api/v1"

CHEQUE = {
    "predated_to": "2030-01-10",
    "issuer_tax_id": "123.456.789-09",
    "issuer_name": "Maria da Silva",
    "bank": "001",
    "branch": "1234",
    "account": "56789-0",
    "cheque_number": "000101",
}


def sale(customer_id: int | None, total: str, **fields: Any) -> dict[str, Any]:
    """A sale delivered now and paid in full in cash unless ``fields`` say otherwise."""
    body: dict[str, Any] = {
        "total": total,
        "delivery": "now",
        "payments": [{"method": "CASH", "amount": total}],
    }
    if customer_id is not None:
        body["customer_id"] = customer_id
    body.update(fields)
    return body


async def row_counts(session: AsyncSession) -> dict[str, int]:
    """The number of rows of every table of the schema."""
    counts = {}
    for table in Base.metadata.sorted_tables:
        counts[table.name] = int(await session.scalar(select(func.count()).select_from(table)) or 0)
    await session.commit()
    return counts
