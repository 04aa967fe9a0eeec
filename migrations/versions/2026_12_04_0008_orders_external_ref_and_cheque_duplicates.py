"""orders: the POS's external reference; cheques: a key that keeps one cheque recorded once

``orders.external_ref`` (the POS's own reference of a sale) with a unique index on
(external_ref, created_by_id): one principal never sends the same reference for two orders.

``cheques.duplicate_key`` is bank, branch, account and cheque number normalised
(``custledger.payments.cheques.duplicate_key``) under a unique index. Data recorded before the
rule may already hold the same cheque twice: the earliest copy (lowest id) gets the key, the
later copies keep a null key (they stay as recorded, history is not rewritten; nulls never
collide in a unique index), so the migration cannot fail on them. Decision:
docs/decisions/orders.md.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from custledger.payments.cheques import duplicate_key

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def _fill_cheque_keys() -> None:
    connection = op.get_bind()
    cheques = sa.table(
        "cheques",
        sa.column("id", sa.Integer),
        sa.column("bank", sa.String),
        sa.column("branch", sa.String),
        sa.column("account", sa.String),
        sa.column("cheque_number", sa.String),
        sa.column("duplicate_key", sa.String),
    )
    seen: set[str] = set()
    updates: list[dict[str, object]] = []
    rows = connection.execute(
        sa.select(
            cheques.c.id, cheques.c.bank, cheques.c.branch, cheques.c.account,
            cheques.c.cheque_number,
        ).order_by(cheques.c.id)
    )  # fmt: skip
    for row in rows.all():
        key = duplicate_key(row.bank, row.branch, row.account, row.cheque_number)
        if key in seen:
            continue  # a later copy of a cheque already recorded: left without a key
        seen.add(key)
        updates.append({"row_id": row.id, "key": key})
    statement = (
        cheques.update()
        .where(cheques.c.id == sa.bindparam("row_id"))
        .values(duplicate_key=sa.bindparam("key"))
    )
    for start in range(0, len(updates), BATCH):
        connection.execute(statement, updates[start : start + BATCH])


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("external_ref", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_orders_external_ref", "orders", ["external_ref", "created_by_id"], unique=True
    )
    with op.batch_alter_table("cheques") as batch:
        batch.add_column(sa.Column("duplicate_key", sa.String(length=80), nullable=True))
    _fill_cheque_keys()
    op.create_index("uq_cheques_duplicate_key", "cheques", ["duplicate_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_cheques_duplicate_key", table_name="cheques")
    with op.batch_alter_table("cheques") as batch:
        batch.drop_column("duplicate_key")
    op.drop_index("uq_orders_external_ref", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("external_ref")
