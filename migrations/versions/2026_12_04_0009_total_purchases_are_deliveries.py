"""customers: total_purchases becomes Σ of the customer's deliveries

It was Σ total of open and delivered orders + Σ delivered of cancelled ones, counted when an
order was placed. A customer's purchases are now what was delivered (the purchase history lists
orders with something delivered, at their delivered amount), so the stored total is re-derived
from the deliveries; from here on a delivery adds to it. Decision: docs/decisions/orders.md.

No schema change. Downgrade writes the former formula back.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE customers SET total_purchases = COALESCE("
        "(SELECT SUM(d.amount) FROM deliveries d WHERE d.customer_id = customers.id), 0)"
        " WHERE total_purchases <> COALESCE("
        "(SELECT SUM(d.amount) FROM deliveries d WHERE d.customer_id = customers.id), 0)"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE customers SET total_purchases = COALESCE("
        "(SELECT SUM(CASE WHEN o.status = 'cancelled' THEN o.delivered_amount ELSE o.total END)"
        " FROM orders o WHERE o.customer_id = customers.id"
        " AND o.status IN ('open', 'delivered', 'cancelled')), 0)"
    )
