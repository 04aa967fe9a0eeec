"""customers: an index of the search text's four-character grams

A search word of four characters or more is looked up in this index instead of the trigram
index. The trigram index answers a word with the intersection of its trigrams, and in a
population of Brazilian names those are common (``mar``, ``ari`` for ``mari``; ``oli``,
``liv``, ``ive`` for ``olive``: 5-20 % of the customers each), so every name search merged
hundreds of thousands of entries. The four-character grams of the same words are fewer and
rarer (``mari``; ``oliv``, ``live``). Measured on the benchmark database (1,000,000
customers): see docs/performance.md.

``search_grams(text)`` gives the four-character windows of the text that hold no space (a
search word never holds one), each hashed to an integer with PostgreSQL's ``hashtext``. The
search computes the grams of its words with the same function, so the index and the search
cannot disagree; grams that share a hash only cost a candidate that the check of the word
rejects. The index is an expression index over it, written directly (no pending list, as
the trigram index since migration 0004); the table gets no column. Decision:
docs/decisions/customers.md.

PostgreSQL only: SQLite searches without such indexes. The index is built in one pass over
the customers (1 min 49 s at 1,000,000 customers), during which their writes wait.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_customers_search_grams"

GRAMS = """
CREATE FUNCTION search_grams(words text) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(hashtext(gram)), '{}')
  FROM (SELECT substr(words, i, 4) AS gram FROM generate_series(1, length(words) - 3) AS i) AS w
  WHERE strpos(gram, ' ') = 0
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(GRAMS)
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    op.execute(
        f"CREATE INDEX {INDEX} ON customers USING gin (search_grams(search_text))"
        " WITH (fastupdate = off)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"DROP INDEX {INDEX}")
    op.execute("DROP FUNCTION search_grams(text)")
