from __future__ import annotations

from datetime import datetime

from pydantic import Field

from custledger.kit.schemas import Input, Output

StoreCode = Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_-]+$")


class StoreOut(Output):
    id: int
    code: str
    name: str
    quick_sale_customer_id: int | None
    created_at: datetime
    updated_at: datetime


class StoreCreate(Input):
    code: str = StoreCode
    name: str = Field(min_length=1, max_length=200)


class StorePatch(Input):
    name: str | None = Field(default=None, min_length=1, max_length=200)
