"""deliveries index covers amount

The receivables ageing walks every debtor's deliveries in (customer_id, delivered_on, id)
order and needs only their amounts: with ``amount`` carried in the index (PostgreSQL's
INCLUDE) that walk is an index-only scan instead of a heap fetch per delivery. SQLite has no
INCLUDE and keeps the plain index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_deliveries_customer_delivered"
COLUMNS = ["customer_id", "delivered_on", "id"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name="deliveries")
    op.create_index(INDEX, "deliveries", COLUMNS, postgresql_include=["amount"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name="deliveries")
    op.create_index(INDEX, "deliveries", COLUMNS)
