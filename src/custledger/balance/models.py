from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from custledger.kit.db import Base, MoneyColumn


class MonthlyTotal(Base):
    """Per customer and calendar month: Σ received payments, Σ deliveries and Σ returned
    cheques (by their return date) dated in it.

    Maintained in the same transaction as every balance move, so the balance before any date
    is a handful of rows whatever the length of the history (the statement's running balance).
    """

    __tablename__ = "monthly_totals"

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    # The first day of the month.
    month: Mapped[date] = mapped_column(primary_key=True)
    received: Mapped[int] = mapped_column(MoneyColumn, default=0)
    delivered: Mapped[int] = mapped_column(MoneyColumn, default=0)
    returned: Mapped[int] = mapped_column(MoneyColumn, default=0, server_default="0")
