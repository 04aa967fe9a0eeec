"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEQUENCES = ("customer_number_seq", "order_number_seq")
COUNTERS = sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger))


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        # Trigram indexes for substring search; a trusted extension since PostgreSQL 13.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name in SEQUENCES:
            op.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START 1")
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "stores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quick_sale_customer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sa.UniqueConstraint("code", name=op.f("uq_stores_code")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("is_quick_sale", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("trade_name", sa.String(length=200), nullable=True),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("address_number", sa.String(length=20), nullable=True),
        sa.Column("complement", sa.String(length=100), nullable=True),
        sa.Column("neighbourhood", sa.String(length=100), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=60), nullable=True),
        sa.Column("postal_code", sa.String(length=20), nullable=True),
        sa.Column("country", sa.String(length=60), nullable=True),
        sa.Column("tax_id", sa.String(length=14), nullable=True),
        sa.Column("legacy_rg_ie", sa.String(length=30), nullable=True),
        sa.Column("legacy_registration", sa.String(length=30), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        sa.Column("credit_limit", sa.BigInteger(), nullable=True),
        sa.Column("next_invoice_date", sa.Date(), nullable=True),
        sa.Column("billing_instructions", sa.Text(), nullable=True),
        sa.Column("production", sa.Boolean(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("credit_reserved", sa.BigInteger(), nullable=False),
        sa.Column("total_purchases", sa.BigInteger(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("sort_name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "credit_limit IS NULL OR credit_limit >= 0", name=op.f("ck_customers_credit_limit")
        ),
        sa.CheckConstraint("credit_reserved >= 0", name=op.f("ck_customers_credit_reserved")),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_customers_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("number", name=op.f("uq_customers_number")),
        sa.UniqueConstraint("tax_id", name=op.f("uq_customers_tax_id")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_customers_created_at", "customers", ["created_at", "id"], unique=False)
    op.create_index(
        "ix_customers_listing",
        "customers",
        ["is_quick_sale", "active", "sort_name", "id"],
        unique=False,
    )
    op.create_index(
        "ix_customers_search_text_trgm",
        "customers",
        ["search_text"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    op.create_index(op.f("ix_customers_store_id"), "customers", ["store_id"], unique=False)
    op.create_index(
        "ix_customers_total_purchases", "customers", ["total_purchases", "id"], unique=False
    )
    with op.batch_alter_table("stores") as batch:
        batch.create_foreign_key(
            "fk_stores_quick_sale_customer_id", "customers", ["quick_sale_customer_id"], ["id"]
        )
    op.create_table(
        "principals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.Column("secret_hash", sa.String(length=255), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column(
            "permissions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("throttled_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'user' AND username IS NOT NULL AND password_hash IS NOT NULL) OR (kind = 'api_client' AND client_id IS NOT NULL AND secret_hash IS NOT NULL)",
            name=op.f("ck_principals_credentials"),
        ),
        sa.CheckConstraint("kind IN ('user', 'api_client')", name=op.f("ck_principals_kind")),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_principals_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principals")),
        sa.UniqueConstraint("client_id", name=op.f("uq_principals_client_id")),
        sa.UniqueConstraint("username", name=op.f("uq_principals_username")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_principals_store_id"), "principals", ["store_id"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["principals.id"], name=op.f("fk_audit_log_principal_id_principals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_log_customer", "audit_log", ["customer_id", "id"], unique=False)
    op.create_index("ix_audit_log_entity", "audit_log", ["entity_type", "entity_id"], unique=False)
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        sa.Column(
            "response_headers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["principals.id"],
            name=op.f("fk_idempotency_keys_principal_id_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint(
            "principal_id", "key", name=op.f("uq_idempotency_keys_principal_id_key")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_idempotency_keys_customer_id", "idempotency_keys", ["customer_id"], unique=False
    )
    op.create_index(
        "ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"], unique=False
    )
    op.create_table(
        "monthly_totals",
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("delivered", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_monthly_totals_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("customer_id", "month", name=op.f("pk_monthly_totals")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=6), server_default="order", nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("delivery_type", sa.String(length=20), nullable=False),
        sa.Column("payment_terms", sa.String(length=6), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("delivered_amount", sa.BigInteger(), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "delivery_type IN ('single', 'partial', 'collected', 'awaiting_collection', 'unspecified')",
            name=op.f("ck_orders_delivery_type"),
        ),
        sa.CheckConstraint(
            "payment_terms IN ('cash', 'credit')", name=op.f("ck_orders_payment_terms")
        ),
        sa.CheckConstraint("kind IN ('quote', 'order')", name=op.f("ck_orders_kind")),
        sa.CheckConstraint(
            "status IN ('quote', 'open', 'delivered', 'cancelled', 'consumed')",
            name=op.f("ck_orders_status"),
        ),
        sa.CheckConstraint(
            "delivered_amount >= 0 AND delivered_amount <= total", name=op.f("ck_orders_delivered")
        ),
        sa.CheckConstraint("total >= 0", name=op.f("ck_orders_total")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["principals.id"], name=op.f("fk_orders_created_by_id_principals")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_orders_store_id_stores")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_orders_customer_placed", "orders", ["customer_id", "placed_on", "id"], unique=False
    )
    op.create_index("ix_orders_customer_status", "orders", ["customer_id", "status"], unique=False)
    op.create_index(op.f("ix_orders_store_id"), "orders", ["store_id"], unique=False)
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.BigInteger(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "method IN ('CASH', 'CHEQUE', 'PIX', 'BOLETO', 'CARD', 'TRANSFER')",
            name=op.f("ck_payments_method"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_payments_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["principals.id"],
            name=op.f("fk_payments_recorded_by_id_principals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_payments_customer_id", "payments", ["customer_id", "id"], unique=False)
    op.create_index(
        "ix_payments_customer_order", "payments", ["customer_id", "order_number"], unique=False
    )
    op.create_index(
        "ix_payments_customer_received",
        "payments",
        ["customer_id", "received_on", "id"],
        unique=False,
    )
    op.create_index(
        "ix_payments_pending_due",
        "payments",
        ["due_date"],
        unique=False,
        postgresql_where="received_on IS NULL",
    )
    op.create_table(
        "cheques",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("predated_to", sa.Date(), nullable=False),
        sa.Column("issuer_tax_id", sa.String(length=14), nullable=False),
        sa.Column("issuer_name", sa.String(length=200), nullable=False),
        sa.Column("bank", sa.String(length=10), nullable=False),
        sa.Column("branch", sa.String(length=10), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.Column("cheque_number", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_cheques_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_cheques_payment_id_payments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cheques")),
        sa.UniqueConstraint("payment_id", name=op.f("uq_cheques_payment_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_cheques_customer_id"), "cheques", ["customer_id"], unique=False)
    op.create_index("ix_cheques_issuer", "cheques", ["issuer_tax_id", "id"], unique=False)
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_deliveries_amount_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["principals.id"],
            name=op.f("fk_deliveries_created_by_id_principals"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_deliveries_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_deliveries_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("order_id", "sequence", name=op.f("uq_deliveries_order_id_sequence")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_deliveries_customer_delivered",
        "deliveries",
        ["customer_id", "delivered_on", "id"],
        unique=False,
    )
    op.bulk_insert(COUNTERS, [{"name": name, "value": 0} for name in SEQUENCES])
    _create_main_store()


def _create_main_store() -> None:
    """A fresh database has one store, MAIN, with its hidden quick-sale customer."""
    bind = op.get_bind()
    now = datetime.now(UTC)
    bind.execute(
        sa.text(
            "INSERT INTO stores (code, name, created_at, updated_at) VALUES ('MAIN', 'Main store', :now, :now)"
        ),
        {"now": now},
    )
    store_id = bind.execute(sa.text("SELECT id FROM stores WHERE code = 'MAIN'")).scalar_one()
    bind.execute(
        sa.text(
            "INSERT INTO customers (store_id, is_quick_sale, name, active, blocked, production, balance,"
            " credit_reserved, total_purchases, search_text, sort_name, version, created_at, updated_at)"
            " VALUES (:store_id, true, 'Quick sale — Main store', true, false, false, 0, 0, 0, '', '', 1, :now, :now)"
        ),
        {"store_id": store_id, "now": now},
    )
    customer_id = bind.execute(
        sa.text("SELECT id FROM customers WHERE store_id = :store_id AND is_quick_sale"),
        {"store_id": store_id},
    ).scalar_one()
    bind.execute(
        sa.text("UPDATE stores SET quick_sale_customer_id = :customer_id WHERE id = :store_id"),
        {"customer_id": customer_id, "store_id": store_id},
    )


def downgrade() -> None:
    op.execute("UPDATE stores SET quick_sale_customer_id = NULL")
    op.drop_index("ix_deliveries_customer_delivered", table_name="deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_cheques_issuer", table_name="cheques")
    op.drop_index(op.f("ix_cheques_customer_id"), table_name="cheques")
    op.drop_table("cheques")
    op.drop_index(
        "ix_payments_pending_due", table_name="payments", postgresql_where="received_on IS NULL"
    )
    op.drop_index("ix_payments_customer_received", table_name="payments")
    op.drop_index("ix_payments_customer_order", table_name="payments")
    op.drop_index("ix_payments_customer_id", table_name="payments")
    op.drop_table("payments")
    op.drop_index(op.f("ix_orders_store_id"), table_name="orders")
    op.drop_index("ix_orders_customer_status", table_name="orders")
    op.drop_index("ix_orders_customer_placed", table_name="orders")
    op.drop_table("orders")
    op.drop_table("monthly_totals")
    op.drop_index("ix_idempotency_keys_expires_at", table_name="idempotency_keys")
    op.drop_index("ix_idempotency_keys_customer_id", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_audit_log_entity", table_name="audit_log")
    op.drop_index("ix_audit_log_customer", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_principals_store_id"), table_name="principals")
    op.drop_table("principals")
    op.drop_index("ix_customers_total_purchases", table_name="customers")
    op.drop_index(op.f("ix_customers_store_id"), table_name="customers")
    op.drop_index(
        "ix_customers_search_text_trgm",
        table_name="customers",
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )
    op.drop_index("ix_customers_listing", table_name="customers")
    op.drop_index("ix_customers_created_at", table_name="customers")
    with op.batch_alter_table("stores") as batch:
        batch.drop_constraint("fk_stores_quick_sale_customer_id", type_="foreignkey")
    op.drop_table("customers")
    op.drop_table("stores")
    op.drop_table("counters")
    if op.get_bind().dialect.name == "postgresql":
        for name in SEQUENCES:
            op.execute(f"DROP SEQUENCE IF EXISTS {name}")
