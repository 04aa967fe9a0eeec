from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from custledger.kit.db import Base, MoneyColumn, TimestampMixin


class Customer(TimestampMixin, Base):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint("credit_limit IS NULL OR credit_limit >= 0", name="credit_limit"),
        CheckConstraint("credit_reserved >= 0", name="credit_reserved"),
        # The default listing: active first, then by folded name. It carries the search text
        # on PostgreSQL so a search can read it in order without the table (migration 0003).
        Index(
            "ix_customers_listing",
            "is_quick_sale",
            "active",
            "sort_name",
            "id",
            postgresql_include=["search_text"],
        ),
        Index("ix_customers_total_purchases", "total_purchases", "id"),
        # The balance sort, and the owing filter in it (migration 0007).
        # On PostgreSQL it carries active and blocked, so the counts of the debtors read it
        # alone.
        Index(
            "ix_customers_balance",
            "is_quick_sale",
            "balance",
            "id",
            postgresql_include=["active", "blocked"],
        ),
        # The owing filter in the default order: the debtors alone, in the listing's order.
        Index(
            "ix_customers_owing_listing",
            "is_quick_sale",
            "active",
            "sort_name",
            "id",
            postgresql_where=text("balance < 0"),
            sqlite_where=text("balance < 0"),
        ),
        Index("ix_customers_created_at", "created_at", "id"),
        # Substring search: a trigram index on PostgreSQL, a plain index elsewhere. Written
        # straight into the index (no pending list that every search would scan; migration
        # 0004).
        Index(
            "ix_customers_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            postgresql_with={"fastupdate": "off"},
        ),
        # On PostgreSQL also an index of the search text's four-character grams, for longer
        # search words (migration 0006; over a function, so not declared here).
        # Room on each page for a new version of its rows: a money write changes no indexed
        # column, so its update of the balance stays on the page and touches no index (HOT).
        {"postgresql_with": {"fillfactor": 90}},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sequential, never reused; quick-sale customers have none.
    number: Mapped[int | None] = mapped_column(unique=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    is_quick_sale: Mapped[bool] = mapped_column(default=False)

    name: Mapped[str] = mapped_column(String(200))
    trade_name: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(200))
    address_number: Mapped[str | None] = mapped_column(String(20))
    complement: Mapped[str | None] = mapped_column(String(100))
    neighbourhood: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(60))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(60))
    # CPF (11 digits) or CNPJ (14 digits), digits only.
    tax_id: Mapped[str | None] = mapped_column(String(14), unique=True)
    legacy_rg_ie: Mapped[str | None] = mapped_column(String(30))
    legacy_registration: Mapped[str | None] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    blocked: Mapped[bool] = mapped_column(default=False)
    # Null: no credit at all.
    credit_limit: Mapped[int | None] = mapped_column(MoneyColumn)
    next_invoice_date: Mapped[date | None]
    billing_instructions: Mapped[str | None] = mapped_column(Text)
    production: Mapped[bool] = mapped_column(default=False)

    # Σ received payments − Σ deliveries; changed only under this row's lock.
    balance: Mapped[int] = mapped_column(MoneyColumn, default=0)
    # Σ undelivered remainder of open credit orders, reserved against the credit limit.
    credit_reserved: Mapped[int] = mapped_column(MoneyColumn, default=0)
    # Σ totals of orders placed (quotes and cancelled orders excluded).
    total_purchases: Mapped[int] = mapped_column(MoneyColumn, default=0)

    # Folded (lower case, no accents) text the search and the name sort run on.
    search_text: Mapped[str] = mapped_column(Text, default="")
    sort_name: Mapped[str] = mapped_column(String(200), default="")
    # Edits of the record (not balance moves) bump it; it is the ETag.
    version: Mapped[int] = mapped_column(default=1)


class CustomerMerge(Base):
    """What a merge leaves behind of its source: which customer it was merged into, so a read of
    the old id can say where the customer went. Kept flat: a merge of a survivor repoints the
    rows that named it. No foreign keys: the source is deleted, and the survivor may be later."""

    __tablename__ = "customer_merges"

    source_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    survivor_id: Mapped[int] = mapped_column(index=True)
    merged_at: Mapped[datetime]
