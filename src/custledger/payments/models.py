from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from custledger.kit.db import Base, MoneyColumn, TimestampMixin

METHODS = ("CASH", "CHEQUE", "PIX", "BOLETO", "CARD", "TRANSFER")
# A cheque's lifecycle (payments/lifecycle.py): held in the drawer, deposited at the bank, then
# cleared (paid) or returned (bounced).
CHEQUE_STATUSES = ("held", "deposited", "cleared", "returned")


class Payment(TimestampMixin, Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "method IN ('CASH', 'CHEQUE', 'PIX', 'BOLETO', 'CARD', 'TRANSFER')", name="method"
        ),
        # Statement rows (received payments by date) and the payments list (newest first).
        Index("ix_payments_customer_received", "customer_id", "received_on", "id"),
        Index("ix_payments_customer_id", "customer_id", "id"),
        Index("ix_payments_customer_order", "customer_id", "order_number"),
        Index("ix_payments_pending_due", "due_date", postgresql_where="received_on IS NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    # The order this pays, by its number (the POS's reference; the order may predate us).
    order_number: Mapped[int | None] = mapped_column(BigInteger)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("principals.id"))
    method: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(MoneyColumn)
    due_date: Mapped[date]
    # Null: pending (a boleto or post-dated cheque not yet cleared); moves no balance.
    received_on: Mapped[date | None]
    details: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(default=1)


class Cheque(Base):
    """The one cheque of a CHEQUE payment."""

    __tablename__ = "cheques"
    __table_args__ = (
        Index("ix_cheques_issuer", "issuer_tax_id", "id"),
        # One paper cheque is recorded once (payments/cheques.py): the unique index decides
        # between two terminals recording the same cheque at once.
        Index("uq_cheques_duplicate_key", "duplicate_key", unique=True),
        CheckConstraint("status IN ('held', 'deposited', 'cleared', 'returned')", name="status"),
        # Returned cheques are statement rows (debits dated by their return).
        Index("ix_cheques_customer_returned", "customer_id", "returned_on", "id"),
        # The cheques list (GET /cheques): by status, oldest pre-dated first.
        Index("ix_cheques_status_predated", "status", "predated_to", "payment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(
        ForeignKey("payments.id", ondelete="CASCADE"), unique=True
    )
    # Kept on every money table: merges move it and a sharded database distributes by it.
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    predated_to: Mapped[date]
    issuer_tax_id: Mapped[str] = mapped_column(String(14))
    issuer_name: Mapped[str] = mapped_column(String(200))
    bank: Mapped[str] = mapped_column(String(10))
    branch: Mapped[str] = mapped_column(String(10))
    account: Mapped[str] = mapped_column(String(20))
    cheque_number: Mapped[str] = mapped_column(String(20))
    # Bank, branch, account and number normalised (``cheques.duplicate_key``); null only for
    # the later copies of a cheque recorded twice before the rule existed.
    duplicate_key: Mapped[str | None] = mapped_column(String(80))
    # The lifecycle: each step's date (business calendar) and the principal who recorded it.
    status: Mapped[str] = mapped_column(String(10), default="held", server_default="held")
    deposited_on: Mapped[date | None]
    deposited_by_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    cleared_on: Mapped[date | None]
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    returned_on: Mapped[date | None]
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("principals.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)
