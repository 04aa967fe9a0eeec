from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from custledger.kit.db import Base, TimestampMixin


class Store(TimestampMixin, Base):
    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The hidden walk-in customer of anonymous POS sales; set right after the store is made
    # (the two rows reference each other, so this one is nullable and added after both exist).
    quick_sale_customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", use_alter=True, name="fk_stores_quick_sale_customer_id")
    )
