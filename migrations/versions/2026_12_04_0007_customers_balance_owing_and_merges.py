"""customers: indexes for the balance sort and the owing filter; where merged customers went

- ``ix_customers_balance`` (is_quick_sale, balance, id; on PostgreSQL including active and
  blocked): ``sort=balance|-balance`` read in index order with keyset pages, ``owing=true``
  with that sort as a range of it, and the counts of the debtors from the index alone.
- ``ix_customers_owing_listing``: the listing index (is_quick_sale, active, sort_name, id) of
  the debtors alone (``WHERE balance < 0``), so ``owing=true`` in the default order and the
  ``owing`` count read only the customers who owe.
- ``customer_merges``: each merged-away customer's id and the survivor's, so a read of the old
  id answers 404 ``customer-merged`` naming where it went. Filled from the audit entries of
  earlier merges (each records ``merged_into``), flattened to the last survivor.

An index over ``balance`` makes a balance update write index entries (no longer heap-only):
the cost is measured in docs/performance.md.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_customers_balance",
        "customers",
        ["is_quick_sale", "balance", "id"],
        unique=False,
        postgresql_include=["active", "blocked"],
    )
    op.create_index(
        "ix_customers_owing_listing",
        "customers",
        ["is_quick_sale", "active", "sort_name", "id"],
        unique=False,
        postgresql_where=sa.text("balance < 0"),
        sqlite_where=sa.text("balance < 0"),
    )
    merges = op.create_table(
        "customer_merges",
        sa.Column("source_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_customer_merges")),
    )
    op.create_index(
        op.f("ix_customer_merges_survivor_id"), "customer_merges", ["survivor_id"], unique=False
    )
    _backfill(merges)


def _backfill(merges: sa.Table) -> None:
    """The merges made before this table, from their audit entries (oldest first)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT entity_id, changes, occurred_at FROM audit_log "
            "WHERE action = 'customer.merge' AND entity_id = customer_id ORDER BY id"
        )
    ).all()
    survivor_of: dict[int, int] = {}
    merged_at: dict[int, datetime] = {}
    for source_id, changes, occurred_at in rows:
        values = json.loads(changes) if isinstance(changes, str) else changes
        survivor = (values or {}).get("merged_into")
        if not isinstance(survivor, int):
            continue
        for source, target in survivor_of.items():
            if target == source_id:
                survivor_of[source] = survivor
        survivor_of[source_id] = survivor
        if isinstance(occurred_at, str):  # SQLite hands back text
            occurred_at = datetime.fromisoformat(occurred_at)
        merged_at[source_id] = occurred_at or datetime.now(UTC)
    if survivor_of:
        op.bulk_insert(
            merges,
            [
                {"source_id": s, "survivor_id": t, "merged_at": merged_at[s]}
                for s, t in survivor_of.items()
            ],
        )


def downgrade() -> None:
    op.drop_index(op.f("ix_customer_merges_survivor_id"), table_name="customer_merges")
    op.drop_table("customer_merges")
    op.drop_index(
        "ix_customers_owing_listing",
        table_name="customers",
        postgresql_where=sa.text("balance < 0"),
        sqlite_where=sa.text("balance < 0"),
    )
    op.drop_index("ix_customers_balance", table_name="customers")
