from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from custledger.kit.db import Base, MoneyColumn, TimestampMixin

STATUSES = ("quote", "open", "delivered", "cancelled", "consumed")
DELIVERY_TYPES = ("single", "partial", "collected", "awaiting_collection", "unspecified")
PAYMENT_TERMS = ("cash", "credit")


class Order(TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total"),
        CheckConstraint("delivered_amount >= 0 AND delivered_amount <= total", name="delivered"),
        CheckConstraint(
            "status IN ('quote', 'open', 'delivered', 'cancelled', 'consumed')", name="status"
        ),
        CheckConstraint(
            "delivery_type IN ('single', 'partial', 'collected', 'awaiting_collection', "
            "'unspecified')",
            name="delivery_type",
        ),
        CheckConstraint("payment_terms IN ('cash', 'credit')", name="payment_terms"),
        CheckConstraint("kind IN ('quote', 'order')", name="kind"),
        Index("ix_orders_customer_placed", "customer_id", "placed_on", "id"),
        Index("ix_orders_customer_status", "customer_id", "status"),
        # The POS's own reference is unique per principal (each till its own numbering);
        # leading with the reference also serves GET /orders?external_ref=.
        Index("uq_orders_external_ref", "external_ref", "created_by_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(BigInteger, unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    # What the POS created: a quote (no sale yet) or an order (a sale). Status moves; kind stays.
    kind: Mapped[str] = mapped_column(String(6), server_default="order")
    status: Mapped[str] = mapped_column(String(12))
    delivery_type: Mapped[str] = mapped_column(String(20))
    payment_terms: Mapped[str] = mapped_column(String(6))
    total: Mapped[int] = mapped_column(MoneyColumn)
    delivered_amount: Mapped[int] = mapped_column(MoneyColumn, default=0)
    placed_on: Mapped[date]
    # When it was cancelled or consumed (the date of the statement's activity row).
    closed_on: Mapped[date | None]
    version: Mapped[int] = mapped_column(default=1)
    # The POS's own reference of the sale (1-64 printable characters), if it sent one.
    external_ref: Mapped[str | None] = mapped_column(String(64))


class Delivery(Base):
    """A delivery is the debit that moves the balance."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("order_id", "sequence"),
        CheckConstraint("amount > 0", name="amount_positive"),
        # Carries the amount so the receivables ageing walks it index-only (PostgreSQL).
        Index(
            "ix_deliveries_customer_delivered",
            "customer_id",
            "delivered_on",
            "id",
            postgresql_include=["amount"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    sequence: Mapped[int]
    delivered_on: Mapped[date]
    amount: Mapped[int] = mapped_column(MoneyColumn)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    created_at: Mapped[datetime]
