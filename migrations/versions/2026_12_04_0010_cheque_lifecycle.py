"""cheques: the lifecycle (held, deposited, cleared, returned) and returned cheques as debits

Every cheque gets a status, `held` for the cheques already recorded, and the date and principal
of each step; a returned cheque's reason. The monthly totals get `returned` (Σ cheques returned
in the month, by their return date), so the statement's prefix sums stay a few rows.
Decision: docs/decisions/cheques.md.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STEPS = ("deposited", "cleared", "returned")


def upgrade() -> None:
    with op.batch_alter_table("cheques") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=10), server_default="held", nullable=False)
        )
        for step in _STEPS:
            batch.add_column(sa.Column(f"{step}_on", sa.Date(), nullable=True))
            batch.add_column(sa.Column(f"{step}_by_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(
                op.f(f"fk_cheques_{step}_by_id_principals"), "principals", [f"{step}_by_id"], ["id"]
            )
        batch.add_column(sa.Column("return_reason", sa.Text(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_cheques_status"), "status IN ('held', 'deposited', 'cleared', 'returned')"
        )
    op.create_index("ix_cheques_customer_returned", "cheques", ["customer_id", "returned_on", "id"])
    op.create_index(
        "ix_cheques_status_predated", "cheques", ["status", "predated_to", "payment_id"]
    )
    with op.batch_alter_table("monthly_totals") as batch:
        batch.add_column(sa.Column("returned", sa.BigInteger(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("monthly_totals") as batch:
        batch.drop_column("returned")
    op.drop_index("ix_cheques_status_predated", table_name="cheques")
    op.drop_index("ix_cheques_customer_returned", table_name="cheques")
    with op.batch_alter_table("cheques") as batch:
        batch.drop_constraint(op.f("ck_cheques_status"), type_="check")
        for step in reversed(_STEPS):
            batch.drop_constraint(op.f(f"fk_cheques_{step}_by_id_principals"), type_="foreignkey")
            batch.drop_column(f"{step}_by_id")
            batch.drop_column(f"{step}_on")
        batch.drop_column("return_reason")
        batch.drop_column("status")
