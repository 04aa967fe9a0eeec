"""customers: room for HOT updates; the trigram index written directly

Every money write updates its customer's balance. With the pages packed full (fillfactor 100)
such an update moves the row to another page and adds an entry to each of the table's eight
indexes; the trigram index keeps those in a pending list (GIN's ``fastupdate``) that every
search then scans in full, up to 4 MB, until VACUUM merges it. Measured on the benchmark
database after a benchmark run: 406 pending pages; the search query for ``mari olive`` took
21 ms with them and 12-14 ms without.

- ``fillfactor = 90`` leaves room on each page, so a balance update (no indexed column
  changes) stays on its page and writes no index entry (a heap-only tuple). Existing pages
  gain that room as their rows are next moved.
- ``fastupdate = off`` on the trigram index: the updates that do change indexed columns (an
  edit, a delivery's total purchases) write their trigrams into the index at once; searches
  never scan a pending list. What is pending now is merged here.

PostgreSQL only: SQLite has neither setting.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGRAM_INDEX = "ix_customers_search_text_trgm"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE customers SET (fillfactor = 90)")
    op.execute(f"ALTER INDEX {TRIGRAM_INDEX} SET (fastupdate = off)")
    op.execute(f"SELECT gin_clean_pending_list('{TRIGRAM_INDEX}')")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER INDEX {TRIGRAM_INDEX} RESET (fastupdate)")
    op.execute("ALTER TABLE customers RESET (fillfactor)")
