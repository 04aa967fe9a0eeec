"""customers: the search text no longer holds the city

``q`` matches name, trade name, contact, e-mail, phone and tax id. The city was in the search
text too, so a search for the name "paulo" also found every customer living in São Paulo: at
1,000,000 customers ``paul rodri`` matched 11,511 customers, 150 of them by name or e-mail.
Every customer's search text is rebuilt here as ``customers.service.search_text_of`` now
writes it (quick-sale customers keep theirs empty).

On PostgreSQL the two indexes over the search text are dropped first and built again after
(one index build instead of a trigram index write per customer), once the replaced row
versions are vacuumed away. Measured on the benchmark database (1,000,000 customers): see
docs/performance.md.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from custledger.kit.text import digits, fold

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 10_000
LISTING = "ix_customers_listing"
TRIGRAM = "ix_customers_search_text_trgm"

customers = sa.table(
    "customers",
    sa.column("id", sa.BigInteger),
    sa.column("is_quick_sale", sa.Boolean),
    sa.column("name", sa.String),
    sa.column("trade_name", sa.String),
    sa.column("contact", sa.String),
    sa.column("email", sa.String),
    sa.column("city", sa.String),
    sa.column("phone", sa.String),
    sa.column("tax_id", sa.String),
    sa.column("search_text", sa.Text),
)


def search_text(row: sa.Row[tuple[object, ...]], *, with_city: bool) -> str:
    fields = [row.name, row.trade_name, row.contact, row.email]
    if with_city:
        fields.append(row.city)
    words = [fold(v) for v in fields if v]
    numbers = [n for n in (digits(row.phone), row.tax_id or "") if n]
    return " ".join([*words, *numbers])


def rebuild(*, with_city: bool) -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        # IF EXISTS: a run stopped after the commit below is run again from the start.
        op.execute(f"DROP INDEX IF EXISTS {LISTING}")
        op.execute(f"DROP INDEX IF EXISTS {TRIGRAM}")
    change = (
        sa.update(customers)
        .where(customers.c.id == sa.bindparam("row_id"))
        .values(search_text=sa.bindparam("text"))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(customers)
            .where(customers.c.id > last, customers.c.is_quick_sale == sa.false())
            .order_by(customers.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        changed = [
            {"row_id": row.id, "text": text}
            for row in rows
            if (text := search_text(row, with_city=with_city)) != row.search_text
        ]
        if changed:
            bind.execute(change, changed)
        last = rows[-1].id
    if postgres:
        # The replaced row versions go before the indexes are built: built in the transaction
        # that replaced them, each index would keep an entry for both versions of every row.
        with op.get_context().autocommit_block():
            op.execute("VACUUM customers")
        op.create_index(
            LISTING,
            "customers",
            ["is_quick_sale", "active", "sort_name", "id"],
            postgresql_include=["search_text"],
        )
        op.create_index(
            TRIGRAM,
            "customers",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
            postgresql_with={"fastupdate": "off"},
        )


def upgrade() -> None:
    rebuild(with_city=False)


def downgrade() -> None:
    rebuild(with_city=True)
