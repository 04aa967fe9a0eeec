"""On PostgreSQL every search runs on an index of the folded search column (the grams index when
a word has four characters or more and none has three, else the trigram index) and the default
listing on the listing index (checked with EXPLAIN on 20,000 customers)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import asyncpg

from custledger.customers import repository
from custledger.customers.repository import CustomerFilters
from tests.customers.helpers import CPF, bulk_insert, customer_row, main_store_id

pytestmark = pytest.mark.postgres

GRAMS = "ix_customers_search_grams"
TRIGRAMS = "ix_customers_search_text_trgm"


@pytest.fixture(autouse=True)
def _no_kept_estimates():
    """Estimates kept from another test's data would answer for this one's."""
    repository._estimates.clear()


FIRST = ["José", "Maria", "Ana", "João", "Antônio", "Carlos", "Luíza", "Sebastião"]
LAST = ["Silva", "Santos", "Oliveira", "Souza", "Conceição", "Araújo", "Carvalho", "Lima"]


async def _plan(session, query) -> str:
    sql = str(query.compile(dialect=asyncpg.dialect(), compile_kwargs={"literal_binds": True}))
    rows = (await session.execute(text("EXPLAIN " + sql))).scalars().all()
    return "\n".join(rows)


async def _arrange(session, count: int) -> None:
    """``count`` ordinary customers and a handful the tests look for."""
    store_id = await main_store_id(session)
    rows = [
        customer_row(
            10_000 + i,
            f"{FIRST[i % 8]} {LAST[(i // 8) % 8]} {LAST[(i // 64) % 8]}",
            store_id,
            phone=f"({11 + i % 80}) 9{i % 10_000:04d}-{(i * 7) % 10_000:04d}",
            email=f"c{i}@example.com",
            city="Belo Horizonte",
            active=i % 5 != 0,
        )
        for i in range(count)
    ]
    rows += [
        customer_row(90_000, "Quintanilha Brandão", store_id, phone="(48) 3344-5566"),
        customer_row(90_001, "Zuleica Quintanilha", store_id, tax_id=CPF),
    ]
    for start in range(0, len(rows), 5_000):
        await bulk_insert(session, rows[start : start + 5_000])
    await session.execute(text("ANALYZE customers"))
    await session.commit()


def _query(kind: str, filters: CustomerFilters, sort: str | None = None, **keys):
    """The page query of ``kind`` with its values bound: limit 51, window 8,000."""
    shape, params = repository.shape_of(filters, sort, indexed=True)
    params |= {"limit": 51, "window": repository.SEARCH_WINDOW}
    if kind == "search":
        query = repository.search_query(shape, None)
    elif kind == "window":
        query = repository.window_query(shape, False)
    else:
        params |= {"after_value": "maria", "after_id": 5}
        query = repository.list_query(shape, True, True)
    wanted = query.compile().params.keys()
    return query.params({k: v for k, v in params.items() if k in wanted})


async def test_search_and_listing_use_their_indexes(session):
    await _arrange(session, 20_000)

    # The search words are served by an index (forced: no sequential scan): the grams index
    # when a word has four characters or more and none three, and then not the trigram index
    # too (whose candidates would make PostgreSQL recompute the grams of each), else the
    # trigram index.
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    for q, index in (
        ("carvalho", GRAMS),
        ("conceicao joao", GRAMS),
        ("jo lima", GRAMS),
        ("ana lima", TRIGRAMS),  # a word of three characters narrows only there
        ("3190", GRAMS),
        ("529.982", GRAMS),
        ("C123@EXAMPLE", GRAMS),
        ("ana", TRIGRAMS),
        ("ana jos", TRIGRAMS),
        ("319", TRIGRAMS),
    ):
        plan = await _plan(session, _query("search", CustomerFilters(q=q)))
        other = TRIGRAMS if index == GRAMS else GRAMS
        assert index in plan and other not in plan, (q, plan)
        # Nor are the grams of each candidate computed again to filter it (0.1 ms a row), an
        # all-digit search ORed with the customer number included ("3190").
        filters = [line for line in plan.splitlines() if "Filter:" in line]
        assert not any("search_grams" in line for line in filters), (q, plan)
    await session.rollback()

    # The page query of a search reads its matches through an index (a word common enough may
    # be a sequential scan of this small table), never by walking the listing index and
    # filtering row by row, which reads most of the table when the matches are few and late
    # in the alphabet.
    for q in ("quintanilha", "brandao", "48 3344", "529.982.247", "c1234@", "maria", "silva"):
        for sort in (None, "name", "-created_at"):
            plan = await _plan(session, _query("search", CustomerFilters(q=q), sort))
            assert "ix_customers_listing" not in plan, (q, sort, plan)
            if q not in ("maria", "silva"):
                assert GRAMS in plan, (q, sort, plan)

    # Before that, a search of words reads a window of the listing index in order, index-only
    # (the index carries the search text).
    plan = await _plan(session, _query("window", CustomerFilters(q="maria lima")))
    assert "Index Only Scan using ix_customers_listing" in plan, plan

    # The default listing reads the listing index in order from the cursor: no sort.
    plan = await _plan(session, _query("list", CustomerFilters()))
    assert "ix_customers_listing" in plan, plan
    assert "Sort" not in plan, plan


async def test_a_search_reads_the_window_only_when_the_planner_expects_it_to_fill(session):
    await _arrange(session, 20_000)

    async def window_first(q: str, limit: int = 20) -> bool:
        shape, params = repository.shape_of(CustomerFilters(q=q), None, indexed=True)
        return await repository.window_may_fill(session, shape, params, limit)

    # One customer in eight is a Maria, one in four has a Lima: thousands of matches, so the
    # first 8,000 customers in order hold a page of them.
    assert await window_first("maria")
    assert await window_first("maria lima")
    assert await window_first("silva", limit=200)
    # Two customers match: the window would be read for nothing.
    assert not await window_first("quintanilha")
    assert not await window_first("zuleica quinta")
    assert not await window_first("maria quintanilha")


async def test_an_estimate_is_kept_for_the_same_search_until_its_time_is_up(session, monkeypatch):
    await _arrange(session, 20_000)

    async def window_first(q: str) -> bool:
        shape, params = repository.shape_of(CustomerFilters(q=q), None, indexed=True)
        return await repository.window_may_fill(session, shape, params, 20)

    assert await window_first("maria")
    # Every Maria goes: PostgreSQL's statistics no longer expect any.
    await session.execute(
        text("UPDATE customers SET search_text = replace(search_text, 'maria', 'mxria')")
    )
    await session.execute(text("ANALYZE customers"))
    await session.commit()
    assert not await window_first("maria lima")  # a new search asks the planner
    assert await window_first("maria")  # the kept estimate answers
    monkeypatch.setattr(repository, "ESTIMATE_SECONDS", 0.0)
    assert not await window_first("maria")


async def test_a_text_holds_the_grams_of_every_word_it_holds(session):
    """The grams index loses no match: the grams of any word found in a search text (where
    the text's words begin or end, among accents folded away, digits and punctuation, in
    other scripts) are among the text's grams."""
    texts = [
        "jose conceicao da silva jose.silva@example.com 31998765432 52998224725",
        "maria-jose d'avila & filhos ltda (31) 3344-5566",
        "zuleica quintanilha brandao иван петров 東京都港区",
    ]
    pairs = [
        (t, t[i:j])
        for t in texts
        for i in range(len(t))
        for j in range(i + repository.GRAM, min(len(t), i + 12) + 1)
        if " " not in t[i:j]
    ]
    found = await session.execute(
        text(
            "SELECT count(*), count(*) FILTER (WHERE search_grams(t) @> search_grams(w))"
            " FROM unnest(CAST(:t AS text[]), CAST(:w AS text[])) AS p(t, w)"
        ),
        {"t": [t for t, _ in pairs], "w": [w for _, w in pairs]},
    )
    pairs_count, held = found.one()
    assert pairs_count == len(pairs) > 300
    assert held == pairs_count


async def test_a_customer_holding_a_words_grams_but_not_the_word_is_not_found(session):
    """The grams say a text may hold a word; the word itself decides."""
    await _arrange(session, 200)
    store_id = await main_store_id(session)
    await bulk_insert(
        session,
        [
            customer_row(95_000, "Andre Ribe Ibei", store_id),  # grams of "ribei", not "ribei"
            customer_row(95_001, "Andre Ribeiro", store_id),
        ],
    )
    await session.commit()
    shape, _ = repository.shape_of(CustomerFilters(q="andr ribei"), None, indexed=True)
    assert shape.grams
    rows = await repository.list_rows(session, CustomerFilters(q="andr ribei"), None, None, 20)
    assert [row["name"] for row in rows] == ["Andre Ribeiro"]
