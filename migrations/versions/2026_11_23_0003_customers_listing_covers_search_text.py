"""customers listing index covers search_text

A search in the default order first reads the next few thousand active customers of the
listing index in order and keeps those whose folded search text holds every word; with
``search_text`` carried in the index (PostgreSQL's INCLUDE) that read is index-only instead
of a heap fetch per customer. SQLite has no INCLUDE and keeps the plain index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_customers_listing"
COLUMNS = ["is_quick_sale", "active", "sort_name", "id"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name="customers")
    op.create_index(INDEX, "customers", COLUMNS, postgresql_include=["search_text"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(INDEX, table_name="customers")
    op.create_index(INDEX, "customers", COLUMNS)
